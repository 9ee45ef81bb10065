import { join, resolve } from 'node:path'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { MetricName } from '../metrics/overlap.js'
import { type ClassVerdict, evaluateRequirement, type RequirementVerdict } from '../analysis/requirement.js'
import type { SweepResult } from '../results/sweep-result.js'
import { summarize } from '../analysis/summarize.js'
import { thresholdKey } from '../analysis/threshold.js'
import { framesOf } from '../sweep/assemble.js'
import { type SweepFrames } from '../sweep/types.js'
import type { ModelComparison } from '../analysis/compare.js'
import { renderChartSvg, renderSpecSvg } from './chart.js'
import { comparisonFigures } from './compare.js'
import { confusionSpec } from './confusion-chart.js'
import { stageFolder } from './folder.js'
import { formatInterval, formatValue, roundForDisplay } from './format.js'
import { sweepGif } from './gif.js'
import { frameStrip } from './overlay.js'
import { CLASS_COLOURS } from './palette.js'
import { type GridReportEntry, type PreparedGrid, gridJson, gridSections, prepareGrids } from './grid-section.js'
import type { GridResult } from '../results/grid-result.js'
import { validateSweepResult } from '../results/schema/validate.js'
import { escapeXml } from './xml.js'
import type { ReportTest } from './test-ref.js'

/** One sweep of a report, with what to judge it by and (optionally) its frames. */
export interface ReportEntry {
  readonly result: SweepResult
  /** Frames for the strip and the GIF; default the frames kept by `sweep(..., { keep: 'frames' })`, if any. */
  readonly frames?: SweepFrames
  /** Heading; default `<model> · <transform>`. */
  readonly title?: string
  /**
   * Threshold(s) on `metric`, one number or per class name; default the report's `min`. `null`: the entry has no
   * threshold (a sweep snapshot test): no class is judged by a score, and its status is `pass` alone.
   */
  readonly min?: number | Readonly<Record<string, number>> | null
  /**
   * Threshold(s) in mm when `metric` is a distance (`hd`, `hd95`, `assd`, `masd`: lower is better), in place of
   * `min`; without it a distance entry judges no class.
   */
  readonly max?: number | Readonly<Record<string, number>> | null
  /** Metric judged and charted; default `dice` (or the result's first metric). */
  readonly metric?: MetricName
  /**
   * The range the sweep is required over: shaded in the chart, and (without a `verdict`) pass/fail judges only the
   * swept values inside it. Without it every swept value must meet the threshold.
   */
  readonly required?: readonly [number, number]
  /** The requirement verdict, when the caller has one (else it is evaluated at `min` on the mean curve). */
  readonly verdict?: RequirementVerdict
  /** Overall status, when the caller decided it (e.g. a snapshot matcher); default the verdict's. */
  readonly pass?: boolean
  /** The test that ran the sweep. */
  readonly test?: ReportTest
  /** The sample shown in the frame strip and GIF; default the first with frames. */
  readonly sample?: string
  /** A model comparison (`toBeAtLeastAsRobustAs`, `segsense compare`): `result` is the candidate's sweep, this the baseline's. */
  readonly baseline?: SweepResult
  /** The comparison of `result` (candidate) with `baseline`: the section shows both curves, the difference and its band. */
  readonly comparison?: ModelComparison
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Page title; default `segsense report`. */
  readonly title?: string
  /** A line under the title (escaped). */
  readonly subtitle?: string
  /** Default threshold for entries without their own `min`; default 0.8. */
  readonly min?: number
  /** Frames per row of the strips; default 9. */
  readonly columns?: number
  /** Longer side of a strip frame in px; default 112. */
  readonly cell?: number
  /** GIF frame duration in ms; default 400. `gif: false` writes no GIF. */
  readonly delay?: number
  readonly gif?: boolean
  /** Date printed in the header; default now. */
  readonly date?: Date
  /** Two-parameter grids (`sweepGrid` results) to report after the sweeps: a heatmap per class with its stable region. */
  readonly grids?: readonly (GridResult | GridReportEntry)[]
}

/** One row of the summary table: one class of one sweep. */
export interface SummaryRow {
  /** Anchor of the sweep (`sweep-01`). */
  readonly sweep: string
  readonly title: string
  readonly model: string
  readonly transform: string
  readonly className: string
  readonly metric: MetricName
  /** Threshold, or null when the entry sets none for this class (or its metric is a distance). */
  readonly min: number | null
  /** A distance metric's threshold in mm; present only for distance metrics (null when none is set). */
  readonly max?: number | null
  /** The range judged, as text (`-90 deg to 90 deg`), or `all swept values`. */
  readonly required: string
  /** Stable interval as text (`[-12.4 deg, 8.1 deg]`, `the full circle`, ...), `-` without threshold. */
  readonly interval: string
  /** With a `confidence` verdict: the stable interval of the mean's lower confidence bound, as text, and its level. */
  readonly lowerInterval?: string
  readonly confidence?: number
  readonly auc: number | null
  readonly worst: { readonly value: string; readonly score: number } | null
  /** Every swept value meets the threshold; null without threshold. */
  readonly pass: boolean | null
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly dir: string
  /** Absolute path of index.html. */
  readonly index: string
  /** Every file written, absolute. */
  readonly files: string[]
  readonly rows: SummaryRow[]
  /** Per sweep: anchor, title and overall status (null when not judged). */
  readonly sweeps: { readonly id: string; readonly title: string; readonly pass: boolean | null }[]
}

const esc = escapeXml

function isEntry(x: SweepResult | ReportEntry): x is ReportEntry {
  return typeof x === 'object' && x !== null && 'result' in x && typeof (x as ReportEntry).result === 'object'
}

function thresholdFor(min: ReportEntry['min'], className: string): number | null {
  if (typeof min === 'number') return min
  const t = min?.[className]
  return typeof t === 'number' ? t : null
}

interface Prepared {
  readonly id: string
  readonly title: string
  readonly entry: ReportEntry
  readonly metric: MetricName
  readonly min: number | Readonly<Record<string, number>>
  readonly verdict: RequirementVerdict | null
  readonly pass: boolean | null
  readonly rows: SummaryRow[]
}

function prepare(input: SweepResult | ReportEntry, index: number, options: ReportOptions): Prepared {
  const entry: ReportEntry = isEntry(input) ? input : { result: input }
  const v = validateSweepResult(entry.result)
  if (!v.valid) {
    throw new SegsenseError(
      'E_SCHEMA',
      `report: sweep ${index + 1} is not a valid SweepResult:\n  ${v.errors.slice(0, 10).join('\n  ')}`,
      { details: { errors: v.errors } },
    )
  }
  if (entry.baseline) {
    const b = validateSweepResult(entry.baseline)
    if (!b.valid)
      throw new SegsenseError(
        'E_SCHEMA',
        `report: the baseline of sweep ${index + 1} is not a valid SweepResult:\n  ${b.errors.slice(0, 10).join('\n  ')}`,
        { details: { errors: b.errors } },
      )
  }
  const result = entry.result
  const comparison = entry.baseline ? entry.comparison : undefined
  const metric =
    entry.metric ?? comparison?.metric ?? (result.metrics.includes('dice') ? 'dice' : (result.metrics[0] as MetricName))
  // No threshold at all: an empty per-class map judges no class (not the report's default threshold). A distance
  // takes max (mm), never the report's default score threshold.
  const key = thresholdKey(metric)
  const min = key === 'max' ? (entry.max ?? {}) : entry.min === null ? {} : (entry.min ?? options.min ?? 0.8)
  const id = `sweep-${String(index + 1).padStart(2, '0')}`
  const title =
    entry.title ??
    (comparison
      ? `${result.model} vs ${comparison.baseline} · ${result.transform.name}`
      : `${result.model} · ${result.transform.name}`)
  let verdict = entry.verdict ?? null
  if (!verdict) {
    const judged = result.classes.filter((c) => thresholdFor(min, c) !== null)
    verdict = judged.length
      ? evaluateRequirement(entry.required ? within(result, entry.required) : result, {
          [key]: min,
          metric,
          classes: judged,
        })
      : null
  }
  const rows: SummaryRow[] = result.classes.map((className) => {
    const t = thresholdFor(min, className)
    const s = summarize(result, { [key]: t ?? 0, metric }).classes[className]
    // A comparison judges its classes by the comparison, not by a threshold.
    const compared = comparison?.classes.find((c) => c.className === className)
    const classVerdict: Pick<ClassVerdict, 'min' | 'max' | 'pass' | 'lowerInterval'> | undefined = compared
      ? { min: compared.min, pass: compared.pass }
      : comparison
        ? undefined
        : verdict?.classes.find((c) => c.className === className)
    return {
      sweep: id,
      title,
      model: result.model,
      transform: result.transform.name,
      className,
      metric,
      ...(key === 'max' ? { min: null, max: classVerdict?.max ?? t } : { min: classVerdict?.min ?? t }),
      required: entry.required
        ? `${formatValue(result, entry.required[0])} to ${formatValue(result, entry.required[1])}`
        : 'all swept values',
      interval: t === null ? '-' : formatInterval(result, s?.interval ?? null),
      ...(verdict?.confidence !== undefined && classVerdict?.lowerInterval !== undefined
        ? { lowerInterval: formatInterval(result, classVerdict.lowerInterval), confidence: verdict.confidence }
        : {}),
      auc: s?.auc ?? null,
      worst: s?.worst ? { value: formatValue(result, s.worst.value), score: s.worst.score } : null,
      pass: classVerdict ? classVerdict.pass : null,
    }
  })
  const pass = entry.pass ?? comparison?.pass ?? verdict?.pass ?? null
  return { id, title, entry, metric, min, verdict, pass, rows }
}

/** The result restricted to the values inside `[from, to]` (for judging a sweep over a required range). */
function within(result: SweepResult, [from, to]: readonly [number, number]): SweepResult {
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

/** The summary rows of a report (as {@link writeReport} tabulates them), without writing anything. */
export function reportRows(inputs: readonly (SweepResult | ReportEntry)[], options: ReportOptions = {}): SummaryRow[] {
  return inputs.flatMap((x, i) => prepare(x, i, options).rows)
}

/** Makes the ids of an inline SVG unique on the page (vega names its clip paths `clip1`, ... in every chart). */
function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`)
    .replace(/^<\?xml[^>]*>\s*/, '')
}

const fmt3 = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(3) : '-')
const badge = (pass: boolean | null): string =>
  pass === null
    ? '<span class="badge none">-</span>'
    : pass
      ? '<span class="badge pass">pass</span>'
      : '<span class="badge fail">fail</span>'

const CSS = `
:root{color-scheme:light;--fg:#1d2330;--muted:#5b6472;--line:#dde1e7;--pass:#17823b;--fail:#c62828}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--fg);background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:0;color:#c8cfda}
main{padding:20px 28px;max-width:1400px}
h2{font-size:18px;margin:0 0 6px}
h1,h2,.meta,figcaption{overflow-wrap:anywhere}
section.sweep{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 20px}
table{border-collapse:collapse;background:#fff}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th,td{overflow-wrap:anywhere}
#summary th,td.num,td.status{white-space:nowrap}
th{font-weight:600;background:#eef0f4;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td:not(.sweep-cell){background:#fff5f5}
tr.first td{border-top:2px solid #c9ced6}
td.sweep-cell{background:#fff}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.none{background:#9aa3af}
.meta{color:var(--muted);margin:0 0 10px}
.figs{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.figs figure{margin:0;min-width:0;max-width:100%}
.figs svg{max-width:100%;height:auto}
.figs figcaption{color:var(--muted);font-size:12px}
img{max-width:100%;height:auto}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
details{margin-top:10px}
.summary-wrap{overflow-x:auto;margin-bottom:24px;border:1px solid var(--line);border-radius:8px}
#summary{width:100%}
.test-ref{color:var(--muted);font-size:12px;min-width:12em;max-width:24em;margin-top:2px}
#summary .lower{color:var(--muted);font-size:12px}
details{overflow-x:auto}
`

function summaryTable(prepared: readonly Prepared[]): string {
  const head =
    '<tr><th>sweep</th><th>model</th><th>transform</th><th>required</th><th>class</th><th>metric</th><th>threshold</th><th>stable interval</th><th>AUC</th><th>worst case</th><th>status</th></tr>'
  // A row without a threshold in an entry without any (a snapshot test) shows the entry's own status.
  const body = prepared.flatMap((p) =>
    p.rows.map((r, i) => {
      const worst = r.worst ? `${r.worst.score.toFixed(3)} at ${esc(r.worst.value)}` : '-'
      // The sweep's own cells once, spanning its class rows.
      const span = p.rows.length
      const test = p.entry.test
      const testRef = test ? `<div class="test-ref"><code>${esc(test.file)}</code> › ${esc(test.name)}</div>` : ''
      const sweepCells =
        i === 0
          ? `<td rowspan="${span}" class="sweep-cell"><a href="#${esc(p.id)}">${esc(p.id.replace('sweep-', '#'))}</a>${testRef}</td><td rowspan="${span}" class="sweep-cell">${esc(r.model)}</td><td rowspan="${span}" class="sweep-cell">${esc(r.transform)}</td><td rowspan="${span}" class="sweep-cell">${esc(r.required)}</td>`
          : ''
      const colour = CLASS_COLOURS[Math.max(0, p.entry.result.classes.indexOf(r.className)) % CLASS_COLOURS.length]
      return (
        `<tr class="${r.pass === false ? 'fail' : ''}${i === 0 ? ' first' : ''}" data-sweep="${esc(p.id)}" data-class="${esc(r.className)}">${sweepCells}` +
        `<td class="class"><span class="swatch" style="background:${colour}"></span>${esc(r.className)}</td><td>${esc(r.metric)}</td>` +
        `<td class="num">${r.max != null ? `max ${esc(String(r.max))} mm` : r.min === null ? '-' : esc(String(r.min))}</td><td>${esc(r.interval)}${r.lowerInterval !== undefined ? `<div class="lower">${esc(`${Number(((r.confidence ?? 0) * 100).toPrecision(3))} % lower bound: ${r.lowerInterval}`)}</div>` : ''}</td><td class="num">${fmt3(r.auc)}</td><td>${worst}</td><td class="status">${badge(r.pass ?? (p.verdict ? null : p.pass))}</td></tr>`
      )
    }),
  )
  return `<div class="summary-wrap"><table id="summary"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></div>`
}

function scoresTable(result: SweepResult, metric: MetricName): string {
  const curves = result.mean[metric] ?? {}
  const head = `<tr><th>${esc(`${result.transform.parameter.name}${result.transform.parameter.unit ? ` (${result.transform.parameter.unit})` : ''}`)}</th>${result.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`
  const rows = result.values.map(
    (v, k) =>
      `<tr><td>${esc(formatValue(result, v))}</td>${result.classes.map((c) => `<td class="num">${fmt3(curves[c]?.[k])}</td>`).join('')}</tr>`,
  )
  return `<details><summary>Mean ${esc(metric)} per value (${result.samples.length} sample${result.samples.length === 1 ? '' : 's'}, reference: ${esc(result.reference)})</summary><table>${head}${rows.join('')}</table></details>`
}

/**
 * Writes an HTML report of one or more sweeps to `dir` (created if needed):
 * - `index.html`: self-contained (inline CSS and SVG charts, no script, no network request: a Content-Security-Policy
 *   forbids any), with a summary table (per sweep and class: threshold, stable interval, AUC, worst case, pass/fail),
 *   then per sweep its test (when known), the chart, the frame strip and the animated GIF (when frames were kept).
 *   Every user-supplied string (model, class, sample, test and file names) is HTML-escaped.
 * - `results.json`: `{ schemaVersion, title, generated, sweeps: [{ id, title, test, pass, min, required, verdict, result }] }`
 *   (`verdict`: per class its threshold, stable interval and pass, null without a threshold);
 *   each result is validated with `validateSweepResult` before anything is written.
 * - `sweep-NN-strip.png` and `sweep-NN.gif` beside it.
 * The whole folder is written beside `dir` (`.<name>.segsense-tmp-*`) and swapped in at the end, so a reader (or a
 * killed write) finds the old report or the new one, never a mix, and no file of an earlier, larger report stays.
 * An existing `dir` must hold only a report's files (it is replaced whole).
 *
 * @throws SegsenseError `E_SCHEMA` for an invalid result, `E_BAD_PARAMETER` for no sweeps, `E_FILE_WRITE` when the
 *   folder cannot be written or holds other files.
 */
export async function writeReport(
  inputs: readonly (SweepResult | ReportEntry)[],
  dir: string,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  if (!Array.isArray(inputs) || (inputs.length === 0 && !options.grids?.length))
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `writeReport needs at least one sweep result, got ${describeValue(inputs)}`,
    )
  if (typeof dir !== 'string' || dir === '')
    throw new SegsenseError('E_BAD_PARAMETER', `writeReport: dir must be a folder path, got ${describeValue(dir)}`)
  checkKnownKeys(
    options,
    optionKeys<ReportOptions>({
      title: true,
      subtitle: true,
      min: true,
      columns: true,
      cell: true,
      delay: true,
      gif: true,
      date: true,
      grids: true,
    }),
    'writeReport options',
  )
  const prepared = inputs.map((x, i) => prepare(x, i, options))
  const grids = prepareGrids(options.grids ?? [], options.min ?? 0.8)
  const out = resolve(dir)
  const stage = await stageFolder(out)
  const files: string[] = []
  const write = async (name: string, bytes: Uint8Array | string): Promise<void> => {
    files.push(await stage.write(name, bytes))
  }
  try {
    const written = await writeFiles(prepared, write, options, grids)
    await stage.commit()
    return { dir: out, index: join(out, 'index.html'), files, rows: prepared.flatMap((p) => p.rows), sweeps: written }
  } catch (e) {
    await stage.discard().catch(() => undefined)
    throw e
  }
}

/** Writes every file of the report through `write`; index.html last. */
async function writeFiles(
  prepared: readonly Prepared[],
  write: (name: string, bytes: Uint8Array | string) => Promise<void>,
  options: ReportOptions,
  grids: readonly PreparedGrid[] = [],
): Promise<WrittenReport['sweeps']> {
  const date = options.date ?? new Date()
  const title = options.title ?? 'segsense report'
  const sections: string[] = []
  for (const p of prepared) {
    const { result } = p.entry
    const { baseline, comparison } = p.entry
    const compared =
      baseline && comparison
        ? await comparisonFigures({ candidate: result, baseline, comparison }, (svg, suffix) =>
            scopeSvgIds(svg, `${p.id}-${suffix}`),
          )
        : ''
    const v = p.verdict
    const band: { confidence?: number; resamples?: number; seed?: number } =
      v?.confidence !== undefined
        ? {
            confidence: v.confidence,
            ...(v.resamples !== undefined ? { resamples: v.resamples } : {}),
            ...(v.seed !== undefined ? { seed: v.seed } : {}),
          }
        : {}
    const chart = compared
      ? ''
      : scopeSvgIds(
          await renderChartSvg(result, {
            metric: p.metric,
            [thresholdKey(p.metric)]: p.min,
            ...(p.entry.required ? { required: p.entry.required } : {}),
            title: `${result.model}: ${p.metric} under ${result.transform.name}`,
            ...band,
          }),
          p.id,
        )
    const bandText =
      band.confidence !== undefined
        ? `; shaded along each curve: its ${Number((band.confidence * 100).toPrecision(3))} % bootstrap band over samples`
        : ''
    const figs = compared
      ? []
      : [
          `<figure class="chart">${chart}<figcaption>Mean ${esc(p.metric)} over ${result.samples.length} sample${result.samples.length === 1 ? '' : 's'}; dashed: threshold${p.entry.required ? '; grey: required range' : ''}; bands: stable intervals${bandText}</figcaption></figure>`,
        ]
    if (result.confusion) {
      const svg = scopeSvgIds(await renderSpecSvg(confusionSpec(result)), `${p.id}-confusion`)
      figs.push(
        `<figure class="chart confusion">${svg}<figcaption>What each class's pixels were predicted as at each value (summed over samples)</figcaption></figure>`,
      )
    }
    const frames = p.entry.frames ?? framesOf(result)
    if (frames && frames.samples.length) {
      const sample = p.entry.sample ?? frames.samples[0]?.id
      const strip = await frameStrip(result, frames, sample, {
        ...(options.columns ? { columns: options.columns } : {}),
        cell: options.cell ?? 112,
      })
      await write(`${p.id}-strip.png`, strip)
      const sampleText = esc(sample ?? '')
      const stripFig = `<figure class="strip"><img src="${p.id}-strip.png" alt="frames of sample ${sampleText}"><figcaption>Sample ${sampleText}: prediction (translucent fill) and ${result.reference === 'truth' ? 'truth' : 'clean prediction'} (white-edged outline) at each value</figcaption></figure>`
      if (options.gif !== false) {
        await write(
          `${p.id}.gif`,
          await sweepGif(result, frames, sample, {
            ...(options.delay === undefined ? {} : { delay: options.delay }),
            metric: p.metric,
          }),
        )
        figs.push(
          `<figure class="gif"><img src="${p.id}.gif" alt="animation of sample ${sampleText}"><figcaption>Sample ${sampleText}, animated</figcaption></figure>`,
        )
      }
      figs.push(stripFig)
    }
    const test = p.entry.test
    const testLine = test
      ? `<p class="meta test">test <code>${esc(test.file)}</code> › <strong>${esc(test.name)}</strong>${test.matcher ? ` (${esc(test.matcher)})` : ''} ${test.state ? `<span class="badge ${test.state === 'passed' ? 'pass' : test.state === 'failed' ? 'fail' : 'none'}">${esc(test.state)}</span>` : ''}</p>`
      : ''
    const param = result.transform.parameter
    const opts = Object.keys(result.transform.options).length
      ? ` · options ${esc(JSON.stringify(result.transform.options))}`
      : ''
    const required = p.entry.required
      ? ` · required ${esc(formatValue(result, p.entry.required[0]))} to ${esc(formatValue(result, p.entry.required[1]))}`
      : ''
    sections.push(`<section class="sweep" id="${esc(p.id)}">
<h2>${esc(p.id.replace('sweep-', '#'))} ${esc(p.title)} ${badge(p.pass)}</h2>
${testLine}<p class="meta">${esc(param.name)}${param.unit ? ` (${esc(param.unit)})` : ''} from ${esc(formatValue(result, result.values[0] as number))} to ${esc(formatValue(result, result.values[result.values.length - 1] as number))}, ${result.values.length} values${required}${opts} · ${result.samples.length} sample${result.samples.length === 1 ? '' : 's'} · ${result.timing.predictions} predictions in ${esc(roundForDisplay(result.timing.totalMs / 1000))} s</p>
${compared}${figs.length ? `<div class="figs">${figs.join('\n')}</div>` : ''}
${scoresTable(result, p.metric)}
</section>`)
  }
  sections.push(...(await gridSections(grids, scopeSvgIds, badge)))
  const judged = prepared.filter((p) => p.pass !== null)
  const failed = judged.filter((p) => p.pass === false).length
  const gridsFailed = grids.filter((g) => !g.pass).length
  const counts = `${prepared.length} sweep${prepared.length === 1 ? '' : 's'}${judged.length ? ` · ${judged.length - failed} passed · ${failed} failed` : ''}${grids.length ? ` · ${grids.length} grid${grids.length === 1 ? '' : 's'} (${grids.length - gridsFailed} passed · ${gridsFailed} failed)` : ''}`
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p>${options.subtitle ? `${esc(options.subtitle)} · ` : ''}${esc(counts)} · generated ${esc(
    date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
  )}</p></header>
<main>
<h2>Summary</h2>
<p class="meta">Stable interval: the parameter range around the neutral value where the mean score stays at or above the threshold (interpolated between grid values; &lt;= / &gt;= mark a bound at the edge of the swept range). AUC: the mean score over the swept range. Status: every swept value inside the required range (or every swept value, when none is required) meets the threshold.</p>
${summaryTable(prepared)}
${sections.join('\n')}
</main>
</body>
</html>
`
  const json = {
    schemaVersion: 1,
    title,
    generated: date.toISOString(),
    sweeps: prepared.map((p) => ({
      id: p.id,
      title: p.title,
      test: p.entry.test ?? null,
      pass: p.pass,
      ...(thresholdKey(p.metric) === 'max' ? { max: p.min } : { min: p.entry.min === null ? null : p.min }),
      metric: p.metric,
      required: p.entry.required ?? null,
      verdict: p.verdict,
      result: p.entry.result,
      ...(p.entry.baseline && p.entry.comparison ? { baseline: p.entry.baseline, comparison: p.entry.comparison } : {}),
    })),
    ...(grids.length ? { grids: gridJson(grids) } : {}),
  }
  await write('results.json', `${JSON.stringify(json, null, 2)}\n`)
  await write('index.html', html)
  return prepared.map((p) => ({ id: p.id, title: p.title, pass: p.pass }))
}
