import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { METRIC_NAMES, type MetricName, isDistanceMetric } from '../metrics/overlap.js'
import {
  type BootstrapOptions,
  type BootstrapSettings,
  bootstrapMean,
  bootstrapSettings,
  checkBootstrapSamples,
  resamplingPlan,
} from './stats/bootstrap.js'
import { requirementThresholds } from './requirement.js'
import type { Score, SweepResult } from '../results/sweep-result.js'
import { type CategoricalStability, type Interval, stableInterval } from './stability.js'
import { curveAuc } from './summarize.js'
import { type WilcoxonMethod, wilcoxonSignedRank } from './stats/wilcoxon.js'

/** Default threshold of the stable intervals a comparison reports (as `segsense sweep --min`). */
export const DEFAULT_COMPARE_MIN = 0.8

/**
 * How a comparison decides: the bootstrap options (`confidence`, `resamples`, `seed`, as `bootstrapMean` takes them;
 * giving `confidence` also moves the decision from the AUC difference to its lower bound) and the `margin`. The
 * keys `toBeAtLeastAsRobustAs`, a spec's comparison requirement and `segsense compare` add to a requirement.
 */
export interface ComparisonSettings extends BootstrapOptions {
  /**
   * How much lower the candidate's AUC may be than the baseline's and still pass (a score difference in [0, 1]);
   * default 0: not lower at all.
   */
  readonly margin?: number
}

/** Options of {@link compareModels}. */
export interface CompareOptions extends ComparisonSettings {
  /** Threshold of the stable intervals (one number or per class name, a score in [0, 1]); default 0.8. */
  readonly min?: number | Readonly<Record<string, number>>
  /** Metric compared; default `dice`. Both results must hold it. */
  readonly metric?: MetricName
  /** Class names compared; default every class with a threshold (all scored classes for one number). */
  readonly scoreClasses?: readonly string[]
}

/** The keys of {@link ComparisonSettings}. */
export const COMPARISON_KEYS = optionKeys<ComparisonSettings>({
  margin: true,
  confidence: true,
  resamples: true,
  seed: true,
})

/** One model's side of a {@link ClassComparison}. */
export interface ModelSide {
  /** The model's name (the result's `model`). */
  readonly model: string
  /** Normalised AUC of the mean curve (as `summarize` reports it). */
  readonly auc: number | null
  /** Stable interval of the mean curve at `min` (null when the neutral value fails). */
  readonly interval: Interval | CategoricalStability | null
  /** The interval's width in parameter units (the period for the full circle); 0 without an interval; null for categorical parameters. */
  readonly width: number | null
}

/** The comparison of one class: candidate minus baseline. */
export interface ClassComparison {
  readonly className: string
  /** Threshold of the stable intervals. */
  readonly min: number
  readonly candidate: ModelSide
  readonly baseline: ModelSide
  /**
   * Mean over samples of the per-sample AUC difference (candidate − baseline; each sample's curve integrated as
   * `summarize` integrates the mean curve) with its paired percentile bootstrap interval; `null` when no sample
   * has an AUC under both models.
   */
  readonly auc: { readonly difference: number | null; readonly lower: number | null; readonly upper: number | null }
  /** Samples with an AUC under both models (the pairs of the bootstrap and the Wilcoxon test). */
  readonly pairs: number
  /** Candidate's stable-interval width minus the baseline's; null for categorical parameters. */
  readonly widthDifference: number | null
  /** Paired Wilcoxon signed-rank test on the per-sample AUCs (two-sided, scipy's defaults); null without pairs. */
  readonly wilcoxon: { readonly statistic: number; readonly pvalue: number; readonly method: WilcoxonMethod } | null
  /** Per swept value: the mean paired score difference and its bootstrap band (the same resampling plan). */
  readonly curve: { readonly difference: Score[]; readonly lower: Score[]; readonly upper: Score[] }
  /** The candidate's AUC (or its lower bound, with `confidence`) is at most `margin` below the baseline's. */
  readonly pass: boolean
}

/** What {@link compareModels} returns: plain JSON. */
export interface ModelComparison {
  /** Every compared class passes. */
  readonly pass: boolean
  readonly candidate: string
  readonly baseline: string
  readonly transform: string
  readonly metric: MetricName
  readonly margin: number
  /** `estimate`: the AUC difference decides; `lower-bound`: its lower confidence bound does (`confidence` given). */
  readonly decision: 'estimate' | 'lower-bound'
  readonly confidence: number
  readonly resamples: number
  readonly seed: number
  readonly classes: ClassComparison[]
}

const COMPARE_KEYS = optionKeys<CompareOptions>({
  min: true,
  metric: true,
  scoreClasses: true,
  margin: true,
  confidence: true,
  resamples: true,
  seed: true,
})

/**
 * Checks comparison settings (`what` names their owner in messages) and applies the defaults: callers that sweep
 * first check them before the sweeps, so that a bad margin does not cost two sweeps.
 * @throws SegsenseError `E_BAD_PARAMETER` for a margin outside [0, 1] or bad bootstrap options.
 */
export function comparisonSettings(
  options: ComparisonSettings,
  what: string,
): BootstrapSettings & { readonly margin: number } {
  const margin = options.margin ?? 0
  if (typeof margin !== 'number' || !(margin >= 0 && margin <= 1)) {
    throw new SegsenseError(
      typeof margin === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${what} option margin must be a score difference in [0, 1] such as 0.02, got ${describeValue(margin)}`,
      { details: { value: margin } },
    )
  }
  return { ...bootstrapSettings(options, what), margin }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Both results must come from the same sweep setting: transform, values, reference and samples. */
function checkPaired(a: SweepResult, b: SweepResult, metric: MetricName): void {
  const bad = (message: string, details: Record<string, unknown>): never => {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `compareModels: ${message}; sweep both models with the same samples, transform and grid`,
      { details },
    )
  }
  if (a.transform.name !== b.transform.name || !same(a.transform.options, b.transform.options)) {
    bad(
      `the candidate was swept with ${a.transform.name} ${JSON.stringify(a.transform.options)}, the ` +
        `baseline with ${b.transform.name} ${JSON.stringify(b.transform.options)}`,
      { candidate: a.transform, baseline: b.transform },
    )
  }
  if (a.values.length !== b.values.length) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `compareModels: the candidate was swept at ${a.values.length} values, the baseline at ` +
        `${b.values.length}; sweep both on the same grid`,
      { details: { candidate: a.values, baseline: b.values } },
    )
  }
  const k = a.values.findIndex((v, i) => v !== b.values[i])
  if (k >= 0) bad(`swept value ${k + 1} differs: ${a.values[k]} (candidate) vs ${b.values[k]} (baseline)`, { index: k })
  if (a.reference !== b.reference)
    bad(`the candidate was scored against the ${a.reference}, the baseline against the ${b.reference}`, {
      candidate: a.reference,
      baseline: b.reference,
    })
  if (a.samples.length !== b.samples.length) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `compareModels: the candidate was swept on ${a.samples.length} samples, the baseline on ` +
        `${b.samples.length}; the comparison pairs them by sample`,
      { details: { candidate: a.samples.length, baseline: b.samples.length } },
    )
  }
  const ids = new Set(b.samples.map((s) => s.id))
  const missing = a.samples.find((s) => !ids.has(s.id))
  if (missing)
    bad(
      `sample ${JSON.stringify(missing.id)} of the candidate is not among the baseline's (${b.samples.map((s) => s.id).join(', ')})`,
      { sample: missing.id },
    )
  for (const [r, role] of [
    [a, 'candidate'],
    [b, 'baseline'],
  ] as const) {
    if (!r.metrics.includes(metric))
      bad(`the ${role}'s sweep has no ${metric} scores (metrics: ${r.metrics.join(', ')})`, { metric })
  }
}

function sideOf(result: SweepResult, className: string, metric: MetricName, min: number): ModelSide {
  const interval = stableInterval(result, { className, metric, min })
  const mean = result.mean[metric]?.[className] ?? []
  return {
    model: result.model,
    auc: curveAuc(result.transform.parameter, result.values, mean),
    interval,
    width: interval === null ? 0 : interval.kind === 'interval' ? interval.width : null,
  }
}

/**
 * Compares two models swept on the same samples, transform and grid: per class the paired difference of their
 * normalised AUCs (candidate − baseline, the mean of per-sample differences) with a seeded percentile bootstrap
 * interval over samples (one resampling plan for both models, so the difference is paired), the widths of the
 * stable intervals at `min`, a paired Wilcoxon signed-rank p-value on the per-sample AUCs, and the per-value mean
 * difference with its band. A class passes when the AUC difference (its lower bound, when `confidence` is given)
 * is at least `-margin`; a class without any paired AUC fails. Pure: the same inputs and seed give the same JSON.
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when the grids or sample counts differ, `E_BAD_PARAMETER` when the
 *   transform, a swept value, the reference or a sample id differ (naming it), for an unknown option key, a
 *   threshold or margin outside [0, 1], a class neither result scored, or bad bootstrap options.
 * @example
 * const c = compareModels(await sweep(candidate, samples, rotate), await sweep(baseline, samples, rotate), { margin: 0.02 })
 * c.classes[0].auc // { difference: -0.31, lower: -0.36, upper: -0.26 }
 */
export function compareModels(
  candidate: SweepResult,
  baseline: SweepResult,
  options: CompareOptions = {},
): ModelComparison {
  checkKnownKeys(options, COMPARE_KEYS, 'compareModels options')
  for (const [r, role] of [
    [candidate, 'candidate'],
    [baseline, 'baseline'],
  ] as const) {
    if (!r || typeof r !== 'object' || !Array.isArray(r.values) || !Array.isArray(r.samples)) {
      throw new SegsenseError(
        'E_WRONG_TYPE',
        `compareModels: the ${role} must be a SweepResult (from sweep()), got ${describeValue(r)}`,
      )
    }
  }
  const metric = options.metric ?? 'dice'
  if (isDistanceMetric(metric)) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `compareModels compares score metrics (higher is better: ` +
        `${METRIC_NAMES.filter((m) => !isDistanceMetric(m)).join(', ')}), not the distance ${metric}`,
      { details: { metric } },
    )
  }
  const { margin, ...settings } = comparisonSettings(options, 'compareModels')
  checkPaired(candidate, baseline, metric)
  const requirement = {
    min: options.min ?? DEFAULT_COMPARE_MIN,
    ...(options.scoreClasses ? { scoreClasses: options.scoreClasses } : {}),
  }
  const thresholds = requirementThresholds(candidate, requirement)
  requirementThresholds(baseline, requirement) // the same classes must exist in both
  const bySample = new Map(baseline.samples.map((s) => [s.id, s]))
  const n = candidate.samples.length
  // Deciding at the lower bound needs a bound with spread; without confidence the estimate decides (any n).
  if (options.confidence !== undefined) checkBootstrapSamples(n, 'compareModels')
  // One plan for every class, value and both models: replicate r draws the same samples everywhere.
  const plan = resamplingPlan(n, settings)
  const parameter = candidate.transform.parameter
  const classes: ClassComparison[] = []
  for (const [className, min] of thresholds) {
    const curvesA = candidate.samples.map((s) => s.scores[metric]?.[className] ?? [])
    const curvesB = candidate.samples.map((s) => bySample.get(s.id)?.scores[metric]?.[className] ?? [])
    const aucA = curvesA.map((c) => curveAuc(parameter, candidate.values, c))
    const aucB = curvesB.map((c) => curveAuc(parameter, candidate.values, c))
    const diffs: Score[] = aucA.map((a, i) => (a === null || aucB[i] === null ? null : a - (aucB[i] as number)))
    const pairs = diffs.filter((d) => d !== null).length
    const boot = bootstrapMean(diffs, plan, settings)
    const curve: { difference: Score[]; lower: Score[]; upper: Score[] } = { difference: [], lower: [], upper: [] }
    candidate.values.forEach((_, k) => {
      const d = curvesA.map((c, i) => {
        const a = c[k]
        const b = curvesB[i]?.[k]
        return typeof a === 'number' && typeof b === 'number' ? a - b : null
      })
      const band = bootstrapMean(d, plan, settings)
      curve.difference.push(band.mean)
      curve.lower.push(band.lower)
      curve.upper.push(band.upper)
    })
    const a = sideOf(candidate, className, metric, min)
    const b = sideOf(baseline, className, metric, min)
    const test = pairs ? wilcoxonSignedRank(aucA, aucB) : null
    const decisive = options.confidence !== undefined ? boot.lower : boot.mean
    classes.push({
      className,
      min,
      candidate: a,
      baseline: b,
      auc: { difference: boot.mean, lower: boot.lower, upper: boot.upper },
      pairs,
      widthDifference: a.width === null || b.width === null ? null : a.width - b.width,
      wilcoxon: test ? { statistic: test.statistic, pvalue: test.pvalue, method: test.method } : null,
      curve,
      // A tiny tolerance: a difference of exactly -margin computed in floating point still passes.
      pass: decisive !== null && decisive >= -margin - 1e-12,
    })
  }
  return {
    pass: classes.every((c) => c.pass),
    candidate: candidate.model,
    baseline: baseline.model,
    transform: candidate.transform.name,
    metric,
    margin,
    decision: options.confidence !== undefined ? 'lower-bound' : 'estimate',
    confidence: settings.confidence,
    resamples: settings.resamples,
    seed: settings.seed,
    classes,
  }
}
