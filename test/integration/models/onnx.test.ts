import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { isSegsenseError } from '../../../src/core/errors.js'
import { raster } from '../../../src/core/raster.js'
import type { LabelMap, Raster } from '../../../src/core/types.js'
import { DEFAULT_RUN_BATCH_SIZE } from '../../../src/models/onnx-options.js'
import { loadOnnxModel, type OnnxModelOptions } from '../../../src/models/onnx.js'
import { expectRejection } from '../../support/helpers.js'

// Tiny models with analytic outputs, documented in fixtures/README.md (made by fixtures/make/make_test_models.py).
const DIR = fileURLToPath(new URL('../../../fixtures/models/test/', import.meta.url))
const model = (file: string): string => join(DIR, file)

const tmp = mkdtempSync(join(tmpdir(), 'segsense-onnx-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Grey image with value f(x, y) per pixel. */
function grey(w: number, h: number, f: (x: number, y: number) => number): Raster {
  const d = new Float32Array(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[y * w + x] = f(x, y)
  return raster(w, h, 1, d)
}

/** RGB image with channels f(x, y) -> [r, g, b]. */
function rgb(w: number, h: number, f: (x: number, y: number) => [number, number, number]): Raster {
  const d = new Float32Array(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = f(x, y)
      d.set([r, g, b], (y * w + x) * 3)
    }
  }
  return raster(w, h, 3, d)
}

const hramp = (w: number, h: number): Raster => grey(w, h, (x) => x / (w - 1))
const vramp = (w: number, h: number): Raster => grey(w, h, (_x, y) => y / (h - 1))

/**
 * Compares a prediction with the analytic labels `expected(x, y)`. Pixels whose input value lies within
 * `band` of a decision threshold (`near(x, y)` true) are skipped: float32 rounding may go either way there.
 * `tolerance` > 0 also skips pixels within that many pixels of a pixel of another expected label (the
 * boundary may move by a pixel when a step-like score is resampled). Returns the mismatch count and
 * how many pixels of each label were checked.
 */
function compare(
  pred: LabelMap,
  expected: (x: number, y: number) => number,
  near: (x: number, y: number) => boolean = () => false,
  tolerance = 0,
): { mismatches: number; counts: Map<number, number> } {
  let mismatches = 0
  const counts = new Map<number, number>()
  for (let y = 0; y < pred.height; y++) {
    for (let x = 0; x < pred.width; x++) {
      if (near(x, y)) continue
      const e = expected(x, y)
      if (tolerance > 0) {
        let boundary = false
        for (let dy = -tolerance; dy <= tolerance && !boundary; dy++) {
          for (let dx = -tolerance; dx <= tolerance; dx++) {
            const xx = x + dx
            const yy = y + dy
            if (xx >= 0 && yy >= 0 && xx < pred.width && yy < pred.height && expected(xx, yy) !== e) {
              boundary = true
              break
            }
          }
        }
        if (boundary) continue
      }
      counts.set(e, (counts.get(e) ?? 0) + 1)
      if (pred.data[y * pred.width + x] !== e) mismatches++
    }
  }
  return { mismatches, counts }
}

describe('nhwc.onnx (N x H x W x 1 -> N x H x W x 2 logits, class 1 iff pixel > 0.5)', () => {
  it('infers NHWC, one channel, a dynamic size and batch, logits', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'bright' } })
    expect(m.name).toBe('nhwc')
    expect(m.config).toMatchObject({
      layout: 'NHWC',
      channels: 1,
      size: { multipleOf: 32 },
      batch: 'dynamic',
      batchSize: DEFAULT_RUN_BATCH_SIZE,
      kind: 'logits',
      inputRank: 4,
    })
    await m.close()
  })

  it('labels a gradient of any size (padded to a multiple of 32 and cropped back)', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'bright' } })
    const img = grey(70, 45, (x, y) => ((x + 2 * y) % 61) / 60) // not a multiple of 32 in either side
    const [p] = await m.predict([img])
    expect(p).toMatchObject({ width: 70, height: 45 })
    const v = (x: number, y: number): number => img.data[y * 70 + x] as number
    const r = compare(
      p as LabelMap,
      (x, y) => (v(x, y) > 0.5 ? 1 : 0),
      (x, y) => Math.abs(v(x, y) - 0.5) < 1e-4,
    )
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(0)).toBeGreaterThan(1000)
    expect(r.counts.get(1)).toBeGreaterThan(1000)
    await m.close()
  })

  it('converts an RGB image to ITU-R 601 luma for the 1-channel input', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'bright' } })
    // r = g = ramp, b = 0: luma = (0.299 + 0.587) * ramp > 0.5 iff ramp > 0.5643...
    const w = 120
    const img = rgb(w, 10, (x) => [x / (w - 1), x / (w - 1), 0])
    const [p] = await m.predict([img])
    const luma = (x: number): number => 0.886 * (x / (w - 1))
    const r = compare(
      p as LabelMap,
      (x) => (luma(x) > 0.5 ? 1 : 0),
      (x) => Math.abs(luma(x) - 0.5) < 1e-4,
    )
    expect(r.mismatches).toBe(0)
    // the boundary sits between x = 67 (luma 0.4988) and 68 (0.5063); red alone would put it at 60,
    // equal weights (2/3 ramp) at 90
    expect(Array.from(p?.data.subarray(58, 70) ?? [])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    await m.close()
  })
})

describe('fixed128.onnx (fixed 1 x 1 x 128 x 128 -> 1 x 2 x 128 x 128, class 1 iff pixel > 0.5)', () => {
  const opts = (fit?: 'stretch' | 'pad' | 'crop'): OnnxModelOptions => ({
    classes: { 1: 'bright' },
    ...(fit ? { input: { fit } } : {}),
  })

  it('infers the fixed size and the fixed batch of 1', async () => {
    const m = await loadOnnxModel(model('fixed128.onnx'), opts())
    expect(m.config).toMatchObject({
      layout: 'NCHW',
      channels: 1,
      size: [128, 128],
      fit: 'stretch',
      batch: 1,
      batchSize: 1,
      kind: 'logits',
    })
    await m.close()
  })

  for (const fit of ['stretch', 'pad'] as const) {
    it(`${fit}: maps a 100x80 prediction back to 100x80 with the labels in place`, async () => {
      const m = await loadOnnxModel(model('fixed128.onnx'), opts(fit))
      const h = hramp(100, 80)
      const v = vramp(100, 80)
      const [ph, pv] = await m.predict([h, v]) // a fixed batch of 1: one run per image
      for (const [p, img] of [
        [ph, h],
        [pv, v],
      ] as const) {
        expect(p).toMatchObject({ width: 100, height: 80 })
        const val = (x: number, y: number): number => img.data[y * 100 + x] as number
        // a ramp survives the align-corners resize there and back, so the boundary stays exact
        const r = compare(
          p as LabelMap,
          (x, y) => (val(x, y) > 0.5 ? 1 : 0),
          (x, y) => Math.abs(val(x, y) - 0.5) < 1e-3,
        )
        expect(r.mismatches).toBe(0)
        expect(r.counts.get(1)).toBeGreaterThan(3000)
        expect(r.counts.get(0)).toBeGreaterThan(3000)
      }
      await m.close()
    })
  }

  it('stretch: a blob lands where it was, not shifted by the resize', async () => {
    const m = await loadOnnxModel(model('fixed128.onnx'), opts('stretch'))
    const inBlob = (x: number, y: number): boolean => x >= 20 && x < 45 && y >= 50 && y < 70
    const [p] = await m.predict([grey(100, 80, (x, y) => (inBlob(x, y) ? 1 : 0))])
    const r = compare(p as LabelMap, (x, y) => (inBlob(x, y) ? 1 : 0), undefined, 1)
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(1)).toBeGreaterThan(300)
    await m.close()
  })

  it('pad: the letterbox offset is undone (a blob near the bottom stays there)', async () => {
    const m = await loadOnnxModel(model('fixed128.onnx'), opts('pad'))
    const inBlob = (x: number, y: number): boolean => x >= 60 && x < 90 && y >= 66 && y < 78
    const [p] = await m.predict([grey(100, 80, (x, y) => (inBlob(x, y) ? 1 : 0))])
    const r = compare(p as LabelMap, (x, y) => (inBlob(x, y) ? 1 : 0), undefined, 1)
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(1)).toBeGreaterThan(200)
    await m.close()
  })

  it('crop: the centre is predicted, the columns cut away are background', async () => {
    const m = await loadOnnxModel(model('fixed128.onnx'), opts('crop'))
    const img = grey(100, 80, () => 1) // everything bright
    const [p] = await m.predict([img])
    // scaled to 160 x 128, 16 columns cut on each side: image column x -> tensor x * 159 / 99 - 16
    const inside = (x: number): boolean => {
      const t = (x * 159) / 99 - 16
      return t >= -0.5 && t <= 127.5
    }
    const r = compare(p as LabelMap, (x) => (inside(x) ? 1 : 0))
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(0)).toBeGreaterThan(0)
    await m.close()
  })

  it('rejects a size the fixed input cannot take', async () => {
    await expectRejection(
      loadOnnxModel(model('fixed128.onnx'), { classes: { 1: 'a' }, input: { size: [64, 64] } }),
      'E_MODEL_INPUT',
      'fixed128.onnx',
      '128x128',
    )
    await expectRejection(
      loadOnnxModel(model('fixed128.onnx'), { classes: { 1: 'a' }, input: { size: { multipleOf: 16 } } }),
      'E_MODEL_INPUT',
      'fixed128.onnx',
    )
  })
})

describe('sigmoid.onnx (N x 1 x H x W -> sigmoid((pixel - 0.5) * 20))', () => {
  it('thresholds at 0.5 to the single non-background class', async () => {
    const m = await loadOnnxModel(model('sigmoid.onnx'), { classes: { 0: 'background', 2: 'lesion' } })
    expect(m.config).toMatchObject({ kind: 'sigmoid', threshold: 0.5, layout: 'NCHW', channels: 1 })
    const img = hramp(90, 20)
    const [p] = await m.predict([img])
    const r = compare(
      p as LabelMap,
      (x) => (x / 89 > 0.5 ? 2 : 0),
      (x) => Math.abs(x / 89 - 0.5) < 1e-3,
    )
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(2)).toBeGreaterThan(500)
    await m.close()
  })

  it('honours output.threshold', async () => {
    const m = await loadOnnxModel(model('sigmoid.onnx'), { classes: { 1: 'fg' }, output: { threshold: 0.9 } })
    // sigmoid((v - 0.5) * 20) > 0.9  <=>  v > 0.5 + ln(9) / 20
    const cut = 0.5 + Math.log(9) / 20
    const [p] = await m.predict([hramp(200, 3)])
    const r = compare(
      p as LabelMap,
      (x) => (x / 199 > cut ? 1 : 0),
      (x) => Math.abs(x / 199 - cut) < 1e-3,
    )
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(0)).toBeGreaterThan(3 * 110)
    await m.close()
  })

  it('loads from a Uint8Array', async () => {
    const bytes = new Uint8Array(readFileSync(model('sigmoid.onnx')))
    const m = await loadOnnxModel(bytes, { classes: { 1: 'fg' }, name: 'from-bytes' })
    expect(m.name).toBe('from-bytes')
    const [p] = await m.predict([grey(4, 1, (x) => [0.1, 0.49, 0.51, 0.9][x] as number)])
    expect(Array.from(p?.data ?? [])).toEqual([0, 0, 1, 1])
    await m.close()
  })

  it('rejects several classes for one sigmoid channel', async () => {
    await expectRejection(
      loadOnnxModel(model('sigmoid.onnx'), { classes: { 1: 'a', 2: 'b' } }),
      'E_MODEL_OUTPUT',
      'sigmoid.onnx',
      'prob',
    )
  })

  it('rejects NaN in the output, naming the file and the first bad index', async () => {
    const m = await loadOnnxModel(model('sigmoid.onnx'), { classes: { 1: 'fg' } })
    const img = hramp(40, 30)
    img.data[5 * 40 + 7] = Number.NaN // sigmoid(NaN) = NaN at tensor (row 5, column 7) of a 64 x 32 tensor
    img.data[9 * 40 + 1] = Number.NaN
    const err = await expectRejection(m.predict([img]), 'E_MODEL_OUTPUT', 'sigmoid.onnx', 'NaN', 'row 5', 'column 7')
    expect((err as unknown as { details: { index: number } }).details.index).toBe(5 * 64 + 7)
    await m.close()
  })

  it('rejects NaN when the image is the tensor size (decoded and checked in one pass), naming the first bad index', async () => {
    const m = await loadOnnxModel(model('sigmoid.onnx'), { classes: { 1: 'fg' } })
    const clean = hramp(64, 32)
    const img = hramp(64, 32)
    img.data[9 * 64 + 1] = Number.NaN
    img.data[5 * 64 + 7] = Number.NaN
    const err = await expectRejection(
      m.predict([clean, img]),
      'E_MODEL_OUTPUT',
      'sigmoid.onnx',
      'NaN',
      'batch 1',
      'row 5',
      'column 7',
    )
    expect((err as unknown as { details: { index: number } }).details.index).toBe(64 * 32 + 5 * 64 + 7)
    await m.close()
  })

  it('rejects Infinity in the output of a batch, naming its batch item', async () => {
    const m = await loadOnnxModel(model('sigmoid.onnx'), { classes: { 1: 'fg' } })
    // sigmoid of +-Infinity is finite, so use the logits model for Infinity: (x - 0.5) stays infinite
    await m.close()
    const n = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' } })
    const a = hramp(32, 32)
    const b = hramp(32, 32)
    b.data[3] = Number.POSITIVE_INFINITY
    const err = await expectRejection(n.predict([a, b]), 'E_MODEL_OUTPUT', 'nhwc.onnx', 'Infinity', 'batch 1')
    // NHWC: batch item 1, pixel 3, class 0 comes first
    expect((err as unknown as { details: { index: number } }).details.index).toBe(32 * 32 * 2 + 3 * 2)
    await n.close()
  })
})

describe('multi.onnx (features N x 8, scores N x 3 x H x W)', () => {
  const band = (v: number): boolean => Math.abs(v - 0.33) < 1e-3 || Math.abs(v - 0.66) < 1e-3

  it('picks the score map output by default and argmaxes three classes', async () => {
    const m = await loadOnnxModel(model('multi.onnx'), { classes: { 1: 'mid', 2: 'high' } })
    expect(m.config.outputName).toBe('scores')
    expect(m.config.kind).toBe('logits')
    const img = grey(150, 40, (x, y) => ((x + y) % 150) / 149)
    const [p] = await m.predict([img])
    const val = (x: number, y: number): number => img.data[y * 150 + x] as number
    const r = compare(
      p as LabelMap,
      (x, y) => (val(x, y) > 0.66 ? 2 : val(x, y) > 0.33 ? 1 : 0),
      (x, y) => band(val(x, y)),
    )
    expect(r.mismatches).toBe(0)
    for (const c of [0, 1, 2]) expect(r.counts.get(c)).toBeGreaterThan(1000)
    await m.close()
  })

  it('resizes scores before the argmax with a fixed size (a ramp keeps its class boundaries)', async () => {
    const m = await loadOnnxModel(model('multi.onnx'), { classes: { 1: 'mid', 2: 'high' }, input: { size: [64, 64] } })
    expect(m.config.size).toEqual([64, 64])
    const img = hramp(150, 40)
    const [p] = await m.predict([img])
    const r = compare(
      p as LabelMap,
      (x) => (x / 149 > 0.66 ? 2 : x / 149 > 0.33 ? 1 : 0),
      (x) => band(x / 149),
    )
    expect(r.mismatches).toBe(0)
    await m.close()
  })

  it("rejects output.name 'features' as not a score map", async () => {
    await expectRejection(
      loadOnnxModel(model('multi.onnx'), { classes: { 1: 'mid' }, output: { name: 'features' } }),
      'E_MODEL_OUTPUT',
      'multi.onnx',
      'features',
      'not a score map',
    )
  })

  it('rejects an output name the model does not have', async () => {
    await expectRejection(
      loadOnnxModel(model('multi.onnx'), { classes: { 1: 'mid' }, output: { name: 'nope' } }),
      'E_MODEL_OUTPUT',
      'multi.onnx',
      'nope',
      'scores',
    )
  })

  it('rejects classes beyond the output channels', async () => {
    let err: unknown
    try {
      const m = await loadOnnxModel(model('multi.onnx'), { classes: { 1: 'a', 2: 'b', 3: 'c' } })
      try {
        await m.predict([hramp(8, 8)]) // the class count may only be known at the first run
      } finally {
        await m.close()
      }
    } catch (e) {
      err = e
    }
    expect(isSegsenseError(err, 'E_MODEL_OUTPUT'), String(err)).toBe(true)
    expect(String((err as Error).message)).toContain('3 class channels')
  })
})

describe('a layout given against the model', () => {
  it('names the mismatch: NCHW given to nhwc.onnx (N x H x W x 1), NHWC given to bgr-norm.onnx (N x 3 x H x W)', async () => {
    // with input.channels the dynamic axis would otherwise be taken as the channels and the image fed transposed
    for (const input of [{ layout: 'NCHW' as const }, { layout: 'NCHW' as const, channels: 1 as const }])
      await expectRejection(
        loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' }, input }),
        'E_MODEL_INPUT',
        'nhwc.onnx',
        'input.layout NCHW does not fit',
        'looks NHWC',
      )
    await expectRejection(
      loadOnnxModel(model('bgr-norm.onnx'), { classes: { 1: 'red' }, input: { layout: 'NHWC', channels: 3 } }),
      'E_MODEL_INPUT',
      'bgr-norm.onnx',
      'input.layout NHWC does not fit',
      'looks NCHW',
    )
  })
})

describe('bgr-norm.onnx (N x 3 x H x W, BGR, ImageNet mean/std; class 1 iff red > 0.5)', () => {
  const options: OnnxModelOptions = {
    classes: { 1: 'red' },
    input: { order: 'BGR', normalize: { mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] } },
  }
  // red = horizontal ramp, green = vertical ramp, blue = 1 - red: a wrong channel order moves the boundary
  const w = 100
  const h = 30
  const img = rgb(w, h, (x, y) => [x / (w - 1), y / (h - 1), 1 - x / (w - 1)])
  const redBand = (x: number): boolean => Math.abs(x / (w - 1) - 0.5) < 1e-3

  it('feeds BGR order with the normalisation in that order', async () => {
    const m = await loadOnnxModel(model('bgr-norm.onnx'), options)
    expect(m.config).toMatchObject({ channels: 3, layout: 'NCHW', order: 'BGR' })
    const [p] = await m.predict([img])
    const r = compare(p as LabelMap, (x) => (x / (w - 1) > 0.5 ? 1 : 0), redBand)
    expect(r.mismatches).toBe(0)
    expect(r.counts.get(1)).toBeGreaterThan(1000)
    await m.close()
  })

  it('gives the mirrored answer when the order is wrong (the option matters)', async () => {
    const m = await loadOnnxModel(model('bgr-norm.onnx'), { ...options, input: { ...options.input, order: 'RGB' } })
    const [p] = await m.predict([img])
    // the model now reads blue (1 - ramp) as red
    const r = compare(p as LabelMap, (x) => (1 - x / (w - 1) > 0.5 ? 1 : 0), redBand)
    expect(r.mismatches).toBe(0)
    await m.close()
  })

  it('replicates a grey image to the three channels', async () => {
    const m = await loadOnnxModel(model('bgr-norm.onnx'), options)
    const g = vramp(20, 50)
    const [p] = await m.predict([g])
    const r = compare(
      p as LabelMap,
      (_x, y) => (y / 49 > 0.5 ? 1 : 0),
      (_x, y) => Math.abs(y / 49 - 0.5) < 1e-3,
    )
    expect(r.mismatches).toBe(0)
    await m.close()
  })

  it('rejects an image whose channels cannot be met, and channels the input cannot take', async () => {
    const m = await loadOnnxModel(model('bgr-norm.onnx'), options)
    await expectRejection(m.predict([raster(4, 4, 5)]), 'E_MODEL_INPUT', 'bgr-norm.onnx', '5 channels')
    await m.close()
    await expectRejection(
      loadOnnxModel(model('bgr-norm.onnx'), { classes: { 1: 'red' }, input: { channels: 1 } }),
      'E_MODEL_INPUT',
      'bgr-norm.onnx',
      '3 channel',
    )
  })

  it('broadcasts one mean and std to the three channels (a number or a one-element array)', async () => {
    // The graph cuts channel 2 (red, in BGR order) at (0.5 - 0.485) / 0.229; normalised by (r - 0.5) / 0.25 that is
    // red > 0.5 + 0.25 * 0.015 / 0.229, not 0.5: the cut moves only when the single value reached the red channel.
    const cut = 0.5 + (0.25 * (0.5 - 0.485)) / 0.229
    const near = (x: number): boolean => Math.abs(x / (w - 1) - cut) < 1e-3
    const labels: LabelMap[] = []
    for (const normalize of [
      { mean: 0.5, std: 0.25 },
      { mean: [0.5], std: [0.25] },
      { mean: [0.5, 0.5, 0.5], std: 0.25 },
    ]) {
      const m = await loadOnnxModel(model('bgr-norm.onnx'), {
        classes: { 1: 'red' },
        input: { order: 'BGR', normalize },
      })
      expect(m.config.normalize).toEqual({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] })
      const [p] = await m.predict([img])
      await m.close()
      const r = compare(p as LabelMap, (x) => (x / (w - 1) > cut ? 1 : 0), near)
      expect(r.mismatches).toBe(0)
      labels.push(p as LabelMap)
    }
    expect(Array.from(labels[1]?.data ?? [])).toEqual(Array.from(labels[0]?.data ?? []))
    expect(Array.from(labels[2]?.data ?? [])).toEqual(Array.from(labels[0]?.data ?? []))
    // the ramp has pixels between 0.5 and the cut: an unbroadcast (or ignored) normalisation would label them 1
    expect(
      img.data.some((_v, i) => i % 3 === 0 && (img.data[i] as number) > 0.5 && (img.data[i] as number) < cut),
    ).toBe(true)
  })

  it('rejects a normalisation of the wrong length', async () => {
    await expectRejection(
      loadOnnxModel(model('bgr-norm.onnx'), {
        classes: { 1: 'red' },
        input: { normalize: { mean: [0.5, 0.5], std: [0.5] } },
      }),
      'E_OUT_OF_RANGE',
      '3 mean',
    )
  })
})

describe('batching', () => {
  // deterministic pseudo-random images (a 32-bit LCG)
  function noise(w: number, h: number, seed: number): Raster {
    let s = seed >>> 0
    const d = new Float32Array(w * h)
    for (let i = 0; i < d.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      d[i] = s / 2 ** 32
    }
    return raster(w, h, 1, d)
  }

  it('10 images through batchSize 4 equal one image at a time', async () => {
    const images = Array.from({ length: 10 }, (_, i) => noise(48, 40, i + 1))
    const batched = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' }, batchSize: 4 })
    const single = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' }, batchSize: 1 })
    expect(batched.config.batchSize).toBe(4)
    const a = await batched.predict(images)
    const b: LabelMap[] = []
    for (const img of images) b.push(...(await single.predict([img])))
    expect(a).toHaveLength(10)
    for (let i = 0; i < 10; i++) {
      expect(Array.from(a[i]?.data ?? [])).toEqual(Array.from(b[i]?.data ?? []))
      // and both agree with the analytic labels
      const img = images[i] as Raster
      const r = compare(
        a[i] as LabelMap,
        (x, y) => ((img.data[y * 48 + x] as number) > 0.5 ? 1 : 0),
        (x, y) => Math.abs((img.data[y * 48 + x] as number) - 0.5) < 1e-4,
      )
      expect(r.mismatches).toBe(0)
    }
    await batched.close()
    await single.close()
  })

  it('takes images of different sizes in one call and keeps their order', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' }, batchSize: 3 })
    const sizes: [number, number][] = [
      [70, 45],
      [33, 100],
      [64, 64],
      [70, 45],
      [1, 1],
      [65, 17],
      [70, 45],
    ]
    const images = sizes.map(([w, h], i) => noise(w, h, 100 + i))
    const preds = await m.predict(images)
    expect(preds.map((p) => [p.width, p.height])).toEqual(sizes)
    preds.forEach((p, i) => {
      const img = images[i] as Raster
      const r = compare(
        p,
        (x, y) => ((img.data[y * img.width + x] as number) > 0.5 ? 1 : 0),
        (x, y) => Math.abs((img.data[y * img.width + x] as number) - 0.5) < 1e-4,
      )
      expect(r.mismatches).toBe(0)
    })
    expect(await m.predict([])).toEqual([])
    await m.close()
  })

  it('serialises concurrent predict calls on one model', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'fg' }, batchSize: 2 })
    const sets = [0, 1, 2].map((k) => Array.from({ length: 3 }, (_, i) => noise(40, 40, 10 * k + i)))
    const all = await Promise.all(sets.map((s) => m.predict(s)))
    const one = await Promise.all(sets.map((s) => m.predict(s)))
    expect(all.map((r) => r.map((p) => Array.from(p.data)))).toEqual(one.map((r) => r.map((p) => Array.from(p.data))))
    await m.close()
  })
})

describe('load errors', () => {
  it('a missing file is E_FILE_NOT_FOUND naming it', async () => {
    await expectRejection(
      loadOnnxModel(join(tmp, 'nope.onnx'), { classes: { 1: 'a' } }),
      'E_FILE_NOT_FOUND',
      'nope.onnx',
    )
  })

  it('a corrupt file is E_MODEL_LOAD naming it', async () => {
    const f = join(tmp, 'corrupt.onnx')
    writeFileSync(f, Buffer.from('this is not an onnx model, just some bytes'))
    await expectRejection(loadOnnxModel(f, { classes: { 1: 'a' } }), 'E_MODEL_LOAD', 'corrupt.onnx')
  })

  it('corrupt bytes are E_MODEL_LOAD', async () => {
    const bytes = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 255)
    await expectRejection(loadOnnxModel(bytes, { classes: { 1: 'a' } }), 'E_MODEL_LOAD', '64 bytes')
  })

  it('a truncated model file is E_MODEL_LOAD', async () => {
    const f = join(tmp, 'truncated.onnx')
    const bytes = readFileSync(model('sigmoid.onnx'))
    writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expectRejection(loadOnnxModel(f, { classes: { 1: 'a' } }), 'E_MODEL_LOAD', 'truncated.onnx')
  })

  it('bad options are E_BAD_PARAMETER', async () => {
    await expectRejection(loadOnnxModel(model('nhwc.onnx'), {} as OnnxModelOptions), 'E_WRONG_TYPE', 'classes')
    await expectRejection(
      loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' }, batchSize: 0 }),
      'E_OUT_OF_RANGE',
      'batchSize',
    )
    await expectRejection(
      loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' }, input: { fit: 'squash' as 'pad' } }),
      'E_OUT_OF_RANGE',
      'fit',
    )
    await expectRejection(
      loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' }, spinning: 'yes' as unknown as boolean }),
      'E_WRONG_TYPE',
      'spinning',
    )
    await expectRejection(
      loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' }, memoryArena: 1 as unknown as boolean }),
      'E_WRONG_TYPE',
      'memoryArena',
    )
    await expectRejection(
      loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' }, input: { name: 'pixels' } }),
      'E_MODEL_INPUT',
      'pixels',
      'image',
    )
  })

  it('predict after close is refused', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' } })
    await m.close()
    await m.close() // idempotent
    await expectRejection(m.predict([hramp(4, 4)]), 'E_MODEL_CLOSED', 'closed')
  })
})

// The trained cardiac fixtures (fixtures/make/train.py): N x 1 x H x W in [0, 1], H and W multiples of
// 16, 4-class logits (0 bg, 1 RV, 2 MYO, 3 LV). The oracle is a direct onnxruntime run with a hand
// argmax, plus a Dice floor (0.8; about 0.95-0.99 when written) against the samples' truth so a wrong class order shows up.
describe.each(['cardiac-fragile.onnx', 'cardiac-robust.onnx'])('%s', (file) => {
  const path = fileURLToPath(new URL(`../../../fixtures/models/${file}`, import.meta.url))
  const samples = fileURLToPath(new URL('../../../fixtures/samples/cardiac/', import.meta.url))
  const classes = { 1: 'RV', 2: 'MYO', 3: 'LV' }

  async function load8bit(f: string): Promise<{ width: number; height: number; data: Uint8Array }> {
    const { default: sharp } = await import('sharp')
    const { data, info } = await sharp(join(samples, f)).greyscale().raw().toBuffer({ resolveWithObject: true })
    return { width: info.width, height: info.height, data: new Uint8Array(data) }
  }

  it('infers NCHW, one channel, dynamic size, 4-class logits and matches a direct run', async () => {
    const ort = await import('onnxruntime-node')
    const m = await loadOnnxModel(path, { classes })
    expect(m.config).toMatchObject({ layout: 'NCHW', channels: 1, batch: 'dynamic', kind: 'logits' })
    const src = await load8bit('sa-01.png')
    const img = raster(
      src.width,
      src.height,
      1,
      Float32Array.from(src.data, (v) => v / 255),
    )
    const [p] = await m.predict([img])
    await m.close()
    expect(p).toMatchObject({ width: src.width, height: src.height })

    const session = await ort.InferenceSession.create(path)
    const feeds = {
      [session.inputNames[0] as string]: new ort.Tensor('float32', img.data, [1, 1, src.height, src.width]),
    }
    const out = (await session.run(feeds))[session.outputNames[0] as string] as InstanceType<typeof ort.Tensor>
    await session.release()
    const logits = out.data as Float32Array
    const plane = src.width * src.height
    let diff = 0
    for (let i = 0; i < plane; i++) {
      let best = 0
      for (let c = 1; c < 4; c++) if ((logits[c * plane + i] as number) > (logits[best * plane + i] as number)) best = c
      if (p?.data[i] !== best) diff++
    }
    expect(diff).toBe(0)
  })

  it('predicts the same with spinning and the memory arena on as with the defaults (off)', async () => {
    const src = await load8bit('sa-02.png')
    const img = raster(
      src.width,
      src.height,
      1,
      Float32Array.from(src.data, (v) => v / 255),
    )
    const a = await loadOnnxModel(path, { classes })
    const b = await loadOnnxModel(path, { classes, spinning: true, memoryArena: true, threads: 1 })
    const [pa] = await a.predict([img])
    const [pb] = await b.predict([img])
    await Promise.all([a.close(), b.close()])
    expect(Buffer.from(pb?.data as Uint8Array).equals(Buffer.from(pa?.data as Uint8Array))).toBe(true)
    expect(new Set(pa?.data).size).toBe(4)
  })

  it('segments the held-out samples (batched, any size) with a sane Dice', async () => {
    const m = await loadOnnxModel(path, { classes, batchSize: 3 })
    const images: Raster[] = []
    const truths: Uint8Array[] = []
    for (let k = 1; k <= 8; k++) {
      const s = await load8bit(`sa-0${k}.png`)
      images.push(
        raster(
          s.width,
          s.height,
          1,
          Float32Array.from(s.data, (v) => v / 255),
        ),
      )
      truths.push((await load8bit(`sa-0${k}-mask.png`)).data)
    }
    const preds = await m.predict(images)
    const dice = [0, 0, 0, 0]
    for (let k = 0; k < 8; k++) {
      const p = preds[k]?.data as Uint8Array
      const t = truths[k] as Uint8Array
      for (let c = 1; c <= 3; c++) {
        let inter = 0
        let sum = 0
        for (let i = 0; i < t.length; i++) {
          const a = p[i] === c
          const b = t[i] === c
          if (a && b) inter++
          sum += (a ? 1 : 0) + (b ? 1 : 0)
        }
        dice[c] = (dice[c] as number) + (sum === 0 ? 1 : (2 * inter) / sum) / 8
      }
    }
    for (let c = 1; c <= 3; c++) expect(dice[c], `mean Dice of class ${c}`).toBeGreaterThan(0.8)
    // an odd-sized crop of a sample goes through padding to a multiple and comes back at its own size
    const first = images[0] as Raster
    const cw = 150
    const ch = 137
    const crop = new Float32Array(cw * ch)
    for (let y = 0; y < ch; y++)
      crop.set(first.data.subarray((y + 60) * first.width + 50, (y + 60) * first.width + 50 + cw), y * cw)
    const [pc] = await m.predict([raster(cw, ch, 1, crop)])
    expect(pc).toMatchObject({ width: cw, height: ch })
    await m.close()
  })
})

// An int64 label output (N x H x W), built in memory: logits [0.5 - x, x - 0.5] -> ArgMax(axis 1, keepdims 0),
// so label 1 iff pixel > 0.5. Made with onnx 1.12 (opset 13):
//   Sub(image, half) -> a; Sub(half, image) -> b; Concat(b, a, axis=1) -> logits; ArgMax(logits, axis=1, keepdims=0) -> labels
const LABELS_MODEL =
  'CAg66gEKFQoFaW1hZ2UKBGhhbGYSAWEiA1N1YgoVCgRoYWxmCgVpbWFnZRIBYiIDU3ViCiMKAWIKAWESBmxvZ2l0cyIGQ29uY2F0KgsKBGF4aXMYAaABAgo2CgZsb2dpdHMSBmxhYmVscyIGQXJnTWF4KgsKBGF4aXMYAaABAioPCghrZWVwZGltcxgAoAECEgZsYWJlbHMqEAgBEAFCBGhhbGZKBAAAAD9aIgoFaW1hZ2USGQoXCAESEwoDEgFOCgIIAQoDEgFICgMSAVdiHwoGbGFiZWxzEhUKEwgHEg8KAxIBTgoDEgFICgMSAVdCBAoAEA0='

describe('an integer label output (N x H x W int64)', () => {
  const bytes = new Uint8Array(Buffer.from(LABELS_MODEL, 'base64'))

  it('is taken as labels and cropped back from the padded size', async () => {
    const m = await loadOnnxModel(bytes, { classes: { 1: 'fg' } })
    expect(m.config).toMatchObject({ kind: 'labels', outputName: 'labels', size: { multipleOf: 32 } })
    const img = hramp(50, 20)
    const [p] = await m.predict([img])
    expect(p).toMatchObject({ width: 50, height: 20 })
    const r = compare(
      p as LabelMap,
      (x) => (x / 49 > 0.5 ? 1 : 0),
      (x) => Math.abs(x / 49 - 0.5) < 1e-3,
    )
    expect(r.mismatches).toBe(0)
    await m.close()
  })

  it('is resampled nearest from a fixed size (no in-between ids)', async () => {
    const m = await loadOnnxModel(bytes, { classes: { 1: 'fg' }, input: { size: [32, 32] } })
    const img = hramp(100, 80)
    const [p] = await m.predict([img])
    expect(new Set(p?.data)).toEqual(new Set([0, 1]))
    const r = compare(p as LabelMap, (x) => (x / 99 > 0.5 ? 1 : 0), undefined, 2)
    expect(r.mismatches).toBe(0)
    await m.close()
  })

  it('rejects a sigmoid kind for it and a labels kind for a score map', async () => {
    await expectRejection(
      loadOnnxModel(bytes, { classes: { 1: 'a', 2: 'b' }, output: { kind: 'sigmoid' } }),
      'E_MODEL_OUTPUT',
    )
    await expectRejection(
      loadOnnxModel(model('multi.onnx'), { classes: { 1: 'a' }, output: { kind: 'labels' } }),
      'E_MODEL_OUTPUT',
      'labels',
    )
  })
})

describe('close', () => {
  it('lets predictions asked for before close finish, then refuses', async () => {
    const m = await loadOnnxModel(model('nhwc.onnx'), { classes: { 1: 'a' } })
    const pending = m.predict([hramp(40, 40)])
    const closed = m.close()
    const [p] = await pending
    expect(p).toMatchObject({ width: 40, height: 40 })
    await closed
    await expectRejection(m.predict([hramp(4, 4)]), 'E_MODEL_CLOSED', 'closed')
  })
})
