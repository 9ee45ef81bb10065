import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import type { VolumeSample } from '../../../src/core/types.js'
import { confusionCounts } from '../../../src/metrics/confusion.js'
import { dice } from '../../../src/metrics/overlap.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { type VolumeSweepOptions, sweepVolumes, voxelAxisAlong } from '../../../src/sweep/volume.js'
import { expectRejection } from '../../support/helpers.js'
import { ballVolume, gain, thresholdModel } from '../../support/volumes.js'

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

describe('sweepVolumes: slice by slice, scored in 3D', () => {
  it('3D Dice is Dice of the voxel counts summed over the slices (not the mean of slice Dice); batches cross slices', async () => {
    const vol = ballVolume('ball', [16, 16, 9], [1, 1, 2], 6)
    const { model, seen } = thresholdModel()
    const result = await sweep(model, vol, gain, { values: [0.7, 1, 1.4], batchSize: 4, metrics: ['dice', 'iou'] })
    // 9 slices in batches of 4: 3 calls per value.
    expect(seen).toEqual({ calls: 9, slices: 27 })
    expect(result.volumes).toEqual({
      slicing: 'axial',
      samples: [{ id: 'ball', dims: [16, 16, 9], spacing: [1, 1, 2], axis: 2, slices: [0, 1, 2, 3, 4, 5, 6, 7, 8] }],
    })
    expect(validateSweepResult(result).valid).toBe(true)
    // The reference: per value, the counts of every slice summed, by hand.
    const [nx, ny, nz] = vol.image.dims
    for (const [k, g] of [0.7, 1, 1.4].entries()) {
      let tp = 0,
        fp = 0,
        fn = 0
      const sliceDice: number[] = []
      for (let s = 0; s < nz; s++) {
        const at = s * nx * ny
        const pred = labelMap(
          nx,
          ny,
          Uint8Array.from(vol.image.data.subarray(at, at + nx * ny), (v) => (v * g >= 0.5 ? 1 : 0)),
        )
        const c = confusionCounts(pred, labelMap(nx, ny, vol.truth!.data.subarray(at, at + nx * ny)), [1]).get(1)!
        tp += c.tp
        fp += c.fp
        fn += c.fn
        if (c.tp + c.fp + c.fn > 0) sliceDice.push(dice(c))
      }
      expect(result.mean.dice!.ball![k]).toBeCloseTo(dice({ tp, fp, fn }), 12)
      expect(result.mean.iou!.ball![k]).toBeCloseTo(tp / (tp + fp + fn), 12)
      if (g !== 1)
        expect(
          Math.abs(result.mean.dice!.ball![k]! - sliceDice.reduce((a, b) => a + b) / sliceDice.length),
        ).toBeGreaterThan(1e-3)
    }
    expect(result.mean.dice!.ball![1]).toBe(1)
  })

  it('slices along any axis give the same volume scores for a pointwise model; indices choose slices', async () => {
    const vol = ballVolume('ball', [12, 10, 8], [1, 1.5, 2], 5)
    const scores = (slices: VolumeSweepOptions['slices']) =>
      sweepVolumes(thresholdModel().model, vol, gain, { values: [0.8, 1, 1.3], metrics: ['dice', 'hd95'], slices })
    const axial = await scores('axial')
    for (const axis of [0, 1] as const) {
      const r = await scores({ axis })
      expect(r.volumes?.samples[0]?.axis).toBe(axis)
      expect(r.volumes?.samples[0]?.slices.length).toBe(vol.image.dims[axis])
      for (const m of ['dice', 'hd95'] as const)
        r.mean[m]!.ball!.forEach((v, k) => expect(v).toBeCloseTo(axial.mean[m]!.ball![k]!, 9))
    }
    const some = await scores({ axis: 2, indices: [3, 4] })
    expect(some.volumes?.slicing).toBe('axis')
    expect(some.volumes?.samples[0]?.slices).toEqual([3, 4])
    expect(some.timing.predictions).toBe(2 * 3)
  })

  it("'axial' is the voxel axis closest to the world S axis of the affine", () => {
    expect(voxelAxisAlong(IDENTITY, 2)).toBe(2)
    // Voxel axis 0 runs along S (a volume stored sagittal-first): axial slices are taken along i.
    const permuted = [0, 0, 1.2, 0, 0.9, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1]
    expect(voxelAxisAlong(permuted, 2)).toBe(1)
    expect(voxelAxisAlong([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1], 2)).toBe(0)
    expect(voxelAxisAlong([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1], 0)).toBe(2)
  })

  it('refuses what it cannot do, naming it', async () => {
    const vol = ballVolume('v', [6, 6, 3], [1, 1, 1], 2)
    const { model } = thresholdModel()
    await expectRejection(sweep(model, { id: 'v', image: vol.image }, gain, { values: [1] }), 'E_MISSING_TRUTH', '"v"')
    await expectRejection(
      sweep(model, vol, gain, { values: [1], slices: { axis: 2, indices: [3] } }),
      'E_OUT_OF_RANGE',
      '0..2 along axis 2',
    )
    await expectRejection(
      sweep(model, vol, gain, { values: [1], slices: { axis: 3 as 2 } }),
      'E_OUT_OF_RANGE',
      'slices.axis',
    )
    await expectRejection(
      sweep(model, vol, gain, { values: [1], reference: 'prediction' as 'truth' }),
      'E_OUT_OF_RANGE',
      'truth only',
    )
    await expectRejection(sweep(model, vol, gain, { values: [1], keep: 'frames' } as never), 'E_UNKNOWN_OPTION', 'keep')
    await expectRejection(sweep(model, [vol, vol], gain, { values: [1] }), 'E_OUT_OF_RANGE', 'used twice')
    const short = { ...vol, truth: { ...vol.truth!, data: new Uint8Array(5) } }
    await expectRejection(sweep(model, short, gain, { values: [1] }), 'E_SIZE_MISMATCH', '"v"')
  })

  it('a class absent from a volume is not scored (null, warned); one the prediction loses scores by the empty policy', async () => {
    const vol = ballVolume('ball', [10, 10, 4], [1, 1, 1], 3)
    const empty: VolumeSample = { ...vol, id: 'none', truth: { ...vol.truth!, data: new Uint8Array(400) } }
    const result = await sweep(thresholdModel().model, [vol, empty], gain, {
      values: [0.2, 1],
      metrics: ['dice', 'hd95'],
    })
    expect(result.warnings?.map((w) => w.sample)).toEqual(['none'])
    expect(result.samples[1]?.scores.dice?.ball).toEqual([null, null])
    // Gain 0.2: the model predicts nothing, the truth has the ball: Dice 0, hd95 infinite (null, and the mean with it).
    expect(result.samples[0]?.scores.dice?.ball).toEqual([0, 1])
    expect(result.samples[0]?.scores.hd95?.ball).toEqual([null, 0])
    expect(result.mean.hd95?.ball).toEqual([null, 0])
    expect(result.meanCounts?.hd95?.ball).toEqual([1, 1])
    expect(validateSweepResult(result).valid).toBe(true)
  })
})

describe('distances as gates', () => {
  // Radius 6 mm; gain g moves the predicted surface to 12 (1 - 0.5 / g) mm: 0.8 -> 4.5, 1.25 -> 7.2, 2 -> 9.
  const vol = ballVolume('ball', [24, 24, 12], [1, 1, 2], 6)

  it('hd95 passes and fails where the crafted volumes say, and the failure reads in mm', async () => {
    const result = await sweep(thresholdModel().model, vol, gain, {
      values: [0.8, 1, 1.25, 2],
      metrics: ['hd95', 'dice'],
    })
    const hd95 = result.mean.hd95!.ball! as number[]
    expect(hd95[1]).toBe(0)
    // Within a voxel diagonal of the analytic surface shift |r' - 6|.
    ;[1.5, 0, 1.2, 3].forEach((shift, k) =>
      expect(Math.abs(hd95[k]! - shift)).toBeLessThanOrEqual(Math.hypot(1, 1, 2) / 2 + 1e-9),
    )
    expect(evaluateRequirement(result, { metric: 'hd95', max: 4 }).pass).toBe(true)
    const verdict = evaluateRequirement(result, { metric: 'hd95', max: { ball: 2.5 } })
    expect(verdict.pass).toBe(false)
    expect(verdict.direction).toBe('lower')
    expect(verdict.failures.map((f) => f.value)).toEqual([2])
    expect(verdict.failures[0]).toMatchObject({ className: 'ball', max: 2.5, score: hd95[3] })
    expect(verdict.classes[0]).toMatchObject({ max: 2.5, pass: false })
    // The stable interval of hd95 <= 2.5 mm: from below 0.8 (censored) to between 1.25 and 2.
    const interval = stableInterval(result, { className: 'ball', metric: 'hd95', max: 2.5 })
    expect(interval).toMatchObject({ kind: 'interval', censoredLow: true, gridFrom: 0.8, gridTo: 1.25 })
    const to = (interval as { to: number }).to
    expect(to).toBeCloseTo(1.25 + ((2.5 - hd95[2]!) * 0.75) / (hd95[3]! - hd95[2]!), 9)
    // min on a distance (and max on a score) is a mistake, never a silent gate.
    expect(() => evaluateRequirement(result, { metric: 'hd95', min: 0.5 })).toThrow(
      /hd95 is a distance \(lower is better\): give max/,
    )
    expect(() => stableInterval(result, { className: 'ball', metric: 'dice', max: 2 })).toThrow(/give min, not max/)
    expect(() => evaluateRequirement(result, { metric: 'hd95', max: -1 })).toThrow(/>= 0 \(a distance in mm\)/)
  })

  it('an infinite distance (empty prediction) never passes a max, however large, in the mean or each sample', async () => {
    const other = ballVolume('other', [24, 24, 12], [1, 1, 2], 6)
    // Gain 0.3: the model predicts nothing on either volume.
    const result = await sweep(thresholdModel().model, [vol, other], gain, {
      values: [0.3, 1],
      metrics: ['hd', 'hd95', 'assd', 'masd'],
    })
    for (const metric of ['hd', 'hd95', 'assd', 'masd'] as const) {
      expect(result.mean[metric]?.ball?.[0]).toBeNull()
      for (const aggregate of ['mean', 'each'] as const) {
        const verdict = evaluateRequirement(result, { metric, max: 1e12, aggregate })
        expect(verdict.pass, `${metric} ${aggregate}`).toBe(false)
        expect(verdict.failures.every((f) => f.value === 0.3 && f.score === null)).toBe(true)
      }
      expect(stableInterval(result, { className: 'ball', metric, max: 1e12 })).toMatchObject({
        gridFrom: 1,
        undefinedLow: true,
      })
    }
    // One volume missed, the other not: the mean is still infinite, not the other's finite distance.
    const mixed = await sweep(
      thresholdModel().model,
      [
        vol,
        {
          ...ballVolume('bright', [24, 24, 12], [1, 1, 2], 6),
          image: { ...other.image, data: other.image.data.map((v) => v * 4) },
        },
      ],
      gain,
      { values: [0.3, 1], metrics: ['hd95'] },
    )
    expect(mixed.samples[1]?.scores.hd95?.ball?.[0]).toEqual(expect.any(Number))
    expect(mixed.mean.hd95?.ball?.[0]).toBeNull()
    expect(mixed.meanCounts?.hd95?.ball?.[0]).toBe(2)
    expect(evaluateRequirement(mixed, { metric: 'hd95', max: 1e12 }).pass).toBe(false)
    expect(validateSweepResult(mixed).valid).toBe(true)
  })

  it('image sweeps score the distances too: in the truth spacing, an empty prediction infinite and failing', async () => {
    const [nx, ny] = vol.image.dims
    const k = 6
    const image = {
      width: nx,
      height: ny,
      channels: 1,
      data: vol.image.data.slice(k * nx * ny, (k + 1) * nx * ny),
      spacing: [1, 1] as const,
    }
    const truth = labelMap(nx, ny, vol.truth!.data.slice(k * nx * ny, (k + 1) * nx * ny), [1, 1])
    const result = await sweep(thresholdModel().model, { id: 'slice', image, truth }, gain, {
      values: [0.3, 1, 2],
      metrics: ['hd', 'dice'],
    })
    expect(result.mean.hd?.ball?.slice(0, 2)).toEqual([null, 0])
    expect(result.mean.hd?.ball?.[2]).toBeGreaterThan(2)
    expect(evaluateRequirement(result, { metric: 'hd', max: 1e9 }).failures.map((f) => f.value)).toEqual([0.3])
    expect(validateSweepResult(result).valid).toBe(true)
  })

  it('summarize: the AUC of a distance is the normalised area of max(0, 1 - d/max), a null counting 0', async () => {
    const result = await sweep(thresholdModel().model, vol, gain, { values: [0.3, 0.8, 1, 1.25, 2], metrics: ['hd95'] })
    const d = result.mean.hd95!.ball!
    const s = summarize(result, { metric: 'hd95', max: 4 })
    expect(s.direction).toBe('lower')
    expect(s.max).toBe(4)
    expect(s.min).toBeUndefined()
    const margin = d.map((v) => (v === null ? 0 : Math.max(0, 1 - v / 4)))
    const u = result.values
    let area = 0
    for (let i = 1; i < u.length; i++) area += ((u[i]! - u[i - 1]!) * (margin[i]! + margin[i - 1]!)) / 2
    expect(s.classes.ball?.auc).toBeCloseTo(area / (u[u.length - 1]! - u[0]!), 12)
    // The worst is the largest defined distance; the degradation area grows with the distance over neutral.
    expect(s.classes.ball?.worst).toEqual({ value: 2, score: Math.max(...d.filter((v): v is number => v !== null)) })
    expect(s.classes.ball?.neutralScore).toBe(0)
    expect(s.classes.ball?.degradationArea).toBeGreaterThan(0)
    // Slopes: distance gained per unit moving away from neutral (positive on both sides here).
    expect(s.classes.ball?.slopes?.plus).toBeCloseTo(d[3]! / 0.25, 9)
    expect(s.classes.ball?.interval).toMatchObject({ kind: 'interval', gridFrom: 0.8, gridTo: 2, censoredHigh: true })
  })
})
