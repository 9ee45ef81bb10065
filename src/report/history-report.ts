// `segsense history report`: the trend of every gate over commits, as Vega-Lite charts in one HTML page and as a
// markdown table of the last N values.
import { join, resolve } from 'node:path'
import { SegsenseError } from '../core/errors.js'
import { type GateTrend, type HistoryRecord, historyTrends } from '../history/records.js'
import { type ChartSpec, type JsonObject, renderSpecSvg } from './chart.js'
import { stageFolder } from './folder.js'
import { historyMarkdown, intervalText } from './markdown-summary.js'
import { CLASS_COLOURS } from './palette.js'
import { escapeXml as esc } from './xml.js'

/**
 * The Vega-Lite spec of one gate's trend: above, the AUC of each class per commit; below, each class's stable
 * interval per commit (a bar from the low to the high bound, lines through the bounds), commits where the interval
 * narrowed (or the AUC fell) marked with a red triangle. Inline data, rendered like the sweep charts.
 */
export function historyTrendSpec(trend: GateTrend, options: { readonly width?: number } = {}): ChartSpec {
  const classes = [...new Set(trend.points.map((p) => p.className))]
  const label = (c: string): string => c.slice(0, 7)
  const values: JsonObject[] = trend.points.map((p) => ({
    commit: label(p.commit),
    className: p.className,
    auc: p.auc,
    from: p.from,
    to: p.to,
    narrowed: p.narrowed,
    aucDropped: p.aucDropped,
    date: p.date.slice(0, 10),
  }))
  const width = options.width ?? Math.max(320, Math.min(900, trend.commits.length * 36))
  const x = {
    field: 'commit',
    type: 'ordinal',
    sort: trend.commits.map(label),
    title: 'commit',
    axis: { labelAngle: -45 },
  }
  const colour = {
    field: 'className',
    type: 'nominal',
    title: 'class',
    scale: { domain: classes, range: CLASS_COLOURS.slice(0, Math.max(1, classes.length)) },
  }
  const unit = trend.gate.parameter.unit
  const g = trend.gate
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${g.test ? g.test.name : g.title} · ${g.transform}`,
    data: { values },
    config: { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: '#dde1e7' } },
    vconcat: [
      {
        width,
        height: 140,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: { x, y: { field: 'auc', type: 'quantitative', title: `AUC (${g.metric})` }, color: colour },
          },
          {
            transform: [{ filter: 'datum.aucDropped' }],
            mark: { type: 'point', shape: 'triangle-down', size: 120, filled: true, color: '#c62828' },
            encoding: { x, y: { field: 'auc', type: 'quantitative' } },
          },
        ],
      },
      {
        width,
        height: 180,
        layer: [
          {
            transform: [{ filter: 'isValid(datum.from)' }],
            mark: { type: 'rule', strokeWidth: 4, opacity: 0.45 },
            encoding: {
              x,
              xOffset: { field: 'className' },
              y: {
                field: 'from',
                type: 'quantitative',
                title: `stable interval (${unit || trend.gate.parameter.name})`,
              },
              y2: { field: 'to' },
              color: colour,
            },
          },
          {
            transform: [{ filter: 'isValid(datum.from)' }],
            mark: { type: 'line', strokeDash: [4, 2], strokeWidth: 1 },
            encoding: { x, y: { field: 'from', type: 'quantitative' }, color: colour },
          },
          {
            transform: [{ filter: 'isValid(datum.to)' }],
            mark: { type: 'line', strokeWidth: 1 },
            encoding: { x, y: { field: 'to', type: 'quantitative' }, color: colour },
          },
          {
            transform: [{ filter: 'datum.narrowed && isValid(datum.to)' }],
            mark: { type: 'point', shape: 'triangle-down', size: 140, filled: true, color: '#c62828' },
            encoding: { x, y: { field: 'to', type: 'quantitative' } },
          },
        ],
      },
    ],
  }
}

/** What {@link writeHistoryReport} wrote. */
export interface WrittenHistoryReport {
  readonly dir: string
  /** index.html, absolute. */
  readonly index: string
  /** summary.md, absolute. */
  readonly markdown: string
  readonly trends: readonly GateTrend[]
}

const CSS = `body{margin:0;font:14px/1.45 system-ui,"DejaVu Sans",Arial,sans-serif;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#c8cfda}
main{padding:20px 28px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:14px 18px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 6px;overflow-wrap:anywhere}.meta{color:#5b6472;margin:0 0 8px}svg{max-width:100%;height:auto}
.flag{color:#c62828;font-weight:600}ul{margin:6px 0}`

/**
 * Writes the history report of `records` to the folder `out` (replaced whole, as the sweep report): `index.html`
 * with one trend chart per gate and the narrowings listed under it, and `summary.md` with the last `last` values
 * of each gate (see {@link historyMarkdown}).
 * @throws SegsenseError `E_BAD_PARAMETER` for an empty history, `E_FILE_WRITE` when the folder cannot be written.
 */
export async function writeHistoryReport(
  records: readonly HistoryRecord[],
  out: string,
  options: {
    readonly last?: number
    readonly margin?: number
    readonly aucMargin?: number
    readonly title?: string
  } = {},
): Promise<WrittenHistoryReport> {
  if (!records.length)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      'history report: the history holds no record yet (add runs with segsense history add)',
    )
  const last = options.last ?? 20
  const trends = historyTrends(records, {
    last,
    ...(options.margin !== undefined ? { margin: options.margin } : {}),
    ...(options.aucMargin !== undefined ? { aucMargin: options.aucMargin } : {}),
  })
  const sections: string[] = []
  let n = 0
  for (const t of trends) {
    n++
    const svg = (await renderSpecSvg(historyTrendSpec(t)))
      .replace(/^<\?xml[^>]*>\s*/, '')
      .replace(/\bid="([^"]+)"/g, `id="trend-${n}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#trend-${n}-$1)`)
      .replace(/href="#([^"]+)"/g, `href="#trend-${n}-$1"`)
    const flags = t.points
      .filter((p) => p.narrowed || p.aucDropped)
      .map((p) => {
        const i = t.points.filter((q) => q.className === p.className).indexOf(p)
        const before = t.points.filter((q) => q.className === p.className)[i - 1]
        const narrowed = p.narrowed
          ? `stable interval narrowed${before ? ` from ${esc(intervalTextOf(t, before))}` : ''} to ${esc(intervalTextOf(t, p))}`
          : ''
        const fell = p.aucDropped
          ? `AUC fell${before?.auc != null ? ` from ${before.auc.toFixed(3)}` : ''} to ${p.auc?.toFixed(3) ?? '-'}`
          : ''
        const what = [narrowed, fell].filter(Boolean).join(', ')
        return (
          `<li class="flag" data-commit="${esc(p.commit)}" data-class="${esc(p.className)}">` +
          `${esc(p.className)}: ${what} at commit <code>${esc(p.commit)}</code> (${esc(p.date.slice(0, 10))})</li>`
        )
      })
    const g = t.gate
    const heading = `${esc(g.test ? `${g.test.file} › ${g.test.name}` : g.title)} · ${esc(g.transform)}`
    sections.push(`<section class="trend" id="trend-${n}" data-key="${esc(t.key)}"><h2>${heading}</h2>
<p class="meta">${esc(g.model)} (newest) · ${t.commits.length} commit${t.commits.length === 1 ? '' : 's'} · ${esc(g.metric)}</p>
${svg}
${flags.length ? `<ul>${flags.join('')}</ul>` : '<p class="meta">No narrowing over these commits.</p>'}</section>`)
  }
  const title = options.title ?? 'segsense history'
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1>
<p>${plural(records.length, 'commit')} · ${plural(trends.length, 'gate')} · last ${plural(last, 'commit')} shown per gate</p></header>
<main>
${sections.join('\n')}
</main></body></html>
`
  const markdown = historyMarkdown(trends, { last })
  const dir = resolve(out)
  const stage = await stageFolder(dir)
  try {
    await stage.write('summary.md', markdown)
    await stage.write('index.html', html)
    await stage.commit()
  } catch (e) {
    await stage.discard().catch(() => undefined)
    throw e
  }
  return { dir, index: join(dir, 'index.html'), markdown: join(dir, 'summary.md'), trends }
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

function intervalTextOf(t: GateTrend, p: GateTrend['points'][number]): string {
  if (p.from === null || p.to === null) return p.width === 0 ? 'none' : '-'
  const g = t.gate
  return intervalText(g, {
    threshold: 0,
    interval: {
      kind: 'interval',
      from: p.from,
      to: p.to,
      gridFrom: p.from,
      gridTo: p.to,
      censoredLow: false,
      censoredHigh: false,
      width: p.width ?? p.to - p.from,
      containsNeutral: true,
    },
  })
}
