// The HTML report's part for two-parameter grids: one section per grid, a heatmap per class with the stable region.
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import { evaluateGridRequirement, type GridVerdict } from '../analysis/grid-requirement.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import type { StableRegion } from '../analysis/stable-region.js'
import { gridHeatmapSpec, renderSpecSvg } from './chart.js'
import { formatValue, roundForDisplay } from './format.js'
import { validateGridResult } from '../results/schema/grid-result.js'
import { badge, esc, plural, scopeSvgIds } from './markup.js'
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

/** `dice` when the grid scored it, else its first metric. */
const defaultMetric = (result: GridResult): MetricName =>
  result.metrics.includes('dice') ? 'dice' : (result.metrics[0] as MetricName)

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
    const metric = entry.metric ?? defaultMetric(result)
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

/** One class's row: threshold, stable region and its extent, pass when every cell passes. */
function gridRow(result: GridResult, c: GridVerdict['classes'][number]): string {
  const region = esc(regionText(result, c.region))
  return (
    `<tr class="${c.pass ? '' : 'fail'}"><td>${esc(c.className)}</td><td class="num">${esc(String(c.min))}</td>` +
    `<td>${region}</td><td class="status">${badge(c.pass)}</td></tr>`
  )
}

/** One inline heatmap per class, its ids scoped to the grid and the class's place. */
async function gridFigures(g: PreparedGrid): Promise<string[]> {
  const figs: string[] = []
  for (const c of g.verdict.classes) {
    const spec = gridHeatmapSpec(g.entry.result, { className: c.className, metric: g.metric, min: c.min })
    const svg = scopeSvgIds(await renderSpecSvg(spec), `${g.id}-${figs.length}`)
    figs.push(`<figure class="chart">${svg}</figure>`)
  }
  return figs
}

/** An axis as the meta line names it: `rotate angle from -20 deg to 40 deg (4 values)`. */
function axisSpan(x: GridAxisRecord): string {
  const from = esc(value(x, x.values[0] as number))
  const to = esc(value(x, x.values[x.values.length - 1] as number))
  const option = x.role === 'option' ? ", an option of the other axis' transform" : ''
  return `${esc(axisName(x))} from ${from} to ${to} (${x.values.length} values${option})`
}

const REGION_NOTE =
  'Stable region: the cells connected to the neutral cell (dot) that meet the threshold (orange outline); ' +
  'dark outline: cells below it.'

/** The test line (when a test ran the grid) and the meta line: axes, samples, predictions, time. */
function gridMeta(g: PreparedGrid): string {
  const { result, test } = g.entry
  const state = test?.state ? ` (${esc(test.state)})` : ''
  const testLine = test
    ? `<p class="meta test">test <code>${esc(test.file)}</code> › <strong>${esc(test.name)}</strong>${state}</p>\n`
    : ''
  const [a, b] = result.axes
  const time = esc(roundForDisplay(result.timing.totalMs / 1000))
  const runs = `${plural(result.samples.length, 'sample')} · ${result.timing.predictions} predictions in ${time} s`
  return `${testLine}<p class="meta">${axisSpan(a)} x ${axisSpan(b)} · ${runs}. ${REGION_NOTE}</p>`
}

/** The section of one grid: heading, meta, the table of classes and the heatmaps. */
async function gridSection(g: PreparedGrid): Promise<string> {
  const rows = g.verdict.classes.map((c) => gridRow(g.entry.result, c)).join('')
  const figs = await gridFigures(g)
  return `<section class="sweep grid" id="${esc(g.id)}">
<h2>${esc(g.id.replace('grid-', 'grid #'))} ${esc(g.title)} ${badge(g.pass)}</h2>
${gridMeta(g)}
<table><tr><th>class</th><th>threshold</th><th>stable region</th><th>every cell</th></tr>${rows}</table>
<div class="figs">${figs.join('\n')}</div>
</section>`
}

/** The HTML sections of the grids, one per grid (see {@link gridSection}). */
export async function gridSections(grids: readonly PreparedGrid[]): Promise<string[]> {
  const sections: string[] = []
  for (const g of grids) sections.push(await gridSection(g))
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
