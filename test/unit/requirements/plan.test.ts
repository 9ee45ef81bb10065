import { describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { type RequirementOptions, planRequirement, withDefaults } from '../../../src/requirements/plan.js'
import { planSpecRequirement } from '../../../src/requirements/run.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { codeOf, expectRejection, messageOf } from '../../support/helpers.js'

describe('planRequirement: one mapping from a requirement to sweep options', () => {
  it('carries every option to the sweep and the check', () => {
    const plan = planRequirement(rotate, {
      range: [-30, 30],
      step: 10,
      min: { LV: 0.9 },
      metric: 'nsd',
      nsdTolerance: 2,
      scoreClasses: ['LV'],
      aggregate: 'each',
      reference: 'prediction',
      batchSize: 4,
      emptyPolicy: 'nan',
      batchTimeout: 5000,
    })
    expect(plan.sweep).toEqual({
      range: [-30, 30],
      step: 10,
      metrics: ['nsd'],
      nsdTolerance: 2,
      reference: 'prediction',
      batchSize: 4,
      emptyPolicy: { bothEmpty: 'nan' },
      batchTimeout: 5000,
    })
    expect(plan.requirement).toEqual({ min: { LV: 0.9 }, metric: 'nsd', aggregate: 'each', scoreClasses: ['LV'] })
    expect(plan.required).toEqual([-30, 30])
    expect(plan.gridText).toBe('step 10')
  })

  it('refine takes its thresholds, metric and aggregate from the requirement', () => {
    expect(
      planRequirement(rotate, { min: { LV: 0.9 }, metric: 'iou', aggregate: 'each', refine: { tolerance: 1 } }).sweep
        .refine,
    ).toEqual({ min: { LV: 0.9 }, tolerance: 1, metric: 'iou', aggregate: 'each' })
    // a number over a class subset refines only those classes; a number alone, every scored class
    expect(
      planRequirement(rotate, { min: 0.8, scoreClasses: ['LV', 'MYO'], refine: { tolerance: 2 } }).sweep.refine,
    ).toEqual({ min: { LV: 0.8, MYO: 0.8 }, tolerance: 2, metric: 'dice', aggregate: 'mean' })
    expect(planRequirement(rotate, { min: 0.8 }, { refine: { tolerance: 2 } }).sweep.refine).toMatchObject({
      min: 0.8,
      tolerance: 2,
    })
    expect(messageOf(() => planRequirement(rotate, { min: 0.8, refine: { tol: 1 } as never }))).toContain(
      'refine: unknown key "tol"',
    )
  })

  it('fills the defaults: dice, mean, batch 16, the transform range; values give the required extent', () => {
    const plan = planRequirement(rotate, { values: [20, -40, 0], min: 0.5 })
    expect(plan.sweep).toEqual({ values: [20, -40, 0], metrics: ['dice'], batchSize: 16 })
    expect(plan.requirement).toEqual({ min: 0.5, metric: 'dice', aggregate: 'mean' })
    expect(plan.required).toEqual([-40, 20])
    expect(planRequirement(rotate, { min: 0.5 }).required).toEqual([-180, 180])
    expect(planRequirement(rotate, { min: 0.5 }, { metric: 'iou', batchSize: 2 }).sweep).toMatchObject({
      metrics: ['iou'],
      batchSize: 2,
    })
  })

  it('minDice is an alias of min for Dice only: an error with another metric, never a silent gate on it', () => {
    expect(planRequirement(rotate, { minDice: 0.8 }).requirement.min).toBe(0.8)
    expect(codeOf(() => planRequirement(rotate, { minDice: 0.8, metric: 'nsd' }))).toBe('E_INCOMPATIBLE_OPTIONS')
    expect(messageOf(() => planRequirement(rotate, { minDice: 0.8, metric: 'nsd' }, {}, 'toBeRobustTo(rotate)'))).toBe(
      'toBeRobustTo(rotate): minDice gates Dice only, but metric is "nsd"; write { metric: "nsd", min: ... }',
    )
    expect(messageOf(() => planRequirement(rotate, { min: 0.8, minDice: 0.8 }))).toContain(
      'give min, not both min and minDice',
    )
    // The same rules for configured defaults.
    expect(codeOf(() => planRequirement(rotate, { metric: 'iou' }, { minDice: 0.8 }))).toBe('E_INCOMPATIBLE_OPTIONS')
    expect(codeOf(() => planRequirement(rotate, { min: 0.8, minDice: 0.8 }))).toBe('E_INCOMPATIBLE_OPTIONS')
    expect(planRequirement(rotate, {}, { minDice: 0.7 }).requirement.min).toBe(0.7)
    expect(planRequirement(rotate, { min: 0.6 }, { min: 0.7 }).requirement.min).toBe(0.6)
  })

  it('refuses a missing threshold, both names of the class subset, and unknown enums', () => {
    expect(messageOf(() => planRequirement(rotate, {}))).toContain('needs a threshold')
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, scoreClasses: ['LV'], classes: ['LV'] }))).toBe(
      'E_INCOMPATIBLE_OPTIONS',
    )
    expect(planRequirement(rotate, { min: 0.5, classes: ['LV'] }).requirement.scoreClasses).toEqual(['LV'])
    expect(messageOf(() => planRequirement(rotate, { min: 0.5, aggregate: 'median' as never }))).toContain(
      "aggregate must be 'mean' or 'each', got \"median\"",
    )
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, aggregate: 'median' as never }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, metric: 'hd95' }))).toBe('E_BAD_PARAMETER')
    expect(codeOf(() => planRequirement(rotate, {}))).toBe('E_BAD_PARAMETER')
  })

  it('passes the sweep options through unchecked: the sweep is the one place that checks them', async () => {
    // reference is the sweep's option: planned as given, refused by the sweep's resolver before any prediction.
    const plan = planRequirement(rotate, { values: [0], min: 0.5, reference: 'gt' as never, batchSize: 0 })
    expect(plan.sweep).toMatchObject({ reference: 'gt', batchSize: 0 })
    const model = functionModel('m', { 1: 'LV' }, (i) => labelMap(i.width, i.height))
    const s = sample('s', raster(4, 4, 1, new Float32Array(16)), labelMap(4, 4))
    await expectRejection(sweep(model, s, rotate, plan.sweep), 'E_BAD_PARAMETER', 'sweep option reference must be')
  })

  it("emptyPolicy: 'best', 'nan' or { bothEmpty } as sweep takes it; anything else is refused, naming the caller", () => {
    expect(planRequirement(rotate, { min: 0.5, emptyPolicy: { bothEmpty: 'best' } }).sweep.emptyPolicy).toEqual({
      bothEmpty: 'best',
    })
    expect(planRequirement(rotate, { min: 0.5 }).sweep.emptyPolicy).toBeUndefined()
    expect(
      messageOf(() => planRequirement(rotate, { min: 0.5, emptyPolicy: 'zero' as never }, {}, 'toBeRobustTo(rotate)')),
    ).toBe(`toBeRobustTo(rotate): emptyPolicy must be 'best' or 'nan' (or { bothEmpty: 'best' | 'nan' }), got "zero"`)
    expect(codeOf(() => planRequirement(rotate, { min: 0.5, emptyPolicy: { bothEmpty: 'x' } as never }))).toBe(
      'E_OUT_OF_RANGE',
    )
  })

  it('every option but the grid falls back on the defaults, key by key; the options win', () => {
    const defaults = {
      min: 0.7,
      metric: 'iou',
      reference: 'prediction',
      emptyPolicy: 'nan',
      aggregate: 'each',
      nsdTolerance: 3,
      scoreClasses: ['LV'],
      batchSize: 2,
      batchTimeout: 100,
    } as const
    const plan = planRequirement(rotate, { values: [0] }, defaults)
    expect(plan.sweep).toEqual({
      values: [0],
      metrics: ['iou'],
      nsdTolerance: 3,
      reference: 'prediction',
      emptyPolicy: { bothEmpty: 'nan' },
      batchTimeout: 100,
      batchSize: 2,
    })
    expect(plan.requirement).toEqual({ min: 0.7, metric: 'iou', aggregate: 'each', scoreClasses: ['LV'] })
    const own = planRequirement(
      rotate,
      { values: [0], min: 0.9, reference: 'truth', emptyPolicy: 'best', aggregate: 'mean', classes: ['RV'] },
      defaults,
    )
    expect(own.sweep).toMatchObject({ reference: 'truth', emptyPolicy: { bothEmpty: 'best' } })
    // classes (the deprecated name of scoreClasses) hides the default scoreClasses: one option, two names.
    expect(own.requirement).toEqual({ min: 0.9, metric: 'iou', aggregate: 'mean', scoreClasses: ['RV'] })
    expect(messageOf(() => planRequirement(rotate, { min: 0.5 }, { scoreClasses: ['LV'], classes: ['LV'] }, 'x'))).toBe(
      'x (configured defaults): give scoreClasses, not both scoreClasses and classes (its deprecated name)',
    )
    expect(messageOf(() => planRequirement(rotate, { min: 0.5 }, { aggregate: 'all' as never }, 'x'))).toBe(
      `x: aggregate must be 'mean' or 'each', got "all"`,
    )
  })

  it('withDefaults layers defaults under options; an alias given hides both names of the default', () => {
    expect(withDefaults({ minDice: 0.8 }, { min: 0.5, metric: 'dice' })).toEqual({ minDice: 0.8, metric: 'dice' })
    const gridOnly: RequirementOptions = { range: [0, 1] }
    expect(withDefaults(gridOnly, { min: 0.5, classes: ['LV'] })).toEqual({ range: [0, 1], min: 0.5, classes: ['LV'] })
    expect(withDefaults({ reference: 'truth' as const }, { reference: 'prediction' })).toEqual({ reference: 'truth' })
  })

  it("a spec requirement is planned with the spec's defaults under it", () => {
    const plan = planSpecRequirement(
      { transform: 'rotate', values: [0] },
      { min: { LV: 0.8 }, reference: 'prediction', emptyPolicy: 'nan' },
    )
    expect(plan.sweep).toMatchObject({ reference: 'prediction', emptyPolicy: { bothEmpty: 'nan' } })
    expect(plan.requirement.min).toEqual({ LV: 0.8 })
    expect(planSpecRequirement({ transform: 'rotate', values: [0], min: 0.6 }, { min: 0.8 }).requirement.min).toBe(0.6)
  })

  it('a threshold outside [0, 1] is refused (min -0.5 would pass a model that scores 0 everywhere)', async () => {
    const img = raster(4, 4, 1, new Float32Array(16))
    const blind = functionModel('blind', { 1: 'LV' }, (i) => labelMap(i.width, i.height))
    const truth = labelMap(
      4,
      4,
      Uint8Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 0)),
    )
    const plan = planRequirement(rotate, { values: [0], min: -0.5 })
    const result = await sweep(blind, sample('s', img, truth), rotate, plan.sweep)
    expect(result.mean.dice?.LV).toEqual([0])
    expect(messageOf(() => evaluateRequirement(result, plan.requirement))).toBe(
      'threshold (min) must be a number in [0, 1] (a score metric is in [0, 1]; distances take max), got -0.5',
    )
    expect(codeOf(() => evaluateRequirement(result, { min: { LV: 1.5 } }))).toBe('E_BAD_PARAMETER')
    expect(evaluateRequirement(result, { min: 0 }).pass).toBe(true)
  })
})
