// The sweep chart: mean (or one sample's) score curves per class with thresholds, required range, stable intervals
// and bootstrap bands. The spec type, the renderers and the heatmaps live in spec.ts, render.ts and heatmap-chart.ts
// (re-exported here, where the public entry reads them).
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import type { ClassCurves, SweepResult } from '../results/sweep-result.js'
import { aggregate } from '../analysis/aggregate.js'
import type { BootstrapOptions } from '../analysis/stats/bootstrap.js'
import { stableInterval } from '../analysis/stability.js'
import { thresholdKey, wrongKey } from '../analysis/threshold.js'
import { CLASS_COLOURS } from './palette.js'
import { renderSpecSvg, svgToPng } from './render.js'
import type { ChartSpec } from './spec.js'

export type { ChartSpec, JsonObject, JsonValue } from './spec.js'
export { renderSpecPng, renderSpecSvg, svgToPng } from './render.js'
export {
  gridHeatmapSpec,
  heatmapSpec,
  type GridHeatmapOptions,
  type HeatmapData,
  type HeatmapOptions,
} from './heatmap-chart.js'

/**
 * Options of {@link chartSpec} and the renderers. `confidence` (with `resamples` and `seed`, as `aggregate` takes
 * them) draws the percentile bootstrap band of each mean curve (not with `sample`).
 */
export interface ChartOptions extends BootstrapOptions {
  /** Metric to plot; default `dice`. */
  readonly metric?: MetricName
  /** Classes to plot; default every scored class. */
  readonly classes?: readonly string[]
  /** Threshold(s) drawn as dashed rules; one number or per class name. */
  readonly min?: number | Readonly<Record<string, number>>
  /** For a distance metric (`hd`, `hd95`, `assd`, `masd`): threshold(s) in mm, drawn like `min`, in its place. */
  readonly max?: number | Readonly<Record<string, number>>
  /** A required parameter range, shaded grey. */
  readonly required?: readonly [number, number]
  /** Shade each class's stable interval at its threshold (needs `min`, or `max` for a distance). Default true. */
  readonly shadeStable?: boolean
  /** A sample id; default the mean over samples. */
  readonly sample?: string
  /** Chart title; default `<model>: <metric> under <transform>`. */
  readonly title?: string
  /** Plot size in CSS px (the PNG is `scale` times larger). Default 480 x 280. */
  readonly width?: number
  readonly height?: number
}

function thresholdOf(min: ChartOptions['min'], className: string): number | undefined {
  if (typeof min === 'number') return min
  return min?.[className]
}

type Layer = Record<string, unknown>

/** The score curves charted: the mean's, or one sample's. */
function curvesOf(result: SweepResult, metric: MetricName, sample: string | undefined): ClassCurves {
  const curves =
    sample === undefined ? result.mean[metric] : result.samples.find((s) => s.id === sample)?.scores[metric]
  if (!curves) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      sample === undefined
        ? `chart: the sweep has no ${metric} scores (metrics: ${result.metrics.join(', ')})`
        : `chart: no sample ${JSON.stringify(sample)} with ${metric} scores in the sweep`,
    )
  }
  return curves
}

/** One point per class and swept value (`null` breaks the line). */
function curvePoints(
  result: SweepResult,
  curves: ClassCurves,
  classes: readonly string[],
  label: (v: number) => string,
): Layer[] {
  const points: Layer[] = []
  for (const className of classes) {
    const scores = curves[className]
    if (!scores)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `chart: class ${JSON.stringify(className)} is not in the sweep (classes: ${result.classes.join(', ')})`,
      )
    result.values.forEach((value, k) =>
      points.push({ value, label: label(value), class: className, score: scores[k] ?? null }),
    )
  }
  return points
}

/** The class colours, in the result's class order (the same in every chart of a report). */
function colourEncoding(result: SweepResult): Layer {
  return {
    field: 'class',
    type: 'nominal',
    title: 'class',
    scale: {
      domain: [...result.classes],
      range: result.classes.map((_, i) => CLASS_COLOURS[i % CLASS_COLOURS.length]),
    },
  }
}

/** The parameter axis: ordinal with the category names, else linear or log over the swept range. */
function xEncoding(result: SweepResult, label: (v: number) => string): Layer {
  const p = result.transform.parameter
  const title = `${result.transform.name}: ${p.name}${p.unit ? ` (${p.unit})` : ''}`
  if (p.scale === 'categorical') return { field: 'label', type: 'ordinal', title, sort: result.values.map(label) }
  return {
    field: 'value',
    type: 'quantitative',
    title,
    scale: {
      type: p.scale === 'log' ? 'log' : 'linear',
      ...(p.scale === 'log' ? {} : { zero: false }),
      nice: false,
      domain: [result.values[0], result.values[result.values.length - 1]],
    },
  }
}

/** Each class's stable interval at its threshold as a faint band (two for a wrapped one); null when none. */
function stableBandLayer(
  result: SweepResult,
  classes: readonly string[],
  metric: MetricName,
  threshold: NonNullable<ChartOptions['min']>,
  sample: string | undefined,
  colour: Layer,
): Layer | null {
  const key = thresholdKey(metric)
  const bands: Layer[] = []
  for (const className of classes) {
    const limit = thresholdOf(threshold, className)
    if (limit === undefined) continue
    const interval = stableInterval(result, {
      className,
      metric,
      [key]: limit,
      ...(sample === undefined ? {} : { sample }),
    })
    if (!interval || interval.kind !== 'interval') continue
    const lo = result.values[0] as number,
      hi = result.values[result.values.length - 1] as number
    // A wrapped interval (from > to on a circular axis) is two bands: [from, hi] and [lo, to].
    const parts = interval.full
      ? [[lo, hi]]
      : interval.wraps
        ? [
            [interval.from, hi],
            [lo, interval.to],
          ]
        : [[interval.from, interval.to]]
    for (const [from, to] of parts) bands.push({ from, to, class: className })
  }
  if (!bands.length) return null
  return {
    data: { values: bands },
    mark: { type: 'rect', opacity: 0.08 },
    encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' }, color: colour },
  }
}

/** The dashed threshold rule of each class that has one; null when none. */
function thresholdRuleLayer(
  classes: readonly string[],
  threshold: NonNullable<ChartOptions['min']>,
  colour: Layer,
): Layer | null {
  const rules = classes.flatMap((className) => {
    const min = thresholdOf(threshold, className)
    return min === undefined ? [] : [{ min, class: className }]
  })
  if (!rules.length) return null
  return {
    data: { values: rules },
    mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
    encoding: { y: { field: 'min', type: 'quantitative' }, color: colour },
  }
}

/**
 * Builds the Vega-Lite spec of a sweep: score against parameter, one line per class (undefined scores break the
 * line), dashed threshold rules, the required range shaded grey and each class's stable interval as a band.
 * Log-scale parameters get a log x axis; categorical ones an ordinal axis with the category names. A distance metric
 * is drawn in mm from 0 up (axis title `hd95 (mm, lower is better)`), its threshold from `max`; an infinite distance
 * (`null`) breaks the line like an undefined score.
 */
export function chartSpec(result: SweepResult, options: ChartOptions = {}): ChartSpec {
  const metric = options.metric ?? 'dice'
  const key = thresholdKey(metric)
  const other = key === 'min' ? 'max' : 'min'
  if (options[other] !== undefined) throw wrongKey(metric, 'chart')
  const threshold = options[key]
  const classes = options.classes ?? result.classes
  const curves = curvesOf(result, metric, options.sample)
  const p = result.transform.parameter
  const categorical = p.scale === 'categorical'
  const label = (v: number): string => (categorical ? (p.categories?.[String(v)] ?? String(v)) : String(v))
  const points = curvePoints(result, curves, classes, label)
  const colour = colourEncoding(result)
  const x = xEncoding(result, label)
  const layers: Layer[] = []
  if (options.required && !categorical) {
    layers.push({
      data: { values: [{ from: options.required[0], to: options.required[1] }] },
      mark: { type: 'rect', color: '#888', opacity: 0.15 },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    })
  }
  if (threshold !== undefined && options.shadeStable !== false && !categorical) {
    const bands = stableBandLayer(result, classes, metric, threshold, options.sample, colour)
    if (bands) layers.push(bands)
  }
  if (options.confidence !== undefined && options.sample === undefined)
    layers.push(bandLayer(result, classes, metric, options, x, colour, label))
  const y =
    key === 'max'
      ? { field: 'score', type: 'quantitative', title: `${metric} (mm, lower is better)`, scale: { zero: true } }
      : { field: 'score', type: 'quantitative', title: metric, scale: { domain: [0, 1] } }
  layers.push({
    data: { values: points },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: { x, y, color: colour },
  })
  const rules = threshold === undefined ? null : thresholdRuleLayer(classes, threshold, colour)
  if (rules) layers.push(rules)
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `${result.model}: ${metric} under ${result.transform.name}`,
    width: options.width ?? 480,
    height: options.height ?? 280,
    background: 'white',
    // Full-opacity legend symbols: the legend otherwise takes the faint look of the stable-interval bands.
    config: {
      font: 'DejaVu Sans, Arial, sans-serif',
      legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 },
    },
    layer: layers,
  } as unknown as ChartSpec
}

/**
 * The bootstrap band of the mean curves (see `aggregate`): an area from the lower to the upper bound per class (a
 * vertical rule per value on a categorical axis), faint, under the lines; undefined bounds break the area.
 */
function bandLayer(
  result: SweepResult,
  classes: readonly string[],
  metric: MetricName,
  options: ChartOptions,
  x: Record<string, unknown>,
  colour: Record<string, unknown>,
  label: (v: number) => string,
): Record<string, unknown> {
  const { confidence, resamples, seed } = options
  const agg = aggregate(result, {
    min: Object.fromEntries(classes.map((c) => [c, 0])),
    metric,
    confidence,
    ...(resamples !== undefined ? { resamples } : {}),
    ...(seed !== undefined ? { seed } : {}),
  })
  const band: Record<string, unknown>[] = []
  for (const className of classes) {
    const a = agg.classes[className]
    if (!a) continue
    result.values.forEach((value, k) =>
      band.push({ value, label: label(value), class: className, lower: a.lower[k] ?? null, upper: a.upper[k] ?? null }),
    )
  }
  const categorical = result.transform.parameter.scale === 'categorical'
  return {
    data: { values: band },
    mark: categorical ? { type: 'rule', strokeWidth: 6, opacity: 0.3 } : { type: 'area', opacity: 0.18 },
    encoding: {
      x,
      y: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] } },
      y2: { field: 'upper' },
      color: colour,
    },
  }
}

/** The sweep chart of {@link chartSpec} as SVG text. */
export async function renderChartSvg(result: SweepResult, options: ChartOptions = {}): Promise<string> {
  return renderSpecSvg(chartSpec(result, options))
}

/** The sweep chart of {@link chartSpec} as PNG bytes (2x the CSS size). */
export async function renderChartPng(result: SweepResult, options: ChartOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderChartSvg(result, options))
}
