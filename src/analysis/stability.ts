import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { MetricName } from '../metrics/overlap.js'
import { fromWorking, toWorking } from '../results/values.js'
import type { Score, SweepParameter, SweepResult } from '../results/sweep-result.js'
import { boundOf, oriented } from './threshold.js'

/**
 * The parameter interval around the neutral value in which a score stays at or above a threshold
 * (algorithms.md 5.2 item 1). Bounds are in parameter units.
 *
 * - `from`/`to`: the crossings, interpolated linearly between the last passing and the first failing grid value in
 *   the working axis (u = ln θ for log parameters, mapped back). A failing neighbour with an undefined (`null`)
 *   score cannot be interpolated: the bound is then the last passing grid value and `undefinedLow`/`undefinedHigh`
 *   is set.
 * - `gridFrom`/`gridTo`: the last passing grid values (the conservative, grid-only interval).
 * - `censoredLow`/`censoredHigh`: every value up to that edge of the swept range passed, so the true bound lies
 *   outside the range (the bound reported is the edge).
 * - `width`: `to - from` in parameter units (for a wrapping interval measured across the seam); `ratio`: `to / from`
 *   for log parameters.
 * - Circular parameters swept over the whole circle (the gap across the seam no larger than the largest grid step;
 *   `[-180, 180]` counts its two ends as one angle, scored by the worse of the two) may wrap: `wraps` is true when
 *   the interval crosses the seam, and `from`/`to` are then given inside the swept range (150 to -170 means
 *   150..190). When every angle passes, `full` is true, `from` is the first swept value, `to = from + period` and
 *   `width = period`. A circular sweep that does not cover the circle is treated like a linear one (`wraps: false`).
 * - `containsNeutral` is always true: the interval is grown from the neutral value. When the neutral value itself
 *   fails (or is undefined), {@link stableInterval} returns `null` instead of an interval.
 */
export interface Interval {
  readonly kind: 'interval'
  readonly from: number
  readonly to: number
  readonly gridFrom: number
  readonly gridTo: number
  readonly censoredLow: boolean
  readonly censoredHigh: boolean
  readonly width: number
  readonly containsNeutral: true
  /** Circular parameters only: the interval crosses the seam of the swept range. */
  readonly wraps?: boolean
  /** Circular parameters only: every angle passes. */
  readonly full?: boolean
  /** Log parameters only: `to / from`. */
  readonly ratio?: number
  /** The low bound stops at an undefined (`null`) score, so it is the grid value, not interpolated. */
  readonly undefinedLow?: boolean
  /** The high bound stops at an undefined (`null`) score, so it is the grid value, not interpolated. */
  readonly undefinedHigh?: boolean
}

/**
 * Stability over an unordered (categorical) parameter such as the dihedral symmetry k: no interval, but the
 * fraction of values that pass, the failing values (in swept order, undefined scores included) and the worst one
 * (the lowest defined score; `score: null` only when no score is defined, `value` then the neutral value).
 */
export interface CategoricalStability {
  readonly kind: 'categorical'
  readonly passFraction: number
  readonly failing: number[]
  readonly worst: { readonly value: number; readonly score: number | null }
}

/** Which curve of a result to read: a class, a metric (default dice) and a sample id (default: the mean over samples). */
export interface CurveOptions {
  readonly className: string
  readonly metric?: MetricName
  /** A sample id; without it the mean curve is used. */
  readonly sample?: string
}

/**
 * Options of {@link stableInterval}: the curve and the threshold: `min` for the scores in [0, 1] (a score passes
 * when `>= min`), `max` for the distances `hd`, `hd95`, `assd`, `masd` (passes when `<= max`, in mm). Exactly the
 * one the metric's direction calls for.
 */
export interface StabilityOptions extends CurveOptions {
  readonly min?: number
  readonly max?: number
}

/**
 * Returns one curve of a result (one score per swept value), checking that class, metric and sample exist.
 * @throws SegsenseError `E_BAD_PARAMETER` naming what is missing and what the result holds.
 */
export function curveOf(result: SweepResult, options: CurveOptions): Score[] {
  const metric = options.metric ?? 'dice'
  const { className, sample } = options
  let table = result.mean
  if (sample !== undefined) {
    const s = result.samples.find((x) => x.id === sample)
    if (!s)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `sample ${describeValue(sample)} is not in the sweep result (samples: ${describeValue(result.samples.map((x) => x.id))})`,
      )
    table = s.scores
  }
  const perClass = table[metric]
  if (!perClass)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `metric ${describeValue(metric)} is not in the sweep result (metrics: ${describeValue(result.metrics)})`,
    )
  const curve = Object.prototype.hasOwnProperty.call(perClass, className) ? perClass[className] : undefined
  if (!curve)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `class ${describeValue(className)} is not in the sweep result (classes: ${describeValue(result.classes)})`,
    )
  if (curve.length !== result.values.length) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `the ${metric} curve of class ${JSON.stringify(className)} has ${curve.length} scores for ${result.values.length} swept values`,
    )
  }
  return curve
}

/** Index of the neutral value in `values` (exact, else within rounding). @throws `E_BAD_PARAMETER` when absent. */
export function neutralIndex(parameter: Pick<SweepParameter, 'neutral' | 'name'>, values: readonly number[]): number {
  const exact = values.indexOf(parameter.neutral)
  if (exact >= 0) return exact
  const span = values.length > 1 ? Math.abs((values[values.length - 1] as number) - (values[0] as number)) : 1
  const tol = 1e-9 * Math.max(1, span, Math.abs(parameter.neutral))
  const near = values.findIndex((v) => Math.abs(v - parameter.neutral) <= tol)
  if (near < 0) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `the swept values ${describeValue(values)} do not include the neutral value ` +
        `${parameter.name}=${parameter.neutral}; summaries are measured from it`,
    )
  }
  return near
}

/** A score passes when it is defined and at least `min`. */
export function passes(score: Score | undefined, min: number): boolean {
  return typeof score === 'number' && Number.isFinite(score) && score >= min
}

/**
 * The grid as summaries walk it. For a circular parameter whose sweep covers the circle, the points form a
 * ring: `period` is set, the duplicate seam point (e.g. 180 beside -180) is merged into the first point, and
 * stepping past the last point continues at the first one plus `period`.
 * @internal
 */
export interface Ring {
  readonly theta: number[]
  readonly scores: Score[]
  readonly neutral: number
  /** Set when the points wrap around (circular parameter covering the circle). */
  readonly period: number | null
  readonly scale: SweepParameter['scale']
}

/** Builds the {@link Ring} of a curve. @internal */
export function ringOf(parameter: SweepParameter, values: readonly number[], scores: readonly Score[]): Ring {
  const i0 = neutralIndex(parameter, values)
  const K = values.length - 1
  const P = parameter.period
  if (parameter.scale === 'circular' && typeof P === 'number' && P > 0 && K >= 1) {
    let maxStep = 0
    for (let i = 0; i < K; i++) maxStep = Math.max(maxStep, (values[i + 1] as number) - (values[i] as number))
    const gap = P - ((values[K] as number) - (values[0] as number))
    const tol = 1e-9 * P
    if (Math.abs(gap) <= tol && K >= 2) {
      // Both ends are the same angle: one point, scored by the worse of the two (null if either is undefined).
      const a = scores[0] ?? null
      const b = scores[K] ?? null
      const merged = a === null || b === null ? null : Math.min(a, b)
      return {
        theta: values.slice(0, K),
        scores: [merged, ...scores.slice(1, K)],
        neutral: i0 === K ? 0 : i0,
        period: P,
        scale: parameter.scale,
      }
    }
    if (gap > tol && gap <= maxStep + tol)
      return { theta: [...values], scores: [...scores], neutral: i0, period: P, scale: parameter.scale }
  }
  return { theta: [...values], scores: [...scores], neutral: i0, period: null, scale: parameter.scale }
}

/** One side of a walk from the neutral value. @internal */
export interface Side {
  /** Interpolated bound, unwrapped (may lie beyond the swept range for a ring). */
  readonly bound: number
  /** Last passing grid value, unwrapped. */
  readonly grid: number
  readonly censored: boolean
  readonly undefinedScore: boolean
}

/**
 * Walks from the neutral point in direction `dir` while scores pass; the ring must not pass everywhere.
 * @internal
 */
export function walk(ring: Ring, dir: -1 | 1, min: number): Side {
  const N = ring.theta.length
  let j = ring.neutral
  let pos = ring.theta[j] as number
  for (let steps = 0; steps < N; steps++) {
    let f = j + dir
    let next: number
    if (f < 0 || f >= N) {
      if (ring.period === null) return { bound: pos, grid: pos, censored: true, undefinedScore: false }
      f = (f + N) % N
      next = (ring.theta[f] as number) + (pos - (ring.theta[j] as number)) + dir * ring.period
    } else next = (ring.theta[f] as number) + (pos - (ring.theta[j] as number))
    const mf = ring.scores[f]
    if (!passes(mf, min)) {
      if (typeof mf !== 'number' || !Number.isFinite(mf))
        return { bound: pos, grid: pos, censored: false, undefinedScore: true }
      const mj = ring.scores[j] as number
      const uj = toWorking(ring, pos)
      const uf = toWorking(ring, next)
      const u = uf + ((min - mf) * (uj - uf)) / (mj - mf)
      return { bound: fromWorking(ring, u), grid: pos, censored: false, undefinedScore: false }
    }
    j = f
    pos = next
  }
  // Unreachable when some point fails; kept so a misuse cannot loop forever.
  return { bound: pos, grid: pos, censored: true, undefinedScore: false }
}

/** Brings an unwrapped angle back into the swept range [first, last] (into [first, first + period) when outside). */
function wrapInto(x: number, first: number, last: number, period: number): number {
  const tol = 1e-9 * period
  if (x >= first - tol && x <= last + tol) return x
  return x - period * Math.floor((x - first) / period)
}

/** Categorical stability of one curve. @internal */
export function categoricalOf(
  parameter: SweepParameter,
  values: readonly number[],
  scores: readonly Score[],
  min: number,
): CategoricalStability {
  const failing: number[] = []
  let worst: { value: number; score: number | null } = { value: parameter.neutral, score: null }
  values.forEach((v, i) => {
    const s = scores[i] ?? null
    if (!passes(s, min)) failing.push(v)
    if (s !== null && Number.isFinite(s) && (worst.score === null || s < worst.score)) worst = { value: v, score: s }
  })
  return {
    kind: 'categorical',
    passFraction: values.length === 0 ? 0 : (values.length - failing.length) / values.length,
    failing,
    worst,
  }
}

/** The stable interval of a ring (null when the neutral point fails). @internal */
export function intervalOf(ring: Ring, min: number, values: readonly number[]): Interval | null {
  if (!passes(ring.scores[ring.neutral], min)) return null
  const first = values[0] as number
  const last = values[values.length - 1] as number
  const extra: { ratio?: number; wraps?: boolean; full?: boolean } = {}
  if (ring.period !== null) {
    if (ring.scores.every((s) => passes(s, min))) {
      return {
        kind: 'interval',
        from: first,
        to: first + ring.period,
        gridFrom: first,
        gridTo: last,
        censoredLow: false,
        censoredHigh: false,
        width: ring.period,
        containsNeutral: true,
        wraps: false,
        full: true,
      }
    }
  }
  const lo = walk(ring, -1, min)
  const hi = walk(ring, 1, min)
  let from = lo.bound
  let to = hi.bound
  let gridFrom = lo.grid
  let gridTo = hi.grid
  const width = to - from
  if (ring.scale === 'log') extra.ratio = to / from
  if (ring.scale === 'circular') {
    extra.full = false
    extra.wraps = false
    if (ring.period !== null) {
      const P = ring.period
      const tol = 1e-9 * P
      extra.wraps = from < first - tol || to > last + tol
      from = wrapInto(from, first, last, P)
      to = wrapInto(to, first, last, P)
      gridFrom = wrapInto(gridFrom, first, last, P)
      gridTo = wrapInto(gridTo, first, last, P)
    }
  }
  const out: Interval = {
    kind: 'interval',
    from,
    to,
    gridFrom,
    gridTo,
    censoredLow: lo.censored,
    censoredHigh: hi.censored,
    width,
    containsNeutral: true,
    ...extra,
  }
  if (lo.undefinedScore) (out as { undefinedLow?: boolean }).undefinedLow = true
  if (hi.undefinedScore) (out as { undefinedHigh?: boolean }).undefinedHigh = true
  return out
}

/**
 * The stable interval of one class's curve at an absolute threshold: the largest interval around the neutral
 * value in which the score stays `>= min` (algorithms.md 5.2 item 1), or a distance stays `<= max` (mm). An
 * undefined (`null`) score, and so an infinite distance, never passes.
 *
 * @returns an {@link Interval}, `null` when the neutral value itself fails, or {@link CategoricalStability} for
 *   categorical parameters.
 * @throws SegsenseError `E_BAD_PARAMETER` for an unknown class, metric or sample, a non-finite `min`, `min` on a
 *   distance or `max` on a score, or a result whose values miss the neutral value.
 * @example
 * stableInterval(result, { className: 'LV', min: 0.8 }) // { kind: 'interval', from: -21.5, to: 33.2, ... }
 * stableInterval(result, { className: 'LV', metric: 'hd95', max: 5 }) // where hd95 stays <= 5 mm
 */
export function stableInterval(result: SweepResult, options: StabilityOptions): Interval | CategoricalStability | null {
  checkKnownKeys(
    options,
    optionKeys<StabilityOptions>({ className: true, metric: true, sample: true, min: true, max: true }),
    'stableInterval options',
  )
  const bound = boundOf(options.metric ?? 'dice', options, 'stableInterval')
  const scores = curveOf(result, options)
  const parameter = result.transform.parameter
  // Distances are walked negated (-d >= -max): the same walk, crossings and interpolation as for scores.
  const sign = bound.direction === 'lower' ? -1 : 1
  const curve = oriented(scores, bound.direction)
  if (parameter.scale === 'categorical')
    return unorient(categoricalOf(parameter, result.values, curve, sign * bound.limit), sign)
  return intervalOf(ringOf(parameter, result.values, curve), sign * bound.limit, result.values)
}

/** A categorical stability of a negated curve, with its worst score back in the metric's own sign. @internal */
export function unorient(c: CategoricalStability, sign: 1 | -1): CategoricalStability {
  return sign === 1 || c.worst.score === null ? c : { ...c, worst: { value: c.worst.value, score: -c.worst.score } }
}
