import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import { isSegsenseError } from '../../../src/core/errors.js'
import {
  LUMA_601,
  convertChannels,
  isIdentityPlan,
  planFit,
  planPadToMultiple,
  writeTensor,
  type FitPlan,
} from '../../../src/models/prepare.js'
import { decodeFinite, firstNonFinite, resizeScores, scoreLayout, scoresToLabels } from '../../../src/models/scores.js'

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(isSegsenseError(caught), String(caught)).toBe(true)
  expect((caught as { code: string }).code).toBe(code)
}

/** A horizontal ramp: value x / (w - 1) in every row. */
function ramp(w: number, h: number): Float32Array {
  const d = new Float32Array(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = x / (w - 1)
  return d
}

describe('planPadToMultiple', () => {
  it('rounds each side up to the multiple and keeps the image at the top left', () => {
    expect(planPadToMultiple(100, 80, 32)).toEqual({
      width: 100,
      height: 80,
      tensorWidth: 128,
      tensorHeight: 96,
      scaledWidth: 100,
      scaledHeight: 80,
      offsetX: 0,
      offsetY: 0,
    })
    expect(planPadToMultiple(64, 33, 16)).toMatchObject({ tensorWidth: 64, tensorHeight: 48 })
    expect(planPadToMultiple(1, 1, 32)).toMatchObject({ tensorWidth: 32, tensorHeight: 32 })
  })
  it('rejects a non-positive multiple', () => {
    expectCode(() => planPadToMultiple(10, 10, 0), 'E_OUT_OF_RANGE')
    expectCode(() => planPadToMultiple(10, 10, 2.5), 'E_OUT_OF_RANGE')
  })
  it('pads bottom/right with zeros and copies the image unchanged', () => {
    const w = 5
    const h = 3
    const src = new Float32Array(w * h).map((_, i) => (i + 1) / 100)
    const plan = planPadToMultiple(w, h, 4)
    const out = new Float32Array(plan.tensorWidth * plan.tensorHeight).fill(Number.NaN)
    writeTensor(src, 1, plan, out, 0, 'NCHW')
    for (let y = 0; y < plan.tensorHeight; y++) {
      for (let x = 0; x < plan.tensorWidth; x++) {
        const v = out[y * plan.tensorWidth + x]
        if (x < w && y < h) expect(v).toBeCloseTo((y * w + x + 1) / 100, 6)
        else expect(v).toBe(0)
      }
    }
  })
})

describe('planFit', () => {
  it('stretch fills the tensor', () => {
    expect(planFit(100, 80, 128, 128, 'stretch')).toMatchObject({
      scaledWidth: 128,
      scaledHeight: 128,
      offsetX: 0,
      offsetY: 0,
    })
  })
  it('pad letterboxes keeping aspect, centred', () => {
    // scale = min(128/100, 128/80) = 1.28 -> 128 x 102.4 -> 102; offset (128 - 102) / 2 = 13
    expect(planFit(100, 80, 128, 128, 'pad')).toMatchObject({
      scaledWidth: 128,
      scaledHeight: 102,
      offsetX: 0,
      offsetY: 13,
    })
  })
  it('crop scales the shorter side to the tensor and centre-crops', () => {
    // scale = max(1.28, 1.6) = 1.6 -> 160 x 128; offset (128 - 160) / 2 = -16
    expect(planFit(100, 80, 128, 128, 'crop')).toMatchObject({
      scaledWidth: 160,
      scaledHeight: 128,
      offsetX: -16,
      offsetY: 0,
    })
  })
})

describe('convertChannels', () => {
  const rgb = raster(2, 1, 3, [1, 0, 0, 0.2, 0.4, 0.6])
  it('converts RGB to ITU-R 601 luma for a 1-channel model', () => {
    const out = convertChannels(rgb, 1)
    expect(out.length).toBe(2)
    expect(out[0]).toBeCloseTo(0.299, 6)
    expect(out[1]).toBeCloseTo(0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6, 6)
    expect(LUMA_601).toEqual([0.299, 0.587, 0.114])
  })
  it('ignores alpha when converting RGBA to luma', () => {
    const rgba = raster(1, 1, 4, [0, 1, 0, 0.5])
    expect(convertChannels(rgba, 1)[0]).toBeCloseTo(0.587, 6)
    expect(Array.from(convertChannels(rgba, 3))).toEqual([0, 1, 0])
  })
  it('replicates a grey image for a 3-channel model', () => {
    const grey = raster(2, 1, 1, [0.25, 0.75])
    expect(Array.from(convertChannels(grey, 3))).toEqual([0.25, 0.25, 0.25, 0.75, 0.75, 0.75])
  })
  it('swaps red and blue for a BGR model', () => {
    expect(Array.from(convertChannels(rgb, 3, 'BGR'))).toEqual([
      0,
      0,
      1,
      Math.fround(0.6),
      Math.fround(0.4),
      Math.fround(0.2),
    ])
  })
  it('passes matching channels through without a copy', () => {
    expect(convertChannels(rgb, 3, 'RGB')).toBe(rgb.data)
  })
  it('rejects channel counts it cannot meet', () => {
    expectCode(() => convertChannels(rgb, 2), 'E_MODEL_INPUT')
    expectCode(() => convertChannels(raster(1, 1, 5), 3), 'E_MODEL_INPUT')
  })
})

describe('writeTensor', () => {
  it('normalises per channel and writes NCHW planes or NHWC pixels', () => {
    // 2x1 RGB image; mean/std in the model's channel order
    const src = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    const norm = { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }
    const plan = planPadToMultiple(2, 1, 1)
    const nchw = new Float32Array(6)
    writeTensor(src, 3, plan, nchw, 0, 'NCHW', norm)
    const expected = (x: number, c: number): number =>
      ((src[x * 3 + c] as number) - (norm.mean[c] as number)) / (norm.std[c] as number)
    for (let c = 0; c < 3; c++) for (let x = 0; x < 2; x++) expect(nchw[c * 2 + x]).toBeCloseTo(expected(x, c), 5)
    const nhwc = new Float32Array(6)
    writeTensor(src, 3, plan, nhwc, 0, 'NHWC', norm)
    for (let c = 0; c < 3; c++) for (let x = 0; x < 2; x++) expect(nhwc[x * 3 + c]).toBeCloseTo(expected(x, c), 5)
  })
  it('writes into the given slot of a batch buffer only', () => {
    const plan = planPadToMultiple(2, 2, 1)
    const out = new Float32Array(12).fill(-7)
    writeTensor(new Float32Array([1, 2, 3, 4]), 1, plan, out, 4, 'NCHW')
    expect(Array.from(out)).toEqual([-7, -7, -7, -7, 1, 2, 3, 4, -7, -7, -7, -7])
  })
  it('normalises padding as image-space black', () => {
    const plan = planPadToMultiple(1, 1, 2)
    const out = new Float32Array(4)
    writeTensor(new Float32Array([1]), 1, plan, out, 0, 'NCHW', { mean: [0.5], std: [0.25] })
    expect(Array.from(out)).toEqual([2, -2, -2, -2])
  })
  it('stretches bilinearly with corners on corners (align corners)', () => {
    // 2x2 [[0, 1], [2, 3]] -> 3x3: corners kept, midpoints averaged
    const plan = planFit(2, 2, 3, 3, 'stretch')
    const out = new Float32Array(9)
    writeTensor(new Float32Array([0, 1, 2, 3]), 1, plan, out, 0, 'NCHW')
    expect(Array.from(out)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3])
  })
  it('reproduces a linear ramp exactly when stretching', () => {
    const plan = planFit(5, 2, 9, 3, 'stretch')
    const out = new Float32Array(27)
    writeTensor(ramp(5, 2), 1, plan, out, 0, 'NCHW')
    for (let y = 0; y < 3; y++) for (let x = 0; x < 9; x++) expect(out[y * 9 + x]).toBeCloseTo(x / 8, 6)
  })
  it('letterboxes a wide image with zero rows above and below', () => {
    const plan = planFit(4, 2, 4, 4, 'pad') // scale 1 -> 4x2 at offsetY 1
    const out = new Float32Array(16).fill(Number.NaN)
    writeTensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), 1, plan, out, 0, 'NCHW')
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0])
  })
  it('centre-crops', () => {
    const plan = planFit(4, 2, 2, 2, 'crop') // scale 1 -> 4x2 at offsetX -1
    const out = new Float32Array(4)
    writeTensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), 1, plan, out, 0, 'NCHW')
    expect(Array.from(out)).toEqual([2, 3, 6, 7])
  })
})

describe('resizeScores', () => {
  it('maps corners to corners and interpolates between pixel centres', () => {
    // a 3x3 score map of a 5x5 image (stretch plan 5x5 -> 3x3)
    const s = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8])
    const plan = planFit(5, 5, 3, 3, 'stretch')
    const out = resizeScores(s, scoreLayout('NCHW', 0, 1, 3, 3), plan)
    expect(out[0]).toBe(0)
    expect(out[4]).toBe(2)
    expect(out[20]).toBe(6)
    expect(out[24]).toBe(8)
    expect(out[12]).toBe(4) // centre on centre
    expect(out[1]).toBe(0.5) // image x = 1 -> tensor x = 0.5
    expect(out[5 + 1]).toBe(2) // (0.5, 0.5): mean of 0, 1, 3, 4
  })
  it('reads NHWC and NCHW scores alike', () => {
    const plan = planFit(3, 1, 2, 1, 'stretch')
    const nchw = new Float32Array([1, 3, 10, 30]) // class 0: [1, 3], class 1: [10, 30]
    const nhwc = new Float32Array([1, 10, 3, 30])
    const a = resizeScores(nchw, scoreLayout('NCHW', 0, 2, 2, 1), plan)
    const b = resizeScores(nhwc, scoreLayout('NHWC', 0, 2, 2, 1), plan)
    expect(Array.from(a)).toEqual([1, 2, 3, 10, 20, 30])
    expect(Array.from(b)).toEqual(Array.from(a))
  })
  it('uses the batch item given', () => {
    const plan = planFit(2, 1, 2, 1, 'stretch')
    const s = new Float32Array([1, 2, 3, 4]) // two items of 1 x 2
    expect(Array.from(resizeScores(s, scoreLayout('NCHW', 1, 1, 2, 1), plan))).toEqual([3, 4])
  })
})

describe('scoresToLabels', () => {
  it('argmaxes interpolated scores (ties to the lower id)', () => {
    // tensor width 2: class 0 [1, 0], class 1 [0, 1]; image width 5 -> scores cross at x = 2 (tie)
    const plan = planFit(5, 1, 2, 1, 'stretch')
    const out = new Uint8Array(5)
    scoresToLabels(new Float32Array([1, 0, 0, 1]), scoreLayout('NCHW', 0, 2, 2, 1), plan, { kind: 'argmax' }, out)
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 1])
    // class 0 [3, 0], class 1 [0, 1]: 3 (1 - t) = t at t = 0.75, i.e. image x = 3 (a tie -> 0)
    scoresToLabels(new Float32Array([3, 0, 0, 1]), scoreLayout('NCHW', 0, 2, 2, 1), plan, { kind: 'argmax' }, out)
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1])
    // the same scores stored pixel by pixel (NHWC)
    scoresToLabels(new Float32Array([3, 0, 0, 1]), scoreLayout('NHWC', 0, 2, 2, 1), plan, { kind: 'argmax' }, out)
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 1])
    // a 3-class NHWC map without resizing: pixel-wise argmax
    const three = new Uint8Array(2)
    scoresToLabels(
      new Float32Array([0, 5, 1, 2, 1, 9]),
      scoreLayout('NHWC', 0, 3, 2, 1),
      planPadToMultiple(2, 1, 1),
      { kind: 'argmax' },
      three,
    )
    expect(Array.from(three)).toEqual([1, 2])
  })
  it('thresholds a single channel to the given class id', () => {
    const plan = planPadToMultiple(4, 1, 4)
    const out = new Uint8Array(4)
    scoresToLabels(
      new Float32Array([0.2, 0.5, 0.51, 0.9]),
      scoreLayout('NCHW', 0, 1, 4, 1),
      plan,
      { kind: 'threshold', threshold: 0.5, classId: 3 },
      out,
    )
    expect(Array.from(out)).toEqual([0, 0, 3, 3])
  })
  it('samples integer labels nearest, never producing an in-between id', () => {
    const plan = planFit(7, 1, 2, 1, 'stretch')
    const out = new Uint8Array(7)
    scoresToLabels(new Int32Array([0, 2]), scoreLayout('NCHW', 0, 1, 2, 1), plan, { kind: 'labels' }, out)
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 2, 2, 2])
  })
  it('crops a padded prediction back to the image', () => {
    const plan = planPadToMultiple(3, 2, 4)
    const scores = new Float32Array(16)
    for (let i = 0; i < 16; i++) scores[i] = i % 4 >= 1 ? 1 : 0 // columns 1.. above threshold
    const out = new Uint8Array(6)
    scoresToLabels(
      scores,
      scoreLayout('NCHW', 0, 1, 4, 4),
      plan,
      { kind: 'threshold', threshold: 0.5, classId: 1 },
      out,
    )
    expect(Array.from(out)).toEqual([0, 1, 1, 0, 1, 1])
  })
  it('labels pixels a centre crop cut away as background', () => {
    const plan = planFit(4, 1, 2, 1, 'crop') // image columns 0 and 3 fall outside
    const out = new Uint8Array(4).fill(9)
    scoresToLabels(
      new Float32Array([1, 1]),
      scoreLayout('NCHW', 0, 1, 2, 1),
      plan,
      { kind: 'threshold', threshold: 0.5, classId: 1 },
      out,
    )
    expect(Array.from(out)).toEqual([0, 1, 1, 0])
  })

  // Round trip: a linear ramp survives align-corners interpolation there and back exactly, so the
  // decoded threshold must equal thresholding the original image, for every fit.
  const cases: { name: string; plan: FitPlan }[] = [
    { name: 'stretch', plan: planFit(100, 80, 128, 128, 'stretch') },
    { name: 'pad', plan: planFit(100, 80, 128, 128, 'pad') },
    { name: 'pad (tall)', plan: planFit(60, 90, 64, 64, 'pad') },
    { name: 'multiple of 32', plan: planPadToMultiple(100, 80, 32) },
  ]
  for (const { name, plan } of cases) {
    it(`round-trips a ramp through ${name}`, () => {
      const { width: w, height: h, tensorWidth: tw, tensorHeight: th } = plan
      const src = ramp(w, h)
      const tensor = new Float32Array(tw * th)
      writeTensor(src, 1, plan, tensor, 0, 'NCHW')
      const out = new Uint8Array(w * h)
      scoresToLabels(
        tensor,
        scoreLayout('NCHW', 0, 1, tw, th),
        plan,
        { kind: 'threshold', threshold: 0.3, classId: 1 },
        out,
      )
      let mismatches = 0
      for (let i = 0; i < w * h; i++) if ((out[i] as number) !== ((src[i] as number) > 0.3 ? 1 : 0)) mismatches++
      expect(mismatches).toBe(0)
      const back = resizeScores(tensor, scoreLayout('NCHW', 0, 1, tw, th), plan)
      for (let i = 0; i < w * h; i += 97) expect(back[i]).toBeCloseTo(src[i] as number, 5)
    })
  }
  it('round-trips a ramp through crop inside the kept region', () => {
    const plan = planFit(100, 80, 64, 64, 'crop') // 80 x 64 scaled, 8 columns cut each side
    const src = ramp(100, 80)
    const tensor = new Float32Array(64 * 64)
    writeTensor(src, 1, plan, tensor, 0, 'NCHW')
    const back = resizeScores(tensor, scoreLayout('NCHW', 0, 1, 64, 64), plan)
    for (let y = 0; y < 80; y += 7) {
      for (let x = 0; x < 100; x++) {
        const t = (x * 79) / 99 - 8 // tensor column of image column x
        if (t < -0.5 || t > 63.5) expect(back[y * 100 + x]).toBe(0)
        else if (t >= 0 && t <= 63) expect(back[y * 100 + x]).toBeCloseTo(src[y * 100 + x] as number, 5)
      }
    }
  })
})

describe('firstNonFinite', () => {
  it('finds the first NaN or infinity in the range', () => {
    expect(firstNonFinite(new Float32Array([0, 1, 2]))).toBe(-1)
    expect(firstNonFinite(new Float32Array([0, Number.NaN, Infinity]))).toBe(1)
    expect(firstNonFinite(new Float64Array([0, 1, -Infinity]))).toBe(2)
    expect(firstNonFinite(new Float32Array([Number.NaN, 1, Infinity]), 1)).toBe(2)
    expect(firstNonFinite(new Int32Array([1, 2]))).toBe(-1)
  })
})

describe('writeTensor on an identity plan (a plain copy)', () => {
  it('equals the per-pixel formula v * (1 / std) + (0 - mean) / std, padding black, both layouts', () => {
    const W = 5
    const H = 3
    const C = 3
    const src = Float32Array.from({ length: W * H * C }, (_, i) => Math.sin(i * 1.7) - 0.2)
    const plan = planPadToMultiple(W, H, 4)
    expect(isIdentityPlan(plan)).toBe(true)
    const mean = [0.1, -0.3, 0.5]
    const std = [0.7, 1.3, 2]
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const TW = plan.tensorWidth
      const TH = plan.tensorHeight
      const out = new Float32Array(2 + TW * TH * C)
      writeTensor(src, C, plan, out, 2, layout, { mean, std })
      const expected = new Float32Array(2 + TW * TH * C)
      for (let y = 0; y < TH; y++) {
        for (let x = 0; x < TW; x++) {
          for (let c = 0; c < C; c++) {
            const at = 2 + (layout === 'NCHW' ? c * TW * TH + y * TW + x : (y * TW + x) * C + c)
            const s = std[c] as number
            const m = mean[c] as number
            const v = x < W && y < H ? (src[(y * W + x) * C + c] as number) : 0
            expected[at] = v * Math.fround(1 / s) + Math.fround((0 - m) / s)
          }
        }
      }
      expect(Array.from(out)).toEqual(Array.from(expected))
    }
  })
})

describe('decodeFinite (argmax/threshold fused with the finite check)', () => {
  const W = 7
  const H = 5
  const plan = planPadToMultiple(W, H, 1)
  it('decodes exactly as scoresToLabels, ties to the lower id, both layouts', () => {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const C = 4
      // Scores on a coarse grid so that ties occur.
      const scores = Float32Array.from({ length: 2 * C * W * H }, (_, i) => Math.round(Math.sin(i * 2.3) * 3) / 2)
      for (const k of [0, 1]) {
        const s = scoreLayout(layout, k, C, W, H)
        const a = new Uint8Array(W * H)
        const b = new Uint8Array(W * H)
        scoresToLabels(scores, s, plan, { kind: 'argmax' }, a)
        expect(decodeFinite(scores, s, { kind: 'argmax' }, b)).toBe(true)
        expect(Array.from(b)).toEqual(Array.from(a))
        expect(new Set(a).size).toBeGreaterThan(1)
      }
    }
  })
  it('thresholds one channel like scoresToLabels', () => {
    const scores = Float64Array.from({ length: W * H }, (_, i) => (i % 5) / 4)
    const s = scoreLayout('NCHW', 0, 1, W, H)
    const a = new Uint16Array(W * H)
    const b = new Uint16Array(W * H)
    const decoding = { kind: 'threshold', threshold: 0.5, classId: 300 } as const
    scoresToLabels(scores, s, plan, decoding, a)
    expect(decodeFinite(scores, s, decoding, b)).toBe(true)
    expect(Array.from(b)).toEqual(Array.from(a))
  })
  it('reports NaN and infinities in any channel', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const scores = new Float32Array(3 * W * H)
      scores[2 * W * H + 11] = bad
      expect(decodeFinite(scores, scoreLayout('NCHW', 0, 3, W, H), { kind: 'argmax' }, new Uint8Array(W * H))).toBe(
        false,
      )
    }
  })
})
