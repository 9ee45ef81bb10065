// The verdict of one sweep per class, as the HTML report tabulates it: pure, over results only (the report formats it).
import type { MetricName } from '../metrics/overlap.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { ModelComparison } from './compare.js'
import { type ClassVerdict, evaluateRequirement, type RequirementVerdict } from './requirement.js'
import { type ClassSummary, summarize } from './summarize.js'
import { thresholdKey } from './threshold.js'

/** Threshold(s) of a sweep: one for every class, or per class name (a class without one is not judged). */
export type Thresholds = number | Readonly<Record<string, number>>

/** What {@link judgeSweep} judges a sweep by. */
export interface SweepJudgementInput {
  readonly metric: MetricName
  /** Lower bounds for a score, upper bounds (mm) for a distance metric (`thresholdKey(metric)` says which). */
  readonly thresholds: Thresholds
  /** Judge only the swept values inside this range (and the neutral value). */
  readonly required?: readonly [number, number] | undefined
  /** A verdict decided elsewhere (a matcher's): used as it is, not evaluated again. */
  readonly verdict?: RequirementVerdict | undefined
  /** A model comparison: its classes are judged by it, not by a threshold. */
  readonly comparison?: ModelComparison | undefined
  /** An overall status decided elsewhere (a snapshot matcher's). */
  readonly pass?: boolean | undefined
}

/** The class part of a verdict that a summary row shows. */
export type ClassVerdictPart = Pick<ClassVerdict, 'min' | 'max' | 'pass' | 'lowerInterval'>

/** One class of a judged sweep. */
export interface ClassJudgement {
  readonly className: string
  /** Its threshold, or null when none is set for it. */
  readonly threshold: number | null
  /** The class's summary at its threshold (0 without one): stable interval, AUC, worst case. */
  readonly summary: ClassSummary | undefined
  /** Its verdict (from the comparison or the requirement), undefined when the class is not judged. */
  readonly verdict: ClassVerdictPart | undefined
}

/** A sweep judged: the requirement verdict (null when no class has a threshold), overall status, per class. */
export interface SweepJudgement {
  readonly verdict: RequirementVerdict | null
  /** The given status, else the comparison's, else the verdict's; null when nothing was judged. */
  readonly pass: boolean | null
  readonly classes: readonly ClassJudgement[]
}

/** The threshold of `className`, or null when `thresholds` sets none for it. */
export function thresholdOf(thresholds: Thresholds, className: string): number | null {
  if (typeof thresholds === 'number') return thresholds
  const t = thresholds[className]
  return typeof t === 'number' ? t : null
}

/** The result restricted to the values inside `[from, to]` (for judging a sweep over a required range). */
export function withinRange(result: SweepResult, [from, to]: readonly [number, number]): SweepResult {
  const neutral = result.transform.parameter.neutral
  // The neutral value stays: stable intervals are grown from it.
  const keep = result.values.map((v) => v === neutral || (v >= Math.min(from, to) && v <= Math.max(from, to)))
  const pick = <T>(a: readonly T[]): T[] => a.filter((_, k) => keep[k])
  const table = (t: SweepResult['mean']): SweepResult['mean'] =>
    Object.fromEntries(
      Object.entries(t).map(([m, curves]) => [
        m,
        Object.fromEntries(Object.entries(curves ?? {}).map(([c, s]) => [c, pick(s)])),
      ]),
    )
  return {
    ...result,
    values: pick(result.values),
    mean: table(result.mean),
    samples: result.samples.map((s) => ({ id: s.id, scores: table(s.scores) })),
  }
}

/** The given verdict, else the requirement evaluated on the mean curve for the classes that have a threshold. */
function requirementVerdict(result: SweepResult, input: SweepJudgementInput): RequirementVerdict | null {
  if (input.verdict) return input.verdict
  const judged = result.classes.filter((c) => thresholdOf(input.thresholds, c) !== null)
  if (!judged.length) return null
  const judgedResult = input.required ? withinRange(result, input.required) : result
  return evaluateRequirement(judgedResult, {
    [thresholdKey(input.metric)]: input.thresholds,
    metric: input.metric,
    classes: judged,
  })
}

/** A class's verdict: a comparison judges its classes by the comparison, not by a threshold. */
function classVerdictOf(
  className: string,
  verdict: RequirementVerdict | null,
  comparison: ModelComparison | undefined,
): ClassVerdictPart | undefined {
  if (!comparison) return verdict?.classes.find((c) => c.className === className)
  const compared = comparison.classes.find((c) => c.className === className)
  return compared ? { min: compared.min, pass: compared.pass } : undefined
}

/**
 * Judges a sweep per class: the requirement verdict at `thresholds` (over `required` when given) unless one is
 * given, each class's summary at its threshold, and the overall status. Pure; the report only formats the answer.
 */
export function judgeSweep(result: SweepResult, input: SweepJudgementInput): SweepJudgement {
  const verdict = requirementVerdict(result, input)
  const key = thresholdKey(input.metric)
  const classes = result.classes.map((className): ClassJudgement => {
    const threshold = thresholdOf(input.thresholds, className)
    const summary = summarize(result, { [key]: threshold ?? 0, metric: input.metric }).classes[className]
    return { className, threshold, summary, verdict: classVerdictOf(className, verdict, input.comparison) }
  })
  return { verdict, pass: input.pass ?? input.comparison?.pass ?? verdict?.pass ?? null, classes }
}
