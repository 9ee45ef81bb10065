import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { SegsenseError } from '../core/errors.js'
import type { Sample } from '../core/types.js'
import { loadSample } from '../io/mask.js'
import type { MetricName } from '../metrics/overlap.js'
import { loadOnnxModel, type OnnxModelOptions } from '../models/onnx.js'
import type { SegmentationModel } from '../models/model.js'
import type { GridOptions } from '../sweep/grid.js'
import { evaluateRequirement, type RequirementVerdict } from '../sweep/requirement.js'
import type { SweepResult } from '../sweep/result.js'
import { sweep, type SweepProgress } from '../sweep/sweep.js'
import { transformByName } from '../transforms/registry.js'
import type { Transform } from '../transforms/transform.js'
import { specSchema } from './schema/spec.schema.js'
import { describeError } from './schema/validate.js'

/** A threshold: one for all checked classes, or per class name. */
export type Threshold = number | Readonly<Record<string, number>>

/** One required robustness: a transform swept over a range, with a threshold. */
export interface SpecRequirement extends GridOptions {
  /** Test name; default `<transform> over [from, to]`. */
  readonly name?: string
  /** A built-in transform name: `rotate`, `spike`, `corruptions.jpeg`, ... */
  readonly transform: string
  /** Transform options, applied with `.with(options)`. */
  readonly options?: Readonly<Record<string, unknown>>
  readonly minDice?: Threshold
  /** Threshold on `metric` when it is not Dice. */
  readonly min?: Threshold
  readonly metric?: MetricName
  readonly classes?: readonly string[]
  readonly aggregate?: 'mean' | 'each'
  readonly reference?: 'truth' | 'prediction'
  readonly batchSize?: number
}

/**
 * A robustness spec: the model, the samples and the required robustness, as a JSON file kept in the repository.
 * Paths are relative to the spec file.
 *
 * @example
 * { "model": { "onnx": "models/unet.onnx", "classes": { "1": "RV", "2": "MYO", "3": "LV" } },
 *   "samples": [{ "image": "data/a.png", "truth": "data/a-mask.png" }],
 *   "requirements": [{ "transform": "rotate", "range": [-15, 15], "step": 5, "minDice": { "LV": 0.9 } }] }
 */
export interface RobustnessSpec {
  readonly name?: string
  readonly model: {
    readonly onnx: string
    readonly classes: Readonly<Record<string, string>>
    readonly name?: string
    readonly input?: OnnxModelOptions['input']
    readonly output?: OnnxModelOptions['output']
    readonly batchSize?: number
  }
  readonly samples: readonly { readonly id?: string; readonly image: string; readonly truth?: string }[]
  readonly requirements: readonly SpecRequirement[]
}

/** A validated spec with every path made absolute, and the file it came from. */
export interface LoadedSpec extends RobustnessSpec {
  readonly file: string
}

let compiled: ValidateFunction | undefined

/**
 * Validates parsed spec JSON: `{ valid: true, spec }` or readable errors with JSON paths
 * (`/requirements/0/minDice must be number or object`). Unknown transform names are errors too.
 */
export function validateSpec(json: unknown): { valid: true; spec: RobustnessSpec } | { valid: false; errors: string[] } {
  compiled ??= new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false }).compile(specSchema)
  if (!compiled(json)) {
    // oneOf/anyOf report one error per branch; keep the distinct readable lines.
    return { valid: false, errors: [...new Set((compiled.errors ?? []).map(describeError))] }
  }
  const spec = json as RobustnessSpec
  const errors: string[] = []
  spec.requirements.forEach((r, i) => {
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
 * @throws SegsenseError `E_FILE_NOT_FOUND`, or `E_SCHEMA` listing every problem with its JSON path.
 */
export function loadSpec(path: string): LoadedSpec {
  const file = resolve(path)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new SegsenseError('E_FILE_NOT_FOUND', `cannot read robustness spec ${file}: ${(e as Error).message}`, { cause: e })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new SegsenseError('E_SCHEMA', `robustness spec ${file} is not valid JSON: ${(e as Error).message}`, { cause: e })
  }
  const v = validateSpec(json)
  if (!v.valid) {
    throw new SegsenseError('E_SCHEMA', `robustness spec ${file} is invalid:\n${v.errors.map((e) => `  ${e}`).join('\n')}`, { details: { file, errors: v.errors } })
  }
  const dir = dirname(file)
  const { spec } = v
  return {
    ...spec,
    file,
    model: { ...spec.model, onnx: resolve(dir, spec.model.onnx) },
    samples: spec.samples.map((s) => ({ ...s, image: resolve(dir, s.image), ...(s.truth ? { truth: resolve(dir, s.truth) } : {}) })),
  }
}

/** Loads a spec's model (ONNX) and samples. Close the model when done. */
export async function openSpec(spec: LoadedSpec): Promise<{ model: SegmentationModel; samples: Sample[] }> {
  const classes: Record<number, string> = {}
  for (const [id, name] of Object.entries(spec.model.classes)) classes[Number(id)] = name
  const model = await loadOnnxModel(spec.model.onnx, {
    classes,
    ...(spec.model.name ? { name: spec.model.name } : {}),
    ...(spec.model.input ? { input: spec.model.input } : {}),
    ...(spec.model.output ? { output: spec.model.output } : {}),
    ...(spec.model.batchSize ? { batchSize: spec.model.batchSize } : {}),
  })
  const samples = await Promise.all(spec.samples.map((s, i) => loadSample(s.id ?? `sample-${i + 1}`, s.image, s.truth)))
  return { model, samples }
}

/** The transform, grid and threshold of a requirement, ready for `sweep` and `evaluateRequirement`. */
export function requirementPlan(r: SpecRequirement): { name: string; transform: Transform; grid: GridOptions; min: Threshold; required: [number, number] } {
  const transform = transformByName(r.transform, r.options)
  const grid: { -readonly [K in keyof GridOptions]: GridOptions[K] } = {}
  if (r.range) grid.range = r.range
  if (r.step !== undefined) grid.step = r.step
  if (r.steps !== undefined) grid.steps = r.steps
  if (r.values) grid.values = r.values
  const required: [number, number] = r.range ? [r.range[0], r.range[1]] : r.values ? [Math.min(...r.values), Math.max(...r.values)] : [transform.parameter.defaultRange[0], transform.parameter.defaultRange[1]]
  const min = (r.min ?? r.minDice) as Threshold
  const name = r.name ?? `${r.transform} over [${required[0]}, ${required[1]}]`
  return { name, transform, grid, min, required }
}

/** One requirement checked by {@link checkSpec}. */
export interface RequirementOutcome {
  readonly name: string
  readonly result: SweepResult
  readonly verdict: RequirementVerdict
  readonly required: readonly [number, number]
}

/** Runs every requirement of a spec (outside vitest: the `segsense check` command). */
export async function checkSpec(spec: LoadedSpec, options: { onProgress?: (requirement: string, p: SweepProgress) => void } = {}): Promise<RequirementOutcome[]> {
  const { model, samples } = await openSpec(spec)
  try {
    const outcomes: RequirementOutcome[] = []
    for (const r of spec.requirements) {
      const plan = requirementPlan(r)
      const result = await sweep(model, samples, plan.transform, {
        ...plan.grid,
        metrics: [r.metric ?? 'dice'],
        ...(r.reference ? { reference: r.reference } : {}),
        ...(r.batchSize ? { batchSize: r.batchSize } : {}),
        ...(options.onProgress ? { onProgress: (p: SweepProgress) => options.onProgress?.(plan.name, p) } : {}),
      })
      const verdict = evaluateRequirement(result, { min: plan.min, metric: r.metric ?? 'dice', aggregate: r.aggregate ?? 'mean', ...(r.classes ? { classes: r.classes } : {}) })
      outcomes.push({ name: plan.name, result, verdict, required: plan.required })
    }
    return outcomes
  } finally {
    await model.close?.()
  }
}
