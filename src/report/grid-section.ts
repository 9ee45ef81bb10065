// The HTML report's part for two-parameter grids: one section per grid, a heatmap per class with the stable region.
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import { evaluateGridRequirement, type GridVerdict } from '../analysis/grid-requirement.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import type { StableRegion } from '../analysis/stable-region.js'
import { gridHeatmapSpec, renderSpecSvg } from './chart.js'
import { formatValue, roundForDisplay } from './format.js'
import { validateGridResult } from '../results/schema/grid-result.js'
import { escapeXml as esc } from './xml.js'
import type { ReportTest } from './test-ref.js'

/** One grid of a report: the result and what to judge it by. */
export interface GridReportEntry {
  readonly result: GridResult
  /** Heading; default `<model> · <axis 0> x <axis 1>`. */
  readonly title?: string
  /** Threshold(s) on `metric`, one number or per class name; default the report's `min`. */
  readonly min?: number | Readonly<Record<string, number>>
  /** Metric judged and drawn; default `dice` (or the grid's first metric). */
  readonly metric?: MetricName
  /** Overall status, when the caller decided it (e.g. a matcher under `.not`); default the verdict's. */
  readonly pass?: boolean
  /** The test that ran the grid. */
  readonly test?: ReportTest
}

/** A grid entry checked and judged, ready to write. */
export interface PreparedGrid {
  readonly id: string
  readonly title: string
  readonly entry: GridReportEntry
  readonly metric: MetricName
  readonly verdict: GridVerdict
  readonly pass: boolean
}

function isEntry(x: GridResult | GridReportEntry): x is GridReportEntry {
  return typeof x === 'object' && x !== null && 'result' in x
}

const axisName = (a: GridAxisRecord): string => `${a.transform} ${a.parameter.name}`
const value = (a: GridAxisRecord, v: number): string =>
  formatValue({ transform: { name: a.transform, parameter: a.parameter, options: a.options } }, v)

/**
 * Validates and judges the grids of a report (every cell at `min`, on the mean grid).
 * @throws SegsenseError `E_SCHEMA` for a grid that is not a valid GridResult.
 */
export function prepareGrids(inputs: readonly (GridResult | GridReportEntry)[], defaultMin: number): PreparedGrid[] {
  return inputs.map((input, index) => {
    const entry = isEntry(input) ? input : { result: input }
    const v = validateGridResult(entry.result)
    if (!v.valid)
      throw new SegsenseError(
        'E_SCHEMA',
        `report: grid ${index + 1} is not a valid GridResult:\n  ${v.errors.slice(0, 10).join('\n  ')}`,
        { details: { errors: v.errors } },
      )
    const { result } = entry
    const metric = entry.metric ?? (result.metrics.includes('dice') ? 'dice' : (result.metrics[0] as MetricName))
    const verdict = evaluateGridRequirement(result, { min: entry.min ?? defaultMin, metric })
    return {
      id: `grid-${String(index + 1).padStart(2, '0')}`,
      title: entry.title ?? `${result.model} · ${result.axes.map(axisName).join(' x ')}`,
      entry,
      metric,
      verdict,
      pass: entry.pass ?? verdict.pass,
    }
  })
}

function regionText(result: GridResult, region: StableRegion | null): string {
  if (!region) return 'none (the neutral cell fails)'
  const extents = result.axes.map((a, k) => {
    const e = region.extent[k as 0 | 1]
    return `${axisName(a)} ${value(a, e.from)} to ${value(a, e.to)}${e.wraps ? ' (wrapping)' : ''}`
  })
  return `${region.cells} of ${region.total} cells; ${extents.join(', ')}`
}

/**
 * The HTML sections of the grids: per grid a table (class, threshold, stable region and its extent, pass when
 * every cell passes) and one inline heatmap per class; `scope` makes each SVG's ids unique on the page.
 */
export async function gridSections(
  grids: readonly PreparedGrid[],
  scope: (svg: string, prefix: string) => string,
  badge: (pass: boolean | null) => string,
): Promise<string[]> {
  const sections: string[] = []
  for (const g of grids) {
    const { result } = g.entry
    const rows = g.verdict.classes.map(
      (c) =>
        `<tr class="${c.pass ? '' : 'fail'}"><td>${esc(c.className)}</td><td class="num">${esc(String(c.min))}</td><td>${esc(regionText(result, c.region))}</td><td class="status">${badge(c.pass)}</td></tr>`,
    )
    const figs: string[] = []
    for (const c of g.verdict.classes) {
      const svg = scope(
        await renderSpecSvg(gridHeatmapSpec(result, { className: c.className, metric: g.metric, min: c.min })),
        `${g.id}-${figs.length}`,
      )
      figs.push(`<figure class="chart">${svg}</figure>`)
    }
    const [a, b] = result.axes
    const span = (x: GridAxisRecord): string =>
      `${esc(axisName(x))} from ${esc(value(x, x.values[0] as number))} to ${esc(value(x, x.values[x.values.length - 1] as number))} (${x.values.length} values${x.role === 'option' ? ", an option of the other axis' transform" : ''})`
    sections.push(`<section class="sweep grid" id="${esc(g.id)}">
<h2>${esc(g.id.replace('grid-', 'grid #'))} ${esc(g.title)} ${badge(g.pass)}</h2>
${g.entry.test ? `<p class="meta test">test <code>${esc(g.entry.test.file)}</code> › <strong>${esc(g.entry.test.name)}</strong>${g.entry.test.state ? ` (${esc(g.entry.test.state)})` : ''}</p>\n` : ''}<p class="meta">${span(a)} x ${span(b)} · ${result.samples.length} sample${result.samples.length === 1 ? '' : 's'} · ${result.timing.predictions} predictions in ${esc(roundForDisplay(result.timing.totalMs / 1000))} s. Stable region: the cells connected to the neutral cell (dot) that meet the threshold (orange outline); dark outline: cells below it.</p>
<table><tr><th>class</th><th>threshold</th><th>stable region</th><th>every cell</th></tr>${rows.join('')}</table>
<div class="figs">${figs.join('\n')}</div>
</section>`)
  }
  return sections
}

/** What `results.json` stores per grid. */
export function gridJson(grids: readonly PreparedGrid[]): object[] {
  return grids.map((g) => ({
    id: g.id,
    title: g.title,
    test: g.entry.test ?? null,
    pass: g.pass,
    metric: g.metric,
    verdict: g.verdict,
    result: g.entry.result,
  }))
}
