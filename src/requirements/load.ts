import { dirname, resolve } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { SegsenseError } from '../core/errors.js'
import { isDistanceMetric } from '../metrics/overlap.js'
import { readJsonFile } from './json-file.js'
import { sameClassIds } from './model-config.js'
import { transformByName } from '../transforms/registry.js'
import { withDefaults } from './plan.js'
import { describeError } from '../results/schema/schema-errors.js'
import { specSchema } from './schema.js'
import type { LoadedSpec, RobustnessSpec } from './types.js'

let compiled: ValidateFunction | undefined

/**
 * Validates parsed spec JSON: `{ valid: true, spec }` or readable errors with JSON paths
 * (`/requirements/0/min must be number or object`). Unknown transform names are errors too.
 */
export function validateSpec(
  json: unknown,
): { valid: true; spec: RobustnessSpec } | { valid: false; errors: string[] } {
  compiled ??= new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false, verbose: true }).compile(specSchema)
  if (!compiled(json)) {
    // oneOf/anyOf report one error per branch; keep the distinct readable lines.
    return { valid: false, errors: [...new Set((compiled.errors ?? []).map(describeError))] }
  }
  const spec = json as RobustnessSpec
  const errors: string[] = []
  const defaults = spec.defaults ?? {}
  if (defaults.min !== undefined && defaults.minDice !== undefined)
    errors.push('/defaults: give "min", not both "min" and "minDice" (its deprecated name)')
  if (defaults.scoreClasses !== undefined && defaults.classes !== undefined)
    errors.push('/defaults: give "scoreClasses", not both "scoreClasses" and "classes" (its deprecated name)')
  errors.push(...sameClassIds(spec.model.classes, '/model/classes'))
  spec.requirements.forEach((r, i) => {
    if (r.baseline?.classes) errors.push(...sameClassIds(r.baseline.classes, `/requirements/${i}/baseline/classes`))
    if (r.min !== undefined && r.minDice !== undefined)
      errors.push(`/requirements/${i}: give "min", not both "min" and "minDice" (its deprecated name)`)
    if (r.scoreClasses !== undefined && r.classes !== undefined)
      errors.push(
        `/requirements/${i}: give "scoreClasses", not both "scoreClasses" and "classes" (its deprecated name)`,
      )
    // The rules that involve two keys hold for the requirement as its defaults complete it.
    const full = withDefaults(r, defaults)
    const distance = full.metric !== undefined && isDistanceMetric(full.metric)
    if (distance && r.baseline)
      errors.push(
        `/requirements/${i}/metric: a comparison with a baseline compares score metrics (dice, iou, precision, recall, nsd), not the distance ${full.metric}`,
      )
    if (distance && full.max === undefined && !r.baseline)
      errors.push(
        `/requirements/${i} must have property "max" (mm; metric ${full.metric} is a distance) (or the spec's /defaults must)`,
      )
    if (distance && r.min !== undefined)
      errors.push(`/requirements/${i}/min: metric ${full.metric} is a distance (lower is better): write "max" in mm`)
    if (!distance && r.max !== undefined)
      errors.push(
        `/requirements/${i}/max is the threshold of the distance metrics (hd, hd95, assd, masd); metric ${full.metric ?? 'dice'} takes "min"`,
      )
    // A comparison (with a baseline) needs no gate: its min is the stable intervals' threshold, 0.8 by default.
    if (!distance && full.min === undefined && full.minDice === undefined && !r.baseline)
      errors.push(`/requirements/${i} must have property "min" (or the spec's /defaults must)`)
    if (r.margin !== undefined && !r.baseline)
      errors.push(`/requirements/${i}/margin applies to a comparison: add "baseline": { "onnx": ... }`)
    if (r.baseline && full.aggregate !== undefined && full.aggregate !== 'mean')
      errors.push(
        `/requirements/${i}/aggregate: a comparison with a baseline compares mean curves; leave aggregate out`,
      )
    if (full.minDice !== undefined && full.metric !== undefined && full.metric !== 'dice') {
      errors.push(
        `/requirements/${i}/minDice gates Dice only, but metric is ${JSON.stringify(full.metric)}: write "min"`,
      )
    }
    try {
      transformByName(r.transform, r.options)
    } catch (e) {
      errors.push(`/requirements/${i}/transform: ${(e as Error).message}`)
    }
  })
  return errors.length ? { valid: false, errors } : { valid: true, spec }
}

/**
 * Reads, parses and validates a spec file, resolving its paths relative to the file. Synchronous, so that
 * `robustnessSuite` can declare its tests while vitest collects them.
 * @throws SegsenseError `E_FILE_NOT_FOUND` (no such file), `E_FILE_READ` (it exists but cannot be read: a folder,
 *   no permission), or `E_SCHEMA` (not JSON, or invalid: every problem listed with its JSON path).
 */
export function loadSpec(path: string): LoadedSpec {
  const { file, json } = readJsonFile(path, 'robustness spec')
  const v = validateSpec(json)
  if (!v.valid) {
    throw new SegsenseError(
      'E_SCHEMA',
      `robustness spec ${file} is invalid:\n${v.errors.map((e) => `  ${e}`).join('\n')}`,
      { details: { file, errors: v.errors } },
    )
  }
  const dir = dirname(file)
  const { spec } = v
  return {
    ...spec,
    file,
    model: { ...spec.model, onnx: resolve(dir, spec.model.onnx) },
    requirements: spec.requirements.map((r) =>
      r.baseline ? { ...r, baseline: { ...r.baseline, onnx: resolve(dir, r.baseline.onnx) } } : r,
    ),
    samples: spec.samples.map((s) => ({
      ...s,
      image: resolve(dir, s.image),
      ...(s.truth ? { truth: resolve(dir, s.truth) } : {}),
    })),
  }
}
