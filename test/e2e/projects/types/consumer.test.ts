// Type-checked by tsc in the e2e suite (never run): the matcher typings a user gets from `segsense/vitest`.
import { expect, test } from 'vitest'
import { functionModel, labelMap, rotate, zoom, spike, spikePosition, sweepGrid, type Sample } from 'segsense'

declare const samples: Sample[]
const model = functionModel('m', { 1: 'LV' }, (img) => labelMap(img.width, img.height))

test('typed matchers', async () => {
  await expect(model).toBeRobustTo(rotate, { samples, range: [-15, 15], step: 5, min: 0.85 })
  await expect(model).toBeRobustTo(zoom.with({ padding: 'reflection' }), { samples, min: { LV: 0.9 }, aggregate: 'each', scoreClasses: ['LV'] })
  await expect(model).toBeRobustTo(rotate, { samples, metric: 'nsd', nsdTolerance: 2, min: 0.9 })
  await expect(model).not.toBeRobustTo(rotate, { samples, values: [0, 90], min: 0.5, attach: 'always' })
  await expect(model).toMatchSweepSnapshot(rotate, { samples, range: [-180, 180], step: 15, scoreTolerance: 0.02, intervalMin: 0.8 })
  await expect(model).toMatchPredictionSnapshot(samples, { maxChangedPixels: 50, maxChangedRatio: 0.01, minDice: { LV: 0.98 }, ignoreBoundary: 1, attach: 'always' })
  await expect(model).toMatchPredictionSnapshot(samples, { transform: rotate, values: [-10, 0, 10], minDice: 0.99 })
  await expect(model).toMatchPredictionSnapshot()
  // Deprecated aliases still type-check for one release.
  await expect(model).toBeRobustTo(rotate, { samples, minDice: 0.85 })
  await expect(model).toMatchSweepSnapshot(rotate, { samples, tolerance: 0.02 })
  await expect(model).toBeAtLeastAsRobustAs(model, rotate, { samples, range: [-30, 30], step: 5, margin: 0.02, confidence: 0.95, resamples: 500, seed: 1 })
  await expect(model).not.toBeAtLeastAsRobustAs(model, rotate)
  const returned: Promise<void> = expect(model).toBeRobustTo(rotate, { samples, min: 0.8 })
  await returned

  // Two-parameter grids: two transforms, or a transform and an option axis of it (its `vary` typed by the transform).
  await expect(model).toBeRobustTo([rotate, zoom], { samples, ranges: [[-15, 15], [0.9, 1.1]], min: 0.8 })
  await expect(model).toBeRobustTo([spike, { parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }], { samples, axes: [{ values: [0, 1] }, { steps: 3 }], min: { LV: 0.8 } })
  await sweepGrid(model, samples, [{ parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }, spike], { metrics: ['dice'] })
  // @ts-expect-error positon is not an option of spike
  await sweepGrid(model, samples, [spike, { parameter: spikePosition.parameter, vary: (y) => ({ positon: [0.1, y] }) }])
  // @ts-expect-error the grid form takes axes/ranges, not a one-axis range
  await expect(model).toBeRobustTo([rotate, zoom], { samples, range: [-15, 15], min: 0.8 })
  // @ts-expect-error min must be a number or a per-class map
  await expect(model).toBeRobustTo(rotate, { samples, min: 'high' })
  // @ts-expect-error aggregate is 'mean' or 'each'
  await expect(model).toBeRobustTo(rotate, { samples, min: 0.8, aggregate: 'median' })
  // @ts-expect-error a transform is required
  await expect(model).toBeRobustTo({ samples, min: 0.8 })
  // @ts-expect-error a comparison compares mean curves: no aggregate
  await expect(model).toBeAtLeastAsRobustAs(model, rotate, { samples, aggregate: 'each' })
  // @ts-expect-error the baseline comes first
  await expect(model).toBeAtLeastAsRobustAs(rotate, { samples })
  // @ts-expect-error minDice is a number or a per-class map
  await expect(model).toMatchPredictionSnapshot(samples, { minDice: 'strict' })
  // @ts-expect-error attach is 'on-failure', 'always' or 'never'
  await expect(model).toMatchPredictionSnapshot(samples, { attach: 'near-miss' })
  // @ts-expect-error scoreTolerance is a number
  await expect(model).toMatchSweepSnapshot(rotate, { samples, scoreTolerance: '2%' })
})
