import type { Sample } from '../core/types.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { loadSample } from '../io/mask.js'
import type { SegmentationModel } from '../models/model.js'
import { loadOnnxModel } from '../models/onnx.js'
import { evaluateRequirement, type RequirementVerdict } from '../sweep/requirement.js'
import type { SweepResult } from '../sweep/result.js'
import { type SweepProgress, sweep } from '../sweep/sweep.js'
import { transformByName } from '../transforms/registry.js'
import { classesOf, onnxOptionsOf } from './model-config.js'
import { type RequirementDefaults, type RequirementOptions, type RequirementPlan, planRequirement, withDefaults } from './plan.js'
import type { LoadedSpec, SpecRequirement } from './types.js'

/** Loads a spec's model (ONNX) and samples. Close the model when done. */
export async function openSpec(spec: LoadedSpec): Promise<{ model: SegmentationModel; samples: Sample[] }> {
  const model = await loadOnnxModel(spec.model.onnx, onnxOptionsOf(spec.model, classesOf(spec.model.classes)))
  try {
    const samples = await Promise.all(spec.samples.map((s, i) => loadSample(s.id ?? `sample-${i + 1}`, s.image, s.truth)))
    return { model, samples }
  } catch (e) {
    await model.close?.()
    throw e
  }
}

/** The name of a spec requirement's test: its `name`, or `<transform> over [from, to]`. */
export function requirementName(r: SpecRequirement, plan: Pick<RequirementPlan, 'required'>): string {
  return r.name ?? `${r.transform} over [${plan.required[0]}, ${plan.required[1]}]`
}

/**
 * The requirement options of a spec requirement (all but its `name`, `transform` and `options`), with the spec's
 * own `defaults` under them: what `toBeRobustTo` and `planRequirement` take.
 */
export function specRequirementOptions(r: SpecRequirement, defaults: RequirementDefaults = {}): RequirementOptions {
  const { name: _name, transform: _transform, options: _options, ...requirement } = r
  return withDefaults(requirement, defaults)
}

/**
 * A spec requirement planned: its test name and its {@link RequirementPlan}. `defaults` are the spec's own (its
 * top-level `defaults`), under the requirement's keys.
 */
export function planSpecRequirement(r: SpecRequirement, defaults: RequirementDefaults = {}): RequirementPlan & { readonly name: string } {
  const plan = planRequirement(transformByName(r.transform, r.options), specRequirementOptions(r, defaults), {}, `spec requirement ${JSON.stringify(r.name ?? r.transform)}`)
  return { ...plan, name: requirementName(r, plan) }
}

/** One requirement checked by {@link runSpec}. */
export interface RequirementOutcome {
  readonly name: string
  readonly result: SweepResult
  readonly verdict: RequirementVerdict
  readonly required: readonly [number, number]
}

/** Options of {@link runSpec}. */
export interface RunSpecOptions {
  /** Called after every batch of every requirement's sweep. */
  readonly onProgress?: (requirement: string, progress: SweepProgress) => void
}

/**
 * Runs every requirement of a loaded spec outside vitest (`segsense check`): loads the model and samples, sweeps
 * each requirement (completed by the spec's `defaults`) as planned by `planRequirement` (as `toBeRobustTo` does),
 * checks it, and closes the model.
 */
export async function runSpec(spec: LoadedSpec, options: RunSpecOptions = {}): Promise<RequirementOutcome[]> {
  checkKnownKeys(options, optionKeys<RunSpecOptions>({ onProgress: true }), 'runSpec options')
  const plans = spec.requirements.map((r) => planSpecRequirement(r, spec.defaults)) // all checked before the model loads
  const { model, samples } = await openSpec(spec)
  try {
    const outcomes: RequirementOutcome[] = []
    for (const plan of plans) {
      const onProgress = options.onProgress
      const result = await sweep(model, samples, plan.transform, { ...plan.sweep, ...(onProgress ? { onProgress: (p: SweepProgress) => onProgress(plan.name, p) } : {}) })
      outcomes.push({ name: plan.name, result, verdict: evaluateRequirement(result, plan.requirement), required: plan.required })
    }
    return outcomes
  } finally {
    await model.close?.()
  }
}

/** @deprecated Renamed {@link runSpec} (it loads the model and runs sweeps); removed in 1.0. */
export const checkSpec = runSpec
