/** The package's modified `elastic_transform` corruption (spatial: the truth moves with the image). */
import { blendBilinear } from '../kernels/bilinear.js'
import { reflectIndex } from '../kernels/border.js'
import { separableFilter } from '../kernels/convolve.js'
import { gaussianKernel } from '../kernels/gaussian.js'
import { createRng } from '../random.js'
import { corruption } from './corruption.js'

/**
 * The displacement field of the package's `elastic_transform` (its modified version): uniform noise
 * `U(−0.005·H, 0.005·H)` per pixel, Gaussian-smoothed with σ = 0.01·(H, W) (scipy 'reflect', truncate 3),
 * times α. dx (columns) is drawn first, then dy (rows). Row-major.
 */
export function corruptionElasticField(
  width: number,
  height: number,
  alpha: number,
  seed: number,
): { dx: Float64Array; dy: Float64Array } {
  const rng = createRng(seed)
  const maxD = 0.005 * height
  const kx = gaussianKernel(0.01 * width, 3)
  const ky = gaussianKernel(0.01 * height, 3)
  const field = (): Float64Array => {
    const u = new Float32Array(width * height)
    for (let i = 0; i < u.length; i++) u[i] = (2 * rng.next() - 1) * maxD
    const s = separableFilter({ width, height, channels: 1, data: u }, kx, ky, reflectIndex)
    for (let i = 0; i < s.length; i++) s[i] = (s[i] as number) * alpha
    return s
  }
  const dx = field()
  const dy = field()
  return { dx, dy }
}

/** α per severity: 250·(.05 .065 .085 .1 .12). */
const ELASTIC_ALPHA = [0.05, 0.065, 0.085, 0.1, 0.12].map((a) => 250 * a)

/** `elastic_transform`: α = 250·(.05 .065 .085 .1 .12); spatial (the truth moves with the same field). */
export const elastic = corruption(
  'elastic',
  ELASTIC_ALPHA,
  (img, alpha, o) => {
    // scipy map_coordinates(order=1, mode='reflect') at (y + dy, x + dx).
    const { width: W, height: H, channels: C, data: src } = img
    const { dx, dy } = corruptionElasticField(W, H, alpha, o.seed)
    const out = new Float64Array(src.length)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const u = x + (dx[i] as number)
        const v = y + (dy[i] as number)
        const x0 = Math.floor(u)
        const y0 = Math.floor(v)
        const fx = u - x0
        const fy = v - y0
        const xa = reflectIndex(x0, W)
        const xb = reflectIndex(x0 + 1, W)
        const ya = reflectIndex(y0, H)
        const yb = reflectIndex(y0 + 1, H)
        for (let ch = 0; ch < C; ch++) {
          const a = src[(ya * W + xa) * C + ch] as number
          const b = src[(ya * W + xb) * C + ch] as number
          const c = src[(yb * W + xa) * C + ch] as number
          const d = src[(yb * W + xb) * C + ch] as number
          out[i * C + ch] = blendBilinear(a, b, c, d, fx, fy)
        }
      }
    }
    return out
  },
  (mask, alpha, o) => {
    // Nearest (map_coordinates order 0 rounds half up) with the same reflect rule.
    const { width: W, height: H, data: src } = mask
    const { dx, dy } = corruptionElasticField(W, H, alpha, o.seed)
    const out = src instanceof Uint16Array ? new Uint16Array(src.length) : new Uint8Array(src.length)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const xi = reflectIndex(Math.floor(x + (dx[i] as number) + 0.5), W)
        const yi = reflectIndex(Math.floor(y + (dy[i] as number) + 0.5), H)
        out[i] = src[yi * W + xi] as number
      }
    }
    return { ...mask, data: out }
  },
)
