import { describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import type { Raster, Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { bisectionValues } from '../../../src/sweep/refine.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { dihedral } from '../../../src/transforms/geometric.js'
import { defineTransform } from '../../../src/transforms/transform.js'

const N = 8
/** An 8x8 image with a 4x4 square of intensity 1 (class 1), and its truth. */
function square(id: string): Sample {
  const img = new Float32Array(N * N)
  const truth = new Uint8Array(N * N)
  for (let y = 2; y < 6; y++)
    for (let x = 2; x < 6; x++) {
      img[y * N + x] = 1
      truth[y * N + x] = 1
    }
  return sample(id, raster(N, N, 1, img), labelMap(N, N, truth))
}

/** Adds value/100 to every intensity (not spatial). */
const offset = defineTransform({
  name: 'offset',
  spatial: false,
  parameter: { name: 'level', unit: '%', neutral: 0, scale: 'linear', defaultRange: [0, 100], defaultStep: 10 },
  image: (img, v) => ({ ...img, data: img.data.map((x) => x + v / 100) }),
})

/**
 * A step function of the offset: class 1 where 0.5 < intensity < upper. The square (1 + level/100) is found while
 * level < 100 (upper - 1) and missed from there on, so Dice steps from 1 to 0 at that level (the background stays
 * below 0.5 up to level 50). Counts predict calls and images.
 */
function stepModel(upper: number): SegmentationModel & { calls: number; images: number } {
  const inner = functionModel('step', { 1: 'fg' }, (img: Raster) =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v) => (v > 0.5 && v < upper ? 1 : 0)),
    ),
  )
  const m = {
    name: 'step',
    classes: inner.classes,
    calls: 0,
    images: 0,
    predict(images: readonly Raster[]) {
      m.calls++
      m.images += images.length
      return inner.predict(images)
    },
  }
  return m
}

describe('refine', () => {
  it('finds the crossing of a step function to within the tolerance with the predicted number of calls', async () => {
    const m = stepModel(1 + 1 / 3) // Dice 1 below level 33.33..., 0 from there
    const samples = [square('a'), square('b')]
    const r = await sweep(m, samples, offset, {
      range: [0, 40],
      step: 10,
      batchSize: 16,
      refine: { min: 0.8, tolerance: 1 },
    })
    // grid 0..40 (5 values, one batch); bracket [30, 40] halved to 35, 32.5, 33.75, 33.125: width 0.625 <= 1
    expect(r.refined).toEqual({
      values: [32.5, 33.125, 33.75, 35],
      tolerance: 1,
      metric: 'dice',
      aggregate: 'mean',
      min: { fg: 0.8 },
    })
    expect(r.values).toEqual([0, 10, 20, 30, 32.5, 33.125, 33.75, 35, 40])
    expect(m.calls).toBe(1 + 4)
    expect(m.images).toBe(2 * (5 + 4))
    expect(r.timing.predictions).toBe(18)
    const interval = stableInterval(r, { className: 'fg', min: 0.8 })
    expect(interval?.kind).toBe('interval')
    if (interval?.kind !== 'interval') return
    expect(interval.gridTo).toBe(33.125)
    expect(Math.abs(interval.to - 100 / 3)).toBeLessThanOrEqual(1)
    expect(() => validateSweepResult(r)).not.toThrow()
    expect(r.mean.dice?.fg).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0])
  })

  it('bisects every crossing of each refined class, per sample with aggregate each', async () => {
    const m = stepModel(1.25) // crossing at 25
    const r = await sweep(m, [square('a')], offset, {
      range: [0, 40],
      step: 20,
      refine: { min: { fg: 0.5 }, tolerance: 5, aggregate: 'each' },
    })
    // [20, 40] -> 30 (fail) -> 25 (fail: 1.25 is not < 1.25) -> [20, 25] is 5 wide: done
    expect(r.refined?.values).toEqual([25, 30])
    expect(m.images).toBe(3 + 2)
  })

  it('keeps the frames of the refined values in value order', async () => {
    const r = await sweep(stepModel(1.25), [square('a')], offset, {
      range: [0, 40],
      step: 20,
      keep: 'frames',
      refine: { min: 0.5, tolerance: 5 },
    })
    const frames = r.frames.samples[0]?.frames ?? []
    expect(frames.map((f) => f.value)).toEqual(r.values)
    expect(frames.map((f) => f.prediction.data.some((v) => v === 1))).toEqual([true, true, false, false, false])
  })

  it('adds nothing when no curve crosses its threshold', async () => {
    const m = stepModel(3)
    const r = await sweep(m, [square('a')], offset, { range: [0, 40], step: 10, refine: { min: 0.8, tolerance: 1 } })
    expect(r.refined?.values).toEqual([])
    expect(r.values).toEqual([0, 10, 20, 30, 40])
    expect(m.images).toBe(5)
  })

  it('rejects refine options that cannot apply', async () => {
    const m = stepModel(2)
    const s = [square('a')]
    await expect(sweep(m, s, offset, { refine: { min: 0.8, tolerance: 0 } })).rejects.toMatchObject({
      code: 'E_OUT_OF_RANGE',
      message: expect.stringContaining('refine.tolerance'),
    })
    await expect(sweep(m, s, offset, { refine: { min: { LV: 0.8 }, tolerance: 1 } })).rejects.toMatchObject({
      code: 'E_OUT_OF_RANGE',
      message: expect.stringContaining('scored classes (fg)'),
    })
    await expect(sweep(m, s, offset, { refine: { min: 1.5, tolerance: 1 } })).rejects.toMatchObject({
      code: 'E_OUT_OF_RANGE',
      message: expect.stringContaining('[0, 1]'),
    })
    await expect(sweep(m, s, offset, { refine: { min: 0.8, tolerance: 1, metric: 'iou' } })).rejects.toMatchObject({
      code: 'E_OUT_OF_RANGE',
      message: expect.stringContaining("sweep's metrics"),
    })
    await expect(
      sweep(m, s, offset, { refine: { min: 0.8, tolerance: 1, tolerence: 2 } as never }),
    ).rejects.toMatchObject({ code: 'E_UNKNOWN_OPTION', message: expect.stringContaining("did you mean 'tolerance'") })
    await expect(sweep(m, s, dihedral, { refine: { min: 0.8, tolerance: 1 } })).rejects.toMatchObject({
      code: 'E_INCOMPATIBLE_OPTIONS',
      message: expect.stringContaining('categorical'),
    })
  })
})

describe('bisectionValues', () => {
  const curve = (scores: (number | null)[], min = 0.5) => ({ scores, min })
  it('halves each crossing wider than the tolerance, in the working axis', () => {
    expect(bisectionValues({ scale: 'linear' }, [0, 10, 20, 30], [curve([1, 1, 0, 1])], 1)).toEqual([15, 25])
    // an undefined score fails
    expect(bisectionValues({ scale: 'linear' }, [0, 10, 20], [curve([1, null, null])], 1)).toEqual([5])
    // narrow enough: nothing
    expect(bisectionValues({ scale: 'linear' }, [0, 1, 2], [curve([1, 0, 0])], 1)).toEqual([])
    // log parameters: the geometric mean
    expect(bisectionValues({ scale: 'log' }, [1, 4], [curve([1, 0])], 0.1)).toEqual([2])
    // several curves: the union, once
    expect(
      bisectionValues({ scale: 'linear' }, [0, 10, 20], [curve([1, 0, 0]), curve([1, 0, 1]), curve([1, 1, 1])], 1),
    ).toEqual([5, 15])
  })
})
