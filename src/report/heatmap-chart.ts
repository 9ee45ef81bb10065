// Heatmaps of a two-parameter grid: the generic one over scores, and the one of a GridResult with its stable region.
import { SegsenseError } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import { type AxisExtent, stableRegion } from '../analysis/stable-region.js'
import type { ChartSpec } from './spec.js'

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

/** Whether `x` is an array of arrays (a boolean, not a type guard: the elements stay typed as scores). */
function isRows(x: unknown): boolean {
  return Array.isArray(x) && x.every((row) => Array.isArray(row))
}

/**
 * Builds the Vega-Lite spec of a two-parameter grid: one cell per (x, y) pair coloured by score (0..1, viridis),
 * the score written in each cell, undefined scores grey, and cells below `min` outlined.
 * @throws SegsenseError `E_OUT_OF_RANGE` when `scores` is not `y.values.length` rows of `x.values.length` numbers
 *   (`E_WRONG_TYPE` when it is not an array of arrays).
 */
export function heatmapSpec(data: HeatmapData, options: HeatmapOptions = {}): ChartSpec {
  const { x, y, scores } = data
  const rows = isRows(scores)
  if (!rows || scores.length !== y.values.length || scores.some((row) => row.length !== x.values.length)) {
    throw new SegsenseError(
      rows ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
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
 * @throws SegsenseError `E_OUT_OF_RANGE` for a class, metric or sample the grid lacks.
 */
export function gridHeatmapSpec(result: GridResult, options: GridHeatmapOptions = {}): ChartSpec {
  const metric = options.metric ?? 'dice'
  // A grid without classes is refused by the check below, naming class "".
  const className = options.className ?? result.classes[0] ?? ''
  const table = options.sample === undefined ? result.mean : result.samples.find((s) => s.id === options.sample)?.scores
  const grid = table?.[metric]?.[className]
  if (!grid) {
    const of = options.sample === undefined ? '' : ` of sample ${JSON.stringify(options.sample)}`
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `grid heatmap: no ${metric} scores for class ${JSON.stringify(className)}${of} ` +
        `(metrics: ${result.metrics.join(', ')}; classes: ${result.classes.join(', ')})`,
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
        ? `stable region at ${metric} >= ${options.min} (orange): ${region.cells} of ${region.total} cells, ` +
          `${extent(region.extent[0], a)}, ${extent(region.extent[1], b)}`
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
