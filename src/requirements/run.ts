import type { Sample } from '../core/types.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { loadSample } from '../io/mask.js'
import type { SegmentationModel } from '../models/model.js'
import { loadOnnxModel } from '../models/onnx.js'
import { evaluateRequirement, type RequirementVerdict } from '../analysis/requirement.js'
import type { SweepResult } from '../results/sweep-result.js'
import { sweep } from '../sweep/sweep.js'
import { type SweepProgress } from '../sweep/types.js'
import { transformByName } from '../transforms/registry.js'
import type { OnnxModelOptions } from '../models/onnx-options.js'
import { type ComparisonSettings, type ModelComparison, comparisonSettings } from '../analysis/compare.js'
import {
  comparisonSettingsOf,
  comparisonVerdict,
  planComparison,
  runComparison,
  withoutComparisonSettings,
} from './comparison.js'
import { classesOf, onnxOptionsOf } from './model-config.js'
import {
  type RequirementDefaults,
  type RequirementOptions,
  type RequirementPlan,
  planRequirement,
  withDefaults,
} from './plan.js'
import type { LoadedSpec, SpecRequirement } from './types.js'

/** Loads a spec's model (ONNX) and samples. Close the model when done. */
export async function openSpec(spec: LoadedSpec): Promise<{ model: SegmentationModel; samples: Sample[] }> {
  const model = await loadOnnxModel(spec.model.onnx, onnxOptionsOf(spec.model, classesOf(spec.model.classes)))
  try {
    const samples = await Promise.all(
      spec.samples.map((s, i) => loadSample(s.id ?? `sample-${i + 1}`, s.image, s.truth)),
    )
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
  const { name: _name, transform: _transform, options: _options, baseline, ...requirement } = r
  // A comparison's settings go to the comparison (specComparisonSettings), not to the requirement planner.
  return withDefaults(baseline ? withoutComparisonSettings(requirement) : requirement, defaults)
}

/** The comparison settings of a spec requirement with a `baseline` (`margin`, `confidence`, `resamples`, `seed`). */
export function specComparisonSettings(r: SpecRequirement): ComparisonSettings {
  return comparisonSettingsOf(r)
}

/** The `loadOnnxModel` file and options of a comparison requirement's baseline; its classes default to the spec model's. */
export function baselineModelOf(
  spec: LoadedSpec,
  r: SpecRequirement,
): { file: string; options: OnnxModelOptions } | undefined {
  if (!r.baseline) return undefined
  return {
    file: r.baseline.onnx,
    options: onnxOptionsOf(r.baseline, classesOf(r.baseline.classes ?? spec.model.classes)),
  }
}

/**
 * A spec requirement planned: its test name and its {@link RequirementPlan}. `defaults` are the spec's own (its
 * top-level `defaults`), under the requirement's keys.
 */
export function planSpecRequirement(
  r: SpecRequirement,
  defaults: RequirementDefaults = {},
): RequirementPlan & { readonly name: string } {
  const where = `spec requirement ${JSON.stringify(r.name ?? r.transform)}`
  const transform = transformByName(r.transform, r.options)
  const plan = r.baseline
    ? planComparison(transform, specRequirementOptions(r, defaults), {}, where)
    : planRequirement(transform, specRequirementOptions(r, defaults), {}, where)
  if (r.baseline) comparisonSettings(specComparisonSettings(r), where)
  return { ...plan, name: requirementName(r, plan) }
}

/** One requirement checked by {@link runSpec}. */
export interface RequirementOutcome {
  readonly name: string
  /** The sweep (of the spec's model, for a comparison). */
  readonly result: SweepResult
  /** The requirement's verdict; for a comparison, per class the comparison's pass (see `comparison`). */
  readonly verdict: RequirementVerdict
  readonly required: readonly [number, number]
  /** A requirement with a `baseline`: the baseline's sweep and the comparison. */
  readonly comparison?: { readonly baseline: SweepResult; readonly comparison: ModelComparison }
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
    for (const [i, plan] of plans.entries()) {
      const onProgress = options.onProgress
      const requirement = spec.requirements[i] as SpecRequirement
      const baselineModel = baselineModelOf(spec, requirement)
      if (baselineModel) {
        const baseline = await loadOnnxModel(baselineModel.file, baselineModel.options)
        try {
          const c = await runComparison(
            model,
            baseline,
            samples,
            plan,
            specComparisonSettings(requirement),
            onProgress ? (m, p) => onProgress(`${plan.name} (${m})`, p) : undefined,
          )
          outcomes.push({
            name: plan.name,
            result: c.candidate,
            verdict: comparisonVerdict(c.comparison),
            required: plan.required,
            comparison: { baseline: c.baseline, comparison: c.comparison },
          })
        } finally {
          await baseline.close?.()
        }
        continue
      }
      const result = await sweep(model, samples, plan.transform, {
        ...plan.sweep,
        ...(onProgress ? { onProgress: (p: SweepProgress) => onProgress(plan.name, p) } : {}),
      })
      outcomes.push({
        name: plan.name,
        result,
        verdict: evaluateRequirement(result, plan.requirement),
        required: plan.required,
      })
    }
    return outcomes
  } finally {
    await model.close?.()
  }
}

/** @deprecated Renamed {@link runSpec} (it loads the model and runs sweeps); removed in 1.0. */
export const checkSpec = runSpec
