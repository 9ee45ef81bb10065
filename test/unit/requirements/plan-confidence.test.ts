import { describe, expect, it } from 'vitest'
import { planRequirement } from '../../../src/requirements/plan.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { noise } from '../../../src/transforms/intensity.js'
import { expectThrow } from '../../support/helpers.js'

describe('planRequirement: confidence, resamples, seed, repeats', () => {
  it('puts the bootstrap into the requirement and repeats and seed into the sweep', () => {
    const plan = planRequirement(noise, {
      min: 0.8,
      values: [0, 0.1],
      confidence: 0.9,
      resamples: 500,
      seed: 3,
      repeats: 4,
    })
    expect(plan.requirement).toMatchObject({ confidence: 0.9, resamples: 500, seed: 3 })
    expect(plan.sweep).toMatchObject({ repeats: 4, seed: 3 })
    // Without confidence the requirement has no bootstrap; the defaults fill in resamples and seed.
    expect(planRequirement(rotate, { min: 0.8 }).requirement).not.toHaveProperty('confidence')
    expect(planRequirement(rotate, { min: 0.8, confidence: 0.95 }).requirement).toMatchObject({
      confidence: 0.95,
      resamples: 2000,
      seed: 0,
    })
  })

  it('checks the bootstrap before sweeping, and refuses confidence with aggregate each', () => {
    expectThrow(() => planRequirement(rotate, { min: 0.8, confidence: 95 }), 'E_BAD_PARAMETER', 'confidence', '(0, 1)')
    expectThrow(
      () => planRequirement(rotate, { min: 0.8, confidence: 0.95, resamples: 5 }),
      'E_BAD_PARAMETER',
      'resamples',
    )
    expectThrow(
      () => planRequirement(rotate, { min: 0.8, confidence: 0.95, aggregate: 'each' }),
      'E_INCOMPATIBLE_OPTIONS',
      "aggregate 'each'",
    )
    expectThrow(
      () => planRequirement(rotate, { min: 0.8 }, { confidence: 0.95, aggregate: 'each' }),
      'E_INCOMPATIBLE_OPTIONS',
      "aggregate 'each'",
    )
  })

  it('passes confusion to the sweep', () => {
    expect(planRequirement(rotate, { min: 0.8, confusion: true }).sweep.confusion).toBe(true)
    expect(planRequirement(rotate, { min: 0.8 }, { confusion: true }).sweep.confusion).toBe(true)
    expect(planRequirement(rotate, { min: 0.8 }).sweep).not.toHaveProperty('confusion')
  })

  it('takes repeats from the defaults for random transforms only', () => {
    expect(planRequirement(noise, { min: 0.8 }, { repeats: 3 }).sweep.repeats).toBe(3)
    expect(planRequirement(rotate, { min: 0.8 }, { repeats: 3 }).sweep).not.toHaveProperty('repeats')
    // Given on the requirement, it reaches the sweep, which refuses it for a deterministic transform.
    expect(planRequirement(rotate, { min: 0.8, repeats: 3 }).sweep.repeats).toBe(3)
  })
})
