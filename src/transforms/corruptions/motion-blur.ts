/** The package's own `motion_blur` corruption (a one-sided Gaussian line kernel at a seeded angle). */
import type { Raster } from '../../core/types.js'
import { clampIndex } from '../kernels/border.js'
import { createRng } from '../random.js'
import { corruption } from './corruption.js'

/**
 * The package's `_motion_blur` on an interleaved raster: a one-sided Gaussian line kernel of width 2r + 1 at
 * `angle` (radians); `out = Σ_i k[i]·shift(x, dx_i, dy_i)` with edge replication, `dx_i = −ceil(i·cos a − 0.5)`,
 * `dy_i = −ceil(i·sin a − 0.5)`, stopping where a shift reaches the image size. Unclipped.
 */
export function lineBlur(img: Raster, radius: number, sigma: number, angle: number): Float64Array {
  const width = 2 * radius + 1
  const k = new Float64Array(width)
  let sum = 0
  for (let i = 0; i < width; i++) {
    k[i] = Math.exp(-(i * i) / (2 * sigma * sigma))
    sum += k[i] as number
  }
  const { width: W, height: H, channels: C, data: src } = img
  const out = new Float64Array(src.length)
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil(i * Math.sin(angle) - 0.5)
    const dx = -Math.ceil(i * Math.cos(angle) - 0.5)
    if (Math.abs(dy) >= H || Math.abs(dx) >= W) break
    const w = (k[i] as number) / sum
    // shift(): out(x, y) = in(clamp(x − dx), clamp(y − dy)).
    for (let y = 0; y < H; y++) {
      const sy = clampIndex(y - dy, H)
      for (let x = 0; x < W; x++) {
        const s = (sy * W + clampIndex(x - dx, W)) * C
        const d = (y * W + x) * C
        for (let ch = 0; ch < C; ch++) out[d + ch] = (out[d + ch] as number) + w * (src[s + ch] as number)
      }
    }
  }
  return out
}

/**
 * `motion_blur` (the package's own, not ImageMagick): {@link lineBlur} at a seeded angle `U(−45°, 45°)`;
 * (r, σ) = (10,3) (15,5) (15,8) (15,12) (20,15).
 */
export const motionBlur = corruption(
  'motionBlur',
  [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ] as const,
  (img, [radius, sigma], o) => lineBlur(img, radius, sigma, (createRng(o.seed).next() * 90 - 45) * (Math.PI / 180)),
)
