import { ownValue } from '../core/records.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import { type MetricName, metricDirection } from '../metrics/overlap.js'
import { aggregate } from './aggregate.js'
import type { BootstrapOptions } from './stats/bootstrap.js'
import type { Score, SweepResult } from '../results/sweep-result.js'
import { type CategoricalStability, type Interval, stableInterval } from './stability.js'
import { meets, wrongKey } from './threshold.js'

/**
 * A robustness requirement on a finished sweep: every swept value must score at least `min` (per class) on
 * `metric`, or for a distance metric (`hd`, `hd95`, `assd`, `masd`) at most `max` mm, for the mean curve
 * (`aggregate: 'mean'`) or for every sample (`aggregate: 'each'`).
 */
export interface Requirement extends BootstrapOptions {
  /** Threshold of a score metric, one for all checked classes or per class name. */
  readonly min?: number | Readonly<Record<string, number>>
  /** Threshold of a distance metric in mm (lower is better), one for all checked classes or per class name. */
  readonly max?: number | Readonly<Record<string, number>>
  /** Metric to check; default `dice`. */
  readonly metric?: MetricName
  /** Class names to check; default every class with a threshold (all scored classes for a single number). */
  readonly scoreClasses?: readonly string[]
  /** @deprecated Renamed `scoreClasses` (`classes` is the model's id -> name map elsewhere); removed in 1.0. */
  readonly classes?: readonly string[]
  /** `mean` (default): the mean over samples must pass; `each`: every sample must pass on its own. */
  readonly aggregate?: 'mean' | 'each'
  // BootstrapOptions: `confidence` (when set, the lower bound of the mean's percentile bootstrap band must meet the
  // threshold; only with aggregate 'mean'), `resamples` and `seed` of that bootstrap (see aggregate()).
}

/**
 * One swept value that missed its threshold. `sample` is null for the mean curve. `min` for a score metric, `max`
 * (mm) for a distance; a `null` distance is infinite (or undefined) and always fails.
 */
export interface Failure {
  readonly className: string
  readonly sample: string | null
  readonly value: number
  readonly score: Score
  readonly min?: number
  readonly max?: number
  /** With `confidence`: the lower confidence bound of the mean at this value (what was checked). */
  readonly lower?: Score
}

/** The verdict of {@link evaluateRequirement} for one class. */
export interface ClassVerdict {
  readonly className: string
  /** The threshold of a score metric. */
  readonly min?: number
  /** The threshold of a distance metric, in mm. */
  readonly max?: number
  readonly pass: boolean
  /** Stable interval of the mean curve at the threshold (null when the neutral value fails). */
  readonly interval: Interval | CategoricalStability | null
  /** Samples whose own curve fails somewhere (`aggregate: 'each'`; empty for `mean`). */
  readonly failingSamples: string[]
  /** With `confidence`: stable interval of the mean's lower confidence bound at `min` (what must cover the range). */
  readonly lowerInterval?: Interval | CategoricalStability | null
}

/** What {@link evaluateRequirement} returns: plain JSON. */
export interface RequirementVerdict {
  readonly pass: boolean
  readonly metric: MetricName
  /** `higher` (thresholds are `min`) or `lower` (a distance: thresholds are `max`, in mm). */
  readonly direction: 'higher' | 'lower'
  readonly aggregate: 'mean' | 'each'
  /** The confidence level checked (the lower bound of the mean had to pass); absent without `confidence`. */
  readonly confidence?: number
  /** With `confidence`: the bootstrap's replicates and seed (a chart of the band uses the same). */
  readonly resamples?: number
  readonly seed?: number
  readonly classes: ClassVerdict[]
  /** Every failing (class, sample, value), in class then sample then value order. */
  readonly failures: Failure[]
}

// Every score metric (dice, iou, precision, recall, nsd) lies in [0, 1], higher is better: a threshold outside
// that range would let any model pass (min <= 0) or none (min > 1), so it is a mistake, never a setting. A distance
// threshold (max, mm) is a finite number >= 0.
function checkThreshold(value: unknown, what: string, direction: 'higher' | 'lower'): number {
  if (direction === 'lower') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SegsenseError(
        typeof value === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
        `${what} must be a finite number >= 0 (a distance in mm), got ${describeValue(value)}`,
        { details: { value } },
      )
    }
    return value
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SegsenseError(
      typeof value === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${what} must be a number in [0, 1] (a score metric is in [0, 1]; distances take max), got ${describeValue(value)}`,
      { details: { value } },
    )
  }
  return value
}

/**
 * Resolves which classes a requirement checks and each one's threshold.
 * @throws SegsenseError `E_BAD_PARAMETER` for a class the result did not score or a non-numeric threshold.
 */
export function requirementThresholds(
  result: Pick<SweepResult, 'classes'>,
  requirement: Requirement,
): Map<string, number> {
  const out = new Map<string, number>()
  const metric = requirement.metric ?? 'dice'
  const direction = metricDirection(metric)
  const key = direction === 'lower' ? 'max' : 'min'
  if (requirement[key === 'max' ? 'min' : 'max'] !== undefined) throw wrongKey(metric, 'requirement')
  const min = requirement[key]
  const subset = requirement.scoreClasses ?? requirement.classes
  const scored = new Set(result.classes)
  const unknown = (name: string, where: string): never => {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `${where} names class ${JSON.stringify(name)}, which the sweep did not score; scored classes: ${result.classes.join(', ')}`,
      { details: { className: name } },
    )
  }
  if (typeof min === 'number') {
    const t = checkThreshold(min, `threshold (${key})`, direction)
    for (const name of subset ?? result.classes) {
      if (!scored.has(name)) unknown(name, 'scoreClasses option')
      out.set(name, t)
    }
  } else if (min !== null && typeof min === 'object') {
    const names = subset ?? Object.keys(min)
    for (const name of names) {
      if (!scored.has(name)) unknown(name, subset ? 'scoreClasses option' : 'per-class threshold')
      const threshold = ownValue(min, name)
      if (threshold === undefined)
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `no threshold for class ${JSON.stringify(name)}: the per-class thresholds name ${Object.keys(min).join(', ')}`,
        )
      out.set(name, checkThreshold(threshold, `threshold for class ${JSON.stringify(name)}`, direction))
    }
  } else {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `threshold (${key}) must be a number or a { className: number } ` +
        `map${min === undefined ? ` (${metric} takes ${key})` : ''}, got ${describeValue(min)}`,
    )
  }
  if (out.size === 0)
    throw new SegsenseError('E_OUT_OF_RANGE', 'the requirement checks no class (empty scoreClasses or thresholds)')
  return out
}

/**
 * Checks a finished sweep against a requirement: passes when every swept value meets the threshold for every
 * checked class (`>= min`, or `<= max` mm for a distance; an undefined score or an infinite distance never passes).
 * Pure; used by the vitest matcher, specs and the CLI.
 *
 * With `confidence` (aggregate `mean`, score metrics only), what must meet the threshold is the lower bound of the
 * mean's percentile bootstrap band over samples (see `aggregate`; seeded by `seed`, `resamples` replicates): the gate
 * passes only when the mean is at or above `min` with that confidence. A failure then carries the bound (`lower`)
 * beside the mean (`score`), and each class verdict the stable interval of the bound (`lowerInterval`).
 * @throws SegsenseError `E_BAD_PARAMETER` for bad options, `confidence` with aggregate `each` or with a distance.
 */
export function evaluateRequirement(result: SweepResult, requirement: Requirement): RequirementVerdict {
  const metric = requirement.metric ?? 'dice'
  const aggregate = requirement.aggregate ?? 'mean'
  if (aggregate !== 'mean' && aggregate !== 'each')
    throw new SegsenseError('E_OUT_OF_RANGE', `aggregate must be 'mean' or 'each', got ${describeValue(aggregate)}`)
  if (!result.metrics.includes(metric))
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `metric ${JSON.stringify(metric)} was not computed by the sweep (metrics: ${result.metrics.join(', ')})`,
    )
  const thresholds = requirementThresholds(result, requirement)
  const direction = metricDirection(metric)
  const key = direction === 'lower' ? 'max' : 'min'
  const { confidence } = requirement
  if (confidence !== undefined && aggregate === 'each') {
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      `confidence bounds the mean over samples; with aggregate 'each' every sample must pass on its own, ` +
        `so there is no mean to bound: drop confidence or use aggregate 'mean'`,
      { details: { confidence } },
    )
  }
  if (confidence !== undefined && direction === 'lower') {
    // The band of a distance would have to bound the mean from above, and an infinite distance has no bootstrap:
    // refused rather than checked with the wrong bound.
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      `confidence is not supported for the distance metric ${metric} (it bounds a score's mean from ` +
        `below); drop confidence or gate a score metric`,
      { details: { confidence, metric } },
    )
  }
  if (confidence !== undefined) return evaluateWithConfidence(result, requirement, metric, thresholds)
  const failures: Failure[] = []
  const classes: ClassVerdict[] = []
  for (const [className, limit] of thresholds) {
    const bound = { direction, limit }
    const curves =
      aggregate === 'mean'
        ? [{ sample: null, scores: ownValue(result.mean[metric], className) ?? [] }]
        : result.samples.map((s) => ({ sample: s.id, scores: ownValue(s.scores[metric], className) ?? [] }))
    const failingSamples: string[] = []
    let pass = true
    for (const { sample, scores } of curves) {
      let sampleFails = false
      result.values.forEach((value, k) => {
        const score = scores[k] ?? null
        // A null (undefined, or an infinite distance) never passes.
        if (!meets(score, bound)) {
          failures.push({ className, sample, value, score, [key]: limit })
          sampleFails = true
        }
      })
      if (sampleFails) {
        pass = false
        if (sample !== null) failingSamples.push(sample)
      }
    }
    classes.push({
      className,
      [key]: limit,
      pass,
      interval: stableInterval(result, { className, metric, [key]: limit }),
      failingSamples,
    })
  }
  return { pass: failures.length === 0, metric, direction, aggregate, classes, failures }
}

/** {@link evaluateRequirement} with `confidence`: the lower bound of the mean's bootstrap band must meet the threshold. */
function evaluateWithConfidence(
  result: SweepResult,
  requirement: Requirement,
  metric: MetricName,
  thresholds: Map<string, number>,
): RequirementVerdict {
  const agg = aggregate(result, {
    min: Object.fromEntries(thresholds),
    metric,
    ...(requirement.confidence !== undefined ? { confidence: requirement.confidence } : {}),
    ...(requirement.resamples !== undefined ? { resamples: requirement.resamples } : {}),
    ...(requirement.seed !== undefined ? { seed: requirement.seed } : {}),
  })
  const failures: Failure[] = []
  const classes: ClassVerdict[] = []
  for (const [className, min] of thresholds) {
    const a = agg.classes[className]
    // Never a silent pass: a checked class the aggregate did not produce is an error, not a skipped check.
    if (!a)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `class ${JSON.stringify(className)} has no ${metric} scores to bound in the result`,
        { details: { className } },
      )
    let pass = true
    result.values.forEach((value, k) => {
      const lower = a.lower[k] ?? null
      if (lower === null || !(lower >= min)) {
        failures.push({ className, sample: null, value, score: a.mean[k] ?? null, min, lower })
        pass = false
      }
    })
    classes.push({ className, min, pass, interval: a.interval, failingSamples: [], lowerInterval: a.lowerInterval })
  }
  return {
    pass: failures.length === 0,
    metric,
    direction: 'higher',
    aggregate: 'mean',
    confidence: agg.confidence,
    resamples: agg.resamples,
    seed: agg.seed,
    classes,
    failures,
  }
}
