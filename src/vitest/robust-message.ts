// The words of toBeRobustTo(transform): the requirement line, each class' stable interval, the failure table, the
// diffable rows and the chart note, from a sweep and its verdict.
import { type ClassVerdict, type RequirementVerdict } from '../analysis/requirement.js'
import { takeOver } from '../analysis/take-over.js'
import { summarize } from '../analysis/summarize.js'
import { describeFailure, formatMetricScore, limitOf, meets, thresholdKey } from '../analysis/threshold.js'
import { formatInterval, formatScore, formatValue, table } from '../report/format.js'
import type { RequirementPlan } from '../requirements/plan.js'
import type { SweepResult } from '../results/sweep-result.js'

/** `95 %` for 0.95. */
export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`
}

/** What the message of one `toBeRobustTo(transform)` call is made of. */
export interface RobustFacts {
  readonly plan: RequirementPlan
  readonly result: SweepResult
  readonly verdict: RequirementVerdict
  readonly samples: number
  /** A sweep with the confusion counts of the failing classes' worst values, when there is one. */
  readonly confusion?: SweepResult
}

/** `[-30 deg, 30 deg]`: the required range. */
function rangeText({ plan, result }: RobustFacts): string {
  return `[${formatValue(result, plan.required[0])}, ${formatValue(result, plan.required[1])}]`
}

/** What the verdict is over: `the mean over 3 samples`, `each of 3 samples`, with the bound and the draws. */
function overText({ plan, verdict, samples }: RobustFacts): string {
  const n = `${samples} sample${samples === 1 ? '' : 's'}`
  const bound = verdict.confidence !== undefined ? `${percent(verdict.confidence)} lower confidence bound of the ` : ''
  const over = verdict.aggregate === 'each' ? `each of ${samples} samples` : `the ${bound}mean over ${n}`
  const repeats = plan.sweep.repeats
  return repeats !== undefined && repeats > 1 ? `${over} (${repeats} draws each)` : over
}

/** `Required: dice disc >= 0.8 under rotate over [-30 deg, 30 deg] (step 5), the mean over 3 samples` */
function requirementText(facts: RobustFacts): string {
  const { plan, result, verdict } = facts
  const lower = verdict.direction === 'lower'
  const thresholds = verdict.classes.map((c) => `${c.className} ${lower ? `<= ${limitOf(c)} mm` : `>= ${limitOf(c)}`}`)
  return (
    `Required: ${verdict.metric} ${thresholds.join(', ')} under ${result.transform.name} over ${rangeText(facts)} ` +
    `(${plan.gridText}), ${overText(facts)}`
  )
}

/** The stable interval(s) of a class: the mean's, and with `confidence` its lower bound's too. */
function intervalsText(result: SweepResult, verdict: RequirementVerdict, c: ClassVerdict): string {
  const mean = formatInterval(result, c.interval)
  if (verdict.confidence === undefined) return mean
  const bound = formatInterval(result, c.lowerInterval ?? null)
  return `${mean} (mean), ${bound} (${percent(verdict.confidence)} lower bound)`
}

/** One line per class (and the class taking over a failing one, indented below it). */
function classLines(facts: RobustFacts): string[] {
  const { result, verdict, confusion } = facts
  return verdict.classes.flatMap((c) => {
    const intervals = intervalsText(result, verdict, c)
    if (c.pass) {
      const stable = verdict.confidence !== undefined ? ` (stable in ${intervals})` : ''
      return [`${c.className} passes over the whole required range${stable}`]
    }
    const failing = c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''
    const taken = confusion ? takeOverText(confusion, verdict, c.className) : undefined
    return [
      `${c.className} stable for ${result.transform.name} in ${intervals}, required ${rangeText(facts)}${failing}`,
      ...(taken ? [`  ${taken}`] : []),
    ]
  })
}

/** Sample/class pairs with nothing to score (null, left out of the means): said, so that a null is explained. */
export function warningLines(warnings: readonly { readonly message: string }[] | undefined): string[] {
  return warnings?.length ? ['', `Warnings (${warnings.length}):`, ...warnings.map((w) => `  ${w.message}`)] : []
}

/** The failure message (or, under `.not`, the message of a requirement that passed) after the hint line. */
export function robustMessage(facts: RobustFacts, isNot: boolean): string[] {
  const head = [`${requirementText(facts)}.`]
  const warnings = warningLines(facts.result.warnings)
  if (isNot) {
    const passing = classLines(facts).map((l) => `  ${l}`)
    return [...head, 'Expected some value to fail, but every value passed:', ...passing, ...warnings]
  }
  const report = failureTable(facts.result, facts.verdict)
  const failed = `Values that failed (${facts.verdict.failures.length}):`
  return [...head, ...classLines(facts), ...warnings, '', failed, ...report.map((l) => `  ${l}`)]
}

/**
 * The note of the attached chart: each class's verdict, stable interval and AUC, and the required range. With
 * attach 'always' the note is the JUnit reporter's test property, so it carries every class, passing ones too.
 */
export function chartNote(facts: RobustFacts): string {
  const { result, verdict } = facts
  const key = thresholdKey(verdict.metric)
  const classes = verdict.classes.map((c) => {
    const auc = summarize(result, { metric: verdict.metric, [key]: limitOf(c) }).classes[c.className]?.auc
    const aucText = typeof auc === 'number' ? `, AUC ${auc.toFixed(3)}` : ''
    const failing = c.failingSamples.length ? `, failing samples: ${c.failingSamples.join(', ')}` : ''
    const status = c.pass ? 'passes' : 'fails'
    return `${c.className} ${status}, stable in ${intervalsText(result, verdict, c)}${aucText}${failing}`
  })
  return `${result.transform.name}: ${classes.join('; ')} (required ${rangeText(facts)})`
}

/** The failure table: per failing (class, sample,) value its score, bound and threshold, or a distance in words. */
function failureTable(result: SweepResult, verdict: RequirementVerdict): string[] {
  const { metric } = verdict
  const each = verdict.aggregate === 'each'
  const lower = verdict.direction === 'lower'
  const bound = verdict.confidence !== undefined ? [`${percent(verdict.confidence)} lower`] : []
  // A distance fails in words, in mm ("hd95 7.2 mm > 5 mm"); a score keeps its score (and bound) and min columns.
  const parameter = result.transform.parameter.name
  const rows: string[][] = [
    ['class', ...(each ? ['sample'] : []), parameter, ...(lower ? ['failure'] : [metric, ...bound, 'min'])],
  ]
  for (const f of verdict.failures) {
    const score = lower
      ? [describeFailure(metric, f.score, limitOf(f))]
      : [formatScore(f.score), ...(bound.length ? [formatScore(f.lower)] : []), String(limitOf(f))]
    rows.push([f.className, ...(each ? [f.sample ?? ''] : []), formatValue(result, f.value), ...score])
  }
  return table(rows)
}

/** One row per (sample,) value listing every checked class, so that vitest's diff marks only the failing rows. */
export function diffRows(result: SweepResult, verdict: RequirementVerdict): { actual: string[]; expected: string[] } {
  const { metric } = verdict
  const lower = verdict.direction === 'lower'
  const curves =
    verdict.aggregate === 'each'
      ? result.samples.map((s) => ({ label: `${s.id} `, scores: s.scores[metric] ?? {} }))
      : [{ label: '', scores: result.mean[metric] ?? {} }]
  const actual: string[] = []
  const expected: string[] = []
  for (const { label, scores } of curves) {
    result.values.forEach((value, k) => {
      const head = `${label}${result.transform.name}(${formatValue(result, value)}):`
      const got = verdict.classes.map((c) => `${c.className} ${formatMetricScore(metric, scores[c.className]?.[k])}`)
      const want = verdict.classes.map((c) => {
        const s = scores[c.className]?.[k]
        return meets(s, { direction: verdict.direction, limit: limitOf(c) })
          ? `${c.className} ${formatMetricScore(metric, s)}`
          : `${c.className} ${lower ? '<=' : '>='} ${limitOf(c)}${lower ? ' mm' : ''}`
      })
      actual.push(`${head} ${got.join(', ')}`)
      expected.push(`${head} ${want.join(', ')}`)
    })
  }
  return { actual, expected }
}

/**
 * Which class takes over a failing class at its worst failing value, from the sweep's confusion counts:
 * `at 40 deg, 61 % of LV pixels predicted as MYO`. Nothing when no pixel of the class went elsewhere.
 */
function takeOverText(result: SweepResult, verdict: RequirementVerdict, className: string): string | undefined {
  const value = worstFailure(result, verdict, className)
  if (value === undefined) return undefined
  const t = takeOver(result, className, result.values.indexOf(value))
  if (!t || t.share === 0) return undefined
  const predicted = `${percent(t.share)} of ${className} pixels predicted as ${t.predicted}`
  return `at ${formatValue(result, value)}, ${predicted} (${percent(t.kept)} kept)`
}

/**
 * The worst failing value of a class: the lowest score (an undefined one first); among equal scores the one nearest
 * the neutral value, where the failure begins.
 */
export function worstFailure(result: SweepResult, verdict: RequirementVerdict, className: string): number | undefined {
  const neutral = result.transform.parameter.neutral
  let worst: RequirementVerdict['failures'][number] | undefined
  for (const f of verdict.failures) {
    if (f.className !== className) continue
    const a = f.score ?? -1
    const b = worst ? (worst.score ?? -1) : Infinity
    if (!worst || a < b || (a === b && Math.abs(f.value - neutral) < Math.abs(worst.value - neutral))) worst = f
  }
  return worst?.value
}
