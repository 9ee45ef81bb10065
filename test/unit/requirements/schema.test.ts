import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { loadSpec, validateSpec } from '../../../src/requirements/load.js'
import type { OnnxInputOptions, OnnxOutputOptions } from '../../../src/models/onnx-options.js'
import type { RequirementDefaults, RequirementOptions } from '../../../src/requirements/plan.js'
import { specSchema } from '../../../src/requirements/schema.js'
import type { SpecRequirement } from '../../../src/requirements/types.js'
import type { RobustOptions } from '../../../src/vitest/robust.js'
import { codeOf, messageOf } from '../../support/helpers.js'

type SchemaRequirementKeys = keyof typeof specSchema.properties.requirements.items.properties
type SchemaDefaultsKeys = keyof typeof specSchema.properties.defaults.properties

describe('the spec schema and the option types agree', () => {
  it('a requirement in the schema has exactly the keys of SpecRequirement (checked by tsc)', () => {
    expectTypeOf<SchemaRequirementKeys>().toEqualTypeOf<keyof SpecRequirement>()
    // Every option toBeRobustTo takes is a spec key, but the samples (the spec's own), the chart policy and the
    // slicing of volumes (a spec's samples are image files).
    expectTypeOf<Exclude<keyof RobustOptions, 'samples' | 'attach' | 'slices'>>().toEqualTypeOf<
      keyof RequirementOptions
    >()
    expectTypeOf<keyof RequirementOptions>().toMatchTypeOf<keyof SpecRequirement>()
    // model.input and model.output are closed objects with exactly the keys of the adapter's options.
    expectTypeOf<keyof typeof specSchema.properties.model.properties.input.properties>().toEqualTypeOf<
      keyof OnnxInputOptions
    >()
    expectTypeOf<keyof typeof specSchema.properties.model.properties.output.properties>().toEqualTypeOf<
      keyof OnnxOutputOptions
    >()
    expect(specSchema.properties.model.properties.input.additionalProperties).toBe(false)
    expect(specSchema.properties.model.properties.output.additionalProperties).toBe(false)
    expect(Object.keys(specSchema.properties.requirements.items.properties).sort()).toEqual([
      'aggregate',
      'baseline',
      'batchSize',
      'batchTimeout',
      'classes',
      'confidence',
      'confusion',
      'emptyPolicy',
      'margin',
      'max',
      'metric',
      'min',
      'minDice',
      'name',
      'nsdTolerance',
      'options',
      'range',
      'reference',
      'refine',
      'repeats',
      'resamples',
      'scoreClasses',
      'seed',
      'step',
      'steps',
      'transform',
      'values',
    ])
  })

  it("the spec's defaults have exactly the keys of RequirementDefaults (every requirement key but name, transform, options, grid)", () => {
    expectTypeOf<SchemaDefaultsKeys>().toEqualTypeOf<keyof RequirementDefaults>()
    expect(Object.keys(specSchema.properties.defaults.properties).sort()).toEqual([
      'aggregate',
      'batchSize',
      'batchTimeout',
      'classes',
      'confidence',
      'confusion',
      'emptyPolicy',
      'max',
      'metric',
      'min',
      'minDice',
      'nsdTolerance',
      'reference',
      'refine',
      'repeats',
      'resamples',
      'scoreClasses',
      'seed',
    ])
  })

  const spec = (requirement: Record<string, unknown>) => ({
    model: { onnx: 'm.onnx', classes: { 1: 'LV' } },
    samples: [{ image: 'a.png' }],
    requirements: [{ transform: 'rotate', ...requirement }],
  })
  const errors = (json: unknown) => {
    const v = validateSpec(json)
    return v.valid ? [] : v.errors
  }

  it('a requirement with a baseline is a comparison: no min needed, margin only there, the baseline block closed', () => {
    expect(
      errors(spec({ baseline: { onnx: 'old.onnx' }, margin: 0.02, confidence: 0.9, resamples: 500, seed: 3 })),
    ).toEqual([])
    expect(
      errors(spec({ baseline: { onnx: 'old.onnx', classes: { 3: 'LV' }, input: { fit: 'pad' } }, min: 0.7 })),
    ).toEqual([])
    expect(errors(spec({ min: 0.9, margin: 0.02 }))).toEqual([
      '/requirements/0/margin applies to a comparison: add "baseline": { "onnx": ... }',
    ])
    expect(errors(spec({ baseline: { onnx: 'old.onnx' }, aggregate: 'each' }))).toEqual([
      '/requirements/0/aggregate: a comparison with a baseline compares mean curves; leave aggregate out',
    ])
    expect(errors(spec({ baseline: { onnx: 'old.onnx', treshold: 1 } })).join('\n')).toMatch(
      /\/requirements\/0\/baseline/,
    )
    expect(errors(spec({ baseline: { classes: { 1: 'LV' } } })).join('\n')).toMatch(
      /\/requirements\/0\/baseline must have property "onnx"/,
    )
    expect(errors(spec({ baseline: { onnx: 'old.onnx' }, margin: 2 })).join('\n')).toMatch(
      /\/requirements\/0\/margin must be <= 1/,
    )
  })

  it('accepts a single normalisation value for all channels (a number or an array); refuses a std of 0', () => {
    const withNormalize = (normalize: unknown) => {
      const base = spec({ min: 0.9 })
      return { ...base, model: { ...base.model, input: { normalize } } }
    }
    expect(errors(withNormalize({ mean: 0.5, std: 0.25 }))).toEqual([])
    expect(errors(withNormalize({ mean: [0.485, 0.456, 0.406], std: 0.25 }))).toEqual([])
    expect(errors(withNormalize({ mean: 0.5, std: 0 })).join('\n')).toMatch(/\/model\/input\/normalize\/std/)
    expect(errors(withNormalize({ mean: '0.5', std: 0.25 })).join('\n')).toMatch(/\/model\/input\/normalize\/mean/)
  })

  it('accepts min with any metric, nsdTolerance and scoreClasses', () => {
    expect(errors(spec({ min: 0.9, metric: 'nsd', nsdTolerance: 2, scoreClasses: ['LV'] }))).toEqual([])
    expect(errors(spec({ minDice: { LV: 0.9 } }))).toEqual([])
  })

  it('accepts emptyPolicy as a word or as { bothEmpty }, and batchTimeout; refuses other policies and timeouts', () => {
    expect(errors(spec({ min: 0.9, emptyPolicy: 'nan', batchTimeout: 1000 }))).toEqual([])
    expect(errors(spec({ min: 0.9, emptyPolicy: { bothEmpty: 'best' } }))).toEqual([])
    expect(errors(spec({ min: 0.9, emptyPolicy: 'zero' })).join('\n')).toMatch(/\/requirements\/0\/emptyPolicy/)
    expect(errors(spec({ min: 0.9, batchTimeout: 0 })).join('\n')).toMatch(
      /\/requirements\/0\/batchTimeout must be > 0/,
    )
    expect(errors(spec({ min: 0.9, refine: { tolerance: 1 } }))).toEqual([])
    expect(errors(spec({ min: 0.9, refine: { tolerance: 0 } })).join('\n')).toMatch(
      /\/requirements\/0\/refine\/tolerance must be > 0/,
    )
  })

  it('accepts confidence, resamples, seed and repeats; refuses a level outside (0, 1) and zero repeats', () => {
    expect(errors(spec({ min: 0.9, confidence: 0.95, resamples: 500, seed: 3, repeats: 4 }))).toEqual([])
    expect(errors(spec({ min: 0.9, confidence: 1 })).join('\n')).toMatch(/\/requirements\/0\/confidence must be < 1/)
    expect(errors(spec({ min: 0.9, repeats: 0 })).join('\n')).toMatch(/\/requirements\/0\/repeats must be >= 1/)
  })

  it('top-level defaults complete every requirement: a threshold there is enough; the two-key rules see the result', () => {
    const withDefaults = (defaults: Record<string, unknown>, requirement: Record<string, unknown>) => ({
      ...spec(requirement),
      defaults,
    })
    expect(errors(withDefaults({ min: 0.8, reference: 'prediction', emptyPolicy: 'nan' }, {}))).toEqual([])
    expect(errors(withDefaults({ reference: 'prediction' }, {}))).toEqual([
      '/requirements/0 must have property "min" (or the spec\'s /defaults must)',
    ])
    expect(errors(withDefaults({ minDice: 0.8 }, { metric: 'nsd' }))).toEqual([
      '/requirements/0/minDice gates Dice only, but metric is "nsd": write "min"',
    ])
    // A requirement's own min hides the default minDice: no conflict.
    expect(errors(withDefaults({ minDice: 0.8 }, { min: 0.5, metric: 'nsd' }))).toEqual([])
    expect(errors(withDefaults({ min: 0.8, minDice: 0.8 }, {}))).toEqual([
      '/defaults: give "min", not both "min" and "minDice" (its deprecated name)',
    ])
    expect(errors(withDefaults({ min: 0.8, range: [0, 1] }, {}))).toContain('/defaults has unknown property "range"')
  })

  it('refuses minDice with another metric, both names of a concept, thresholds outside [0, 1], unknown keys', () => {
    expect(errors(spec({ minDice: 0.9, metric: 'nsd' }))).toEqual([
      '/requirements/0/minDice gates Dice only, but metric is "nsd": write "min"',
    ])
    expect(errors(spec({ min: 0.9, minDice: 0.9 }))).toEqual([
      '/requirements/0: give "min", not both "min" and "minDice" (its deprecated name)',
    ])
    expect(errors(spec({ min: 0.9, scoreClasses: ['LV'], classes: ['LV'] }))).toEqual([
      '/requirements/0: give "scoreClasses", not both "scoreClasses" and "classes" (its deprecated name)',
    ])
    expect(errors(spec({ min: -0.5 })).join('\n')).toMatch(/\/requirements\/0\/min must be >= 0/)
    expect(errors(spec({ min: 0.5, nsdTolernce: 1 }))).toContain(
      `/requirements/0 has unknown property "nsdTolernce" (did you mean 'nsdTolerance'?)`,
    )
    expect(errors(spec({ metric: 'dice' })).join('\n')).toMatch(/must have property "min"/)
  })
})

describe('loadSpec error codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segsense-spec-'))
  it('missing: E_FILE_NOT_FOUND; a folder: E_FILE_READ; not JSON or invalid: E_SCHEMA; each names the file', () => {
    const missing = join(dir, 'nope.json')
    expect(codeOf(() => loadSpec(missing))).toBe('E_FILE_NOT_FOUND')
    expect(messageOf(() => loadSpec(missing))).toContain(missing)
    const folder = join(dir, 'folder.json')
    mkdirSync(folder)
    expect(codeOf(() => loadSpec(folder))).toBe('E_FILE_READ')
    expect(messageOf(() => loadSpec(folder))).toContain(`cannot read robustness spec ${folder}`)
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{ "model": ')
    expect(codeOf(() => loadSpec(broken))).toBe('E_SCHEMA')
    expect(messageOf(() => loadSpec(broken))).toContain(`robustness spec ${broken} is not valid JSON`)
  })
})
