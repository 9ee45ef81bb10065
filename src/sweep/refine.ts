/**
 * Refining a sweep's stable interval by bisection instead of a finer grid: after the coarse grid, every pair of
 * neighbouring values where a refined curve crosses its threshold (one passes, the other fails or is undefined) is
 * halved until it is at most `tolerance` wide, predicting only the new values. See docs/performance.md, "Refine".
 */
import { SegsenseError, type SegsenseErrorCode, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { isDistanceMetric } from '../metrics/overlap.js'
import type { TransformParameter } from '../transforms/transform.js'
import type { Run } from './evaluate.js'
import { MAX_GRID_VALUES, fromWorking, toWorking } from '../results/values.js'
import { meanCurve, toScores } from '../results/reduce.js'
import type { Refinement, Score } from '../results/sweep-result.js'
import { passes } from '../analysis/stability.js'
import type { RefineOptions, RefineSettings, SweepPlan } from './types.js'

/** Most bisection rounds: 60 halvings take any finite bracket below any tolerance a double can hold. */
const MAX_ROUNDS = 60

const bad = (what: string, value: unknown, expected: string, code: SegsenseErrorCode = 'E_OUT_OF_RANGE'): never => {
  throw new SegsenseError(code, `sweep option refine${what} ${expected}, got ${describeValue(value)}`, {
    details: { value },
  })
}

/** `E_OUT_OF_RANGE` for a number, `E_WRONG_TYPE` for anything else. */
const kindOf = (value: unknown): SegsenseErrorCode => (typeof value === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE')

/**
 * Checks `refine` against the plan (its classes, metrics and parameter).
 * @throws SegsenseError `E_BAD_PARAMETER`: unknown keys, a threshold outside [0, 1], a class the sweep does not
 *   score, a metric it does not compute, a tolerance that is not a positive number, a categorical parameter.
 */
export function resolveRefine(option: unknown, plan: SweepPlan): RefineSettings | null {
  if (option === undefined) return null
  if (option === null || typeof option !== 'object' || Array.isArray(option))
    bad('', option, 'must be { min, tolerance, metric?, aggregate? }', 'E_WRONG_TYPE')
  checkKnownKeys(
    option,
    optionKeys<RefineOptions>({ min: true, tolerance: true, metric: true, aggregate: true }),
    'sweep option refine',
  )
  const o = option as RefineOptions
  if (plan.transform.parameter.scale === 'categorical')
    bad(
      '',
      option,
      `does not apply to the categorical parameter ${plan.transform.parameter.name} (there is nothing between two categories)`,
      'E_INCOMPATIBLE_OPTIONS',
    )
  if (typeof o.tolerance !== 'number' || !Number.isFinite(o.tolerance) || !(o.tolerance > 0))
    bad('.tolerance', o.tolerance, "must be a finite number > 0 (in the parameter's unit)", kindOf(o.tolerance))
  const metric = o.metric ?? 'dice'
  if (!plan.metrics.includes(metric))
    bad('.metric', metric, `must be one of the sweep's metrics (${plan.metrics.join(', ')})`)
  // Bisection brackets crossings of a score's min; a distance (lower is better, possibly infinite) is not refined.
  if (isDistanceMetric(metric))
    bad('.metric', metric, 'must be a score metric (dice, iou, precision, recall, nsd): distances are not refined')
  const aggregate = o.aggregate ?? 'mean'
  if (aggregate !== 'mean' && aggregate !== 'each') bad('.aggregate', aggregate, "must be 'mean' or 'each'")
  const threshold = (v: unknown, what: string): number =>
    typeof v === 'number' && v >= 0 && v <= 1 ? v : bad(what, v, 'must be a number in [0, 1]', kindOf(v))
  const thresholds = new Map<string, number>()
  if (typeof o.min === 'number') {
    const t = threshold(o.min, '.min')
    for (const c of plan.classNames) thresholds.set(c, t)
  } else if (o.min !== null && typeof o.min === 'object') {
    for (const [c, v] of Object.entries(o.min)) {
      if (!plan.classNames.includes(c)) bad('.min', c, `must name scored classes (${plan.classNames.join(', ')})`)
      thresholds.set(c, threshold(v, `.min.${c}`))
    }
    if (thresholds.size === 0) bad('.min', o.min, 'must name at least one class')
  } else bad('.min', o.min, 'must be a number or a { className: number } map', 'E_WRONG_TYPE')
  return { thresholds, tolerance: o.tolerance, metric, aggregate }
}

/** One curve to refine: a score per value and its threshold. */
export interface ThresholdCurve {
  readonly scores: readonly Score[]
  readonly min: number
}

/**
 * The next bisection values: for every pair of neighbouring `values` (ascending) where a curve passes at one and not
 * at the other, and which is wider than `tolerance`, its midpoint in the parameter's working axis (the geometric mean
 * for log parameters). Ascending, unique, none already in `values`. Pure.
 */
export function bisectionValues(
  parameter: Pick<TransformParameter, 'scale'>,
  values: readonly number[],
  curves: readonly ThresholdCurve[],
  tolerance: number,
): number[] {
  const out = new Set<number>()
  for (let i = 0; i + 1 < values.length; i++) {
    const a = values[i] as number
    const b = values[i + 1] as number
    if (!(b - a > tolerance)) continue
    if (!curves.some((c) => passes(c.scores[i], c.min) !== passes(c.scores[i + 1], c.min))) continue
    const mid = fromWorking(parameter, (toWorking(parameter, a) + toWorking(parameter, b)) / 2)
    // A bracket too narrow for a double to split is done, whatever the tolerance.
    if (mid > a && mid < b) out.add(mid)
  }
  return [...out].sort((x, y) => x - y)
}

/** The curves a refinement follows in a run: per refined class, the mean curve or every sample's. */
function curvesOf(run: Run, plan: SweepPlan, settings: RefineSettings): ThresholdCurve[] {
  const mi = plan.metrics.indexOf(settings.metric)
  const K = run.values.length
  const out: ThresholdCurve[] = []
  for (const [className, min] of settings.thresholds) {
    const ci = plan.classNames.indexOf(className)
    const curves = run.raw.scores.map((table) => table[mi]?.[ci] as Float64Array)
    if (settings.aggregate === 'mean') out.push({ scores: meanCurve(curves, K).mean, min })
    else for (const c of curves) out.push({ scores: toScores(c), min })
  }
  return out
}

/**
 * Bisects every threshold crossing of the first run until its bracket is at most `tolerance` wide, evaluating each
 * round's new values (all brackets of a round in one call, so they share batches). Returns the merged run and the
 * values it added.
 */
export async function refineRun(
  plan: SweepPlan,
  settings: RefineSettings,
  first: Run,
  evaluate: (values: readonly number[], before: Run) => Promise<Run>,
  merge: (a: Run, b: Run) => Run,
): Promise<{ run: Run; refinement: Refinement }> {
  let run = first
  const added: number[] = []
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = bisectionValues(
      plan.transform.parameter,
      run.values,
      curvesOf(run, plan, settings),
      settings.tolerance,
    )
    if (next.length === 0) break
    if (run.values.length + next.length > MAX_GRID_VALUES) {
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `sweep option refine: the tolerance ${settings.tolerance} needs more than ${MAX_GRID_VALUES} values; give a larger tolerance`,
        { details: { tolerance: settings.tolerance } },
      )
    }
    run = merge(run, await evaluate(next, run))
    added.push(...next)
  }
  return {
    run,
    refinement: {
      values: added.sort((a, b) => a - b),
      tolerance: settings.tolerance,
      metric: settings.metric,
      aggregate: settings.aggregate,
      min: Object.fromEntries(settings.thresholds),
    },
  }
}
