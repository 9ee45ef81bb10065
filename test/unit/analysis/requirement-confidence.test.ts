import { describe, expect, it } from 'vitest'
import { aggregate } from '../../../src/analysis/aggregate.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import type { Score, SweepResult } from '../../../src/results/sweep-result.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { expectThrow } from '../../support/helpers.js'

/** Three samples of class LV over shift -1, 0, 1; two score high, one low, so the mean passes 0.85 and its bound does not. */
function result(curves: Score[][]): SweepResult {
  const values = [-1, 0, 1]
  const mean = values.map((_, k) => curves.reduce((a, c) => a + (c[k] as number), 0) / curves.length)
  return {
    schemaVersion: 1,
    model: 'hand',
    transform: {
      name: 't',
      parameter: { name: 'shift', unit: 'px', neutral: 0, scale: 'linear', defaultRange: [-1, 1], defaultStep: 1 },
      options: {},
    },
    values,
    classes: ['LV'],
    metrics: ['dice'],
    reference: 'truth',
    samples: curves.map((c, i) => ({ id: `s${i}`, scores: { dice: { LV: c } } })),
    mean: { dice: { LV: mean } },
    timing: { totalMs: 0, predictMs: 0, transformMs: 0, scoreMs: 0, predictions: 0 },
  }
}

describe('evaluateRequirement with confidence', () => {
  const r = result([
    [0.99, 0.99, 0.99],
    [0.98, 0.98, 0.98],
    [0.61, 0.9, 0.61],
  ])

  it('checks the lower bound of the mean, not the mean', () => {
    expect(evaluateRequirement(r, { min: 0.85 }).pass).toBe(true)
    const v = evaluateRequirement(r, { min: 0.85, confidence: 0.95, resamples: 1000, seed: 1 })
    expect(v).toMatchObject({ pass: false, confidence: 0.95, resamples: 1000, seed: 1, aggregate: 'mean' })
    const agg = aggregate(r, { min: 0.85, confidence: 0.95, resamples: 1000, seed: 1 }).classes.LV
    // P(all three draws are the low sample) = 1/27 > 2.5 %: the bound at -1 and 1 is that sample's 0.61.
    expect(agg?.lower[0]).toBeCloseTo(0.61, 12)
    expect(v.failures.map((f) => [f.value, f.score, f.lower])).toEqual([
      [-1, r.mean.dice?.LV?.[0], agg?.lower[0]],
      [1, r.mean.dice?.LV?.[2], agg?.lower[2]],
    ])
    expect(v.classes[0]?.interval).toEqual(stableInterval(r, { className: 'LV', min: 0.85 }))
    expect(v.classes[0]?.lowerInterval).toEqual(agg?.lowerInterval)
  })

  it('passes when the samples agree, and refuses aggregate each', () => {
    const same = result([
      [0.9, 0.95, 0.9],
      [0.9, 0.95, 0.9],
    ])
    expect(evaluateRequirement(same, { min: 0.85, confidence: 0.99, resamples: 200 }).pass).toBe(true)
    expectThrow(
      () => evaluateRequirement(r, { min: 0.85, confidence: 0.95, aggregate: 'each' }),
      'E_INCOMPATIBLE_OPTIONS',
      "aggregate 'each'",
    )
    expectThrow(() => evaluateRequirement(r, { min: 0.85, confidence: 2 }), 'E_OUT_OF_RANGE', 'confidence')
  })
})
