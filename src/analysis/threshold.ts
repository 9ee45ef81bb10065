import { SegsenseError, describeValue } from '../core/errors.js'
import { type MetricName, metricDirection } from '../metrics/overlap.js'
import type { Score } from '../results/sweep-result.js'

/**
 * A threshold with its direction: a score passes when it is defined and `>= limit` (`direction: 'higher'`, the
 * option `min`) or `<= limit` (`'lower'`, the option `max`, for the distances `hd`, `hd95`, `assd`, `masd` in mm).
 */
export interface Bound {
  readonly direction: 'higher' | 'lower'
  readonly limit: number
}

/**
 * The {@link Bound} of `metric` from `{ min }` (scores in [0, 1]) or `{ max }` (distances): exactly the one the
 * metric's direction calls for.
 * @throws SegsenseError `E_BAD_PARAMETER` naming `where` when the other one (or neither, or a non-finite number) is given.
 */
export function boundOf(
  metric: MetricName,
  options: { readonly min?: number | undefined; readonly max?: number | undefined },
  where: string,
): Bound {
  const direction = metricDirection(metric)
  const [key, other] = direction === 'lower' ? (['max', 'min'] as const) : (['min', 'max'] as const)
  if (options[other] !== undefined) throw wrongKey(metric, where)
  const limit = options[key]
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw new SegsenseError(
      typeof limit === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${where}: ${key} must be a finite number ` +
        `(${direction === 'lower' ? `${metric} is a distance in mm, lower is better` : `${metric} is a score, higher is better`}), ` +
        `got ${describeValue(limit)}`,
      { details: { [key]: limit } },
    )
  }
  return { direction, limit }
}

/** The error for a threshold given under the wrong name: `min` on a distance, or `max` on a score. */
export function wrongKey(metric: MetricName, where: string): SegsenseError {
  return metricDirection(metric) === 'lower'
    ? new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `${where}: ${metric} is a distance (lower is better): give max (in mm, e.g. { metric: '${metric}', max: 5 }), not min`,
        { details: { metric } },
      )
    : new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `${where}: ${metric} is a score (higher is better): give min, not max (max is the threshold of the distances hd, hd95, assd, masd)`,
        { details: { metric } },
      )
}

/** Whether a score meets a bound: defined, finite, and on the right side (an infinite distance is `null`: never). */
export function meets(score: Score | undefined, bound: Bound): boolean {
  if (typeof score !== 'number' || !Number.isFinite(score)) return false
  return bound.direction === 'lower' ? score <= bound.limit : score >= bound.limit
}

/**
 * A curve as the higher-is-better walks of the summaries read it: distances negated (so `d <= max` becomes
 * `-d >= -max` and linear interpolation between grid values is unchanged), scores as they are.
 */
export function oriented(scores: readonly Score[], direction: Bound['direction']): Score[] {
  return direction === 'lower' ? scores.map((s) => (s === null ? null : -s)) : [...scores]
}

/** `hd95 <= 5 mm` or `dice >= 0.85`: a bound in words. */
export function describeBound(metric: MetricName, bound: Bound, className?: string): string {
  const head = className === undefined ? metric : `${className} ${metric}`
  return bound.direction === 'lower' ? `${head} <= ${bound.limit} mm` : `${head} >= ${bound.limit}`
}

/** A score for messages: a distance with its unit (`7.2 mm`, `infinite` for `null`), a score with 4 decimals. */
export function formatMetricScore(metric: MetricName, score: Score | undefined): string {
  if (metricDirection(metric) === 'lower')
    return typeof score === 'number' ? `${Number(score.toFixed(2))} mm` : 'infinite or undefined'
  return typeof score === 'number' ? score.toFixed(4) : 'undefined'
}

/** `'max'` for a distance metric, `'min'` for a score: the option (and verdict field) that holds its threshold. */
export function thresholdKey(metric: MetricName): 'min' | 'max' {
  return metricDirection(metric) === 'lower' ? 'max' : 'min'
}

/** The threshold a class verdict or failure holds: its `min`, or its `max` for a distance. */
export function limitOf(x: { readonly min?: number | undefined; readonly max?: number | undefined }): number {
  return (x.min ?? x.max) as number
}

/**
 * One failing value in words: `hd95 7.2 mm > 5 mm`, `hd95 infinite or undefined (max 5 mm)`, `dice 0.7123 < 0.85`.
 */
export function describeFailure(metric: MetricName, score: Score | undefined, limit: number): string {
  if (metricDirection(metric) === 'lower')
    return typeof score === 'number'
      ? `${metric} ${formatMetricScore(metric, score)} > ${limit} mm`
      : `${metric} infinite or undefined (max ${limit} mm)`
  return typeof score === 'number'
    ? `${metric} ${formatMetricScore(metric, score)} < ${limit}`
    : `${metric} undefined (min ${limit})`
}
