// One sweep's section of the report: heading, test, what was swept, figures and the table of mean scores.
import type { MetricName } from '../metrics/overlap.js'
import type { SweepResult } from '../results/sweep-result.js'
import { chartFigure, comparisonFigure, confusionFigure, frameFigures, type WriteFile } from './figures.js'
import { formatValue, roundForDisplay } from './format.js'
import { badge, esc, fmt3, plural } from './markup.js'
import type { ReportTest } from './test-ref.js'
import type { PreparedSweep, ReportOptions } from './types.js'

/** The table of mean scores per swept value and class, folded away under a `<details>`. */
export function scoresTable(result: SweepResult, metric: MetricName): string {
  const curves = result.mean[metric] ?? {}
  const p = result.transform.parameter
  const classHeads = result.classes.map((c) => `<th>${esc(c)}</th>`).join('')
  const head = `<tr><th>${esc(`${p.name}${p.unit ? ` (${p.unit})` : ''}`)}</th>${classHeads}</tr>`
  const rows = result.values.map((v, k) => {
    const cells = result.classes.map((c) => `<td class="num">${fmt3(curves[c]?.[k])}</td>`).join('')
    return `<tr><td>${esc(formatValue(result, v))}</td>${cells}</tr>`
  })
  const summary =
    `Mean ${esc(metric)} per value (${plural(result.samples.length, 'sample')}, ` +
    `reference: ${esc(result.reference)})`
  return `<details><summary>${summary}</summary><table>${head}${rows.join('')}</table></details>`
}

/** The test that ran the sweep, with its matcher and state; '' when unknown. */
function testLine(test: ReportTest | undefined): string {
  if (!test) return ''
  const matcher = test.matcher ? ` (${esc(test.matcher)})` : ''
  const kind = test.state === 'passed' ? 'pass' : test.state === 'failed' ? 'fail' : 'none'
  const state = test.state ? `<span class="badge ${kind}">${esc(test.state)}</span>` : ''
  return `<p class="meta test">test <code>${esc(test.file)}</code> › <strong>${esc(test.name)}</strong>${matcher} ${state}</p>`
}

/** What was swept: parameter and range, required range, transform options, samples, predictions and time. */
function metaLine(p: PreparedSweep): string {
  const { result, required } = p.entry
  const param = result.transform.parameter
  const value = (v: number): string => esc(formatValue(result, v))
  const options = Object.keys(result.transform.options).length
    ? ` · options ${esc(JSON.stringify(result.transform.options))}`
    : ''
  const requiredText = required ? ` · required ${value(required[0])} to ${value(required[1])}` : ''
  const range =
    `${esc(param.name)}${param.unit ? ` (${esc(param.unit)})` : ''} from ${value(result.values[0] as number)} ` +
    `to ${value(result.values[result.values.length - 1] as number)}, ${result.values.length} values`
  const timing = `${result.timing.predictions} predictions in ${esc(roundForDisplay(result.timing.totalMs / 1000))} s`
  return `<p class="meta">${range}${requiredText}${options} · ${plural(result.samples.length, 'sample')} · ${timing}</p>`
}

/** The figures of a section: a comparison's pair or the chart, then confusion, GIF and strip. */
async function sectionFigures(p: PreparedSweep, write: WriteFile, options: ReportOptions): Promise<[string, string[]]> {
  const compared = await comparisonFigure(p)
  const figs = compared ? [] : [await chartFigure(p)]
  const confusion = await confusionFigure(p)
  if (confusion) figs.push(confusion)
  figs.push(...(await frameFigures(p, write, options)))
  return [compared, figs]
}

/** The section of one sweep; writes its strip and GIF through `write`. */
export async function sweepSection(p: PreparedSweep, write: WriteFile, options: ReportOptions): Promise<string> {
  const [compared, figs] = await sectionFigures(p, write, options)
  const { result } = p.entry
  return `<section class="sweep" id="${esc(p.id)}">
<h2>${esc(p.id.replace('sweep-', '#'))} ${esc(p.title)} ${badge(p.pass)}</h2>
${testLine(p.entry.test)}${metaLine(p)}
${compared}${figs.length ? `<div class="figs">${figs.join('\n')}</div>` : ''}
${scoresTable(result, p.metric)}
</section>`
}
