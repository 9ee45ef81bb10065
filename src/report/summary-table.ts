// The report's summary table: one row per class of each sweep, the sweep's own cells spanning its class rows.
import { CLASS_COLOURS } from './palette.js'
import { badge, esc, fmt3 } from './markup.js'
import type { PreparedSweep, SummaryRow } from './types.js'

const COLUMNS = [
  'sweep',
  'model',
  'transform',
  'required',
  'class',
  'metric',
  'threshold',
  'stable interval',
  'AUC',
  'worst case',
  'status',
]

/** The cells of a sweep shown once, in its first row, spanning its class rows. */
function sweepCells(p: PreparedSweep, r: SummaryRow): string {
  const span = `rowspan="${p.rows.length}" class="sweep-cell"`
  const test = p.entry.test
  const testRef = test ? `<div class="test-ref"><code>${esc(test.file)}</code> › ${esc(test.name)}</div>` : ''
  const link = `<a href="#${esc(p.id)}">${esc(p.id.replace('sweep-', '#'))}</a>`
  const cells = [esc(r.model), esc(r.transform), esc(r.required)].map((c) => `<td ${span}>${c}</td>`).join('')
  return `<td ${span}>${link}${testRef}</td>${cells}`
}

function thresholdCell(r: SummaryRow): string {
  const text = r.max != null ? `max ${esc(String(r.max))} mm` : r.min === null ? '-' : esc(String(r.min))
  return `<td class="num">${text}</td>`
}

function intervalCell(r: SummaryRow): string {
  if (r.lowerInterval === undefined) return `<td>${esc(r.interval)}</td>`
  const level = Number(((r.confidence ?? 0) * 100).toPrecision(3))
  return `<td>${esc(r.interval)}<div class="lower">${esc(`${level} % lower bound: ${r.lowerInterval}`)}</div></td>`
}

/** Row `i` of sweep `p`. A row without a threshold in an entry without any (a snapshot test) shows the entry's status. */
function summaryRowHtml(p: PreparedSweep, r: SummaryRow, i: number): string {
  const worst = r.worst ? `${r.worst.score.toFixed(3)} at ${esc(r.worst.value)}` : '-'
  const colour = CLASS_COLOURS[Math.max(0, p.entry.result.classes.indexOf(r.className)) % CLASS_COLOURS.length]
  const rowClass = `${r.pass === false ? 'fail' : ''}${i === 0 ? ' first' : ''}`
  return (
    `<tr class="${rowClass}" data-sweep="${esc(p.id)}" data-class="${esc(r.className)}">${i === 0 ? sweepCells(p, r) : ''}` +
    `<td class="class"><span class="swatch" style="background:${colour}"></span>${esc(r.className)}</td>` +
    `<td>${esc(r.metric)}</td>${thresholdCell(r)}${intervalCell(r)}<td class="num">${fmt3(r.auc)}</td>` +
    `<td>${worst}</td><td class="status">${badge(r.pass ?? (p.verdict ? null : p.pass))}</td></tr>`
  )
}

/** The summary table of the report's sweeps. */
export function summaryTable(prepared: readonly PreparedSweep[]): string {
  const head = `<tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr>`
  const body = prepared.flatMap((p) => p.rows.map((r, i) => summaryRowHtml(p, r, i)))
  return `<div class="summary-wrap"><table id="summary"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></div>`
}
