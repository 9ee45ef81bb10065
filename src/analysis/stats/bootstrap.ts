import { SegsenseError, describeValue } from '../../core/errors.js'
import { atSortedPosition } from '../../metrics/quantile.js'
import { checkSeed, createRng } from '../../transforms/random.js'
import type { Score } from '../../results/sweep-result.js'

/**
 * How a bootstrap resamples: `confidence` is the two-sided level of the percentile interval, `resamples` the
 * number of bootstrap replicates, `seed` makes them reproducible (the same seed, data and options always give the
 * same interval, on every platform).
 */
export interface BootstrapOptions {
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number
  /** Bootstrap replicates, an integer >= 100. Default 2000. */
  readonly resamples?: number
  /** Seed of the resampling, an integer in 0..2^32-1. Default 0. */
  readonly seed?: number
}

/** {@link BootstrapOptions} with every default applied. */
export interface BootstrapSettings {
  readonly confidence: number
  readonly resamples: number
  readonly seed: number
}

/** The defaults of {@link BootstrapOptions}. */
export const DEFAULT_BOOTSTRAP: BootstrapSettings = { confidence: 0.95, resamples: 2000, seed: 0 }

/** Checks bootstrap options (`what` names their owner in messages) and applies the defaults. */
export function bootstrapSettings(options: BootstrapOptions = {}, what = 'bootstrap'): BootstrapSettings {
  const confidence = options.confidence ?? DEFAULT_BOOTSTRAP.confidence
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new SegsenseError(
      typeof confidence === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${what} option confidence must be a number in (0, 1) such as 0.95, got ${describeValue(confidence)}`,
      { details: { value: confidence } },
    )
  }
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP.resamples
  if (typeof resamples !== 'number' || !Number.isInteger(resamples) || resamples < 100 || resamples > 1_000_000) {
    throw new SegsenseError(
      typeof resamples === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${what} option resamples must be an integer in 100..1000000, got ${describeValue(resamples)}`,
      { details: { value: resamples } },
    )
  }
  const seed = checkSeed(options.seed ?? DEFAULT_BOOTSTRAP.seed, `${what} option seed`)
  return { confidence, resamples, seed }
}

/**
 * The `q`-quantile (0..1) of ascending `sorted` values with linear interpolation between order statistics
 * (numpy's default `linear` method, which `scipy.stats.bootstrap(method='percentile')` uses). NaN for no values.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  return n === 0 ? Number.NaN : atSortedPosition(sorted, (n - 1) * q)
}

/**
 * Throws `E_BAD_PARAMETER` (naming `what`) when a confidence bound is asked of fewer than 2 samples: resampling one
 * sample gives that sample every time, so the bound would be the estimate itself, and a gate deciding at the bound
 * would pass on no evidence of spread at all.
 */
export function checkBootstrapSamples(n: number, what: string): void {
  if (n < 2) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `${what}: a confidence bound needs at least 2 samples; this result has ${n} (a bootstrap over one ` +
        `sample has no spread, so its bound would be the estimate itself)`,
      { details: { samples: n } },
    )
  }
}

/**
 * The resampling plan of a bootstrap over `n` units (samples): `resamples` rows of `n` indices drawn with
 * replacement, row-major in one array. Every statistic bootstrapped with the same plan is paired: replicate r of
 * two curves (or of two models' scores) uses the same samples, which is what keeps a band coherent across the
 * swept values and a difference between two models paired.
 */
export function resamplingPlan(n: number, settings: BootstrapSettings): Uint32Array {
  if (!Number.isInteger(n) || n < 1) {
    throw new SegsenseError('E_OUT_OF_RANGE', `bootstrap needs at least one sample, got ${describeValue(n)}`, {
      details: { value: n },
    })
  }
  const rng = createRng(settings.seed)
  const plan = new Uint32Array(settings.resamples * n)
  // next() has 32 random bits; scaling keeps the bias below n / 2^32.
  for (let i = 0; i < plan.length; i++) plan[i] = Math.floor(rng.next() * n)
  return plan
}

/** A mean with its percentile bootstrap interval; all `null` when no sample has a score. */
export interface MeanInterval {
  readonly mean: Score
  readonly lower: Score
  readonly upper: Score
  /** Samples with a score (the mean's denominator). */
  readonly count: number
}

/**
 * Percentile bootstrap interval of the mean of `values` (one per sample; `null` is an undefined score and is
 * skipped in the sample's replicate, as the sweep's means skip it), resampled with `plan`
 * (see {@link resamplingPlan}). When every sample has the same score the interval collapses to it.
 *
 * Percentile, not BCa: scores pile up at 1 (Dice of an easy sample), where BCa's acceleration estimate from the
 * jackknife is unstable for the 5-20 samples a robustness suite has; the percentile interval never leaves [min,
 * max] of the data, so a band of Dice stays inside [0, 1].
 */
export function bootstrapMean(values: readonly Score[], plan: Uint32Array, settings: BootstrapSettings): MeanInterval {
  const n = values.length
  if (n === 0 || plan.length !== settings.resamples * n) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `bootstrap plan of ${plan.length} indices does not fit ${n} samples x ${settings.resamples} resamples`,
    )
  }
  let sum = 0
  let count = 0
  for (const v of values) {
    if (v !== null) {
      sum += v
      count++
    }
  }
  if (count === 0) return { mean: null, lower: null, upper: null, count: 0 }
  const means = new Float64Array(settings.resamples)
  let m = 0
  for (let r = 0; r < settings.resamples; r++) {
    let s = 0
    let c = 0
    const row = r * n
    for (let i = 0; i < n; i++) {
      const v = values[plan[row + i] as number] as Score
      if (v !== null) {
        s += v
        c++
      }
    }
    // A replicate that drew only unscored samples has no mean; it is left out (rare: most samples are scored).
    if (c > 0) means[m++] = s / c
  }
  const sorted = means.subarray(0, m).sort()
  const alpha = (1 - settings.confidence) / 2
  return { mean: sum / count, lower: quantileSorted(sorted, alpha), upper: quantileSorted(sorted, 1 - alpha), count }
}
