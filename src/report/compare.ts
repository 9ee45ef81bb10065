// Charts and the HTML section of a model comparison (toBeAtLeastAsRobustAs, segsense compare, spec baselines).
import type { ModelComparison } from '../analysis/compare.js'
import type { SweepResult } from '../results/sweep-result.js'
import { type ChartSpec, renderSpecSvg, svgToPng } from './chart.js'
import { formatInterval, formatValue, roundForDisplay } from './format.js'
import { CLASS_COLOURS } from './palette.js'
import { escapeXml } from './xml.js'

/** A model comparison with the two sweeps it was computed from. */
export interface ComparedSweeps {
  readonly candidate: SweepResult
  readonly baseline: SweepResult
  readonly comparison: ModelComparison
}

function xEncoding(result: SweepResult): Record<string, unknown> {
  const p = result.transform.parameter
  return {
    field: 'value',
    type: 'quantitative',
    title: `${result.transform.name}: ${p.name}${p.unit ? ` (${p.unit})` : ''}`,
    scale: {
      type: p.scale === 'log' ? 'log' : 'linear',
      ...(p.scale === 'log' ? {} : { zero: false }),
      nice: false,
      domain: [result.values[0], result.values[result.values.length - 1]],
    },
  }
}

function colourOf(result: SweepResult, classes: readonly string[]): Record<string, unknown> {
  return {
    field: 'class',
    type: 'nominal',
    title: 'class',
    scale: {
      domain: [...classes],
      range: classes.map((c) => CLASS_COLOURS[Math.max(0, result.classes.indexOf(c)) % CLASS_COLOURS.length]),
    },
  }
}

/**
 * Vega-Lite spec of both models' mean curves in one chart: one colour per compared class, the candidate solid, the
 * baseline dashed, each class's threshold as a thin rule.
 */
export function comparisonChartSpec(
  { candidate, baseline, comparison }: ComparedSweeps,
  options: { readonly width?: number; readonly height?: number } = {},
): ChartSpec {
  const classes = comparison.classes.map((c) => c.className)
  const points: Record<string, unknown>[] = []
  for (const [result, role] of [
    [candidate, 'candidate'],
    [baseline, 'baseline'],
  ] as const) {
    const curves = result.mean[comparison.metric] ?? {}
    for (const c of classes) {
      result.values.forEach((value, k) =>
        points.push({ value, class: c, model: `${result.model} (${role})`, score: curves[c]?.[k] ?? null }),
      )
    }
  }
  const models = [`${candidate.model} (candidate)`, `${baseline.model} (baseline)`]
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${comparison.metric} under ${comparison.transform}: ${candidate.model} vs ${baseline.model}`,
    width: options.width ?? 480,
    height: options.height ?? 280,
    background: 'white',
    config: {
      font: 'DejaVu Sans, Arial, sans-serif',
      legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 2 },
    },
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: xEncoding(candidate),
          y: { field: 'score', type: 'quantitative', title: comparison.metric, scale: { domain: [0, 1] } },
          color: colourOf(candidate, classes),
          strokeDash: {
            field: 'model',
            type: 'nominal',
            title: 'model',
            scale: {
              domain: models,
              range: [
                [1, 0],
                [6, 4],
              ],
            },
            legend: {
              symbolStrokeWidth: 2,
              labelLimit: 320,
              encode: { symbols: { update: { stroke: { value: '#333' } } } },
            },
          },
        },
      },
      {
        data: { values: comparison.classes.map((c) => ({ class: c.className, min: c.min })) },
        mark: { type: 'rule', strokeWidth: 1, opacity: 0.5 },
        encoding: { y: { field: 'min', type: 'quantitative' }, color: colourOf(candidate, classes) },
      },
    ],
  } as unknown as ChartSpec
}

/**
 * Vega-Lite spec of the paired difference (candidate − baseline) of the mean score per swept value, with its
 * bootstrap band, a rule at 0 and a dashed rule at `-margin`.
 */
export function differenceChartSpec(
  { candidate, comparison }: Pick<ComparedSweeps, 'candidate' | 'comparison'>,
  options: { readonly width?: number; readonly height?: number } = {},
): ChartSpec {
  const classes = comparison.classes.map((c) => c.className)
  const points = comparison.classes.flatMap((c) =>
    candidate.values.map((value, k) => ({
      value,
      class: c.className,
      difference: c.curve.difference[k] ?? null,
      lower: c.curve.lower[k] ?? null,
      upper: c.curve.upper[k] ?? null,
    })),
  )
  const x = xEncoding(candidate)
  const colour = colourOf(candidate, classes)
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title:
      `${comparison.metric} difference ${candidate.model} − ${comparison.baseline}, ` +
      `${Math.round(comparison.confidence * 100)}% band`,
    width: options.width ?? 480,
    height: options.height ?? 280,
    background: 'white',
    config: { font: 'DejaVu Sans, Arial, sans-serif', legend: { symbolOpacity: 1 } },
    layer: [
      {
        data: { values: points },
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          x,
          y: { field: 'lower', type: 'quantitative', title: `${comparison.metric} difference` },
          y2: { field: 'upper' },
          color: colour,
        },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: { x, y: { field: 'difference', type: 'quantitative' }, color: colour },
      },
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#444' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      ...(comparison.margin > 0
        ? [
            {
              data: { values: [{ y: -comparison.margin }] },
              mark: { type: 'rule', color: '#c62828', strokeDash: [6, 4] },
              encoding: { y: { field: 'y', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  } as unknown as ChartSpec
}

/** The comparison chart ({@link comparisonChartSpec}) as PNG bytes, for a test attachment. */
export async function renderComparisonPng(sweeps: ComparedSweeps): Promise<Uint8Array> {
  return svgToPng(await renderSpecSvg(comparisonChartSpec(sweeps)))
}

/** The first line of a comparison's verdict: `a is less robust to rotate than b` or `a is at least as robust ...`. */
export function comparisonHeadline(
  comparison: ModelComparison,
  candidate: Pick<SweepResult, 'transform' | 'values' | 'samples'>,
): string {
  const { values } = candidate
  const span = `[${formatValue(candidate, values[0] as number)}, ${formatValue(candidate, values[values.length - 1] as number)}]`
  const range = `${comparison.metric} over ${span}, ${values.length} values, ${candidate.samples.length} samples`
  const floor = comparison.margin === 0 ? '0' : `-${comparison.margin}`
  const rule =
    comparison.decision === 'lower-bound'
      ? `lower ${Math.round(comparison.confidence * 100)}% bound of the AUC difference >= ${floor}`
      : `AUC difference >= ${floor}`
  const verb = comparison.pass ? 'is at least as robust to' : 'is less robust to'
  return `${comparison.candidate} ${verb} ${comparison.transform} than ${comparison.baseline} (${range}; required: ${rule})`
}

/** `-0.310 [-0.360, -0.260]`, or `undefined` without pairs. */
export function formatDifference(auc: ModelComparison['classes'][number]['auc']): string {
  if (auc.difference === null) return 'undefined (no sample scored under both models)'
  const f = (x: number | null): string => (x === null ? '?' : (Object.is(Number(x.toFixed(3)), -0) ? 0 : x).toFixed(3))
  return `${f(auc.difference)} [${f(auc.lower)}, ${f(auc.upper)}]`
}

/** A p-value with two significant digits (`p = 0.0078`), `p < 0.001` below that. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`
}

/**
 * One line per class: `LV AUC -0.310 [-0.360, -0.260], p = 0.0078; stable [-20 deg, 19 deg] vs the full circle`.
 */
export function comparisonLines({ candidate, baseline, comparison }: ComparedSweeps): string[] {
  return comparison.classes.map((c) => {
    const p = c.wilcoxon ? `, ${formatP(c.wilcoxon.pvalue)}` : ''
    const stable = `${formatInterval(candidate, c.candidate.interval)} vs ${formatInterval(baseline, c.baseline.interval)}`
    return `${c.className} AUC ${formatDifference(c.auc)}${p}; stable ${stable}${c.pass ? '' : ' (fails)'}`
  })
}

const fmt3 = (x: number | null): string => (x === null ? '-' : x.toFixed(3))
const esc = escapeXml

/** One class's row of the comparison table. */
function comparisonRow(sweeps: ComparedSweeps, c: ModelComparison['classes'][number]): string {
  const { candidate, baseline } = sweeps
  const unit = candidate.transform.parameter.unit
  const p = c.wilcoxon ? esc(formatP(c.wilcoxon.pvalue).replace(/^p = /, '')) : '-'
  const width = c.widthDifference === null ? '-' : esc(`${roundForDisplay(c.widthDifference)}${unit ? ` ${unit}` : ''}`)
  const status = c.pass ? '<span class="badge pass">pass</span>' : '<span class="badge fail">fail</span>'
  return (
    `<tr class="${c.pass ? '' : 'fail'}"><td>${esc(c.className)}</td>` +
    `<td class="num">${fmt3(c.candidate.auc)}</td><td class="num">${fmt3(c.baseline.auc)}</td>` +
    `<td>${esc(formatDifference(c.auc))}</td><td class="num">${p}</td>` +
    `<td>${esc(formatInterval(candidate, c.candidate.interval))}</td>` +
    `<td>${esc(formatInterval(baseline, c.baseline.interval))}</td>` +
    `<td class="num">${width}</td><td class="status">${status}</td></tr>`
  )
}

const COMPARISON_HEAD = [
  'class',
  'AUC candidate',
  'AUC baseline',
  'AUC difference',
  'p',
  'stable (candidate)',
  'stable (baseline)',
  'width difference',
  'status',
]

/** What the comparison decided by and how its intervals and p-values were computed. */
function comparisonNote({ candidate, baseline, comparison }: ComparedSweeps): string {
  const decision =
    comparison.decision === 'lower-bound'
      ? `the lower ${Math.round(comparison.confidence * 100)}% bound of the AUC difference`
      : 'the AUC difference'
  const level = Math.round(comparison.confidence * 100)
  return (
    `<p class="meta">Candidate ${esc(candidate.model)} against baseline ${esc(baseline.model)} on the same ` +
    `${candidate.samples.length} samples: passes when ${esc(decision)} is at least −${comparison.margin}. ` +
    `Differences are candidate − baseline, with paired ${level}% percentile bootstrap intervals ` +
    `(${comparison.resamples} resamples, seed ${comparison.seed}); ` +
    'p: paired Wilcoxon signed-rank test on the per-sample AUCs.</p>'
  )
}

/**
 * The side-by-side part of a comparison's report section: both curves in one chart, the difference with its band,
 * and a table per class (AUCs, difference with its interval, Wilcoxon p, stable intervals and their widths).
 * `scope` makes the SVG ids unique on the page.
 */
export async function comparisonFigures(
  sweeps: ComparedSweeps,
  scope: (svg: string, suffix: string) => string,
): Promise<string> {
  const { comparison } = sweeps
  const both = scope(await renderSpecSvg(comparisonChartSpec(sweeps)), 'cmp')
  const diff = scope(await renderSpecSvg(differenceChartSpec(sweeps)), 'diff')
  const metric = esc(comparison.metric)
  const figs =
    `<figure class="chart">${both}<figcaption>Mean ${metric}: candidate solid, baseline dashed</figcaption></figure>` +
    `<figure class="chart">${diff}<figcaption>Difference of the mean ${metric} with its bootstrap band</figcaption></figure>`
  const head = `<tr>${COMPARISON_HEAD.map((h) => `<th>${h}</th>`).join('')}</tr>`
  const rows = comparison.classes.map((c) => comparisonRow(sweeps, c)).join('')
  return `${comparisonNote(sweeps)}
<div class="figs">${figs}</div>
<table class="comparison"><thead>${head}</thead><tbody>${rows}</tbody></table>`
}
