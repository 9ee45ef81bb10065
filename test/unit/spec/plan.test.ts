import { describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { planRequirement } from '../../../src/spec/plan.js'
import { evaluateRequirement } from '../../../src/sweep/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { codeOf, messageOf } from '../../support/helpers.js'

describe('planRequirement: one mapping from a requirement to sweep options', () => {
  it('carries every option to the sweep and the check', () => {
    const plan = planRequirement(rotate, { range: [-30, 30], step: 10, min: { LV: 0.9 }, metric: 'nsd', nsdTolerance: 2, scoreClasses: ['LV'], aggregate: 'each', reference: 'prediction', batchSize: 4 })
    expect(plan.sweep).toEqual({ range: [-30, 30], step: 10, metrics: ['nsd'], nsdTolerance: 2, reference: 'prediction', batchSize: 4 })
    expect(plan.requirement).toEqual({ min: { LV: 0.9 }, metric: 'nsd', aggregate: 'each', scoreClasses: ['LV'] })
    expect(plan.required).toEqual([-30, 30])
    expect(plan.gridText).toBe('step 10')
  })

  it('fills the defaults: dice, mean, batch 16, the transform range; values give the required extent', () => {
    const plan = planRequirement(rotate, { values: [20, -40, 0], min: 0.5 })
    expect(plan.sweep).toEqual({ values: [20, -40, 0], metrics: ['dice'], batchSize: 16 })
    expect(plan.requirement).toEqual({ min: 0.5, metric: 'dice', aggregate: 'mean' })
    expect(plan.required).toEqual([-40, 20])
    expect(planRequirement(rotate, { min: 0.5 }).required).toEqual([-180, 180])
    expect(planRequirement(rotate, { min: 0.5 }, { metric: 'iou', batchSize: 2 }).sweep).toMatchObject({ metrics: ['iou'], batchSize: 2 })
  })

  it('minDice is an alias of min for Dice only: an error with another metric, never a silent gate on it', () => {
    expect(planRequirement(rotate, { minDice: 0.8 }).requirement.min).toBe(0.8)
    expect(codeOf(() => planRequirement(rotate, { minDice: 0.8, metric: 'nsd' }))).toBe('E_BAD_PARAMETER')
    expect(messageOf(() => planRequirement(rotate, { minDice: 0.8, metric: 'nsd' }, {}, 'toBeRobustTo(rotate)'))).toBe('toBeRobustTo(rotate): minDice gates Dice only, but metric is "nsd"; write { metric: "nsd", min: ... }')
    expect(messageOf(() => planRequirement(rotate, { min: 0.8, minDice: 0.8 }))).toContain('give min, not both min and minDice')
    // The same rules for configured defaults.
    expect(codeOf(() => planRequirement(rotate, { metric: 'iou' }, { minDice: 0.8 }))).toBe('E_BAD_PARAMETER')
    expect(planRequirement(rotate, {}, { minDice: 0.7 }).requirement.min).toBe(0.7)
    expect(planRequirement(rotate, { min: 0.6 }, { min: 0.7 }).requirement.min).toBe(0.6)
  })

  it('refuses a missing threshold, both names of the class subset, and unknown enums', () => {
    expect(messageOf(() => planRequirement(rotate, {}))).toContain('needs a threshold')
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, scoreClasses: ['LV'], classes: ['LV'] }))).toBe('E_BAD_PARAMETER')
    expect(planRequirement(rotate, { min: 0.5, classes: ['LV'] }).requirement.scoreClasses).toEqual(['LV'])
    expect(messageOf(() => planRequirement(rotate, { min: 0.5, aggregate: 'median' as never }))).toContain("aggregate must be 'mean' or 'each', got \"median\"")
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, reference: 'gt' as never }))).toBe('E_BAD_PARAMETER')
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, metric: 'hd95' as never }))).toBe('E_BAD_PARAMETER')
  })

  it('a threshold outside [0, 1] is refused (min -0.5 would pass a model that scores 0 everywhere)', async () => {
    const img = raster(4, 4, 1, new Float32Array(16))
    const blind = functionModel('blind', { 1: 'LV' }, (i) => labelMap(i.width, i.height))
    const truth = labelMap(4, 4, Uint8Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 0)))
    const plan = planRequirement(rotate, { values: [0], min: -0.5 })
    const result = await sweep(blind, sample('s', img, truth), rotate, plan.sweep)
    expect(result.mean.dice?.LV).toEqual([0])
    expect(messageOf(() => evaluateRequirement(result, plan.requirement))).toBe('threshold (min) must be a number in [0, 1] (every sweep metric is a score in [0, 1]), got -0.5')
    expect(codeOf(() => evaluateRequirement(result, { min: { LV: 1.5 } }))).toBe('E_BAD_PARAMETER')
    expect(evaluateRequirement(result, { min: 0 }).pass).toBe(true)
  })
})
