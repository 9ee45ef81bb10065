import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { blur, brightness, contrast, gamma, noise } from '../../../src/transforms/intensity.js'
import { gaussianKernel } from '../../../src/transforms/kernels/gaussian.js'
import { createRng, normalField } from '../../../src/transforms/random.js'
import { codeOf, messageOf } from '../../support/helpers.js'

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs((actual[i] as number) - (expected[i] as number)) <= tol))
      throw new Error(`[${i}]: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`)
  }
}

const fastaiX = raster(5, 1, 1, [0, 0.1, 0.5, 0.9, 1])

describe('fastai v1 lighting (algorithms.md 2.7/2.8)', () => {
  const b = brightness.with({ mode: 'fastai' })
  const c = contrast.with({ mode: 'fastai' })
  it('brightness(0.7) on [0, 0.1, 0.5, 0.9, 1]', () => {
    const out = b.image(fastaiX, 0.7)
    expectAllClose(out.data, [0, 0.205882, 0.7, 0.954545, 1], 1e-4)
    expect(out.data[0]).toBeCloseTo(2.333333e-7, 10) // the clamp to 1e-7
  })
  it('contrast(2) on [0, 0.1, 0.5, 0.9, 1]', () => {
    const out = c.image(fastaiX, 2)
    expectAllClose(out.data, [0, 0.012195, 0.5, 0.987805, 1], 1e-4)
    expect(out.data[0]).toBeCloseTo(1e-14, 18)
  })
  it('change 0 and 1 give black and white (unclamped logit of the change)', () => {
    expect(Array.from(b.image(fastaiX, 0).data)).toEqual([0, 0, 0, 0, 0])
    expect(Array.from(b.image(fastaiX, 1).data)).toEqual([1, 1, 1, 1, 1])
  })
  it('switching the mode switches the parameter metadata, and back', () => {
    expect(b.parameter).toMatchObject({
      name: 'change',
      neutral: 0.5,
      scale: 'linear',
      defaultRange: [0.05, 0.95],
      defaultStep: 0.05,
    })
    expect(b.options).toEqual({ mode: 'fastai' })
    expect(b.with({ mode: 'pil' }).parameter).toMatchObject({
      neutral: 1,
      scale: 'log',
      defaultRange: [0.25, 4],
      defaultStep: 0.25,
    })
    expect(brightness.parameter.neutral).toBe(1)
    expect(c.parameter).toMatchObject({ neutral: 1, scale: 'log' })
    expect(codeOf(() => brightness.with({ mode: 'gimp' as never }))).toBe('E_OUT_OF_RANGE')
  })
  it('rejects a change outside [0, 1] and a scale <= 0', () => {
    expect(messageOf(() => b.image(fastaiX, 1.5))).toMatch(/brightness.*change.*1\.5/)
    expect(codeOf(() => c.image(fastaiX, 0))).toBe('E_OUT_OF_RANGE')
  })
})

// Pillow 9.4.0 ImageEnhance on an "L" image (2.8); Pillow truncates to 8 bits, the float version must be within 1.
// The 1e-4 slack covers float32 storage: Pillow's Brightness(1.3) of 90 is 116 because its float32 product is
// 116.99999 (exactly 117 in real arithmetic, which is what the float version computes up to float32 rounding).
const pilL = [
  [0, 17, 64, 90, 128],
  [180, 200, 230, 254, 255],
].flat()
const pilImage = raster(
  5,
  2,
  1,
  pilL.map((v) => v / 255),
)

function within1(out: Raster, pillow: number[]): void {
  expect(out.data.length).toBe(pillow.length)
  for (let i = 0; i < pillow.length; i++) {
    const ours = (out.data[i] as number) * 255
    if (!(Math.abs(ours - (pillow[i] as number)) <= 1 + 1e-4))
      throw new Error(`[${i}]: ours ${ours}, Pillow ${pillow[i]}`)
  }
}

describe('Pillow ImageEnhance semantics in float (algorithms.md 2.7/2.8)', () => {
  it('Brightness(0.7) and (1.3)', () => {
    within1(brightness.image(pilImage, 0.7), [0, 11, 44, 63, 89, 126, 140, 161, 177, 178])
    within1(brightness.image(pilImage, 1.3), [0, 22, 83, 116, 166, 233, 255, 255, 255, 255])
  })
  it('Contrast(0.5), (1.5), (2.0) about the mean grey level', () => {
    within1(contrast.image(pilImage, 0.5), [71, 79, 103, 116, 135, 161, 171, 186, 198, 198])
    within1(contrast.image(pilImage, 1.5), [0, 0, 25, 64, 121, 199, 229, 255, 255, 255])
    within1(contrast.image(pilImage, 2), [0, 0, 0, 38, 114, 218, 255, 255, 255, 255])
  })
  it('Contrast on RGB uses the ITU-R 601 luma mean and applies per channel', () => {
    const rgb = raster(
      4,
      1,
      3,
      [255, 0, 0, 0, 255, 0, 0, 0, 255, 40, 80, 120].map((v) => v / 255),
    )
    within1(contrast.image(rgb, 1.5), [255, 0, 0, 0, 255, 0, 0, 0, 255, 19, 79, 139])
    within1(contrast.image(rgb, 0.5), [168, 41, 41, 41, 168, 41, 41, 41, 168, 61, 81, 101])
  })
  it('clamps to [0, 1] and rejects factors <= 0', () => {
    const out = brightness.image(pilImage, 4)
    expect(Math.max(...out.data)).toBe(1)
    expect(codeOf(() => brightness.image(pilImage, 0))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => contrast.image(pilImage, Number.NaN))).toMatch(/contrast.*factor.*NaN/)
  })
})

describe('neutral values return a copy equal to the input', () => {
  const rng = createRng(11)
  const img = raster(
    6,
    5,
    3,
    Array.from({ length: 90 }, () => rng.next()),
    [0.5, 0.5],
  )
  const cases: Array<[string, (x: Raster) => Raster]> = [
    ['brightness pil 1', (x) => brightness.image(x, brightness.parameter.neutral)],
    ['brightness fastai 0.5', (x) => brightness.with({ mode: 'fastai' }).image(x, 0.5)],
    ['contrast pil 1', (x) => contrast.image(x, 1)],
    ['contrast fastai 1', (x) => contrast.with({ mode: 'fastai' }).image(x, 1)],
    ['gamma 1', (x) => gamma.image(x, gamma.parameter.neutral)],
    ['noise 0', (x) => noise.image(x, noise.parameter.neutral)],
    ['blur 0', (x) => blur.image(x, blur.parameter.neutral)],
  ]
  for (const [name, apply] of cases) {
    it(name, () => {
      const out = apply(img)
      expect(out.data).not.toBe(img.data)
      expectAllClose(out.data, img.data, 1e-6)
      expect(out.spacing).toEqual([0.5, 0.5])
      expect([out.width, out.height, out.channels]).toEqual([6, 5, 3])
    })
  }
})

describe('gamma (TorchIO v1 Gamma)', () => {
  it('raises to the power gamma, sign-preserving for negatives', () => {
    const out = gamma.image(raster(4, 1, 1, [0, 0.25, 1, -0.25]), 2)
    expect(Array.from(out.data)).toEqual([0, 0.0625, 1, -0.0625])
    expect(gamma.image(raster(1, 1, 1, [0.25]), 0.5).data[0]).toBeCloseTo(0.5, 7)
    expect(codeOf(() => gamma.image(raster(1, 1), 0))).toBe('E_OUT_OF_RANGE')
  })
})

describe('noise (seeded Gaussian, TorchIO v1 Noise)', () => {
  const img = raster(128, 128, 1, new Float32Array(128 * 128).fill(0.5))
  it('same seed gives the same pixels; different seeds differ', () => {
    const a = noise.image(img, 0.1)
    const b = noise.with({ seed: 0 }).image(img, 0.1)
    const c = noise.with({ seed: 1 }).image(img, 0.1)
    expect(Array.from(a.data)).toEqual(Array.from(b.data))
    let same = 0
    for (let i = 0; i < a.data.length; i++) if (a.data[i] === c.data[i]) same++
    expect(same).toBeLessThan(10)
  })
  it('the added noise has mean ~0 and std ~ the value, and scales linearly with it', () => {
    for (const std of [0.05, 0.2]) {
      const out = noise.with({ seed: 7 }).image(img, std)
      let s = 0
      let s2 = 0
      const n = out.data.length
      for (let i = 0; i < n; i++) {
        const d = (out.data[i] as number) - 0.5
        s += d
        s2 += d * d
      }
      const mean = s / n
      const sd = Math.sqrt(s2 / n - mean * mean)
      expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(n))
      expect(Math.abs(sd / std - 1)).toBeLessThan(0.03)
    }
    const a = noise.image(img, 0.1)
    const b = noise.image(img, 0.2)
    for (let i = 0; i < 100; i++) expect((b.data[i] as number) - 0.5).toBeCloseTo(2 * ((a.data[i] as number) - 0.5), 5)
  })
  it('is not clipped and rejects negative std or a bad seed', () => {
    const out = noise.image(raster(64, 64), 0.3)
    expect(Math.min(...out.data)).toBeLessThan(0)
    expect(codeOf(() => noise.image(img, -0.1))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => noise.with({ seed: 1.5 }))).toBe('E_OUT_OF_RANGE')
  })
  it('the normal field of random.ts is standard normal and deterministic', () => {
    const z = normalField(20000, 123)
    expect(Array.from(normalField(10, 123))).toEqual(Array.from(z.subarray(0, 10)))
    let s = 0
    let s2 = 0
    for (const v of z) {
      s += v
      s2 += v * v
    }
    expect(Math.abs(s / z.length)).toBeLessThan(0.03)
    expect(Math.abs(s2 / z.length - 1)).toBeLessThan(0.04)
    const u = createRng(5)
    for (let i = 0; i < 1000; i++) {
      const v = u.next()
      expect(v >= 0 && v < 1).toBe(true)
    }
  })
})

describe('blur (scipy gaussian_filter, truncate 4, mode reflect)', () => {
  it('kernel: radius int(4 sigma + 0.5), symmetric, normalised exp(-k^2/(2 sigma^2))', () => {
    expect(gaussianKernel(1).length).toBe(9)
    expect(gaussianKernel(0.6).length).toBe(5) // int(2.9) = 2
    expect(gaussianKernel(2).length).toBe(17)
    expect(Array.from(gaussianKernel(1e-200))).toEqual([1])
    const k = gaussianKernel(1.5)
    const r = (k.length - 1) / 2
    let sum = 0
    for (let i = 0; i < k.length; i++) {
      sum += k[i] as number
      expect(k[i]).toBeCloseTo(k[k.length - 1 - i] as number, 15)
    }
    expect(sum).toBeCloseTo(1, 12)
    expect((k[r + 1] as number) / (k[r] as number)).toBeCloseTo(Math.exp(-1 / (2 * 1.5 * 1.5)), 12)
    // scipy.ndimage.gaussian_filter1d of a unit impulse with sigma 1 (centre and first neighbour).
    const k1 = gaussianKernel(1)
    expect(k1[4]).toBeCloseTo(0.39894346, 6)
    expect(k1[5]).toBeCloseTo(0.24197144, 6)
  })
  it('a centred delta gives the outer product of the normalised kernel', () => {
    const n = 21
    const img = raster(n, n)
    img.data[10 * n + 10] = 1
    const sigma = 1.3
    const k = gaussianKernel(sigma)
    const r = (k.length - 1) / 2
    const out = blur.image(img, sigma)
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const dx = x - 10
        const dy = y - 10
        const expected = Math.abs(dx) <= r && Math.abs(dy) <= r ? (k[dx + r] as number) * (k[dy + r] as number) : 0
        expect(out.data[y * n + x]).toBeCloseTo(expected, 7)
      }
    }
  })
  it('reflect boundary repeats the edge sample: a delta at the edge folds back', () => {
    const img = raster(12, 1)
    img.data[0] = 1
    const k = gaussianKernel(1)
    const out = blur.image(img, 1)
    // Height 1: the vertical pass reflects onto the same row (weights sum to 1).
    // out[x] = w(-x) + w(-x-1): index -1 reflects to 0 (d c b a | a b c d).
    for (let x = 0; x < 12; x++) {
      const w = (j: number) => (Math.abs(j) <= 4 ? (k[j + 4] as number) : 0)
      expect(out.data[x]).toBeCloseTo(w(-x) + w(-x - 1), 7)
    }
  })
  it('keeps a constant image constant, preserves the sum, and works per channel', () => {
    const c = blur.image(raster(7, 5, 1, new Float32Array(35).fill(0.3)), 2.5)
    for (const v of c.data) expect(v).toBeCloseTo(0.3, 6)
    const rng = createRng(9)
    const img = raster(
      16,
      12,
      2,
      Array.from({ length: 384 }, () => rng.next()),
    )
    const out = blur.image(img, 1.7)
    for (let ch = 0; ch < 2; ch++) {
      let a = 0
      let b = 0
      for (let i = ch; i < 384; i += 2) {
        a += img.data[i] as number
        b += out.data[i] as number
      }
      expect(b).toBeCloseTo(a, 3)
    }
    // Channels are independent: blurring a 2-channel image equals blurring each channel alone.
    const ch1 = raster(
      16,
      12,
      1,
      Array.from({ length: 192 }, (_, i) => img.data[2 * i + 1] as number),
    )
    const ref = blur.image(ch1, 1.7)
    for (let i = 0; i < 192; i++) expect(out.data[2 * i + 1]).toBeCloseTo(ref.data[i] as number, 6)
  })
  it('handles kernels wider than the image and rejects negative sigma', () => {
    const out = blur.image(raster(3, 2, 1, [1, 0, 0, 0, 0, 0]), 5)
    let s = 0
    for (const v of out.data) {
      expect(Number.isFinite(v)).toBe(true)
      s += v
    }
    expect(s).toBeCloseTo(1, 5)
    expect(messageOf(() => blur.image(raster(2, 2), -1))).toMatch(/blur.*sigma.*-1/)
  })
})
