import { SegsenseError, describeValue } from '../core/errors.js'
import { optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import { gridHeatmapSpec, renderSpecSvg, svgToPng } from '../report/chart.js'
import { formatScore, formatValue, table } from '../report/format.js'
import { REQUIREMENT_KEYS, type RequirementOptions, defaultsOf, planCall } from '../requirements/plan.js'
import type { GridOptions } from '../results/values.js'
import { type GridAxes, type GridSweepOptions, sweepGrid } from '../sweep/grid2d.js'
import { type GridVerdict, evaluateGridRequirement } from '../analysis/grid-requirement.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import type { StableRegion } from '../analysis/stable-region.js'
import type { Transform } from '../transforms/transform.js'
import type { AttachPolicy } from './config.js'
import { type Chart, defineMatcher } from './frame.js'
import { warningLines } from './robust-message.js'

// Requirement keys a grid does not take: the one-axis grid, and what grids do not support yet.
const NOT_ON_GRIDS = [
  'range',
  'step',
  'steps',
  'values',
  'confidence',
  'resamples',
  'seed',
  'repeats',
  'confusion',
  'refine',
] as const satisfies readonly (keyof RequirementOptions | keyof GridOptions)[]

/**
 * Options of `toBeRobustTo([a, b], options)`, the two-parameter form: the requirement keys of `toBeRobustTo` but
 * the one-axis grid, each axis' grid as `sweepGrid` takes it (`axes`, `ranges`), the samples, and when to attach
 * the heatmap.
 */
export interface GridRobustOptions extends Omit<RequirementOptions, (typeof NOT_ON_GRIDS)[number]> {
  /** Per axis, `{ range, step | steps | values }`; default each parameter's default grid. */
  readonly axes?: GridSweepOptions['axes']
  /** Shorthand for each axis' range: `ranges: [[-30, 30], [0.8, 1.25]]`. */
  readonly ranges?: GridSweepOptions['ranges']
  /** Samples to sweep; default the `samples` set with `configureSegsense`. */
  readonly samples?: readonly Sample[]
  /** When to attach the heatmap PNGs (one per checked class) to the test report; default `on-failure`. */
  readonly attach?: AttachPolicy
}

// The keys the grid form reads itself; the requirement keys it takes go to the planner, which checks every key once.
const OWN_KEYS = optionKeys<Omit<GridRobustOptions, keyof RequirementOptions>>({
  axes: true,
  ranges: true,
  samples: true,
  attach: true,
})
const TAKES = REQUIREMENT_KEYS.filter((k) => !(NOT_ON_GRIDS as readonly string[]).includes(k))

/** Most failing cells listed in a message (the rest are counted): a 20 x 20 grid can fail 400 times. */
const MAX_LISTED_CELLS = 40

/** `angle` value for messages, with its unit. */
function axisValue(axis: GridAxisRecord, value: number): string {
  return formatValue({ transform: { name: axis.transform, parameter: axis.parameter, options: axis.options } }, value)
}

function axisTitle(axis: GridAxisRecord): string {
  return `${axis.transform} ${axis.parameter.name}`
}

/** The region's extent in words: `rotate angle -30 deg to 10 deg, zoom factor 0.8x to 1x`. */
function describeRegion(result: GridResult, region: StableRegion): string {
  const parts = result.axes.map((axis, k) => {
    const e = region.extent[k as 0 | 1]
    return `${axisTitle(axis)} ${axisValue(axis, e.from)} to ${axisValue(axis, e.to)}${e.wraps ? ' (wrapping)' : ''}`
  })
  return `${region.cells} of ${region.total} cells, ${parts.join(', ')}`
}

/**
 * The grid as text, one line per value of the first axis: `#` in the stable region, `+` passing outside it, `.`
 * failing, `o` the neutral cell when it fails. What a heatmap shows, readable in a terminal.
 */
function gridPicture(
  result: GridResult,
  verdict: GridVerdict,
  className: string,
  region: StableRegion | null,
): string[] {
  const grid = result.mean[verdict.metric]?.[className] ?? []
  const min = verdict.classes.find((c) => c.className === className)?.min ?? 1
  const [a, b] = result.axes
  const labels = a.values.map((v) => axisValue(a, v))
  const width = Math.max(...labels.map((l) => l.length))
  const span = `${axisValue(b, b.values[0] as number)} .. ${axisValue(b, b.values[b.values.length - 1] as number)}`
  const head = `${' '.repeat(width)}  ${axisTitle(b)} ${span}`
  const rows = a.values.map((_, i) => {
    const cells = b.values.map((__, j) => {
      const s = grid[i]?.[j]
      const pass = typeof s === 'number' && s >= min
      if (region?.mask[i]?.[j]) return '#'
      if (pass) return '+'
      return i === result.neutral[0] && j === result.neutral[1] ? 'o' : '.'
    })
    return `${(labels[i] as string).padStart(width)}  ${cells.join('')}`
  })
  return [head, ...rows]
}

function failureTable(result: GridResult, verdict: GridVerdict): string[] {
  const each = verdict.aggregate === 'each'
  const [a, b] = result.axes
  const rows: string[][] = [
    ['class', ...(each ? ['sample'] : []), a.parameter.name, b.parameter.name, verdict.metric, 'min'],
  ]
  for (const f of verdict.failures.slice(0, MAX_LISTED_CELLS)) {
    rows.push([
      f.className,
      ...(each ? [f.sample ?? ''] : []),
      axisValue(a, f.values[0]),
      axisValue(b, f.values[1]),
      formatScore(f.score),
      String(f.min),
    ])
  }
  const more = verdict.failures.length - MAX_LISTED_CELLS
  return [...table(rows), ...(more > 0 ? [`... and ${more} more`] : [])]
}

/** The required grid in words: `rotate angle [-30 deg, 30 deg] x zoom factor [0.8x, 1.25x] (3 x 3 cells)`. */
function describeGrid(result: GridResult): string {
  const [a, b] = result.axes
  const span = (axis: GridAxisRecord): string =>
    `${axisTitle(axis)} [${axisValue(axis, axis.values[0] as number)}, ${axisValue(axis, axis.values[axis.values.length - 1] as number)}]`
  return `${span(a)} x ${span(b)} (${a.values.length} x ${b.values.length} cells)`
}

function axesName(axes: unknown): string {
  if (!Array.isArray(axes)) return '?'
  return (axes as unknown[])
    .map((a) => {
      const name = (a as Partial<Transform> | null)?.name
      return typeof name === 'string' ? name : 'option'
    })
    .join(', ')
}

/** The transform the requirement is planned on (threshold, metric, classes: only the grid differs). */
function anchorOf(label: string, axes: unknown): Transform {
  const anchor = Array.isArray(axes)
    ? (axes as unknown[]).find((a) => typeof (a as Partial<Transform> | null)?.image === 'function')
    : undefined
  if (!anchor) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${label}: give two axes [a, b], at least one of them a Transform ` +
        `(e.g. [rotate, zoom], or [spike, { parameter, vary }]), got ${describeValue(axes)}`,
    )
  }
  return anchor as Transform
}

/**
 * `toBeRobustTo([a, b], options)`: sweeps the grid of two transforms (or a transform and an option axis, see
 * `sweepGrid`) and passes when every cell meets the threshold for every checked class. The failure message gives
 * each class' stable region (the passing cells connected to the neutral cell) and its extent, the grid as text,
 * and the failing cells. **Must be awaited.**
 */
export const toBeRobustToGrid = defineMatcher({
  name: 'toBeRobustTo',
  label: (axes: GridAxes, _options?: GridRobustOptions) => `toBeRobustTo([${axesName(axes)}])`,
  async run(f, model, axes, options = {}) {
    const { samples: given, attach, axes: grids, ranges, ...requirement } = options
    const caller = { where: f.label, takes: TAKES, ownKeys: OWN_KEYS }
    const plan = planCall(anchorOf(f.label, axes), requirement, defaultsOf(f.defaults), caller)
    const samples = f.samples<Sample>(given)
    const policy = f.attachPolicy(attach)
    // Grids check the mean (or each sample) without a bootstrap band, draws of random transforms, confusion counts or
    // refinement yet: those options, which configured defaults may bring, are left out, and the message says so.
    const { repeats, seed: _seed, confusion: _confusion, refine, ...sweepOptions } = plan.sweep
    const ignored = [
      plan.requirement.confidence !== undefined ? 'confidence' : '',
      repeats !== undefined && repeats > 1 ? 'repeats' : '',
      refine !== undefined ? 'refine' : '',
    ].filter(Boolean)
    const onProgress = f.progress()
    const result = await sweepGrid(model, samples, axes, {
      ...sweepOptions,
      ...(grids !== undefined ? { axes: grids } : {}),
      ...(ranges !== undefined ? { ranges } : {}),
      ...(onProgress ? { onProgress } : {}),
    })
    const verdict = evaluateGridRequirement(result, plan.requirement)
    const lines = gridMessage(result, verdict, { samples: samples.length, ignored }, f.isNot)
    const message = [f.hint('[a, b]'), '', ...lines].join('\n')
    return f.assert({
      pass: verdict.pass,
      message: () => message,
      grid: { matcher: 'toBeRobustTo', result, verdict, min: plan.requirement.min ?? {} },
      attach: policy,
      charts: heatmaps(result, verdict),
    })
  },
})

/** What the requirement is over: `the mean over 3 samples`, and the configured options a grid leaves out. */
function overText(verdict: GridVerdict, samples: number, ignored: readonly string[]): string {
  const n = `${samples} sample${samples === 1 ? '' : 's'}`
  const over = verdict.aggregate === 'each' ? `each of ${samples} samples` : `the mean over ${n}`
  if (!ignored.length) return over
  const them = ignored.length === 1 ? 'it' : 'them'
  return `${over} (the configured ${ignored.join(', ')} not applied: grids do not support ${them} yet)`
}

/** The message after the hint: the requirement, each class' region, the pictures and the failing cells. */
function gridMessage(
  result: GridResult,
  verdict: GridVerdict,
  { samples, ignored }: { readonly samples: number; readonly ignored: readonly string[] },
  isNot: boolean,
): string[] {
  const thresholds = verdict.classes.map((c) => `${c.className} >= ${c.min}`).join(', ')
  const over = overText(verdict, samples, ignored)
  const requirement = `Required: ${verdict.metric} ${thresholds} in every cell of ${describeGrid(result)}, ${over}.`
  const regions = verdict.classes.map((c) => {
    if (c.pass) return `${c.className} passes in every cell`
    const region = c.region ? describeRegion(result, c.region) : 'none (the neutral cell fails)'
    const failing = c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''
    return `${c.className} stable region: ${region}${failing}`
  })
  const warnings = warningLines(result.warnings)
  if (isNot) {
    const passing = regions.map((l) => `  ${l}`)
    return [requirement, 'Expected some cell to fail, but every cell passed:', ...passing, ...warnings]
  }
  const [a, b] = result.axes
  const legend = `rows ${axisTitle(a)}, columns ${axisTitle(b)}; # stable region, + passes outside it, . fails, o the neutral cell failing`
  const pictures = verdict.classes
    .filter((c) => !c.pass)
    .flatMap((c) => [
      '',
      `${c.className} (${legend}):`,
      ...gridPicture(result, verdict, c.className, c.region).map((l) => `  ${l}`),
    ])
  const failed = `Cells that failed (${verdict.failures.length}):`
  const cells = failureTable(result, verdict).map((l) => `  ${l}`)
  return [requirement, ...regions, ...pictures, ...warnings, '', failed, ...cells]
}

/** One heatmap per checked class. */
function heatmaps(result: GridResult, verdict: GridVerdict): Chart[] {
  const name = result.axes
    .map((a) => (a.role === 'option' ? `${a.transform} ${a.parameter.name}` : a.transform))
    .join(' x ')
  return verdict.classes.map((c) => {
    const region = c.region ? describeRegion(result, c.region) : 'none'
    return {
      note: `${name}: ${c.className} ${c.pass ? 'passes in every cell' : `stable region ${region}`}`,
      render: async () => {
        const spec = gridHeatmapSpec(result, { className: c.className, metric: verdict.metric, min: c.min })
        return svgToPng(await renderSpecSvg(spec))
      },
    }
  })
}
