/** The `glass_blur` corruption: Gaussian blur, a local pixel shuffle, Gaussian blur again. */
import type { Raster } from '../../core/types.js'
import { clampIndex } from '../kernels/border.js'
import { separableFilter } from '../kernels/convolve.js'
import { gaussianKernel } from '../kernels/gaussian.js'
import { createRng, type Rng } from '../random.js'
import { corruption } from './corruption.js'

/**
 * The package's shuffle in place on interleaved uint8 levels: `iterations` sweeps over rows h = H − δ … δ + 1
 * and columns w = W − δ … δ + 1 (both descending), each giving pixel (h, w), all channels, the value of
 * (h + dy, w + dx), dx and dy from `randint(−δ, δ)` (δ exclusive). The package means a swap, but on its H x W x 3
 * arrays `x[h, w], x[h', w'] = x[h', w'], x[h, w]` assigns through views, so the second pixel keeps its value: a
 * copy, which is what its users get and what this does. One typed array and no allocation per pixel: the
 * package's Python loop takes tens of seconds per image, this takes milliseconds.
 */
export function shufflePixels(
  levels: Uint8Array,
  W: number,
  H: number,
  C: number,
  delta: number,
  iterations: number,
  rng: Rng,
): void {
  const span = 2 * delta
  for (let it = 0; it < iterations; it++) {
    for (let h = H - delta; h > delta; h--) {
      for (let w = W - delta; w > delta; w--) {
        const dx = Math.floor(rng.next() * span) - delta
        const dy = Math.floor(rng.next() * span) - delta
        const a = (h * W + w) * C
        const b = ((h + dy) * W + w + dx) * C
        for (let ch = 0; ch < C; ch++) levels[a + ch] = levels[b + ch] as number
      }
    }
  }
}

/** (σ, δ, iterations) per severity. */
const TABLE = [
  [0.7, 1, 2],
  [0.9, 2, 1],
  [1, 2, 3],
  [1.1, 3, 2],
  [1.5, 4, 2],
] as const

/**
 * `glass_blur`: `u8(gauss(x, σ)·255)` (truncated), {@link shufflePixels} (the package's copying swap) with (δ, iterations), then
 * `gauss(·/255, σ)`; skimage `gaussian` (mode 'nearest', truncate 4) per channel;
 * (σ, δ, iterations) = (.7,1,2) (.9,2,1) (1,2,3) (1.1,3,2) (1.5,4,2). Intensity-only in segsense (the truth is
 * not shuffled): the displacement is a few pixels of random scramble, as in Cityscapes-C, which scores the
 * corrupted image against the clean labels.
 */
export const glassBlur = corruption('glassBlur', TABLE, (img, [sigma, delta, iterations], o) => {
  const { width: W, height: H, channels: C } = img
  const k = gaussianKernel(sigma, 4)
  const blurred = separableFilter(img, k, k, clampIndex)
  const levels = new Uint8Array(blurred.length)
  for (let i = 0; i < blurred.length; i++) {
    const v = Math.floor((blurred[i] as number) * 255)
    levels[i] = v < 0 ? 0 : v > 255 ? 255 : v
  }
  shufflePixels(levels, W, H, C, delta, iterations, createRng(o.seed))
  const data = new Float32Array(levels.length)
  for (let i = 0; i < levels.length; i++) data[i] = (levels[i] as number) / 255
  const shuffled: Raster = { ...img, data }
  return separableFilter(shuffled, k, k, clampIndex)
})
