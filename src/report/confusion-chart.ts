import { SegsenseError } from '../core/errors.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { ChartSpec } from './chart.js'
import { CLASS_COLOURS } from './palette.js'

/** Options of {@link confusionSpec}. */
export interface ConfusionChartOptions {
  /** Truth classes to draw, one small chart each; default the result's scored classes. */
  readonly classes?: readonly string[]
  /** Chart title; default `<model>: what <classes> pixels are predicted as under <transform>`. */
  readonly title?: string
  /** Size of each small chart in CSS px; default 200 x 160. */
  readonly width?: number
  readonly height?: number
}

/**
 * The Vega-Lite spec of a sweep's class confusion counts (a result swept with `confusion: true`): one small stacked
 * bar chart per truth class, a bar per swept value split by the class its truth pixels were predicted as (shares
 * of the class's pixels, summed over samples), so the class that takes over shows as the colour that grows.
 * @throws SegsenseError `E_BAD_PARAMETER` for a result without confusion counts, `E_OUT_OF_RANGE` for a class they do not list.
 */
export function confusionSpec(result: SweepResult, options: ConfusionChartOptions = {}): ChartSpec {
  const c = result.confusion
  if (!c)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      'confusion chart: the sweep has no confusion counts; sweep with { confusion: true }',
    )
  const truthClasses = options.classes ?? result.classes.filter((name) => c.classes.includes(name))
  const p = result.transform.parameter
  const label = (v: number): string =>
    p.scale === 'categorical' ? (p.categories?.[String(v)] ?? String(v)) : String(v)
  const points: Record<string, unknown>[] = []
  for (const truth of truthClasses) {
    const row = c.classes.indexOf(truth)
    if (row < 0)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `confusion chart: class ${JSON.stringify(truth)} is not in the confusion counts (classes: ${c.classes.join(', ')})`,
      )
    result.values.forEach((value, k) => {
      const counts = c.counts[k]?.[row] ?? []
      const total = counts.reduce((a, b) => a + b, 0)
      if (total === 0) return
      counts.forEach(
        (n, j) => n > 0 && points.push({ value: label(value), truth, predicted: c.classes[j], share: n / total }),
      )
    })
  }
  // Scored classes keep their colours from the curve chart; the others (background) are grey.
  const range = c.classes.map((name) => {
    const i = result.classes.indexOf(name)
    return i >= 0 ? CLASS_COLOURS[i % CLASS_COLOURS.length] : '#bdbdbd'
  })
  const xTitle = `${p.name}${p.unit ? ` (${p.unit})` : ''}`
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `${result.model}: what each class's pixels are predicted as under ${result.transform.name}`,
    background: 'white',
    config: { font: 'DejaVu Sans, Arial, sans-serif' },
    data: { values: points },
    facet: { column: { field: 'truth', type: 'nominal', title: 'truth class', sort: [...truthClasses] } },
    spec: {
      width: options.width ?? 200,
      height: options.height ?? 160,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'value', type: 'ordinal', title: xTitle, sort: result.values.map(label), axis: { labelAngle: 0 } },
        y: {
          field: 'share',
          type: 'quantitative',
          title: 'share of its pixels',
          stack: 'normalize',
          axis: { format: '%' },
        },
        color: { field: 'predicted', type: 'nominal', title: 'predicted as', scale: { domain: [...c.classes], range } },
        order: { field: 'predicted', sort: 'ascending' },
      },
    },
  } as unknown as ChartSpec
}
