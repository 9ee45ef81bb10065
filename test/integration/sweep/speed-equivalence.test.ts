import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples } from '../../../src/models/fixtures.js'
import { functionModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { labelMap, raster } from '../../../src/core/raster.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate, zoom } from '../../../src/transforms/geometric.js'
import { defineTransform } from '../../../src/transforms/transform.js'

// The speed work (affine kernels, the adapter's buffer reuse and fused decoding, predicting a repeated circular value
// once) must not change a result. test/fixtures/speed-baseline.json holds the results of the same sweeps computed by
// main at da8f961, before that work (with the general grid sampler and separate passes), written by:
//   const r = await sweep(model, samples.slice(0, 4), rotate, { range: [-180, 180], step: 45, metrics: ['dice', 'nsd'] })
//   const z = await sweep(model, samples.slice(0, 3), zoom, { values: [0.6, 0.85, 1, 1.3], metrics: ['dice'] })
//   const p = await sweep(model, samples.slice(0, 2), rotate.with({ padding: 'reflection', maskInterpolation: 'onehot-bilinear' }),
//     { values: [-180, -33, 180], reference: 'prediction' })
//   JSON.stringify({ rotate: pick(r), zoom: pick(z), rotatePrediction: pick(p) }) with pick = ({ values, mean, samples })
const baseline = JSON.parse(
  readFileSync(new URL('../../fixtures/speed-baseline.json', import.meta.url), 'utf8'),
) as Record<string, unknown>
const pick = (r: { values: unknown; mean: unknown; samples: unknown }): unknown =>
  JSON.parse(JSON.stringify({ values: r.values, mean: r.mean, samples: r.samples }))

describe('the bundled model sweeps to the same scores as before the speed work', () => {
  it('rotate (dice, nsd; -180 and 180 predicted once), zoom, and a reference-prediction sweep: identical', async () => {
    const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
    const samples = await loadFixtureSamples('cardiac')
    let images = 0
    const counted = {
      ...model,
      name: model.name,
      classes: model.classes,
      predict: (imgs: Parameters<typeof model.predict>[0]) => ((images += imgs.length), model.predict(imgs)),
    }
    const r = await sweep(counted, samples.slice(0, 4), rotate, {
      range: [-180, 180],
      step: 45,
      metrics: ['dice', 'nsd'],
    })
    expect(images).toBe(4 * 8) // 9 values, the repeated 180 not predicted
    const z = await sweep(model, samples.slice(0, 3), zoom, { values: [0.6, 0.85, 1, 1.3], metrics: ['dice'] })
    const p = await sweep(
      model,
      samples.slice(0, 2),
      rotate.with({ padding: 'reflection', maskInterpolation: 'onehot-bilinear' }),
      { values: [-180, -33, 180], reference: 'prediction' },
    )
    await model.close()
    expect(pick(r)).toEqual(baseline.rotate)
    expect(pick(z)).toEqual(baseline.zoom)
    expect(pick(p)).toEqual(baseline.rotatePrediction)
    expect(Math.max(...(r.mean.dice?.LV ?? []).map(Number))).toBeGreaterThan(0.5) // the fixture holds real scores
  }, 60_000)
})

describe('a repeated circular value is predicted once only when its image is bit-identical', () => {
  const img = raster(
    8,
    8,
    1,
    Float32Array.from({ length: 64 }, (_, i) => (i % 8) / 8),
  )
  const truth = labelMap(
    8,
    8,
    Uint8Array.from({ length: 64 }, (_, i) => (i % 8 > 3 ? 1 : 0)),
  )
  const half = functionModel('half', { 1: 'fg' }, (im) =>
    labelMap(
      im.width,
      im.height,
      Uint8Array.from(im.data, (v) => (v > 0.45 ? 1 : 0)),
    ),
  )

  function counting(): { model: typeof half; calls: () => number } {
    let n = 0
    return { model: { ...half, predict: (imgs) => ((n += imgs.length), half.predict(imgs)) }, calls: () => n }
  }

  it('rotate -180 and 180 (and 540) share one prediction; the scores equal the first one', async () => {
    const c = counting()
    // Batches of 3 put some repeats in the batch of their first value and some in a later one.
    const r = await sweep(
      c.model,
      [
        { id: 'a', image: img, truth },
        { id: 'b', image: img, truth },
      ],
      rotate,
      { values: [-180, 0, 180, 540], batchSize: 3 },
    )
    expect(r.values).toEqual([-180, 0, 180, 540])
    expect(c.calls()).toBe(2 * 2)
    const fg = r.samples[0]?.scores.dice?.fg as number[]
    expect(fg[2]).toBe(fg[0])
    expect(fg[3]).toBe(fg[0])
  })

  it('a circular transform whose repeated value gives other pixels is predicted again', async () => {
    // Congruent values, different images: the period does not describe this transform's output.
    const drift = defineTransform<object>({
      name: 'drift',
      parameter: {
        name: 'turn',
        unit: 'deg',
        neutral: 0,
        scale: 'circular',
        period: 360,
        defaultRange: [-180, 180],
        defaultStep: 90,
      },
      spatial: false,
      image: (im, v) => ({ ...im, data: im.data.map((x) => x + v / 1000) }),
    })
    const c = counting()
    const r = await sweep(c.model, [{ id: 'a', image: img, truth }], drift, { values: [-180, 180] })
    expect(c.calls()).toBe(r.values.length)
    const fg = r.samples[0]?.scores.dice?.fg as number[]
    expect(fg[r.values.indexOf(180)]).not.toBe(fg[r.values.indexOf(-180)])
  })
})
