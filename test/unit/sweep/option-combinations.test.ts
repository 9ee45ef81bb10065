/**
 * Combinations of sweep and requirement options that cannot be answered correctly are refused, never answered with
 * the wrong bound or a partial count: confidence and refine with distances, refine with confusion or repeats.
 */
import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { planRequirement } from '../../../src/requirements/plan.js'
import { aggregate } from '../../../src/analysis/aggregate.js'
import { compareModels } from '../../../src/analysis/compare.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { translate } from '../../../src/transforms/geometric.js'
import { noise } from '../../../src/transforms/intensity.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'

const W = 16
const square = labelMap(
  W,
  W,
  Uint8Array.from({ length: W * W }, (_, i) => (i % W >= 4 && i % W < 12 && i >= 4 * W && i < 12 * W ? 1 : 0)),
)
const image = raster(
  W,
  W,
  1,
  Float32Array.from(square.data, (v) => v),
)
const samples = [
  { id: 'a', image, truth: square },
  { id: 'b', image, truth: square },
]
// Predicts the bright pixels: follows the image exactly, so scores depend on the transform only.
const model = functionModel('bright', { 1: 'square' }, (img) =>
  labelMap(
    img.width,
    img.height,
    Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)

describe('option combinations that are refused', () => {
  it('confidence bands and refinement refuse distance metrics', async () => {
    const result = await sweep(model, samples, translate, {
      values: [-2, 0, 2],
      metrics: ['dice', 'hd95'],
      cache: false,
    })
    expectThrow(
      () => aggregate(result, { min: 0.5, metric: 'hd95' }),
      'E_BAD_PARAMETER',
      'distance metric hd95 is not supported',
    )
    expectThrow(
      () => evaluateRequirement(result, { metric: 'hd95', max: 5, confidence: 0.95 }),
      'E_BAD_PARAMETER',
      'confidence is not supported for the distance metric hd95',
    )
    // The same requirement on the score passes its plain form: the refusal is about the metric, not the data.
    expect(evaluateRequirement(result, { metric: 'dice', min: 0.5, confidence: 0.95, resamples: 200 }).confidence).toBe(
      0.95,
    )
    expectThrow(
      () => planRequirement(translate, { values: [0], metric: 'hd95', max: 5, confidence: 0.95 }, {}, 'test'),
      'E_INCOMPATIBLE_OPTIONS',
      'confidence is not supported',
    )
    expectThrow(
      () => planRequirement(translate, { values: [0], metric: 'hd95', max: 5, refine: { tolerance: 1 } }, {}, 'test'),
      'E_INCOMPATIBLE_OPTIONS',
      'refine is not supported for the distance metric hd95',
    )
    await expectRejection(
      sweep(model, samples, translate, {
        values: [-2, 0, 2],
        metrics: ['hd95'],
        refine: { min: 0.5, tolerance: 1, metric: 'hd95' },
        cache: false,
      }),
      'E_BAD_PARAMETER',
      'distances are not refined',
    )
  })

  it('a confidence bound over one sample is refused (aggregate, gates, comparisons): its band would be the estimate itself', async () => {
    const one = await sweep(model, samples.slice(0, 1), translate, { values: [-2, 0, 2], cache: false })
    expect(evaluateRequirement(one, { min: 0.5 }).pass).toBe(true)
    expectThrow(
      () => evaluateRequirement(one, { min: 0.5, confidence: 0.95 }),
      'E_BAD_PARAMETER',
      'needs at least 2 samples; this result has 1',
    )
    expectThrow(() => aggregate(one, { min: 0.5 }), 'E_BAD_PARAMETER', 'needs at least 2 samples')
    // A comparison decides at its estimate without confidence (any n), at the bound only with spread.
    expect(compareModels(one, one).pass).toBe(true)
    expectThrow(
      () => compareModels(one, one, { confidence: 0.95 }),
      'E_BAD_PARAMETER',
      'compareModels: a confidence bound needs at least 2 samples',
    )
  })

  it('refine is refused with confusion counts and with repeated draws, which it could not merge', async () => {
    await expectRejection(
      sweep(model, samples, translate, { values: [-2, 0, 2], confusion: true, refine: { min: 0.5, tolerance: 1 } }),
      'E_BAD_PARAMETER',
      'refine cannot be combined with confusion',
    )
    await expectRejection(
      sweep(model, samples, noise, { values: [0, 0.1], repeats: 2, refine: { min: 0.5, tolerance: 0.05 } }),
      'E_BAD_PARAMETER',
      'refine cannot be combined with repeats',
    )
  })

  it('confusion counts are complete with the cache on: such a sweep bypasses it', async () => {
    const counted = await sweep(model, samples, translate, { values: [-2, 0, 2], confusion: true })
    const total = counted.confusion?.counts.map((m) => m.flat().reduce((a, b) => a + b, 0))
    expect(total).toEqual([2 * W * W, 2 * W * W, 2 * W * W])
  })
})
