/**
 * Elastic deformation with TorchIO v1 `ElasticDeformation` semantics: a seeded cubic B-spline
 * displacement field; spatial (the truth is deformed with the same field).
 */
import type { LabelMap } from '../core/types.js'
import { copyRaster } from './kernels/channels.js'
import { gridSampleLabels, gridSampleMinFill } from './kernels/grid-sample.js'
import { type CoordinateFunction } from './kernels/sampling.js'
import { defineTransform, type Transform } from './transform.js'
import { checkSeed, createRng } from './random.js'
import { checkInteger, checkNumber } from './validate.js'

/** Options of {@link elastic}. */
export interface ElasticOptions {
  /** Seed of the control-point field (integer 0..2^32−1). Default 0. */
  readonly seed: number
  /** Control points per axis (>= 4; TorchIO default 7). */
  readonly controlPoints: number
  /** Outer layers of control points held at zero (TorchIO default 2). */
  readonly lockedBorders: number
}

/** Cubic B-spline basis β³(t). */
function bspline3(t: number): number {
  const a = Math.abs(t)
  if (a < 1) return 2 / 3 - a * a + (a * a * a) / 2
  if (a < 2) return ((2 - a) * (2 - a) * (2 - a)) / 6
  return 0
}

/**
 * The dense displacement field (dx, dy) in px of TorchIO's `ElasticDeformation` for a W x H image:
 * control values `maxDisplacement·U(−1, 1)` (seeded; outer `lockedBorders` layers zero) on an n x n grid
 * with spacing Δ = size/(n − 3), point k at `−0.5 + (k − 1)·Δ`, interpolated by tensor-product cubic
 * B-splines. Each returned array is row-major (y·W + x).
 */
export function elasticField(
  width: number,
  height: number,
  maxDisplacement: number,
  o: ElasticOptions,
): { dx: Float64Array; dy: Float64Array } {
  const n = o.controlPoints
  const rng = createRng(o.seed)
  const cx = new Float64Array(n * n)
  const cy = new Float64Array(n * n)
  // Draw every value (locked or not) so that a point's value does not depend on lockedBorders.
  for (let kx = 0; kx < n; kx++) {
    for (let ky = 0; ky < n; ky++) {
      const ux = 2 * rng.next() - 1
      const uy = 2 * rng.next() - 1
      const locked =
        kx < o.lockedBorders || ky < o.lockedBorders || kx >= n - o.lockedBorders || ky >= n - o.lockedBorders
      cx[kx * n + ky] = locked ? 0 : ux * maxDisplacement
      cy[kx * n + ky] = locked ? 0 : uy * maxDisplacement
    }
  }
  const weights = (size: number): Float64Array => {
    const delta = size / (n - 3)
    const w = new Float64Array(size * n)
    for (let p = 0; p < size; p++)
      for (let k = 0; k < n; k++) w[p * n + k] = bspline3((p - (-0.5 + (k - 1) * delta)) / delta)
    return w
  }
  const bx = weights(width)
  const by = weights(height)
  // Separable evaluation: first along x for every ky, then along y.
  const gx = new Float64Array(n * width)
  const gy = new Float64Array(n * width)
  for (let ky = 0; ky < n; ky++) {
    for (let x = 0; x < width; x++) {
      let sx = 0
      let sy = 0
      for (let kx = 0; kx < n; kx++) {
        const w = bx[x * n + kx] as number
        if (w === 0) continue
        sx += w * (cx[kx * n + ky] as number)
        sy += w * (cy[kx * n + ky] as number)
      }
      gx[ky * width + x] = sx
      gy[ky * width + x] = sy
    }
  }
  const dx = new Float64Array(width * height)
  const dy = new Float64Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let ky = 0; ky < n; ky++) {
      const w = by[y * n + ky] as number
      if (w === 0) continue
      for (let x = 0; x < width; x++) {
        dx[y * width + x] = (dx[y * width + x] as number) + w * (gx[ky * width + x] as number)
        dy[y * width + x] = (dy[y * width + x] as number) + w * (gy[ky * width + x] as number)
      }
    }
  }
  return { dx, dy }
}

/** The coordinate map `p -> p + d(p)` of a dense displacement field. */
function displacementMap(width: number, dx: Float64Array, dy: Float64Array): CoordinateFunction {
  return (x, y, out) => {
    const i = y * width + x
    out[0] = x + (dx[i] as number)
    out[1] = y + (dy[i] as number)
  }
}

/**
 * Elastic deformation (TorchIO v1 `ElasticDeformation`): `out(p) = in(p + d(p))` with a seeded cubic
 * B-spline displacement field; the parameter is the maximum control-point displacement in px (TorchIO
 * takes mm; 0 = unchanged). Spatial: the truth is deformed with the same field (nearest, outside =
 * background); images are resampled bilinearly with min(channel) outside. The same seed gives the same
 * field shape at every parameter value, so a sweep scales one deformation.
 */
export const elastic: Transform<ElasticOptions> = defineTransform<ElasticOptions>({
  name: 'elastic',
  parameter: {
    name: 'maxDisplacement',
    unit: 'px',
    neutral: 0,
    scale: 'linear',
    defaultRange: [0, 10],
    defaultStep: 1,
  },
  spatial: true,
  random: true,
  options: { seed: 0, controlPoints: 7, lockedBorders: 2 },
  validate: (o) => {
    checkSeed(o.seed, 'elastic: option seed')
    checkInteger('elastic', 'option controlPoints', o.controlPoints, 4, 100)
    checkInteger('elastic', 'option lockedBorders', o.lockedBorders, 0)
  },
  image: (img, value, o) => {
    const d = checkNumber('elastic', 'maxDisplacement', value)
    if (d === 0) return copyRaster(img)
    const { dx, dy } = elasticField(img.width, img.height, d, o)
    return gridSampleMinFill(img, displacementMap(img.width, dx, dy))
  },
  labels: (mask: LabelMap, value, o) => {
    const d = checkNumber('elastic', 'maxDisplacement', value)
    if (d === 0) return { ...mask, data: mask.data.slice() }
    const { dx, dy } = elasticField(mask.width, mask.height, d, o)
    return gridSampleLabels(mask, displacementMap(mask.width, dx, dy), { mode: 'nearest', padding: 'zeros' })
  },
})
