import { loadSharp } from '../io/sharp.js'
import type { TopLevelSpec } from 'vega-lite'
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import type { SweepResult } from '../results/sweep-result.js'
import { type AxisExtent, stableRegion } from '../analysis/stable-region.js'
import { aggregate } from '../analysis/aggregate.js'
import type { BootstrapOptions } from '../analysis/stats/bootstrap.js'
import { stableInterval } from '../analysis/stability.js'
import { thresholdKey, wrongKey } from '../analysis/threshold.js'
import { CLASS_COLOURS } from './palette.js'
import { xmlValid } from './xml.js'

/** A JSON value, the stuff a {@link ChartSpec} is made of. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue
}

/**
 * A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html) as plain JSON: what
 * {@link chartSpec} and {@link heatmapSpec} return and {@link renderSpecSvg} draws (segsense's specs carry
 * `$schema: 'https://vega.github.io/schema/vega-lite/v6.json'`, so written to a file they open in the Vega editor).
 * segsense's own type rather than vega-lite's `TopLevelSpec`, whose typings fail to compile in projects with
 * `exactOptionalPropertyTypes` and `skipLibCheck: false`; a `TopLevelSpec` built with vega-lite's types passes
 * with a cast. The type checks JSON shape only: vega-lite checks the fields when the chart is drawn.
 */
export type ChartSpec = JsonObject

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
  const distance = key === 'max'
  const classes = options.classes ?? result.classes
  const curves =
    options.sample === undefined
      ? result.mean[metric]
      : result.samples.find((s) => s.id === options.sample)?.scores[metric]
  if (!curves) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      options.sample === undefined
        ? `chart: the sweep has no ${metric} scores (metrics: ${result.metrics.join(', ')})`
        : `chart: no sample ${JSON.stringify(options.sample)} with ${metric} scores in the sweep`,
    )
  }
  const p = result.transform.parameter
  const categorical = p.scale === 'categorical'
  const xTitle = `${result.transform.name}: ${p.name}${p.unit ? ` (${p.unit})` : ''}`
  const label = (v: number): string => (categorical ? (p.categories?.[String(v)] ?? String(v)) : String(v))
  const points: Record<string, unknown>[] = []
  for (const className of classes) {
    const scores = curves[className]
    if (!scores)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `chart: class ${JSON.stringify(className)} is not in the sweep (classes: ${result.classes.join(', ')})`,
      )
    result.values.forEach((value, k) =>
      points.push({ value, label: label(value), class: className, score: scores[k] ?? null }),
    )
  }
  const colour = {
    field: 'class',
    type: 'nominal',
    title: 'class',
    scale: {
      domain: [...result.classes],
      range: result.classes.map((_, i) => CLASS_COLOURS[i % CLASS_COLOURS.length]),
    },
  }
  const x = categorical
    ? { field: 'label', type: 'ordinal', title: xTitle, sort: result.values.map(label) }
    : {
        field: 'value',
        type: 'quantitative',
        title: xTitle,
        scale: {
          type: p.scale === 'log' ? 'log' : 'linear',
          ...(p.scale === 'log' ? {} : { zero: false }),
          nice: false,
          domain: [result.values[0], result.values[result.values.length - 1]],
        },
      }
  const layers: Record<string, unknown>[] = []
  if (options.required && !categorical) {
    layers.push({
      data: { values: [{ from: options.required[0], to: options.required[1] }] },
      mark: { type: 'rect', color: '#888', opacity: 0.15 },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    })
  }
  if (threshold !== undefined && options.shadeStable !== false && !categorical) {
    const bands: Record<string, unknown>[] = []
    for (const className of classes) {
      const limit = thresholdOf(threshold, className)
      if (limit === undefined) continue
      const interval = stableInterval(result, {
        className,
        metric,
        [key]: limit,
        ...(options.sample === undefined ? {} : { sample: options.sample }),
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
    if (bands.length)
      layers.push({
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.08 },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' }, color: colour },
      })
  }
  if (options.confidence !== undefined && options.sample === undefined)
    layers.push(bandLayer(result, classes, metric, options, x, colour, label))
  layers.push({
    data: { values: points },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x,
      y: distance
        ? { field: 'score', type: 'quantitative', title: `${metric} (mm, lower is better)`, scale: { zero: true } }
        : { field: 'score', type: 'quantitative', title: metric, scale: { domain: [0, 1] } },
      color: colour,
    },
  })
  if (threshold !== undefined) {
    const rules = classes.flatMap((className) => {
      const min = thresholdOf(threshold, className)
      return min === undefined ? [] : [{ min, class: className }]
    })
    if (rules.length)
      layers.push({
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { y: { field: 'min', type: 'quantitative' }, color: colour },
      })
  }
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

/** vega and vega-lite, loaded on the first chart drawn (see {@link loadVega}). */
interface VegaEngines {
  readonly vega: typeof import('vega')
  readonly compile: typeof import('vega-lite').compile
}

let engines: Promise<VegaEngines> | undefined

/**
 * Loads vega and vega-lite once, when the first chart is drawn. Not at import time: the vitest setup entry reaches
 * this module through the matchers, which draw a chart only when a test fails, and loading vega costs every vitest
 * worker a few hundred ms.
 */
function loadVega(): Promise<VegaEngines> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({
    vega,
    compile: vegaLite.compile,
  }))
  return engines
}

/**
 * Renders a Vega-Lite spec (any of `chartSpec`, `heatmapSpec`, `gridHeatmapSpec`, or your own with inline data) to
 * an SVG string with vega in Node: no browser, no canvas, no network (a spec that names a URL is refused).
 * @example
 * const svg = await renderSpecSvg(gridHeatmapSpec(grid, { className: 'LV', min: 0.8 }))
 */
export async function renderSpecSvg(spec: ChartSpec): Promise<string> {
  const { vega, compile } = await loadVega()
  // vega-lite's types stay inside this module (see ChartSpec); vega-lite validates the spec as it compiles.
  const compiled = compile(spec as unknown as TopLevelSpec).spec
  // No loader access: every chart inlines its data, so a URL in a spec is refused rather than fetched.
  const loader = vega.loader({ mode: 'http' })
  loader.load = async (uri: string) => {
    throw new SegsenseError('E_BAD_PARAMETER', `chart specs must inline their data; refusing to load ${uri}`)
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader })
  try {
    // vega escapes markup but passes control characters and lone surrogates through, which librsvg refuses.
    return xmlValid(await view.toSVG())
  } finally {
    view.finalize()
  }
}

/** Renders SVG text to PNG bytes with sharp at `scale` times its CSS size (default 2); XML-invalid code points are replaced first. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const png = await sharp(Buffer.from(xmlValid(svg)), { density: 72 * scale })
    .png()
    .toBuffer()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}

/**
 * A Vega-Lite spec (see {@link renderSpecSvg}) as PNG bytes, at `scale` times its CSS size (default 2).
 * @example
 * writeFileSync('grid.png', await renderSpecPng(gridHeatmapSpec(grid, { className: 'LV', min: 0.8 })))
 */
export async function renderSpecPng(spec: ChartSpec, scale = 2): Promise<Uint8Array> {
  return svgToPng(await renderSpecSvg(spec), scale)
}

/** The sweep chart of {@link chartSpec} as SVG text. */
export async function renderChartSvg(result: SweepResult, options: ChartOptions = {}): Promise<string> {
  return renderSpecSvg(chartSpec(result, options))
}

/** The sweep chart of {@link chartSpec} as PNG bytes (2x the CSS size). */
export async function renderChartPng(result: SweepResult, options: ChartOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderChartSvg(result, options))
}

/** Scores over a two-parameter grid (e.g. rotation x zoom), for {@link heatmapSpec}. */
export interface HeatmapData {
  /** The first parameter, along the x axis: name, unit and the values swept (ascending). */
  readonly x: { readonly name: string; readonly unit?: string; readonly values: readonly number[] }
  /** The second parameter, along the y axis. */
  readonly y: { readonly name: string; readonly unit?: string; readonly values: readonly number[] }
  /** `scores[j][i]` is the score at `x.values[i]`, `y.values[j]`; `null` = undefined. */
  readonly scores: readonly (readonly (number | null)[])[]
}

/** Options of {@link heatmapSpec}. */
export interface HeatmapOptions {
  /** Chart title; default `<metric> over <x> and <y>`. */
  readonly title?: string
  /** Name of the score in the legend; default `dice`. */
  readonly metric?: string
  /** Cells scoring below this threshold (or undefined) get a dark outline. */
  readonly min?: number
  /** Cell size in CSS px; default 28. */
  readonly cell?: number
  /** Cells of a stable region, `region[j][i]` as `scores`: drawn with a thick orange outline (see {@link gridHeatmapSpec}). */
  readonly region?: readonly (readonly boolean[])[]
  /** The neutral cell `[i, j]` (x index, y index), marked with a dot above its score. */
  readonly neutral?: readonly [number, number]
  /** A line under the title. */
  readonly subtitle?: string
}

/**
 * Builds the Vega-Lite spec of a two-parameter grid: one cell per (x, y) pair coloured by score (0..1, viridis),
 * the score written in each cell, undefined scores grey, and cells below `min` outlined.
 * @throws SegsenseError `E_BAD_PARAMETER` when `scores` is not `y.values.length` rows of `x.values.length` numbers.
 */
export function heatmapSpec(data: HeatmapData, options: HeatmapOptions = {}): ChartSpec {
  const { x, y, scores } = data
  if (
    !Array.isArray(scores) ||
    scores.length !== y.values.length ||
    scores.some((row) => !Array.isArray(row) || row.length !== x.values.length)
  ) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `heatmap: scores must be ${y.values.length} rows (y values) of ${x.values.length} scores (x values)`,
    )
  }
  const metric = options.metric ?? 'dice'
  const points: Record<string, unknown>[] = []
  y.values.forEach((yv, j) =>
    x.values.forEach((xv, i) => {
      const s = scores[j]?.[i]
      const score = typeof s === 'number' && Number.isFinite(s) ? s : null
      points.push({
        x: String(xv),
        y: String(yv),
        score,
        text: score === null ? '–' : score.toFixed(2),
        fails: options.min !== undefined && (score === null || score < options.min),
        region: options.region?.[j]?.[i] === true,
        neutral: options.neutral?.[0] === i && options.neutral[1] === j,
      })
    }),
  )
  const title = (p: HeatmapData['x']): string => `${p.name}${p.unit ? ` (${p.unit})` : ''}`
  const cell = options.cell ?? 28
  const heading = options.title ?? `${metric} over ${x.name} and ${y.name}`
  const xEnc = { field: 'x', type: 'ordinal', title: title(x), sort: x.values.map(String) }
  const yEnc = { field: 'y', type: 'ordinal', title: title(y), sort: y.values.map(String).reverse() }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle ? { text: heading, subtitle: options.subtitle } : heading,
    width: cell * x.values.length,
    height: cell * y.values.length,
    background: 'white',
    config: { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: null } },
    data: { values: points },
    encoding: { x: xEnc, y: yEnc },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'score', type: 'quantitative', title: metric, scale: { domain: [0, 1], scheme: 'viridis' } },
          stroke: { condition: { test: 'datum.fails', value: '#222' }, value: null },
          strokeWidth: { value: 1.5 },
        },
      },
      // Vega-Lite filters null scores out of the coloured layer: undefined cells get their own grey layer.
      {
        transform: [{ filter: 'datum.score === null' }],
        mark: {
          type: 'rect',
          color: '#ccc',
          ...(options.min === undefined ? {} : { stroke: '#222', strokeWidth: 1.5 }),
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'text' },
          color: { condition: { test: 'datum.score !== null && datum.score > 0.6', value: '#111' }, value: 'white' },
        },
      },
      ...(options.region
        ? [
            {
              transform: [{ filter: 'datum.region' }],
              mark: { type: 'rect', filled: false, stroke: '#ff7f0e', strokeWidth: 3 },
            },
          ]
        : []),
      ...(options.neutral
        ? [
            {
              transform: [{ filter: 'datum.neutral' }],
              mark: { type: 'text', text: '●', fontSize: 7, dy: -Math.round(cell / 3), color: '#ff7f0e' },
            },
          ]
        : []),
    ],
  } as unknown as ChartSpec
}

/** Options of {@link gridHeatmapSpec}. */
export interface GridHeatmapOptions {
  /** The class drawn; default the first scored class. */
  readonly className?: string
  /** Metric; default `dice`. */
  readonly metric?: MetricName
  /** Threshold: cells below it are outlined dark, and the stable region at it ({@link stableRegion}) orange. */
  readonly min?: number
  /** A sample id; default the mean over samples. */
  readonly sample?: string
  /** Chart title; default `<model>: <metric> of <class> under <axis 0> x <axis 1>`. */
  readonly title?: string
  /** Cell size in CSS px; default 28. */
  readonly cell?: number
}

/**
 * The heatmap of a {@link GridResult} for one class: the first axis along x, the second along y, one cell per pair
 * coloured by score; with `min`, failing cells outlined dark and the stable region (the passing cells connected
 * to the neutral cell, marked with a dot) outlined orange, its extent in the subtitle.
 * @throws SegsenseError `E_BAD_PARAMETER` for a class, metric or sample the grid lacks.
 */
export function gridHeatmapSpec(result: GridResult, options: GridHeatmapOptions = {}): ChartSpec {
  const metric = options.metric ?? 'dice'
  const className = options.className ?? (result.classes[0] as string)
  const table = options.sample === undefined ? result.mean : result.samples.find((s) => s.id === options.sample)?.scores
  const grid = table?.[metric]?.[className]
  if (!grid) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `grid heatmap: no ${metric} scores for class ${JSON.stringify(className)}${options.sample === undefined ? '' : ` of sample ${JSON.stringify(options.sample)}`} (metrics: ${result.metrics.join(', ')}; classes: ${result.classes.join(', ')})`,
    )
  }
  const [a, b] = result.axes
  const axisName = (axis: GridAxisRecord): string =>
    axis.role === 'option' ? `${axis.transform} ${axis.parameter.name}` : `${axis.transform}: ${axis.parameter.name}`
  const region =
    options.min === undefined
      ? undefined
      : stableRegion(result, {
          className,
          metric,
          min: options.min,
          ...(options.sample === undefined ? {} : { sample: options.sample }),
        })
  const transpose = <T>(rows: readonly (readonly T[])[]): T[][] =>
    b.values.map((_, j) => a.values.map((_, i) => rows[i]?.[j] as T))
  const extent = (e: AxisExtent, axis: GridAxisRecord): string =>
    `${axis.parameter.name} ${e.from} to ${e.to}${axis.parameter.unit ? ` ${axis.parameter.unit}` : ''}`
  const subtitle =
    options.min === undefined
      ? undefined
      : region
        ? `stable region at ${metric} >= ${options.min} (orange): ${region.cells} of ${region.total} cells, ${extent(region.extent[0], a)}, ${extent(region.extent[1], b)}`
        : `no stable region at ${metric} >= ${options.min}: the neutral cell fails`
  return heatmapSpec(
    {
      x: { name: axisName(a), unit: a.parameter.unit, values: a.values },
      y: { name: axisName(b), unit: b.parameter.unit, values: b.values },
      scores: transpose(grid),
    },
    {
      title: options.title ?? `${result.model}: ${metric} of ${className} under ${axisName(a)} x ${axisName(b)}`,
      metric,
      ...(options.min === undefined ? {} : { min: options.min }),
      ...(options.cell === undefined ? {} : { cell: options.cell }),
      ...(region ? { region: transpose(region.mask) } : {}),
      neutral: [result.neutral[0], result.neutral[1]],
      ...(subtitle ? { subtitle } : {}),
    },
  )
}
