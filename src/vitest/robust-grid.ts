import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { gridHeatmapSpec, renderSpecSvg, svgToPng } from '../report/chart.js'
import { formatScore, formatValue, table } from '../report/format.js'
import { type RequirementOptions, defaultsOf, planRequirement } from '../requirements/plan.js'
import type { GridOptions } from '../results/values.js'
import { type GridAxes, type GridSweepOptions, sweepGrid } from '../sweep/grid2d.js'
import { type GridVerdict, evaluateGridRequirement } from '../analysis/grid-requirement.js'
import type { GridAxisRecord, GridResult } from '../results/grid-result.js'
import type { StableRegion } from '../analysis/stable-region.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { type MatcherOutcome, annotateIfRunning, recordGrid } from './meta.js'
import { tracked } from './pending.js'
import { progressReporter } from './progress.js'

/**
 * Options of `toBeRobustTo([a, b], options)`, the two-parameter form: the requirement keys of `toBeRobustTo` but
 * the one-axis grid, each axis' grid as `sweepGrid` takes it (`axes`, `ranges`), the samples, and when to attach
 * the heatmap.
 */
export interface GridRobustOptions extends Omit<
  RequirementOptions,
  keyof GridOptions | 'confidence' | 'resamples' | 'seed' | 'repeats' | 'confusion' | 'refine'
> {
  /** Per axis, `{ range, step | steps | values }`; default each parameter's default grid. */
  readonly axes?: GridSweepOptions['axes']
  /** Shorthand for each axis' range: `ranges: [[-30, 30], [0.8, 1.25]]`. */
  readonly ranges?: GridSweepOptions['ranges']
  /** Samples to sweep; default the `samples` set with `configureSegsense`. */
  readonly samples?: readonly Sample[]
  /** When to attach the heatmap PNGs (one per checked class) to the test report; default `on-failure`. */
  readonly attach?: AttachPolicy
}

const GRID_ROBUST_OPTION_KEYS = optionKeys<GridRobustOptions>({
  axes: true,
  ranges: true,
  min: true,
  max: true,
  minDice: true,
  metric: true,
  nsdTolerance: true,
  scoreClasses: true,
  classes: true,
  aggregate: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  batchTimeout: true,
  samples: true,
  attach: true,
})

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
  const head = `${' '.repeat(width)}  ${axisTitle(b)} ${axisValue(b, b.values[0] as number)} .. ${axisValue(b, b.values[b.values.length - 1] as number)}`
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
  return axes
    .map((a) =>
      a && typeof a === 'object' && typeof (a as Partial<Transform>).name === 'string'
        ? (a as Transform).name
        : 'option',
    )
    .join(', ')
}

/**
 * `toBeRobustTo([a, b], options)`: sweeps the grid of two transforms (or a transform and an option axis, see
 * `sweepGrid`) and passes when every cell meets the threshold for every checked class. The failure message gives
 * each class' stable region (the passing cells connected to the neutral cell) and its extent, the grid as text,
 * and the failing cells. **Must be awaited.**
 */
export function toBeRobustToGrid(
  this: MatcherState,
  received: unknown,
  axes: GridAxes,
  options: GridRobustOptions = {},
): Promise<MatcherOutcome> {
  const label = `toBeRobustTo([${axesName(axes)}])`
  return tracked(label, this.task?.id, Boolean(this.soft), async () => {
    const model = received as Partial<SegmentationModel> | null
    if (
      !model ||
      typeof model !== 'object' ||
      typeof model.predict !== 'function' ||
      typeof model.classes !== 'object'
    ) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `toBeRobustTo: expect(model) needs a SegmentationModel (from loadOnnxModel or functionModel), got ${describeValue(received)}`,
      )
    }
    checkKnownKeys(options, GRID_ROBUST_OPTION_KEYS, `${label} options`)
    const defaults = segsenseDefaults()
    const samples = options.samples ?? defaults.samples
    if (!samples || samples.length === 0)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${label} needs samples: pass { samples } or set them once with configureSegsense({ samples })`,
      )
    const { samples: _samples, attach: _attach, axes: grids, ranges, ...requirementOptions } = options
    // The requirement (threshold, metric, classes, ...) is planned as for one transform; only the grid differs.
    const anchor = (
      Array.isArray(axes) ? axes.find((a) => typeof (a as Partial<Transform>)?.image === 'function') : undefined
    ) as Transform | undefined
    if (!anchor)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${label}: give two axes [a, b], at least one of them a Transform (e.g. [rotate, zoom], or [spike, { parameter, vary }]), got ${describeValue(axes)}`,
      )
    const plan = planRequirement(anchor, requirementOptions, defaultsOf(defaults), label)
    const onProgress = progressReporter(label)
    // Grids check the mean (or each sample) without a bootstrap band, draws of random transforms, confusion counts or
    // refinement yet: those options, which configured defaults may bring, are left out, and the message says so.
    const { repeats: _repeats, seed: _seed, confusion: _confusion, refine: _refine, ...sweepOptions } = plan.sweep
    const ignored = [
      plan.requirement.confidence !== undefined ? 'confidence' : '',
      plan.sweep.repeats !== undefined && plan.sweep.repeats > 1 ? 'repeats' : '',
      plan.sweep.refine !== undefined ? 'refine' : '',
    ].filter(Boolean)
    const result = await sweepGrid(model as SegmentationModel, [...samples], axes, {
      ...sweepOptions,
      ...(grids !== undefined ? { axes: grids } : {}),
      ...(ranges !== undefined ? { ranges } : {}),
      ...(onProgress ? { onProgress } : {}),
    })
    const verdict = evaluateGridRequirement(result, plan.requirement)
    const { pass } = verdict
    const isNot = Boolean(this.isNot)
    const assertionFails = pass === isNot
    recordGrid(this.task as { meta: object } | undefined, {
      matcher: 'toBeRobustTo',
      pass: !assertionFails,
      result,
      verdict,
      min: plan.requirement.min ?? {},
    })

    const name = result.axes
      .map((a) => (a.role === 'option' ? `${a.transform} ${a.parameter.name}` : a.transform))
      .join(' x ')
    const hint = this.utils.matcherHint('toBeRobustTo', 'model', '[a, b]', { isNot, promise: this.promise })
    const over = `${verdict.aggregate === 'each' ? `each of ${samples.length} samples` : `the mean over ${samples.length} sample${samples.length === 1 ? '' : 's'}`}${ignored.length ? ` (the configured ${ignored.join(', ')} not applied: grids do not support ${ignored.length === 1 ? 'it' : 'them'} yet)` : ''}`
    const thresholds = verdict.classes.map((c) => `${c.className} >= ${c.min}`).join(', ')
    const requirement = `Required: ${verdict.metric} ${thresholds} in every cell of ${describeGrid(result)}, ${over}`
    const regions = verdict.classes.map((c) =>
      c.pass
        ? `${c.className} passes in every cell`
        : `${c.className} stable region: ${c.region ? describeRegion(result, c.region) : 'none (the neutral cell fails)'}${c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''}`,
    )
    const pictures = verdict.classes
      .filter((c) => !c.pass)
      .flatMap((c) => [
        '',
        `${c.className} (rows ${axisTitle(result.axes[0])}, columns ${axisTitle(result.axes[1])}; # stable region, + passes outside it, . fails, o the neutral cell failing):`,
        ...gridPicture(result, verdict, c.className, c.region).map((l) => `  ${l}`),
      ])
    const warnings = result.warnings?.length
      ? ['', `Not scored (${result.warnings.length}):`, ...result.warnings.map((w) => `  ${w.message}`)]
      : []
    const message = (): string =>
      isNot
        ? [
            hint,
            '',
            `${requirement}.`,
            'Expected some cell to fail, but every cell passed:',
            ...regions.map((l) => `  ${l}`),
            ...warnings,
          ].join('\n')
        : [
            hint,
            '',
            `${requirement}.`,
            ...regions,
            ...pictures,
            ...warnings,
            '',
            `Cells that failed (${verdict.failures.length}):`,
            ...failureTable(result, verdict).map((l) => `  ${l}`),
          ].join('\n')

    const attach = options.attach ?? defaults.attach ?? 'on-failure'
    if (this.task && (attach === 'always' || (attach === 'on-failure' && assertionFails))) {
      for (const c of verdict.classes) {
        const png = await svgToPng(
          await renderSpecSvg(gridHeatmapSpec(result, { className: c.className, metric: verdict.metric, min: c.min })),
        )
        const note = `${name}: ${c.className} ${c.pass ? 'passes in every cell' : `stable region ${c.region ? describeRegion(result, c.region) : 'none'}`}`
        await annotateIfRunning(this.task, note, assertionFails ? 'error' : 'notice', {
          contentType: 'image/png',
          body: png,
        })
      }
    }
    return { pass, message }
  })
}
