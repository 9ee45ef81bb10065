import { nameRecord } from '../core/records.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { type MetricName, metricDirection } from '../metrics/overlap.js'
import {
  type BootstrapOptions,
  bootstrapMean,
  bootstrapSettings,
  checkBootstrapSamples,
  quantileSorted,
  resamplingPlan,
} from './stats/bootstrap.js'
import type { Score, SweepResult } from '../results/sweep-result.js'
import { type CategoricalStability, type Interval, categoricalOf, intervalOf, passes, ringOf } from './stability.js'

/**
 * Options of {@link aggregate}: the threshold `min` (one for all classes or per class name), the metric, and the
 * bootstrap (`confidence`, `resamples`, `seed`; see {@link BootstrapOptions}).
 */
export interface AggregateOptions extends BootstrapOptions {
  /** Threshold: a score passes when `>= min`; one number for every class, or per class name (classes without one are left out). */
  readonly min: number | Readonly<Record<string, number>>
  /** Metric to aggregate; default `dice`. */
  readonly metric?: MetricName
}

/** Median and interquartile range of the per-sample stable-interval widths (parameter units). */
export interface WidthSpread {
  /** Samples whose width counts (every scored sample; a sample failing at the neutral value has width 0). */
  readonly count: number
  readonly median: number | null
  /** First and third quartile (numpy's linear interpolation) and their difference. */
  readonly q1: number | null
  readonly q3: number | null
  readonly iqr: number | null
  /**
   * Samples whose interval reaches an edge of the swept range other than the neutral value: their width is a lower
   * bound. (A range starting at the neutral value, as noise std from 0, censors nothing there: it cannot go lower.)
   */
  readonly censored: number
}

/** What {@link aggregate} finds for one class. Every array has one entry per swept value. */
export interface ClassAggregate {
  readonly className: string
  readonly min: number
  /** The mean over samples (undefined scores skipped), as `result.mean`; `null` where no sample has a score. */
  readonly mean: Score[]
  /** Lower and upper percentile bootstrap bounds of the mean (resampling samples; one plan for every value). */
  readonly lower: Score[]
  readonly upper: Score[]
  /** Samples with a score at each value. */
  readonly count: number[]
  /**
   * The robustness curve: the share of the class's scored samples whose score is `>= min` at each value (an
   * undefined score counts as a failure); `null` when no sample scores the class at all.
   */
  readonly robustness: (number | null)[]
  /** Stable interval of each scored sample's own curve (samples listed in the result's warnings are left out). */
  readonly samples: { readonly id: string; readonly interval: Interval | CategoricalStability | null }[]
  /** Spread of the per-sample interval widths; `null` for categorical parameters (no widths). */
  readonly widths: WidthSpread | null
  /** Stable interval of the mean curve (what `toBeRobustTo` reports without `confidence`). */
  readonly interval: Interval | CategoricalStability | null
  /** Stable interval of the lower bound curve: where the mean is at or above `min` with the chosen confidence. */
  readonly lowerInterval: Interval | CategoricalStability | null
}

/** What {@link aggregate} returns: plain JSON, one {@link ClassAggregate} per class with a threshold. */
export interface Aggregate {
  readonly model: string
  readonly transform: string
  readonly metric: MetricName
  readonly values: number[]
  /** Samples in the result (the bootstrap's units). */
  readonly samples: number
  readonly confidence: number
  readonly resamples: number
  readonly seed: number
  readonly classes: Readonly<Record<string, ClassAggregate>>
}

const AGGREGATE_KEYS = optionKeys<AggregateOptions>({
  min: true,
  metric: true,
  confidence: true,
  resamples: true,
  seed: true,
})

/** The stable interval of any curve over the result's values (the {@link stableInterval} rules). */
export function curveInterval(
  result: Pick<SweepResult, 'transform' | 'values'>,
  scores: readonly Score[],
  min: number,
): Interval | CategoricalStability | null {
  const parameter = result.transform.parameter
  if (parameter.scale === 'categorical') return categoricalOf(parameter, result.values, scores, min)
  return intervalOf(ringOf(parameter, result.values, scores), min, result.values)
}

function thresholdOf(min: AggregateOptions['min'], className: string): number | undefined {
  const t = typeof min === 'number' ? min : min[className]
  if (t === undefined) return undefined
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new SegsenseError(
      typeof t === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `aggregate option min${typeof min === 'number' ? '' : ` for class ${JSON.stringify(className)}`} ` +
        `must be a finite number, got ${describeValue(t)}`,
      { details: { value: t } },
    )
  }
  return t
}

function widthSpread(
  intervals: readonly (Interval | CategoricalStability | null)[],
  neutral: number,
): WidthSpread | null {
  const widths: number[] = []
  let censored = 0
  for (const iv of intervals) {
    if (iv !== null && iv.kind === 'categorical') return null
    // A sample failing at the neutral value is stable nowhere: width 0, not left out (that would flatter the median).
    widths.push(iv === null ? 0 : iv.width)
    if (iv !== null && ((iv.censoredLow && iv.from !== neutral) || (iv.censoredHigh && iv.to !== neutral))) censored++
  }
  widths.sort((a, b) => a - b)
  if (widths.length === 0) return { count: 0, median: null, q1: null, q3: null, iqr: null, censored: 0 }
  const q1 = quantileSorted(widths, 0.25)
  const q3 = quantileSorted(widths, 0.75)
  return { count: widths.length, median: quantileSorted(widths, 0.5), q1, q3, iqr: q3 - q1, censored }
}

/**
 * Confidence over samples: per class, the mean curve with a percentile bootstrap band (samples are resampled, not
 * pixels; one seeded resampling plan for every value and class, so the band is coherent along the curve and the
 * same seed always gives the same band), the robustness curve (share of samples at or above `min` per value), the
 * stable interval of every sample with the median and IQR of their widths, and the stable intervals of the mean
 * curve and of its lower confidence bound.
 *
 * Percentile rather than BCa: Dice piles up at 1, where BCa's jackknife acceleration is unstable for the 5-20
 * samples of a robustness suite; the percentile band never leaves the range of the data, so it stays in [0, 1]
 * and collapses to the curve when every sample scores the same. With few samples it is somewhat narrow (its
 * coverage is below nominal for n < 10), which the docs say.
 *
 * A result swept with `repeats` holds each sample's mean over its draws: the band then covers samples and draws.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for bad options, a metric the sweep did not compute, or a per-class
 *   `min` naming a class the sweep did not score.
 * @example
 * const agg = aggregate(result, { min: 0.8, confidence: 0.95, seed: 1 })
 * agg.classes.LV.lowerInterval // where the mean Dice is >= 0.8 with 95 % confidence
 */
export function aggregate(result: SweepResult, options: AggregateOptions): Aggregate {
  if (options === null || typeof options !== 'object')
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `aggregate: options must be an object with min, got ${describeValue(options)}`,
    )
  checkKnownKeys(options, AGGREGATE_KEYS, 'aggregate options')
  const settings = bootstrapSettings(options, 'aggregate')
  const metric = options.metric ?? 'dice'
  const table = result.mean[metric]
  if (!result.metrics.includes(metric) || !table) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `aggregate: metric ${describeValue(metric)} was not computed by the sweep (metrics: ${result.metrics.join(', ')})`,
    )
  }
  if (metricDirection(metric) === 'lower') {
    // Bands bound a score's mean from below; a distance's mean (null when a distance is infinite) needs the other
    // bound and a policy for infinity: refused rather than answered with the wrong one.
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `aggregate: the distance metric ${metric} is not supported (lower is better; bands and intervals here are for score metrics)`,
      { details: { metric } },
    )
  }
  const { min } = options
  if (typeof min !== 'number' && (min === null || typeof min !== 'object')) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `aggregate option min must be a number or a { className: number } map, got ${describeValue(min)}`,
    )
  }
  if (typeof min === 'object') {
    for (const name of Object.keys(min)) {
      if (!result.classes.includes(name))
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `aggregate option min names class ${JSON.stringify(name)}, which the sweep did not score; scored ` +
            `classes: ${result.classes.join(', ')}`,
        )
    }
  }
  const n = result.samples.length
  checkBootstrapSamples(n, 'aggregate')
  const K = result.values.length
  // One plan for everything: replicate r of every value and class uses the same samples.
  const plan = resamplingPlan(n, settings)
  const classes: Record<string, ClassAggregate> = nameRecord()
  for (const className of result.classes) {
    const t = thresholdOf(min, className)
    if (t === undefined) continue
    const unscored = new Set(
      (result.warnings ?? [])
        .filter((w) => w.className === className && w.reason === 'empty-reference')
        .map((w) => w.sample),
    )
    const curves = result.samples.map((s) => {
      const c = s.scores[metric]?.[className]
      if (!c || c.length !== K)
        throw new SegsenseError(
          'E_BAD_PARAMETER',
          `aggregate: sample ${JSON.stringify(s.id)} has no ${metric} curve of class ${JSON.stringify(className)} with ${K} scores`,
        )
      return c
    })
    const mean: Score[] = []
    const lower: Score[] = []
    const upper: Score[] = []
    const count: number[] = []
    const robustness: (number | null)[] = []
    const scoredIdx = result.samples.flatMap((s, i) => (unscored.has(s.id) ? [] : [i]))
    const column: Score[] = new Array<Score>(n)
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < n; i++) column[i] = (curves[i] as Score[])[k] ?? null
      const b = bootstrapMean(column, plan, settings)
      mean.push(b.mean)
      lower.push(b.lower)
      upper.push(b.upper)
      count.push(b.count)
      let pass = 0
      for (const i of scoredIdx) if (passes(column[i], t)) pass++
      robustness.push(scoredIdx.length === 0 ? null : pass / scoredIdx.length)
    }
    const samples = scoredIdx.map((i) => ({
      id: (result.samples[i] as SweepResult['samples'][number]).id,
      interval: curveInterval(result, curves[i] as Score[], t),
    }))
    classes[className] = {
      className,
      min: t,
      mean,
      lower,
      upper,
      count,
      robustness,
      samples,
      widths: widthSpread(
        samples.map((s) => s.interval),
        result.transform.parameter.neutral,
      ),
      interval: curveInterval(result, mean, t),
      lowerInterval: curveInterval(result, lower, t),
    }
  }
  if (Object.keys(classes).length === 0)
    throw new SegsenseError('E_OUT_OF_RANGE', 'aggregate: no class has a threshold (min)')
  return {
    model: result.model,
    transform: result.transform.name,
    metric,
    values: [...result.values],
    samples: n,
    confidence: settings.confidence,
    resamples: settings.resamples,
    seed: settings.seed,
    classes,
  }
}
