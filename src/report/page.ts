// The page shell of the report: head with its Content-Security-Policy and CSS, header with the counts, the summary.
import { esc, plural } from './markup.js'
import type { PreparedGrid } from './grid-section.js'
import type { PreparedSweep } from './types.js'

// The font stack, apart so that the CSS stays within the line limit.
const FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif'

const CSS = `
:root{color-scheme:light;--fg:#1d2330;--muted:#5b6472;--line:#dde1e7;--pass:#17823b;--fail:#c62828}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 ${FONTS};color:var(--fg);background:#f6f7f9}
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

const CSP = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'"

const SUMMARY_NOTE =
  'Stable interval: the parameter range around the neutral value where the mean score stays at or above the ' +
  'threshold (interpolated between grid values; &lt;= / &gt;= mark a bound at the edge of the swept range). AUC: ' +
  'the mean score over the swept range. Status: every swept value inside the required range (or every swept value, ' +
  'when none is required) meets the threshold.'

/** `3 sweeps · 2 passed · 1 failed · 1 grid (1 passed · 0 failed)`: what the header counts. */
export function countsText(prepared: readonly PreparedSweep[], grids: readonly PreparedGrid[]): string {
  const judged = prepared.filter((p) => p.pass !== null)
  const failed = judged.filter((p) => p.pass === false).length
  const gridsFailed = grids.filter((g) => !g.pass).length
  const sweeps = judged.length ? ` · ${judged.length - failed} passed · ${failed} failed` : ''
  const gridText = grids.length
    ? ` · ${plural(grids.length, 'grid')} (${grids.length - gridsFailed} passed · ${gridsFailed} failed)`
    : ''
  return `${plural(prepared.length, 'sweep')}${sweeps}${gridText}`
}

/** What the page shell holds: everything but the shell itself, already rendered. */
export interface PageParts {
  readonly title: string
  readonly subtitle?: string | undefined
  /** The header's counts ({@link countsText}). */
  readonly counts: string
  readonly date: Date
  /** The summary table's HTML. */
  readonly summary: string
  /** The sections' HTML, in page order. */
  readonly sections: readonly string[]
}

/** The whole index.html around the rendered summary and sections. */
export function pageHtml(parts: PageParts): string {
  const generated = parts.date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
  const subtitle = parts.subtitle ? `${esc(parts.subtitle)} · ` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(parts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(parts.title)}</h1><p>${subtitle}${esc(parts.counts)} · generated ${esc(generated)}</p></header>
<main>
<h2>Summary</h2>
<p class="meta">${SUMMARY_NOTE}</p>
${parts.summary}
${parts.sections.join('\n')}
</main>
</body>
</html>
`
}
