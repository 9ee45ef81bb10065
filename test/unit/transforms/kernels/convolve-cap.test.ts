import { describe, expect, it } from 'vitest'
import { raster } from '../../../../src/core/raster.js'
import type { Raster } from '../../../../src/core/types.js'
import { blur } from '../../../../src/transforms/intensity.js'
import {
  clampIndex,
  reflect101Index,
  reflectIndex,
  type BorderIndex,
} from '../../../../src/transforms/kernels/border.js'
import { separableFilter } from '../../../../src/transforms/kernels/convolve.js'
import { gaussianKernel } from '../../../../src/transforms/kernels/gaussian.js'

/** A deterministic non-constant image (LCG), so a blur that lost its shape would show. */
function image(width: number, height: number, channels: number): Raster {
  let s = 12345
  const data = new Float32Array(width * height * channels)
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    data[i] = s / 2147483648
  }
  return raster(width, height, channels, data)
}

/** The uncapped oracle: every tap summed where the border sends it, x then y, no folding. */
function naive(img: Raster, k: Float64Array, border: BorderIndex): Float64Array {
  const { width: W, height: H, channels: C, data } = img
  const r = (k.length - 1) / 2
  const tmp = new Float64Array(data.length)
  const out = new Float64Array(data.length)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0
        for (let t = 0; t < k.length; t++) s += k[t]! * data[(y * W + border(x + t - r, W)) * C + c]!
        tmp[(y * W + x) * C + c] = s
      }
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0
        for (let t = 0; t < k.length; t++) s += k[t]! * tmp[(border(y + t - r, H) * W + x) * C + c]!
        out[(y * W + x) * C + c] = s
      }
  return out
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('Gaussian kernels longer than the image are folded onto it, results unchanged', () => {
  const img = image(32, 24, 2) // not square: each axis folds on its own length

  it('matches the uncapped sum for sigma up to the image size, under every border rule', () => {
    for (const border of [reflectIndex, reflect101Index, clampIndex])
      for (const sigma of [0.5, 2, 8, 20, 24, 32]) {
        const k = gaussianKernel(sigma)
        const got = separableFilter(img, k, k, border)
        expect(maxDiff(got, naive(img, k, border)), `${border.name} sigma ${sigma}`).toBeLessThan(1e-12)
      }
  })

  it('short kernels keep the tap-by-tap sum bit for bit', () => {
    const k = gaussianKernel(3)
    expect(Array.from(separableFilter(img, k, k, reflectIndex))).toEqual(Array.from(naive(img, k, reflectIndex)))
  })

  it('sigma 1e5 on 64x64 RGB (blur, and an edge-clamped filter) finishes well under a second, near the mean', () => {
    const big = image(64, 64, 3)
    const started = performance.now()
    const out = blur.image(big, 1e5)
    const k = gaussianKernel(1e5)
    const nearest = separableFilter(big, k, k, clampIndex)
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(1000)
    expect(nearest.every(Number.isFinite)).toBe(true) // clamp: the edge samples take the tails, not a mean
    for (const result of [out.data]) {
      expect(result.every(Number.isFinite)).toBe(true)
      for (let c = 0; c < 3; c++) {
        let mean = 0
        for (let i = c; i < big.data.length; i += 3) mean += big.data[i]!
        mean /= 64 * 64
        // A blur that wide leaves (nearly) each channel's mean everywhere: far from the input's spread.
        for (let i = c; i < result.length; i += 3) expect(Math.abs(result[i]! - mean)).toBeLessThan(0.01)
      }
    }
  })
})
