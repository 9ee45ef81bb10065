import { describe, expect, it } from 'vitest'
import { SegsenseError, isSegsenseError } from '../../../src/core/errors.js'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import type { LabelMap, Raster, Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import { assertSweepResult, sweepResultSchema, validateSweepResult } from '../../../src/results/schema/validate.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { type SweepProgress } from '../../../src/sweep/types.js'
import { defineTransform } from '../../../src/transforms/transform.js'

const W = 8
const H = 8

/** An 8x8 image with a bright 4x4 square at columns/rows 2..5, and its truth (class 1). */
function square(id: string, x0 = 2): Sample {
  const img = new Float32Array(W * H)
  const truth = new Uint8Array(W * H)
  for (let y = 2; y < 6; y++)
    for (let x = x0; x < x0 + 4; x++) {
      img[y * W + x] = 1
      truth[y * W + x] = 1
    }
  return sample(id, raster(W, H, 1, img), labelMap(W, H, truth))
}

/** Threshold model: class 1 where intensity > 0.5. Counts predict calls and batch sizes. */
function thresholdModel(
  classes: Record<number, string> = { 0: 'background', 1: 'fg' },
): SegmentationModel & { batches: number[] } {
  const inner = functionModel('threshold', classes, (img: Raster) =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
    ),
  )
  const batches: number[] = []
  return {
    name: inner.name,
    classes: inner.classes,
    batches,
    predict(images) {
      batches.push(images.length)
      return inner.predict(images)
    },
  }
}

/** Adds a constant to every intensity: not spatial. */
const brighten = defineTransform({
  name: 'brighten',
  spatial: false,
  parameter: { name: 'offset', unit: '', neutral: 0, scale: 'linear', defaultRange: [-0.6, 0.6], defaultStep: 0.2 },
  image: (img, a) => ({ ...img, data: img.data.map((v) => v + a) }),
})

/** Moves pixels right by an integer number of columns, zero fill; the truth moves too. */
function shiftData<T extends Float32Array | Uint8Array | Uint16Array>(data: T, s: number, width: number): T {
  const out = new (data.constructor as new (n: number) => T)(data.length)
  for (let i = 0; i < data.length; i++) {
    const x = i % width
    const src = x - s
    if (src >= 0 && src < width) out[i] = data[i - s] as number
  }
  return out
}
const shiftDefinition = {
  name: 'shift',
  parameter: {
    name: 'dx',
    unit: 'px',
    neutral: 0,
    scale: 'linear' as const,
    defaultRange: [-2, 2] as const,
    defaultStep: 1,
  },
  image: (img: Raster, s: number) => ({ ...img, data: shiftData(img.data, s, img.width) }),
  labels: (mask: LabelMap, s: number) => ({ ...mask, data: shiftData(mask.data, s, mask.width) }),
}
const shift = defineTransform({ ...shiftDefinition, spatial: true })
/** The same image shift declared non-spatial: the truth stays put, so the overlap shrinks with |dx|. */
const shiftImageOnly = defineTransform({
  name: 'shift',
  parameter: shiftDefinition.parameter,
  spatial: false,
  image: shiftDefinition.image,
})

async function rejection(p: Promise<unknown>): Promise<SegsenseError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(SegsenseError)
    return e as SegsenseError
  }
  throw new Error('expected a rejection')
}

describe('sweep', () => {
  it('scores a non-spatial transform against the untransformed truth', async () => {
    const r = await sweep(thresholdModel(), square('a'), brighten, { range: [-0.6, 0.6], step: 0.3 })
    expect(r.values).toEqual([-0.6, -0.3, 0, 0.3, 0.6])
    expect(r.classes).toEqual(['fg'])
    // Square (1.0) stays above 0.5 unless offset <= -0.5 (empty prediction: Dice 0); background (0) crosses 0.5 for
    // offset > 0.5: prediction = whole image, Dice = 2·16 / (64 + 16) = 0.4.
    expect(r.samples[0]?.scores.dice?.fg).toEqual([0, 1, 1, 1, 0.4])
    expect(r.mean.dice?.fg).toEqual([0, 1, 1, 1, 0.4])
    expect(r.timing.predictions).toBe(5)
  })

  it('moves the truth with a spatial transform', async () => {
    const spatial = await sweep(thresholdModel(), square('a'), shift)
    expect(spatial.values).toEqual([-2, -1, 0, 1, 2])
    expect(spatial.mean.dice?.fg).toEqual([1, 1, 1, 1, 1])
    const imageOnly = await sweep(thresholdModel(), square('a'), shiftImageOnly)
    // Overlap of two 4-wide squares offset by |dx| columns: Dice = 2·4(4 − |dx|) / 32 = (4 − |dx|)/4.
    expect(imageOnly.mean.dice?.fg).toEqual([0.5, 0.75, 1, 0.75, 0.5])
  })

  it('sends (sample, value) pairs in batches of batchSize and reports progress after each', async () => {
    const model = thresholdModel()
    const progress: SweepProgress[] = []
    const r = await sweep(model, [square('a'), square('b', 1), square('c', 3)], shift, {
      batchSize: 4,
      onProgress: (p) => progress.push(p),
    })
    expect(model.batches).toEqual([4, 4, 4, 3]) // 3 samples × 5 values
    expect(progress).toEqual([
      { done: 4, total: 15 },
      { done: 8, total: 15 },
      { done: 12, total: 15 },
      { done: 15, total: 15 },
    ])
    expect(r.samples.map((s) => s.id)).toEqual(['a', 'b', 'c'])
    const big = thresholdModel()
    await sweep(big, [square('a'), square('b')], shift)
    expect(big.batches).toEqual([10]) // default batch size 16 > 10 pairs
  })

  it('averages over samples and skips undefined scores', async () => {
    const model = thresholdModel({ 1: 'fg', 2: 'other' })
    const r = await sweep(model, [square('a'), square('b')], shiftImageOnly, {
      values: [0, 2],
      emptyPolicy: { bothEmpty: 'nan' },
      metrics: ['dice', 'iou'],
    })
    // Class 2 is absent from truth and prediction: undefined under bothEmpty 'nan' -> null, mean null.
    expect(r.samples[0]?.scores.dice?.other).toEqual([null, null])
    expect(r.mean.dice?.other).toEqual([null, null])
    // IoU of squares offset by 2 columns: 8 / (16 + 16 − 8) = 1/3.
    expect(r.mean.iou?.fg?.[1]).toBeCloseTo(1 / 3, 12)
    expect(r.emptyPolicy).toEqual({ bothEmpty: 'nan' })
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
    // Absent from the truth: nothing to score under either policy (it used to score a perfect 1 under 'best').
    const best = await sweep(model, [square('a')], shiftImageOnly, { values: [0, 2] })
    expect(best.mean.dice?.other).toEqual([null, null])
    expect(best.meanCounts?.dice?.other).toEqual([0, 0])
    expect(best.warnings).toEqual([
      {
        sample: 'a',
        className: 'other',
        reason: 'empty-reference',
        message: 'sample "a": the truth has no other; not scored',
      },
    ])
    expect(best.mean.dice?.fg?.[0]).toBe(1)
  })

  it('records how many samples each mean averaged (meanCounts), so a mean over 1 of 3 says so', async () => {
    const model = thresholdModel({ 1: 'fg' })
    const r = await sweep(model, [square('a'), square('edge', 4), square('b', 1)], shift, {
      values: [0, 4],
      emptyPolicy: { bothEmpty: 'nan' },
    })
    // A shift of 4 moves the square of 'edge' (columns 4..7) out of the frame: truth and prediction are empty there,
    // undefined under bothEmpty 'nan' and skipped by the mean; a and b keep part of theirs.
    expect(r.samples[1]?.scores.dice?.fg).toEqual([1, null])
    expect(r.meanCounts?.dice?.fg).toEqual([3, 2])
    expect(r.mean.dice?.fg).toEqual([1, 1])
    expect(r.warnings).toBeUndefined()
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
    const broken = JSON.parse(JSON.stringify(r))
    broken.meanCounts.dice.fg = [0, 4]
    const v = validateSweepResult(broken)
    expect(v.valid ? [] : v.errors).toEqual([
      '/meanCounts/dice/fg/0 is 0 but /mean/dice/fg/0 is 1 (a mean is null exactly when it averaged 0 samples)',
      '/meanCounts/dice/fg/1 is 4, more than the 3 samples',
    ])
  })

  it("scores against the model's own prediction with reference 'prediction' (no truth needed)", async () => {
    const noTruth = [
      { id: 'a', image: square('a').image },
      { id: 'b', image: square('b', 1).image },
    ]
    const model = thresholdModel()
    const progress: SweepProgress[] = []
    const r = await sweep(model, noTruth, shift, {
      reference: 'prediction',
      batchSize: 4,
      onProgress: (p) => progress.push(p),
    })
    expect(r.reference).toBe('prediction')
    expect(r.mean.dice?.fg).toEqual([1, 1, 1, 1, 1]) // the threshold model is shift-equivariant
    // Clean predictions and their probes first (2 + 2 x 2), then 10 pairs less the 2 neutral ones (the clean images).
    expect(model.batches).toEqual([4, 2, 3, 3, 2])
    expect(progress.at(-1)).toEqual({ done: 16, total: 16 })
    expect(r.timing.predictions).toBe(16)
    const image = await sweep(thresholdModel(), noTruth, shiftImageOnly, { reference: 'prediction' })
    expect(image.samples[0]?.scores.dice?.fg).toEqual([0.5, 0.75, 1, 0.75, 0.5])
    // Sample b's square (columns 1..4) is clipped at dx = -2 to columns 0..2: Dice = 2·8 / (12 + 16) = 4/7.
    const b = image.samples[1]?.scores.dice?.fg as number[]
    ;[4 / 7, 0.75, 1, 0.75, 0.5].forEach((d, i) => expect(b[i]).toBeCloseTo(d, 12))
    expect(image.mean.dice?.fg?.[0]).toBeCloseTo((0.5 + 4 / 7) / 2, 12)
  })

  it('rejects a sample without truth under reference truth, naming it', async () => {
    const e = await rejection(
      sweep(thresholdModel(), [square('a'), { id: 'no-mask', image: square('x').image }], shift),
    )
    expect(e.code).toBe('E_MISSING_TRUTH')
    expect(e.message).toContain('no-mask')
  })

  it('rejects a truth of another size than its image, naming the sample', async () => {
    const bad: Sample = { id: 'odd', image: raster(4, 4), truth: labelMap(W, H) }
    const e = await rejection(sweep(thresholdModel(), bad, brighten))
    expect(e.code).toBe('E_SIZE_MISMATCH')
    expect(e.message).toContain('odd')
  })

  it('aborts between batches', async () => {
    const controller = new AbortController()
    const model = thresholdModel()
    const e = await rejection(
      sweep(model, [square('a'), square('b')], shift, {
        batchSize: 3,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    )
    expect(e.code).toBe('E_ABORTED')
    expect(model.batches).toEqual([3])
    const before = thresholdModel()
    const pre = new AbortController()
    pre.abort()
    expect((await rejection(sweep(before, square('a'), shift, { signal: pre.signal }))).code).toBe('E_ABORTED')
    expect(before.batches).toEqual([])
  })

  it('checks the model output', async () => {
    const wrongSize = functionModel('tiny', { 1: 'fg' }, () => labelMap(2, 2))
    expect((await rejection(sweep(wrongSize, square('a'), brighten))).code).toBe('E_MODEL_OUTPUT')
    const dropsOne: SegmentationModel = {
      name: 'drops',
      classes: { 1: 'fg' },
      predict: (images) => Promise.resolve(images.slice(1).map(() => labelMap(W, H))),
    }
    expect((await rejection(sweep(dropsOne, square('a'), brighten))).code).toBe('E_MODEL_OUTPUT')
  })

  it('validates its options', async () => {
    for (const [options, code] of [
      [{ batchSize: 0 }, 'E_OUT_OF_RANGE'],
      [{ metrics: ['hd99'] as never }, 'E_OUT_OF_RANGE'],
      [{ scoreClasses: ['nope'] }, 'E_OUT_OF_RANGE'],
      [{ step: -1 }, 'E_OUT_OF_RANGE'],
      [{ reference: 'gt' as never }, 'E_OUT_OF_RANGE'],
      [{ onProgress: 'log' as never }, 'E_WRONG_TYPE'],
      [{ signal: {} as never }, 'E_WRONG_TYPE'],
    ] as const) {
      const e = await rejection(sweep(thresholdModel(), square('a'), shift, options))
      expect(e.code, e.message).toBe(code)
      expect(isSegsenseError(e, 'E_BAD_PARAMETER')).toBe(true)
    }
    const e = await rejection(sweep(thresholdModel(), [square('a'), square('a')], shift))
    expect(e.message).toContain('"a"')
  })

  it('scores background when named explicitly', async () => {
    const r = await sweep(thresholdModel(), square('a'), shift, { scoreClasses: ['background', 'fg'], values: [0] })
    expect(r.classes).toEqual(['background', 'fg'])
    expect(r.mean.dice?.background).toEqual([1])
  })

  it('takes classes as the deprecated name of scoreClasses, and refuses both', async () => {
    const r = await sweep(thresholdModel(), square('a'), shift, { classes: ['fg'], values: [0] })
    expect(r.classes).toEqual(['fg'])
    const e = await rejection(sweep(thresholdModel(), square('a'), shift, { classes: ['fg'], scoreClasses: ['fg'] }))
    expect(e.code).toBe('E_INCOMPATIBLE_OPTIONS')
    expect(e.message).toContain('give scoreClasses, not both')
  })
})

describe('nothing to score is undefined, never a pass', () => {
  const blank = { id: 'blank', image: raster(W, H) }

  it("under reference 'prediction', a sample whose clean prediction is empty is null at every value, skipped by the mean and warned", async () => {
    const noTruth = [{ id: 'a', image: square('a').image }, blank]
    const r = await sweep(thresholdModel(), noTruth, shiftImageOnly, { reference: 'prediction' })
    // It used to score 1 everywhere (both empty) and lift the mean from [0.5, 0.75, 1, 0.75, 0.5] to [0.75, ...].
    expect(r.samples[1]?.scores.dice?.fg).toEqual([null, null, null, null, null])
    expect(r.mean.dice?.fg).toEqual([0.5, 0.75, 1, 0.75, 0.5])
    expect(r.meanCounts?.dice?.fg).toEqual([1, 1, 1, 1, 1])
    expect(r.warnings).toEqual([
      {
        sample: 'blank',
        className: 'fg',
        reason: 'empty-reference',
        message: 'sample "blank": the clean prediction has no fg; not scored',
      },
    ])
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
  })

  it('a model that finds nothing on every sample fails any threshold instead of passing with 1.0', async () => {
    const r = await sweep(thresholdModel(), [blank], brighten, {
      reference: 'prediction',
      values: [0, 0.3],
      metrics: ['dice', 'recall'],
    })
    expect(r.mean.dice?.fg).toEqual([null, null])
    expect(r.mean.recall?.fg).toEqual([null, null])
    expect(evaluateRequirement(r, { min: 0.5 }).pass).toBe(false)
  })

  it('the criterion is the untransformed reference: a class moved out of the frame is still scored (emptyPolicy applies)', async () => {
    // At dx = 4 the square of 'edge' leaves the frame; under 'best' the empty prediction is right and scores 1.
    const r = await sweep(thresholdModel({ 1: 'fg' }), [square('edge', 4)], shift, { values: [0, 4] })
    expect(r.mean.dice?.fg).toEqual([1, 1])
    expect(r.warnings).toBeUndefined()
  })

  it('validateSweepResult checks that a warning names a sample and a class of the result', async () => {
    const r = JSON.parse(
      JSON.stringify(await sweep(thresholdModel(), [blank], brighten, { reference: 'prediction', values: [0] })),
    )
    r.warnings[0].sample = 'ghost'
    r.warnings[0].className = 'LV'
    const v = validateSweepResult(r)
    expect(v.valid ? [] : v.errors).toEqual([
      '/warnings/0/sample "ghost" is not a sample id',
      '/warnings/0/className "LV" is not listed in /classes',
    ])
  })
})

describe('hand-built samples are validated once, before the model runs', () => {
  const bad = async (s: Sample, code: string, ...fragments: string[]) => {
    const model = thresholdModel()
    const e = await rejection(sweep(model, [square('ok'), s], brighten, { values: [0] }))
    expect(e.code, e.message).toBe(code)
    expect(e.message).toContain(`sample ${JSON.stringify(s.id)}`)
    for (const f of fragments) expect(e.message).toContain(f)
    expect(model.batches).toEqual([])
  }
  const image = (data: unknown, channels = 1) => ({ width: W, height: H, channels, data }) as unknown as Raster

  it('refuses image data of the wrong type or length (a channels: 3 raster with w*h values used to be read out of bounds)', async () => {
    await bad(
      { id: 'rgb', image: image(new Float32Array(W * H), 3) },
      'E_SIZE_MISMATCH',
      'image data has 64 values, expected width x height x channels = 8x8x3 = 192',
    )
    await bad(
      { id: 'bytes', image: image(new Uint8Array(W * H)) },
      'E_WRONG_TYPE',
      'image data must be a Float32Array',
      'Uint8Array(64)',
    )
    await bad({ id: 'size', image: { ...image(new Float32Array(0)), width: 0 } }, 'E_OUT_OF_RANGE', 'positive integers')
  })

  it('refuses non-finite intensities, saying where: all NaN, or one +Infinity pixel', async () => {
    await bad(
      { id: 'nan', image: image(new Float32Array(W * H).fill(Number.NaN)) },
      'E_OUT_OF_RANGE',
      'image has only non-finite values (NaN at x=0, y=0)',
    )
    const inf = new Float32Array(W * H)
    inf[2 * W + 3] = Number.POSITIVE_INFINITY
    await bad({ id: 'inf', image: image(inf) }, 'E_OUT_OF_RANGE', 'image has 1 non-finite value (Infinity at x=3, y=2)')
    const rgb = new Float32Array(W * H * 3)
    rgb[3 * (W + 1) + 2] = Number.NEGATIVE_INFINITY
    await bad({ id: 'rgb-inf', image: image(rgb, 3) }, 'E_OUT_OF_RANGE', '-Infinity at x=1, y=1, channel 2')
  })

  it('refuses truth data of the wrong type or length', async () => {
    const img = square('x').image
    await bad(
      { id: 'ints', image: img, truth: { width: W, height: H, data: new Int32Array(W * H) } as unknown as LabelMap },
      'E_WRONG_TYPE',
      'truth data must be a Uint8Array or Uint16Array',
      'Int32Array(64)',
    )
    await bad(
      { id: 'short', image: img, truth: { width: W, height: H, data: new Uint8Array(10) } },
      'E_SIZE_MISMATCH',
      'truth data has 10 ids, expected width x height = 8x8 = 64',
    )
  })
})

describe("the caller's samples survive a model that writes into its input", () => {
  /** Predicts like thresholdModel, then blanks every image it was handed. */
  function vandal(): SegmentationModel & { seen: Raster[] } {
    const inner = thresholdModel()
    const seen: Raster[] = []
    return {
      name: 'vandal',
      classes: inner.classes,
      seen,
      async predict(images) {
        const out = await inner.predict(images)
        for (const img of images) {
          seen.push(img)
          img.data.fill(0)
        }
        return out
      },
    }
  }
  const identity = defineTransform({
    name: 'identity',
    spatial: false,
    parameter: { name: 'v', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 2], defaultStep: 1 },
    image: (img) => img,
  })

  it("gets copies of the clean images (reference 'prediction') and of what an identity transform returns", async () => {
    const s = square('a')
    const before = s.image.data.slice()
    const r = await sweep(vandal(), { id: 'a', image: s.image }, identity, { reference: 'prediction' })
    expect(s.image.data).toEqual(before)
    // Before, the clean prediction blanked the image and every later prediction was empty: Dice 0.
    expect(r.mean.dice?.fg).toEqual([1, 1, 1])
    const withTruth = await sweep(vandal(), s, identity)
    expect(s.image.data).toEqual(before)
    expect(withTruth.mean.dice?.fg).toEqual([1, 1, 1])
  })

  it("hands a transform's fresh images to the model as they are (no second copy)", async () => {
    const made = new Set<Raster>()
    const tracking = defineTransform({
      ...shiftDefinition,
      name: 'tracked',
      spatial: true,
      image: (img: Raster, v: number) => {
        const out = shiftDefinition.image(img, v)
        made.add(out)
        return out
      },
    })
    const model = vandal()
    await sweep(model, square('a'), tracking)
    expect(model.seen).toHaveLength(5)
    expect(model.seen.every((img) => made.has(img))).toBe(true)
  })
})

describe('a model that never answers', () => {
  const silent = (): SegmentationModel => ({
    name: 'silent',
    classes: { 1: 'fg' },
    predict: () => new Promise<LabelMap[]>(() => {}),
  })

  it('fails the sweep after batchTimeout with E_TIMEOUT naming the model and the batch', async () => {
    const t = performance.now()
    const e = await rejection(sweep(silent(), [square('a'), square('b')], shift, { batchSize: 4, batchTimeout: 30 }))
    expect(e.code).toBe('E_TIMEOUT')
    expect(e.message).toBe(
      'model "silent" did not answer batch 1 of 3 (4 images) within the batchTimeout of 30 ms (sweep of "shift" on model "silent")',
    )
    expect(e.details).toMatchObject({ model: 'silent', batch: 1, batches: 3 })
    expect(performance.now() - t).toBeLessThan(2000)
  })

  it('is abandoned when the signal aborts while predict runs', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    const e = await rejection(sweep(silent(), square('a'), shift, { signal: controller.signal }))
    expect(e.code).toBe('E_ABORTED')
    expect(e.message).toContain('aborted after 0 of 5 predictions')
  })

  it('a late answer or rejection after the timeout is dropped, not an unhandled rejection', async () => {
    const late: SegmentationModel = {
      name: 'late',
      classes: { 1: 'fg' },
      predict: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 40)),
    }
    expect((await rejection(sweep(late, square('a'), shift, { batchTimeout: 10 }))).code).toBe('E_TIMEOUT')
    await new Promise((r) => setTimeout(r, 60)) // vitest fails the file on an unhandled rejection
  })

  it('validates batchTimeout', async () => {
    for (const batchTimeout of [0, -5, Number.NaN, 2 ** 31, '100' as never]) {
      const e = await rejection(sweep(thresholdModel(), square('a'), shift, { batchTimeout }))
      expect(e.code).toBe(typeof batchTimeout === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE')
      expect(e.message).toContain('sweep option batchTimeout must be a number of milliseconds')
    }
  })
})

describe('sweep with the nsd metric', () => {
  it('scores NSD per value at the given tolerance and records the tolerance', async () => {
    const model = thresholdModel()
    const samples = [square('a')]
    const strict = await sweep(model, samples, shiftImageOnly, { values: [-2, -1, 0, 1, 2], metrics: ['dice', 'nsd'] })
    const nsd = strict.mean.nsd!.fg!
    expect(nsd[2]).toBe(1)
    expect(nsd[0]!).toBeLessThan(1)
    expect(nsd[0]!).toBeLessThan(nsd[1]!)
    expect(strict.nsdTolerance).toBe(1)
    expect(validateSweepResult(JSON.parse(JSON.stringify(strict))).valid).toBe(true)
    // A 2 px shift moves no boundary pixel further than 2 px from the other boundary.
    const loose = await sweep(model, samples, shiftImageOnly, { values: [-2, 2], metrics: ['nsd'], nsdTolerance: 2 })
    expect(loose.mean.nsd!.fg).toEqual([1, 1, 1])
    expect(loose.nsdTolerance).toBe(2)
    expect((await sweep(model, samples, shiftImageOnly, { values: [1] })).nsdTolerance).toBeUndefined()
  })

  it('rejects a bad nsdTolerance naming the option', async () => {
    const err = await rejection(
      sweep(thresholdModel(), [square('a')], shiftImageOnly, {
        values: [1],
        metrics: ['nsd'],
        nsdTolerance: Number.NaN,
      }),
    )
    expect(err.code).toBe('E_OUT_OF_RANGE')
    expect(err.message).toMatch(/sweep option nsdTolerance must be a finite number >= 0/)
  })
})

describe('validateSweepResult', () => {
  it('accepts a sweep result after a JSON round trip, and as a JSON string', async () => {
    const r = await sweep(thresholdModel(), [square('a'), square('b', 1)], shift, { metrics: ['dice', 'precision'] })
    const json = JSON.parse(JSON.stringify(r))
    const v = validateSweepResult(json)
    expect(v.valid ? [] : v.errors).toEqual([])
    expect(validateSweepResult(JSON.stringify(r)).valid).toBe(true)
    expect(assertSweepResult(json)).toEqual(r)
    expect(sweepResultSchema.properties.schemaVersion.const).toBe(1)
  })

  it('rejects a broken result with readable paths', async () => {
    const r = JSON.parse(JSON.stringify(await sweep(thresholdModel(), square('a'), shift)))
    r.samples[0].scores.dice.fg[3] = 'x'
    delete r.timing
    r.extra = 1
    const v = validateSweepResult(r)
    expect(v.valid).toBe(false)
    if (v.valid) return
    expect(v.errors).toContain('/samples/0/scores/dice/fg/3 must be number or null')
    expect(v.errors).toContain('/ must have property "timing"')
    expect(v.errors).toContain('/ has unknown property "extra"')
  })

  it('checks what the schema cannot: curve lengths, keys, neutral value', async () => {
    const r = JSON.parse(JSON.stringify(await sweep(thresholdModel(), square('a'), shift)))
    r.mean.dice.fg.pop()
    r.samples[0].scores.dice.LV = [1, 1, 1, 1, 1]
    const v = validateSweepResult(r)
    expect(v.valid ? [] : v.errors).toEqual([
      '/mean/dice/fg must have 5 scores (one per value), has 4',
      '/samples/0/scores/dice/LV is not listed in /classes',
    ])
    const noNeutral = JSON.parse(JSON.stringify(await sweep(thresholdModel(), square('a'), shift)))
    noNeutral.values[2] = 0.5
    const w = validateSweepResult(noNeutral)
    expect(w.valid ? [] : w.errors).toEqual(['/values must include the neutral value 0'])
  })

  it('assertSweepResult throws E_SCHEMA listing the errors', () => {
    let error: unknown
    try {
      assertSweepResult({ schemaVersion: 2 })
    } catch (e) {
      error = e
    }
    expect(isSegsenseError(error, 'E_SCHEMA')).toBe(true)
    expect((error as Error).message).toContain('/schemaVersion must be 1')
    expect((error as Error).message).toContain('/ must have property "values"')
  })
})
