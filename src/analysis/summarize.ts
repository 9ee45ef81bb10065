import { nameRecord } from '../core/records.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { MetricName } from '../metrics/overlap.js'
import { toWorking } from '../results/values.js'
import type { Score, SweepParameter, SweepResult } from '../results/sweep-result.js'
import {
  type CategoricalStability,
  type Interval,
  type Ring,
  categoricalOf,
  curveOf,
  intervalOf,
  neutralIndex,
  ringOf,
  unorient,
} from './stability.js'
import { boundOf, oriented } from './threshold.js'

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  /** Threshold of a score in [0, 1]: it passes when `>= min`. */
  readonly min?: number
  /** Threshold of a distance (`hd`, `hd95`, `assd`, `masd`, in mm): it passes when `<= max`. */
  readonly max?: number
  /** Metric to summarise; default `dice`. */
  readonly metric?: MetricName
  /** A sample id; without it the mean curves are summarised. */
  readonly sample?: string
}

/**
 * Distance from the neutral value to the first failure, in working units (log-factor ln θ for log parameters,
 * parameter units otherwise): `min(θ* − θL, θU − θ*)` over the sides where a failure lies inside the swept range
 * (algorithms.md 5.2 item 5).
 * - `distance: 0, side: 'neutral'` when the neutral value fails.
 * - `distance: null` when no failure lies inside the swept range (JSON has no Infinity); then `censored` is true,
 *   unless a circular sweep passed the whole circle (nothing left untested: `censored` false).
 * - `censored` is also true when a side without a failure in range ends closer to neutral than the distance
 *   reported: a failure just outside the range on that side would be nearer, so `distance` is an upper bound.
 */
export interface Breakdown {
  readonly distance: number | null
  readonly censored: boolean
  readonly side: 'low' | 'high' | 'neutral' | null
}

/**
 * Local sensitivity (algorithms.md 5.2 item 4), score lost per working unit: `minus = (m* − m[i*−1]) / (u* − u[i*−1])`,
 * `plus = (m* − m[i*+1]) / (u[i*+1] − u*)` (positive = the score drops moving away from neutral; `null` without a
 * neighbour or with an undefined score), and the largest `|m[i+1] − m[i]| / (u[i+1] − u[i])` over adjacent grid
 * values (a discrete Lipschitz constant that finds cliffs AUC averages away), with the pair where it occurs.
 * Circular sweeps covering the circle take their neighbours across the seam.
 */
export interface Slopes {
  readonly minus: number | null
  readonly plus: number | null
  readonly maxAdjacent: { readonly slope: number; readonly between: readonly [number, number] } | null
}

/** Per-class summary of one metric's curve. */
export interface ClassSummary {
  readonly className: string
  /** Score at the neutral value (`null` = undefined). */
  readonly neutralScore: Score
  /** Stable interval at `min` (`null` when the neutral value fails), or categorical stability. */
  readonly interval: Interval | CategoricalStability | null
  /**
   * Normalised area under the curve, `trapz(m, u) / (u_last − u_first)` in the working axis (the linear angle axis
   * for circular parameters): the mean score over the swept range. Undefined scores are left out (the area then
   * spans the defined points only); a single defined point gives its score; `null` when no score is defined.
   * Categorical parameters: the plain mean over values.
   *
   * Distances (lower is better) have no such area: for them `auc` is the normalised area of the margin kept,
   * `max(0, 1 − d / max)`, in [0, 1] and higher is better like a score's (1: zero distance everywhere, 0: at or past
   * `max` everywhere). A `null` distance (infinite, or undefined) counts as margin 0, since it never passes either.
   */
  readonly auc: number | null
  /**
   * Degradation area `trapz(max(0, m* − m), u) / (u_last − u_first)`, same conventions; `null` when `m*` is undefined.
   * Distances: `max(0, d − d*)`, the mean growth of the distance (mm) over the neutral one.
   */
  readonly degradationArea: number | null
  /**
   * The worst defined score (the lowest; for a distance the largest) and the (first) value where it occurs; `null`
   * when no score is defined.
   */
  readonly worst: { readonly value: number; readonly score: number } | null
  /** `null` for categorical parameters. */
  readonly breakdown: Breakdown | null
  /** `null` for categorical parameters. */
  readonly slopes: Slopes | null
}

/** What {@link summarize} returns: the setting, and one {@link ClassSummary} per scored class (in result order). */
export interface Summary {
  readonly model: string
  readonly transform: string
  readonly parameter: { readonly name: string; readonly unit: string; readonly scale: string; readonly neutral: number }
  /** Axis of AUC, slopes and breakdown distances: `log` means u = ln θ. */
  readonly workingAxis: 'linear' | 'log'
  readonly metric: MetricName
  /** `higher` (scores, threshold `min`) or `lower` (distances in mm, threshold `max`). */
  readonly direction: 'higher' | 'lower'
  /** The threshold of a score metric (absent for distances). */
  readonly min?: number
  /** The threshold of a distance metric, in mm (absent for scores). */
  readonly max?: number
  readonly reference: SweepResult['reference']
  /** The sample summarised, or null for the mean over samples. */
  readonly sample: string | null
  /** The swept range `[first, last]`: AUC and breakdown distances depend on it. */
  readonly range: readonly [number, number]
  readonly classes: Readonly<Record<string, ClassSummary>>
}

/** Normalised trapezoid of `f(m)` over the defined points. */
function normalisedArea(u: readonly number[], m: readonly Score[], f: (v: number) => number): number | null {
  let area = 0
  let first = NaN
  let prevU = NaN
  let prevV = NaN
  let count = 0
  for (let i = 0; i < u.length; i++) {
    const s = m[i]
    if (typeof s !== 'number' || !Number.isFinite(s)) continue
    const v = f(s)
    const x = u[i] as number
    if (count === 0) first = x
    else area += ((x - prevU) * (v + prevV)) / 2
    prevU = x
    prevV = v
    count++
  }
  if (count === 0) return null
  if (count === 1 || prevU === first) return prevV
  return area / (prevU - first)
}

function plainMean(m: readonly Score[], f: (v: number) => number): number | null {
  let sum = 0
  let count = 0
  for (const s of m) {
    if (typeof s === 'number' && Number.isFinite(s)) {
      sum += f(s)
      count++
    }
  }
  return count === 0 ? null : sum / count
}

/**
 * Normalised AUC of one curve (a sample's or the mean's) as {@link summarize} reports it: `trapz(m, u) / (u_last −
 * u_first)` in the working axis (u = ln θ for log parameters), over the defined scores only; the plain mean over
 * values for categorical parameters; `null` when no score is defined. `summarize` passes a distance's margin curve;
 * `compareModels` applies it to every sample's score curve.
 */
export function curveAuc(
  parameter: Pick<SweepParameter, 'scale'>,
  values: readonly number[],
  scores: readonly Score[],
): number | null {
  if (parameter.scale === 'categorical') return plainMean(scores, (v) => v)
  return normalisedArea(
    values.map((v) => toWorking(parameter, v)),
    scores,
    (v) => v,
  )
}

// The margin a distance keeps below max, in [0, 1]; a null (infinite or undefined) keeps none. All null: null.
function marginCurve(d: readonly Score[], max: number): Score[] {
  if (d.every((v) => v === null)) return d.map(() => null)
  return d.map((v) => (v === null ? 0 : max > 0 ? Math.max(0, 1 - v / max) : v === 0 ? 1 : 0))
}

function unorientWorst(worst: ClassSummary['worst'], sign: 1 | -1): ClassSummary['worst'] {
  return worst === null || sign === 1 ? worst : { value: worst.value, score: -worst.score }
}

function worstOf(values: readonly number[], m: readonly Score[]): ClassSummary['worst'] {
  let worst: { value: number; score: number } | null = null
  m.forEach((s, i) => {
    if (typeof s === 'number' && Number.isFinite(s) && (worst === null || s < worst.score))
      worst = { value: values[i] as number, score: s }
  })
  return worst
}

function breakdownOf(ring: Ring, interval: Interval | null): Breakdown {
  if (interval === null) return { distance: 0, censored: false, side: 'neutral' }
  if (interval.full) return { distance: null, censored: false, side: null }
  const u0 = toWorking(ring, ring.theta[ring.neutral] as number)
  // Unwrapped bounds: a wrapping interval's `from`/`to` were brought back into range, so rebuild them from width.
  let lowBound = toWorking(ring, interval.from)
  let highBound = toWorking(ring, interval.to)
  if (interval.wraps && ring.period !== null) {
    if (lowBound > u0) lowBound -= ring.period
    if (highBound < u0) highBound += ring.period
  }
  const low = { d: u0 - lowBound, censored: interval.censoredLow, side: 'low' as const }
  const high = { d: highBound - u0, censored: interval.censoredHigh, side: 'high' as const }
  const found = [low, high].filter((s) => !s.censored).sort((a, b) => a.d - b.d)[0]
  if (!found) return { distance: null, censored: true, side: null }
  const censored = [low, high].some((s) => s.censored && s.d < found.d)
  return { distance: found.d, censored, side: found.side }
}

function slopesOf(ring: Ring): Slopes {
  const N = ring.theta.length
  const u = (i: number, offset: number): number => toWorking(ring, (ring.theta[i] as number) + offset)
  const num = (s: Score | undefined): s is number => typeof s === 'number' && Number.isFinite(s)
  const i0 = ring.neutral
  const m0 = ring.scores[i0]
  const neighbour = (dir: -1 | 1): number | null => {
    let j = i0 + dir
    let offset = 0
    if (j < 0 || j >= N) {
      if (ring.period === null || N < 2) return null
      j = (j + N) % N
      offset = dir * ring.period
    }
    const mj = ring.scores[j]
    if (!num(m0) || !num(mj)) return null
    // (m* − m_j) / |u_j − u*|: positive when the score drops moving away from neutral.
    return ((m0 - mj) * dir) / (u(j, offset) - u(i0, 0))
  }
  let best: Slopes['maxAdjacent'] = null
  const pairs = ring.period !== null && N >= 2 ? N : N - 1
  for (let i = 0; i < pairs; i++) {
    const j = (i + 1) % N
    const offset = j === 0 ? (ring.period as number) : 0
    const a = ring.scores[i]
    const b = ring.scores[j]
    if (!num(a) || !num(b)) continue
    const slope = Math.abs(b - a) / (u(j, offset) - u(i, 0))
    if (best === null || slope > best.slope)
      best = { slope, between: [ring.theta[i] as number, ring.theta[j] as number] }
  }
  return { minus: neighbour(-1), plus: neighbour(1), maxAdjacent: best }
}

/**
 * Summarises every class of a sweep at threshold `min` (algorithms.md 5.2 items 1-5): stable interval, normalised
 * AUC and degradation area over the swept range, worst case, breakdown distance and local slopes. Plain JSON
 * (no NaN or Infinity: undefined quantities are `null`). A distance metric takes `max` (mm) instead: its AUC is that
 * of the margin `max(0, 1 − d/max)` (see {@link ClassSummary.auc}), its slopes are distance gained per working unit.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for an unknown metric or sample, a non-finite `min`, or values without
 *   the neutral value.
 * @example
 * const { classes } = summarize(result, { min: 0.8 }); classes.LV.interval, classes.LV.auc
 */
export function summarize(result: SweepResult, options: SummarizeOptions): Summary {
  checkKnownKeys(
    options,
    optionKeys<SummarizeOptions>({ min: true, max: true, metric: true, sample: true }),
    'summarize options',
  )
  const metric = options.metric ?? 'dice'
  const bound = boundOf(metric, options, 'summarize')
  // Distances are summarised negated (higher is better again), and their scores reported back in mm.
  const sign = bound.direction === 'lower' ? -1 : 1
  const threshold = sign * bound.limit
  const parameter = result.transform.parameter
  const values = result.values
  const i0 = neutralIndex(parameter, values)
  const categorical = parameter.scale === 'categorical'
  const u = values.map((v) => toWorking(parameter, v))
  const classes: Record<string, ClassSummary> = nameRecord()
  for (const className of result.classes) {
    const raw = curveOf(result, {
      className,
      metric,
      ...(options.sample !== undefined ? { sample: options.sample } : {}),
    })
    const m = oriented(raw, bound.direction)
    const m0 = m[i0] ?? null
    const drop = (v: number): number => Math.max(0, (m0 as number) - v)
    // A distance's AUC is of its margin max(0, 1 - d/max), a null counting as 0; a score's is of the score itself.
    const margin = bound.direction === 'lower' ? marginCurve(raw, bound.limit) : raw
    if (categorical) {
      classes[className] = {
        className,
        neutralScore: raw[i0] ?? null,
        interval: unorient(categoricalOf(parameter, values, m, threshold), sign),
        auc: curveAuc(parameter, values, margin),
        degradationArea: m0 === null ? null : plainMean(m, drop),
        worst: unorientWorst(worstOf(values, m), sign),
        breakdown: null,
        slopes: null,
      }
      continue
    }
    const ring = ringOf(parameter, values, m)
    const interval = intervalOf(ring, threshold, values)
    classes[className] = {
      className,
      neutralScore: raw[i0] ?? null,
      interval,
      auc: curveAuc(parameter, values, margin),
      degradationArea: m0 === null ? null : normalisedArea(u, m, drop),
      worst: unorientWorst(worstOf(values, m), sign),
      breakdown: breakdownOf(ring, interval),
      slopes: slopesOf(ring),
    }
  }
  return {
    model: result.model,
    transform: result.transform.name,
    parameter: { name: parameter.name, unit: parameter.unit, scale: parameter.scale, neutral: parameter.neutral },
    workingAxis: parameter.scale === 'log' ? 'log' : 'linear',
    metric,
    direction: bound.direction,
    ...(bound.direction === 'lower' ? { max: bound.limit } : { min: bound.limit }),
    reference: result.reference,
    sample: options.sample ?? null,
    range: [values[0] as number, values[values.length - 1] as number],
    classes,
  }
}
