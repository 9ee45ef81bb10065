// A report's entries checked, judged (by analysis/, not here) and turned into summary rows of display text.
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import { type ClassJudgement, judgeSweep } from '../analysis/sweep-verdict.js'
import { thresholdKey } from '../analysis/threshold.js'
import type { SweepResult } from '../results/sweep-result.js'
import { validateSweepResult } from '../results/schema/validate.js'
import { formatInterval, formatValue } from './format.js'
import type { PreparedSweep, ReportEntry, ReportOptions, SummaryRow } from './types.js'

function isEntry(x: SweepResult | ReportEntry): x is ReportEntry {
  return typeof x === 'object' && x !== null && 'result' in x && typeof x.result === 'object'
}

/** Throws `E_SCHEMA` naming the sweep (`what`) when `result` is not a valid SweepResult. */
function checkResult(result: SweepResult, what: string): void {
  const v = validateSweepResult(result)
  if (v.valid) return
  throw new SegsenseError(
    'E_SCHEMA',
    `report: ${what} is not a valid SweepResult:\n  ${v.errors.slice(0, 10).join('\n  ')}`,
    {
      details: { errors: v.errors },
    },
  )
}

const defaultMetric = (result: SweepResult): MetricName =>
  result.metrics.includes('dice') ? 'dice' : (result.metrics[0] as MetricName)

/**
 * The thresholds an entry is judged by. No threshold at all: an empty per-class map judges no class (not the
 * report's default threshold). A distance takes max (mm), never the report's default score threshold.
 */
function thresholdsOf(entry: ReportEntry, metric: MetricName, options: ReportOptions): PreparedSweep['min'] {
  if (thresholdKey(metric) === 'max') return entry.max ?? {}
  return entry.min === null ? {} : (entry.min ?? options.min ?? 0.8)
}

/** One summary row: a judged class as display text. */
function summaryRow(p: Omit<PreparedSweep, 'rows'>, c: ClassJudgement): SummaryRow {
  const { result, required } = p.entry
  const s = c.summary
  const threshold =
    thresholdKey(p.metric) === 'max'
      ? { min: null, max: c.verdict?.max ?? c.threshold }
      : { min: c.verdict?.min ?? c.threshold }
  const lower =
    p.verdict?.confidence !== undefined && c.verdict?.lowerInterval !== undefined
      ? { lowerInterval: formatInterval(result, c.verdict.lowerInterval), confidence: p.verdict.confidence }
      : {}
  return {
    sweep: p.id,
    title: p.title,
    model: result.model,
    transform: result.transform.name,
    className: c.className,
    metric: p.metric,
    ...threshold,
    required: required
      ? `${formatValue(result, required[0])} to ${formatValue(result, required[1])}`
      : 'all swept values',
    interval: c.threshold === null ? '-' : formatInterval(result, s?.interval ?? null),
    ...lower,
    auc: s?.auc ?? null,
    worst: s?.worst ? { value: formatValue(result, s.worst.value), score: s.worst.score } : null,
    pass: c.verdict ? c.verdict.pass : null,
  }
}

/**
 * Checks entry `index` of a report (its result and baseline are valid SweepResults), resolves its metric, title
 * and thresholds, has analysis/ judge it, and formats its summary rows.
 * @throws SegsenseError `E_SCHEMA` for an invalid result or baseline.
 */
export function prepareSweep(input: SweepResult | ReportEntry, index: number, options: ReportOptions): PreparedSweep {
  const entry: ReportEntry = isEntry(input) ? input : { result: input }
  checkResult(entry.result, `sweep ${index + 1}`)
  if (entry.baseline) checkResult(entry.baseline, `the baseline of sweep ${index + 1}`)
  const { result } = entry
  const comparison = entry.baseline ? entry.comparison : undefined
  const metric = entry.metric ?? comparison?.metric ?? defaultMetric(result)
  const min = thresholdsOf(entry, metric, options)
  const id = `sweep-${String(index + 1).padStart(2, '0')}`
  const title =
    entry.title ??
    (comparison
      ? `${result.model} vs ${comparison.baseline} · ${result.transform.name}`
      : `${result.model} · ${result.transform.name}`)
  const judged = judgeSweep(result, {
    metric,
    thresholds: min,
    required: entry.required,
    verdict: entry.verdict,
    comparison,
    pass: entry.pass,
  })
  const prepared = { id, title, entry, metric, min, verdict: judged.verdict, pass: judged.pass }
  return { ...prepared, rows: judged.classes.map((c) => summaryRow(prepared, c)) }
}
