// The figures of one sweep's section: the chart (or a comparison's pair), the confusion chart, the strip and the GIF.
import type { SweepResult } from '../results/sweep-result.js'
import { thresholdKey } from '../analysis/threshold.js'
import { framesOf } from '../sweep/assemble.js'
import { renderChartSvg, renderSpecSvg } from './chart.js'
import { comparisonFigures } from './compare.js'
import { confusionSpec } from './confusion-chart.js'
import { sweepGif } from './gif.js'
import { esc, figure, plural, scopeSvgIds } from './markup.js'
import { frameStrip } from './overlay.js'
import type { PreparedSweep, ReportOptions } from './types.js'

/** Writes one file of the report (a name inside its folder). */
export type WriteFile = (name: string, bytes: Uint8Array | string) => Promise<void>

/** The bootstrap band of a confidence verdict, drawn along each curve; none without one. */
function bandOf(p: PreparedSweep): { confidence?: number; resamples?: number; seed?: number } {
  const v = p.verdict
  if (v?.confidence === undefined) return {}
  return {
    confidence: v.confidence,
    ...(v.resamples !== undefined ? { resamples: v.resamples } : {}),
    ...(v.seed !== undefined ? { seed: v.seed } : {}),
  }
}

/** The chart of the mean curves with thresholds, required range, stable intervals and (with a confidence) bands. */
export async function chartFigure(p: PreparedSweep): Promise<string> {
  const { result, required } = p.entry
  const band = bandOf(p)
  const svg = await renderChartSvg(result, {
    metric: p.metric,
    [thresholdKey(p.metric)]: p.min,
    ...(required ? { required } : {}),
    title: `${result.model}: ${p.metric} under ${result.transform.name}`,
    ...band,
  })
  const bandText =
    band.confidence !== undefined
      ? `; shaded along each curve: its ${Number((band.confidence * 100).toPrecision(3))} % bootstrap band over samples`
      : ''
  const caption =
    `Mean ${esc(p.metric)} over ${plural(result.samples.length, 'sample')}; dashed: threshold` +
    `${required ? '; grey: required range' : ''}; bands: stable intervals${bandText}`
  return figure('chart', scopeSvgIds(svg, p.id), caption)
}

/** The side-by-side figures of a model comparison, or '' for an entry without one. */
export async function comparisonFigure(p: PreparedSweep): Promise<string> {
  const { result, baseline, comparison } = p.entry
  if (!baseline || !comparison) return ''
  return comparisonFigures({ candidate: result, baseline, comparison }, (svg, suffix) =>
    scopeSvgIds(svg, `${p.id}-${suffix}`),
  )
}

/** What each class's pixels were predicted as, for a result with confusion counts; else ''. */
export async function confusionFigure(p: PreparedSweep): Promise<string> {
  const { result } = p.entry
  if (!result.confusion) return ''
  const svg = scopeSvgIds(await renderSpecSvg(confusionSpec(result)), `${p.id}-confusion`)
  return figure(
    'chart confusion',
    svg,
    "What each class's pixels were predicted as at each value (summed over samples)",
  )
}

function referenceName(result: SweepResult): string {
  return result.reference === 'truth' ? 'truth' : 'clean prediction'
}

/**
 * Writes the frame strip (and, unless `gif: false`, the GIF) of the entry's sample and returns their figures, GIF
 * first; none when the entry kept no frames.
 */
export async function frameFigures(p: PreparedSweep, write: WriteFile, options: ReportOptions): Promise<string[]> {
  const { result } = p.entry
  const frames = p.entry.frames ?? framesOf(result)
  if (!frames || !frames.samples.length) return []
  const sample = p.entry.sample ?? frames.samples[0]?.id
  const strip = await frameStrip(result, frames, sample, {
    ...(options.columns ? { columns: options.columns } : {}),
    cell: options.cell ?? 112,
  })
  await write(`${p.id}-strip.png`, strip)
  const name = esc(sample ?? '')
  const stripCaption =
    `Sample ${name}: prediction (translucent fill) and ${referenceName(result)} ` +
    '(white-edged outline) at each value'
  const stripFig = figure('strip', `<img src="${p.id}-strip.png" alt="frames of sample ${name}">`, stripCaption)
  if (options.gif === false) return [stripFig]
  const gif = await sweepGif(result, frames, sample, {
    ...(options.delay === undefined ? {} : { delay: options.delay }),
    metric: p.metric,
  })
  await write(`${p.id}.gif`, gif)
  const gifFig = figure('gif', `<img src="${p.id}.gif" alt="animation of sample ${name}">`, `Sample ${name}, animated`)
  return [gifFig, stripFig]
}
