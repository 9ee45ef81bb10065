import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { Sample } from '../../../src/core/types.js'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples } from '../../../src/models/fixtures.js'
import { functionModel, type SegmentationModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { assertGridResult } from '../../../src/results/schema/grid-result.js'
import { sweepGrid } from '../../../src/sweep/grid2d.js'
import { stableRegion } from '../../../src/analysis/stable-region.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate, translate, zoom } from '../../../src/transforms/geometric.js'
import { spike, spikePosition } from '../../../src/transforms/mri/spike.js'
import { defineTransform, type Transform } from '../../../src/transforms/transform.js'
import { expectRejection } from '../../support/helpers.js'

const SIZE = 64

/** A bright square (intensity 0.9 on 0.1) off centre, with its mask: rotation and translation do not commute on it. */
function square(id: string, x0: number, y0: number, side: number): Sample {
  const img = new Float32Array(SIZE * SIZE).fill(0.1)
  const mask = new Uint8Array(SIZE * SIZE)
  for (let y = y0; y < y0 + side; y++)
    for (let x = x0; x < x0 + side; x++) {
      img[y * SIZE + x] = 0.9
      mask[y * SIZE + x] = 1
    }
  return { id, image: raster(SIZE, SIZE, 1, img), truth: labelMap(SIZE, SIZE, mask) }
}

/** Predicts the square only where it was before any transform: the score shows where the transforms moved it. */
function fixedModel(sample: Sample): SegmentationModel {
  return functionModel('fixed-place', { 1: 'square' }, (img) =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(sample.truth!.data, (t, i) => (t === 1 && (img.data[i] as number) > 0.5 ? 1 : 0)),
    ),
  )
}

const thresholdModel = functionModel('threshold', { 1: 'square' }, (img) =>
  labelMap(
    img.width,
    img.height,
    Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)

/** `second` applied after `first` at a fixed value of `first`, swept over `second`'s parameter: the oracle of one grid row. */
function after(first: Transform, a: number, second: Transform): Transform {
  return defineTransform({
    name: `${second.name} after ${first.name}`,
    parameter: second.parameter,
    spatial: true,
    image: (img, v) => second.image(first.image(img, a), v),
    labels: (mask, v) => {
      let out = first.spatial ? first.labels!(mask, a) : mask
      if (second.spatial) out = second.labels!(out, v)
      return out
    },
  })
}

describe('sweepGrid: two transforms', () => {
  const s = square('sq', 36, 12, 14)

  it('applies the first axis, then the second, to image and truth; every row equals a sweep of the composition', async () => {
    const model = fixedModel(s)
    const grid = await sweepGrid(model, s, [rotate, translate], { axes: [{ values: [-40, 40] }, { values: [-8, 8] }] })
    expect(grid.axes.map((a) => a.values)).toEqual([
      [-40, 0, 40],
      [-8, 0, 8],
    ])
    expect(grid.neutral).toEqual([1, 1])
    expect(grid.axes.map((a) => [a.role, a.transform, a.parameter.name])).toEqual([
      ['transform', 'rotate', 'angle'],
      ['transform', 'translate', 'shift'],
    ])
    const scores = grid.mean.dice!.square!
    for (const [i, a] of grid.axes[0].values.entries()) {
      const row = await sweep(model, s, after(rotate, a, translate), { values: grid.axes[1].values })
      expect(scores[i], `row ${a}`).toEqual(row.mean.dice!.square)
    }
    expect(scores[1]![1]).toBe(1)
    // Order matters: translate-then-rotate is another grid (the square sits off the rotation centre).
    const swapped = await sweepGrid(model, s, [translate, rotate], {
      axes: [{ values: [-8, 8] }, { values: [-40, 40] }],
    })
    const transposed = swapped.mean.dice!.square!
    expect(scores[0]![0]).not.toBe(transposed[0]![0])
    expect(grid.timing.predictions).toBe(9)
  })

  it('a model that follows the image scores 1 in every cell when the truth moves with it', async () => {
    const grid = await sweepGrid(thresholdModel, s, [translate, zoom], {
      axes: [{ values: [-4, 4] }, { values: [0.9, 1.1] }],
    })
    for (const row of grid.mean.dice!.square!) for (const v of row) expect(v).toBeGreaterThan(0.9)
    expect(stableRegion(grid, { className: 'square', min: 0.9 })!.cells).toBe(9)
  })

  it('runs the first transform once per row of a sample, not once per cell, and never hands a model a shared image', async () => {
    let images = 0
    let masks = 0
    const counted = defineTransform({
      name: 'counted',
      parameter: rotate.parameter,
      spatial: true,
      image: (img, v) => (images++, rotate.image(img, v)),
      labels: (mask, v) => (masks++, rotate.labels!(mask, v)),
    })
    const seen = new Set<Float32Array>()
    // Writes into every image it is handed (as a careless model may): cells that shared one buffer would see 0s.
    const scribbler = functionModel('scribbler', { 1: 'square' }, (im) => {
      expect(seen.has(im.data)).toBe(false)
      seen.add(im.data)
      const out = thresholdModel.predict([im])
      im.data.fill(0)
      return out.then((o) => o[0]!)
    })
    const other = square('sq2', 10, 30, 12)
    const grid = await sweepGrid(scribbler, [s, other], [counted, translate], {
      axes: [{ values: [-40, 40] }, { values: [0, 4] }],
      batchSize: 4,
    })
    expect(images).toBe(6)
    expect(masks).toBe(6)
    expect(grid.axes[1].values).toEqual([0, 4])
    const plain = await sweepGrid(thresholdModel, [s, other], [rotate, translate], {
      axes: [{ values: [-40, 40] }, { values: [0, 4] }],
    })
    expect(grid.mean).toEqual(plain.mean)
  })

  it('rejects bad axes and options, naming the axis', async () => {
    await expectRejection(sweepGrid(thresholdModel, s, [rotate] as never), 'E_WRONG_TYPE', 'axes must be two')
    await expectRejection(
      sweepGrid(thresholdModel, s, [rotate, {}] as never),
      'E_WRONG_TYPE',
      'axis 1 must be a Transform',
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [rotate, zoom], { axes: [{ range: [10, -10] }, {}] }),
      'E_OUT_OF_RANGE',
      'sweepGrid axis 0 (rotate angle)',
      'from <= to',
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [rotate, zoom], { axes: [{}, { rnage: [1, 2] } as never] }),
      'E_UNKNOWN_OPTION',
      'axes[1]',
      "did you mean 'range'",
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [rotate, zoom], {
        ranges: [
          [-10, 10],
          [0.9, 1.1],
        ],
        axes: [{ range: [-5, 5] }, {}],
      }),
      'E_INCOMPATIBLE_OPTIONS',
      'range of axis 0 once',
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [rotate, zoom], { keep: 'frames' } as never),
      'E_UNKNOWN_OPTION',
      'sweepGrid options',
      'keep',
    )
  })

  it('scores against the clean prediction moved through both transforms with reference: prediction (no truth)', async () => {
    const noTruth = { id: 'bare', image: s.image }
    const grid = await sweepGrid(thresholdModel, noTruth, [translate, zoom], {
      axes: [{ values: [-4, 4] }, { values: [0.9, 1.1] }],
      reference: 'prediction',
    })
    expect(grid.reference).toBe('prediction')
    expect(grid.timing.predictions).toBe(12) // 9 grid points with the neutral one, the clean image and its 2 probes
    for (const row of grid.mean.dice!.square!) for (const v of row) expect(v).toBeGreaterThan(0.9)
    await expectRejection(sweepGrid(thresholdModel, noTruth, [translate, zoom]), 'E_MISSING_TRUTH', 'bare')
  })

  it('takes ranges as a shorthand for each axis range', async () => {
    const grid = await sweepGrid(thresholdModel, s, [rotate, zoom], {
      ranges: [
        [-10, 10],
        [0.9, 1.1],
      ],
      axes: [{ step: 10 }, { step: 0.1 }],
    })
    expect(grid.axes.map((a) => a.values)).toEqual([
      [-10, 0, 10],
      [0.9, 1, 1.1],
    ])
  })
})

describe('sweepGrid: two parameters of one transform', () => {
  const s = square('sq', 25, 25, 14)
  const position = { parameter: spikePosition.parameter, vary: (y: number) => ({ position: [0.1, y] as const }) }

  it('applies one spike per cell (spike position x spike intensity, misas figure 4); each column equals a spike sweep', async () => {
    const grid = await sweepGrid(thresholdModel, s, [spike, position], {
      axes: [{ values: [0, 1, 3] }, { values: [0.1, 0.5, 0.9] }],
    })
    expect(grid.axes.map((a) => [a.role, a.transform, a.parameter.name])).toEqual([
      ['transform', 'spike', 'intensity'],
      ['option', 'spike', 'y'],
    ])
    expect(grid.neutral).toEqual([0, 1])
    const scores = grid.mean.dice!.square!
    for (const [j, x] of grid.axes[1].values.entries()) {
      const column = await sweep(thresholdModel, s, spike.with({ position: [0.1, x] }), { values: grid.axes[0].values })
      expect(
        scores.map((row) => row[j]),
        `y = ${x}`,
      ).toEqual(column.mean.dice!.square)
    }
    // Intensity 0 leaves the image alone at every position; intensity 3 breaks the threshold model somewhere.
    expect(scores[0]).toEqual([1, 1, 1])
    expect(Math.min(...(scores[2] as number[]))).toBeLessThan(0.9)
    // The option axis first gives the transposed grid.
    const transposed = await sweepGrid(thresholdModel, s, [position, spike], {
      axes: [{ values: [0.1, 0.5, 0.9] }, { values: [0, 1, 3] }],
    })
    expect(transposed.mean.dice!.square).toEqual(grid.axes[1].values.map((_, j) => scores.map((row) => row[j])))
    expect(transposed.neutral).toEqual([1, 0])
  })

  it('names the option axis when its options are bad, and refuses two option axes', async () => {
    const bad = { parameter: spikePosition.parameter, vary: (y: number) => ({ positon: [0.1, y] }) }
    await expectRejection(
      sweepGrid(thresholdModel, s, [spike, bad] as never, { axes: [{}, { values: [0.5] }] }),
      'E_UNKNOWN_OPTION',
      'option axis 1 (y = 0.5) on spike',
      "did you mean 'position'",
    )
    const out = { parameter: spikePosition.parameter, vary: (y: number) => ({ position: [0.1, y * 2] as const }) }
    await expectRejection(
      sweepGrid(thresholdModel, s, [spike, out], { axes: [{}, { values: [0.9] }] }),
      'E_OUT_OF_RANGE',
      'option axis 1 (y = 0.9)',
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [position, position] as never),
      'E_INCOMPATIBLE_OPTIONS',
      'one of the two axes must be a Transform',
    )
    await expectRejection(
      sweepGrid(thresholdModel, s, [
        spike,
        { ...position, parameter: { ...spikePosition.parameter, scale: 'wobbly' } },
      ] as never),
      'E_OUT_OF_RANGE',
      'option axis 1',
      'parameter.scale',
    )
  })
})

describe('sweepGrid on a bundled ONNX model', () => {
  let model: SegmentationModel & { close(): Promise<void> }
  let samples: Sample[]
  beforeAll(async () => {
    model = await loadOnnxModel(fixtureModelPath('cardiac-robust'), { classes: CARDIAC_CLASSES })
    samples = (await loadFixtureSamples('cardiac')).slice(0, 2)
  })
  afterAll(async () => model?.close())

  it('rotate x zoom, 3 x 3 cells on 2 samples: a schema-valid grid whose neutral cell is the clean score', async () => {
    let last = 0
    const grid = await sweepGrid(model, samples, [rotate, zoom], {
      axes: [{ values: [-30, 30] }, { values: [0.8, 1.25] }],
      onProgress: (p) => (last = p.done),
    })
    expect(last).toBe(18)
    expect(grid.timing.predictions).toBe(18)
    expect(assertGridResult(JSON.parse(JSON.stringify(grid)))).toEqual(grid)
    const clean = await sweep(model, samples, rotate, { values: [0] })
    for (const c of grid.classes) expect(grid.mean.dice![c]![1]![1]).toBeCloseTo(clean.mean.dice![c]![0] as number, 6)
    const region = stableRegion(grid, { className: 'LV', min: 0.5 })
    expect(region).not.toBeNull()
    expect(region!.mask[1]![1]).toBe(true)
    expect(grid.samples.map((x) => x.id)).toEqual(samples.map((x) => x.id))
  })
})
