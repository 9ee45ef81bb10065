// Comparison requirements: a model against a baseline model (toBeAtLeastAsRobustAs, a spec requirement with
// `baseline`, segsense compare), planned by the same planner as every requirement.
import type { Sample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import {
  type ComparisonSettings,
  DEFAULT_COMPARE_MIN,
  type ModelComparison,
  compareModels,
} from '../analysis/compare.js'
import type { RequirementVerdict } from '../analysis/requirement.js'
import type { SweepResult } from '../results/sweep-result.js'
import { sweep } from '../sweep/sweep.js'
import { type SweepProgress } from '../sweep/types.js'
import type { Transform } from '../transforms/transform.js'
import {
  type PlanCaller,
  type RequirementDefaults,
  type RequirementOptions,
  type RequirementPlan,
  planCall,
} from './plan.js'

/**
 * Plans a comparison like a requirement: the same planner, with the threshold of the stable intervals defaulting
 * to {@link DEFAULT_COMPARE_MIN} when neither the options nor `defaults` give one (a comparison needs no gate).
 * `caller` names the caller in messages (and, for a matcher, which keys it takes and reads itself).
 */
export function planComparison(
  transform: Transform,
  options: Omit<RequirementOptions, 'aggregate' | 'refine' | 'repeats' | 'confusion'>,
  defaults: RequirementDefaults,
  caller: string | PlanCaller,
): RequirementPlan {
  // Both models are swept on one grid: no refinement (it would give each model other values), no draws, and the
  // comparison's own confidence, resamples and seed, so those defaults of toBeRobustTo do not apply here.
  const { confidence: _c, resamples: _r, seed: _s, refine: _f, repeats: _p, confusion: _u, ...base } = defaults
  const noMin =
    options.min === undefined && options.minDice === undefined && base.min === undefined && base.minDice === undefined
  const by = typeof caller === 'string' ? { where: caller } : caller
  return planCall(transform, options, noMin ? { ...base, min: DEFAULT_COMPARE_MIN } : base, by)
}

/** The comparison settings (`margin`, `confidence`, `resamples`, `seed`) of `options`, without undefined values. */
export function comparisonSettingsOf(options: ComparisonSettings): ComparisonSettings {
  return {
    ...(options.margin !== undefined ? { margin: options.margin } : {}),
    ...(options.confidence !== undefined ? { confidence: options.confidence } : {}),
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  }
}

/** `options` without the comparison settings: what the requirement planner takes. */
export function withoutComparisonSettings<T extends ComparisonSettings>(options: T): Omit<T, keyof ComparisonSettings> {
  const { margin: _m, confidence: _c, resamples: _r, seed: _s, ...rest } = options
  return rest
}

/** Both sweeps of a comparison and the comparison. */
export interface ComparisonOutcome {
  readonly candidate: SweepResult
  readonly baseline: SweepResult
  readonly comparison: ModelComparison
}

/**
 * Sweeps `candidate` and `baseline` once each as `plan` says (the same samples and grid) and compares them.
 * `onProgress` receives each sweep's progress with the model's name.
 */
export async function runComparison(
  candidate: SegmentationModel,
  baseline: SegmentationModel,
  samples: readonly Sample[],
  plan: RequirementPlan,
  settings: ComparisonSettings,
  onProgress?: (model: string, progress: SweepProgress) => void,
): Promise<ComparisonOutcome> {
  const results: SweepResult[] = []
  for (const model of [candidate, baseline]) {
    results.push(
      await sweep(
        model,
        [...samples],
        plan.transform,
        onProgress ? { ...plan.sweep, onProgress: (p: SweepProgress) => onProgress(model.name, p) } : plan.sweep,
      ),
    )
  }
  const [a, b] = results as [SweepResult, SweepResult]
  const { min, metric, scoreClasses } = plan.requirement
  return {
    candidate: a,
    baseline: b,
    comparison: compareModels(a, b, { min, metric, ...(scoreClasses ? { scoreClasses } : {}), ...settings }),
  }
}

/**
 * A comparison in the shape of a requirement verdict (for `segsense check` and its JSON): per compared class its
 * threshold, the candidate's stable interval and the comparison's pass; no failing values.
 */
export function comparisonVerdict(comparison: ModelComparison): RequirementVerdict {
  return {
    pass: comparison.pass,
    metric: comparison.metric,
    direction: 'higher',
    aggregate: 'mean',
    classes: comparison.classes.map((c) => ({
      className: c.className,
      min: c.min,
      pass: c.pass,
      interval: c.candidate.interval,
      failingSamples: [],
    })),
    failures: [],
  }
}
