/**
 * The exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012) in 2D and 3D with spacing: two or
 * three separable passes of the 1D lower envelope of parabolas.
 */
import { SegsenseError } from '../core/errors.js'
import { checkSpacing } from '../core/raster.js'
import { checkDims, checkSize, checkSpacing3 } from './grid-checks.js'

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every pixel, the squared
 * distance to the nearest pixel where `feature` is non-zero, with pixel spacing (x, y); Infinity when there is
 * no feature pixel. Two separable passes of the 1D lower envelope of parabolas, O(width·height).
 *
 * @example
 * Math.sqrt(squaredDistanceTransform(feature, 6, 5, [1, 1.5])[0]) // distance of pixel (0, 0)
 */
export function squaredDistanceTransform(
  feature: ArrayLike<number>,
  width: number,
  height: number,
  spacing: readonly [number, number] = [1, 1],
): Float64Array {
  checkSize(width, height)
  if (feature.length !== width * height)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `squaredDistanceTransform: feature has ${feature.length} values, expected width * height = ${width * height}`,
    )
  const [sx, sy] = checkSpacing(spacing, 'squaredDistanceTransform spacing') ?? [1, 1]
  return edt(feature, [width, height, 1], [sx, sy, 1])
}

/**
 * The 3D twin of {@link squaredDistanceTransform} for a volume (i fastest, then j, then k, as `Volume` stores it):
 * the squared distance of every voxel to the nearest non-zero voxel of `feature`, with voxel spacing [i, j, k] (mm);
 * Infinity when there is none. The same exact algorithm run separably along each axis in turn, O(voxels).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when `feature` does not hold `dims[0]·dims[1]·dims[2]` values,
 *   `E_BAD_PARAMETER` for bad dims or spacing.
 * @example
 * Math.sqrt(squaredDistanceTransform3d(feature, [64, 64, 20], [1, 1, 2.5])[0]) // mm from voxel (0, 0, 0)
 */
export function squaredDistanceTransform3d(
  feature: ArrayLike<number>,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number] = [1, 1, 1],
): Float64Array {
  checkDims(dims, 'squaredDistanceTransform3d dims')
  const n = dims[0] * dims[1] * dims[2]
  if (feature.length !== n)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `squaredDistanceTransform3d: feature has ${feature.length} values, expected dims[0] * dims[1] * dims[2] = ${n}`,
    )
  return edt(feature, dims, checkSpacing3(spacing, 'squaredDistanceTransform3d spacing'))
}

/** Separable EDT over a [nx, ny, nz] grid (x fastest): the 1D envelope along each axis of length > 1 in turn. */
export function edt(
  feature: ArrayLike<number>,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): Float64Array {
  const [nx, ny, nz] = dims
  const g = new Float64Array(nx * ny * nz)
  for (let i = 0; i < g.length; i++) g[i] = feature[i] ? 0 : Number.POSITIVE_INFINITY
  const n = Math.max(nx, ny, nz)
  const line = new Float64Array(n)
  const out = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  const strides = [1, nx, nx * ny] as const
  for (let axis = 0; axis < 3; axis++) {
    const len = dims[axis] as number
    if (len === 1) continue
    const stride = strides[axis] as number
    const s = spacing[axis] as number
    // Every line along `axis` starts at a voxel whose coordinate on that axis is 0.
    for (let k = 0; k < nz; k++) {
      if (axis === 2 && k > 0) break
      for (let j = 0; j < ny; j++) {
        if (axis === 1 && j > 0) break
        for (let i = 0; i < nx; i++) {
          if (axis === 0 && i > 0) break
          const start = (k * ny + j) * nx + i
          for (let q = 0, at = start; q < len; q++, at += stride) line[q] = g[at]!
          envelope(line, len, s, out, v, z)
          for (let q = 0, at = start; q < len; q++, at += stride) g[at] = out[q]!
        }
      }
    }
  }
  return g
}

// 1D squared distance along a line of n samples at spacing s: the lower envelope of the parabolas rooted at the
// finite samples of f (only those enter, so a line with no feature stays Infinity).
function envelope(f: Float64Array, n: number, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  const s2 = s * s
  let k = -1
  for (let q = 0; q < n; q++) {
    const fq = f[q]!
    if (fq === Number.POSITIVE_INFINITY) continue
    if (k < 0) {
      k = 0
      v[0] = q
      z[0] = Number.NEGATIVE_INFINITY
      z[1] = Number.POSITIVE_INFINITY
      continue
    }
    let p = v[k]!
    let x = (fq + q * q * s2 - (f[p]! + p * p * s2)) / (2 * s2 * (q - p))
    while (x <= z[k]!) {
      k--
      p = v[k]!
      x = (fq + q * q * s2 - (f[p]! + p * p * s2)) / (2 * s2 * (q - p))
    }
    k++
    v[k] = q
    z[k] = x
    z[k + 1] = Number.POSITIVE_INFINITY
  }
  if (k < 0) {
    out.fill(Number.POSITIVE_INFINITY, 0, n)
    return
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    const p = v[k]!
    const d = (q - p) * s
    out[q] = d * d + f[p]!
  }
}
