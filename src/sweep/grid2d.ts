import { SegsenseError, describeValue, isSegsenseError } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { checkObject } from '../core/validate.js'
import type { LabelMap, Raster, Sample } from '../core/types.js'
import { isDistanceMetric } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import { defineTransform, type Transform, type TransformParameter } from '../transforms/transform.js'
import { type GridOptions, sweepValues } from '../results/values.js'
import {
  GRID_SCHEMA_VERSION,
  type GridAxisRecord,
  type GridResult,
  type GridScoreTable,
} from '../results/grid-result.js'
import { reduceScores } from '../results/reduce.js'
import { resolveSweep } from './resolve.js'
import type { ScoreTable } from '../results/sweep-result.js'
import { type RawScores, runBatches } from './run.js'
import type { SweepOptions, SweepPlan } from './types.js'
import { optionsJson, parameterJson, warningsOf } from './assemble.js'

/**
 * A grid axis that sweeps an option of the other axis' transform instead of a transform of its own: each cell
 * applies one transform, `other.with(axis.vary(value))`, at the other axis' value. This is how two parameters of
 * the same transform form a grid (misas' figure 4, spike position x spike intensity, is one spike per cell):
 *
 * ```ts
 * sweepGrid(model, samples, [spike, { parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }])
 * ```
 */
export interface GridOptionAxis<Options extends object = object> {
  /** The parameter this axis sweeps: name, unit, neutral value, scale, default range and step (as a transform's). */
  readonly parameter: TransformParameter
  /** The options of the other axis' transform at a value of this axis (passed to its `.with()`): `(y) => ({ position: [0.1, y] })`. */
  readonly vary: (value: number) => Partial<Options>
}

/** One axis of {@link sweepGrid}: a transform (sweeping its own parameter) or a {@link GridOptionAxis}. */
export type GridAxis<Options extends object = object> = Transform<Options> | GridOptionAxis<Options>

/** The two axes of {@link sweepGrid}: two transforms, or a transform and an option axis of it (either order). */
export type GridAxes<Options extends object = object> =
  | readonly [Transform, Transform]
  | readonly [Transform<Options>, NoInfer<GridOptionAxis<Options>>]
  | readonly [NoInfer<GridOptionAxis<Options>>, Transform<Options>]

/**
 * Options of {@link sweepGrid}: each axis' grid, and what to score and how to run as {@link sweep} takes them (but
 * `keep`: a grid keeps no frames; and not yet `repeats`, `seed`, `confusion`, `cache` and `refine`).
 */
export interface GridSweepOptions extends Omit<
  SweepOptions,
  keyof GridOptions | 'keep' | 'classes' | 'repeats' | 'seed' | 'confusion' | 'cache' | 'refine'
> {
  /**
   * Per axis, the grid exactly as `sweep` takes it (`range` with `step` or `steps`, or `values`); default each
   * parameter's default range and step. Each axis includes its neutral value.
   * @example axes: [{ range: [-30, 30], step: 10 }, { values: [0.8, 1, 1.25] }]
   */
  readonly axes?: readonly [GridOptions, GridOptions]
  /** Shorthand for each axis' `range` (`ranges: [[-30, 30], [0.8, 1.25]]`); not with a `range` in `axes`. */
  readonly ranges?: readonly [readonly [number, number], readonly [number, number]]
}

/** The keys `sweepGrid` takes (the compiler keeps the list in step with {@link GridSweepOptions}). */
export const GRID_SWEEP_OPTION_KEYS = optionKeys<GridSweepOptions>({
  axes: true,
  ranges: true,
  metrics: true,
  nsdTolerance: true,
  scoreClasses: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  onProgress: true,
  signal: true,
  batchTimeout: true,
})

const GRID_KEYS = optionKeys<GridOptions>({ range: true, step: true, steps: true, values: true })

/** `Array.isArray` without its narrowing (which turns a readonly tuple into `any[]`). */
function isList(value: unknown): boolean {
  return Array.isArray(value)
}

function isTransform(axis: unknown): axis is Transform {
  const t = axis as Partial<Transform> | null
  return !!t && typeof t === 'object' && typeof t.image === 'function' && !!t.parameter && typeof t.with === 'function'
}

function isOptionAxis(axis: unknown): axis is GridOptionAxis {
  const a = axis as Partial<GridOptionAxis> | null
  return (
    !!a &&
    typeof a === 'object' &&
    typeof a.vary === 'function' &&
    !!a.parameter &&
    typeof (a as Partial<Transform>).image !== 'function'
  )
}

/** The grid of each axis from `axes` and `ranges`. */
function axisGrids(options: GridSweepOptions): [GridOptions, GridOptions] {
  const { axes, ranges } = options
  if (
    axes !== undefined &&
    (!isList(axes) || axes.length !== 2 || !axes.every((a) => a !== null && typeof a === 'object'))
  ) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweepGrid option axes must be two grids [{ range, step | steps | values }, { ... }], got ${describeValue(axes)}`,
    )
  }
  if (ranges !== undefined && (!Array.isArray(ranges) || ranges.length !== 2)) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweepGrid option ranges must be two ranges [[from, to], [from, to]], got ${describeValue(ranges)}`,
    )
  }
  return [0, 1].map((k) => {
    const grid = axes?.[k] ?? {}
    checkKnownKeys(grid, GRID_KEYS, `sweepGrid option axes[${k}]`)
    if (ranges === undefined) return grid
    if (grid.range !== undefined)
      throw new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `sweepGrid: give the range of axis ${k} once, in ranges or in axes[${k}].range, not both`,
      )
    return { ...grid, range: ranges[k] as readonly [number, number] }
  }) as [GridOptions, GridOptions]
}

/** The values of one axis; a bad grid names the axis. */
function axisValues(parameter: TransformParameter, grid: GridOptions, k: number, name: string): number[] {
  try {
    return sweepValues(parameter, grid)
  } catch (e) {
    if (!isSegsenseError(e)) throw e
    throw new SegsenseError(e.code, `sweepGrid axis ${k} (${name} ${parameter.name}): ${e.message}`, {
      cause: e,
      details: { axis: k },
    })
  }
}

/** Checks an option axis' parameter the way `defineTransform` checks a transform's. */
function checkParameter(parameter: TransformParameter, k: number): void {
  try {
    defineTransform({ name: `axis ${k}`, parameter, spatial: false, image: (img) => img })
  } catch (e) {
    if (!isSegsenseError(e)) throw e
    throw new SegsenseError(e.code, `sweepGrid option axis ${k}: ${e.message}`, { cause: e, details: { axis: k } })
  }
}

/** What runs in one cell, resolved once per grid. */
interface CellPlan {
  /** Name of the composed transform: `rotate x zoom`, or `spike (intensity x x)` for an option axis. */
  readonly name: string
  readonly spatial: boolean
  readonly image: (img: Raster, i: number, j: number) => Raster
  readonly labels: (mask: LabelMap, i: number, j: number) => LabelMap
  readonly records: [GridAxisRecord, GridAxisRecord]
}

function record(
  role: GridAxisRecord['role'],
  t: Transform,
  parameter: TransformParameter,
  values: number[],
): GridAxisRecord {
  return { role, transform: t.name, parameter: parameterJson({ parameter }), options: optionsJson(t), values }
}

/**
 * `fn(input, i)` remembered for the last (input, i): the runner visits the cells of a sample row by row (j fastest),
 * so the first transform runs once per row instead of once per cell.
 */
function lastOf<T extends object>(fn: (input: T, i: number) => T): (input: T, i: number) => T {
  let input: T | undefined
  let index = -1
  let output: T | undefined
  return (x, i) => {
    if (x !== input || i !== index) {
      output = fn(x, i)
      input = x
      index = i
    }
    return output as T
  }
}

/** Two transforms applied one after the other (first axis first), the truth moved by the spatial ones in the same order. */
function sequentialCells(a: Transform, b: Transform, va: number[], vb: number[]): CellPlan {
  const first = lastOf<Raster>((img, i) => a.image(img, va[i] as number))
  const firstLabels = lastOf<LabelMap>((mask, i) => (a.spatial && a.labels ? a.labels(mask, va[i] as number) : mask))
  return {
    name: `${a.name} x ${b.name}`,
    spatial: a.spatial || b.spatial,
    image: (img, i, j) => {
      const mid = first(img, i)
      const out = b.image(mid, vb[j] as number)
      // The remembered image is shared by the row: a model must never be handed it (it may write into its input).
      return out.data === mid.data ? { ...out, data: out.data.slice() } : out
    },
    labels: (mask, i, j) => {
      const out = firstLabels(mask, i)
      return b.spatial && b.labels ? b.labels(out, vb[j] as number) : out
    },
    records: [record('transform', a, a.parameter, va), record('transform', b, b.parameter, vb)],
  }
}

/** One transform per cell: `t.with(axis.vary(option value))` at the transform axis' value. */
function variantCells(t: Transform, axis: GridOptionAxis, optionAt: 0 | 1, vt: number[], vo: number[]): CellPlan {
  // Built once per option value, so that a bad option fails before the first prediction.
  const variants = vo.map((v) => {
    let changes: unknown
    try {
      changes = axis.vary(v)
      if (changes === null || typeof changes !== 'object')
        throw new SegsenseError(
          'E_WRONG_TYPE',
          `vary(${v}) must return an options object, got ${describeValue(changes)}`,
        )
      return t.with(changes)
    } catch (e) {
      if (!isSegsenseError(e)) throw e
      throw new SegsenseError(
        e.code,
        `sweepGrid option axis ${optionAt} (${axis.parameter.name} = ${v}) on ${t.name}: ${e.message}`,
        { cause: e, details: { axis: optionAt, value: v } },
      )
    }
  })
  const pick = (i: number, j: number): [Transform, number] =>
    optionAt === 1 ? [variants[j] as Transform, vt[i] as number] : [variants[i] as Transform, vt[j] as number]
  const neutral = variants[vo.indexOf(axis.parameter.neutral)] as Transform
  const tRecord = record('transform', t, t.parameter, vt)
  const oRecord = record('option', neutral, axis.parameter, vo)
  return {
    name: `${t.name} (${optionAt === 1 ? `${t.parameter.name} x ${axis.parameter.name}` : `${axis.parameter.name} x ${t.parameter.name}`})`,
    spatial: variants.some((v) => v.spatial),
    image: (img, i, j) => {
      const [v, value] = pick(i, j)
      return v.image(img, value)
    },
    labels: (mask, i, j) => {
      const [v, value] = pick(i, j)
      return v.spatial && v.labels ? v.labels(mask, value) : mask
    },
    records: optionAt === 1 ? [tRecord, oRecord] : [oRecord, tRecord],
  }
}

function planCells(axes: GridAxes, options: GridSweepOptions): CellPlan {
  if (!isList(axes) || axes.length !== 2) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweepGrid: axes must be two transforms [a, b], or a transform and an option axis { parameter, vary }, got ${describeValue(axes)}`,
    )
  }
  const kinds = axes.map((axis, k) => {
    if (isTransform(axis)) {
      if (axis.spatial && typeof axis.labels !== 'function')
        throw new SegsenseError(
          'E_WRONG_TYPE',
          `sweepGrid axis ${k}: transform ${JSON.stringify(axis.name)} is spatial but has no labels(mask, value) function`,
        )
      return 'transform'
    }
    if (isOptionAxis(axis)) {
      checkKnownKeys(axis, optionKeys<GridOptionAxis>({ parameter: true, vary: true }), `sweepGrid option axis ${k}`)
      checkParameter(axis.parameter, k)
      return 'option'
    }
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweepGrid axis ${k} must be a Transform (e.g. rotate) or an option axis { parameter, vary: (value) ` +
        `=> options }, got ${describeValue(axis)}`,
    )
  })
  const grids = axisGrids(options)
  const names = axes.map((axis) => (isTransform(axis) ? axis.name : 'option axis'))
  const values = axes.map((axis, k) => axisValues(axis.parameter, grids[k] as GridOptions, k, names[k] as string)) as [
    number[],
    number[],
  ]
  const [a, b] = axes
  if (isTransform(a) && isTransform(b)) return sequentialCells(a, b, values[0], values[1])
  if (kinds[0] === 'option' && kinds[1] === 'option') {
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      "sweepGrid: an option axis sweeps an option of the other axis' transform, so one of the two axes must be a Transform",
    )
  }
  return isTransform(a)
    ? variantCells(a, b as GridOptionAxis, 1, values[0], values[1])
    : variantCells(b as Transform, a, 0, values[1], values[0])
}

/** A flat curve over cells (index i * m + j) as an n x m grid. */
function toGrid<T>(curve: readonly T[], n: number, m: number): T[][] {
  return Array.from({ length: n }, (_, i) => curve.slice(i * m, (i + 1) * m))
}

function gridTable<T>(
  table: Partial<Record<string, Record<string, T[]>>>,
  n: number,
  m: number,
): Partial<Record<string, Record<string, T[][]>>> {
  const out: Partial<Record<string, Record<string, T[][]>>> = {}
  for (const [metric, curves] of Object.entries(table)) {
    if (!curves) continue
    out[metric] = Object.fromEntries(Object.entries(curves).map(([c, curve]) => [c, toGrid(curve, n, m)]))
  }
  return out
}

/**
 * Sweeps two parameters at once: for every sample and every cell of the grid (one value of each axis), transforms
 * the image, predicts, and scores against the reference transformed the same way.
 *
 * - **Two transforms** `[a, b]` (e.g. `[rotate, zoom]`): each cell applies `a` at its value, then `b`; the truth is
 *   moved by the spatial ones in the same order.
 * - **Two parameters of one transform** `[t, { parameter, vary }]` (either order): each cell applies one transform,
 *   `t.with(vary(value))`, at `t`'s value; e.g. misas' spike position x spike intensity:
 *   `[spike, { parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }]`.
 *
 * Runs on the sweep's runner (batches of `batchSize`, one batch of images alive at a time); every option but the
 * grid means what it means for `sweep`. Read the result with {@link stableRegion}; draw it with `gridHeatmapSpec`.
 *
 * @returns a {@link GridResult}: plain JSON, `scores[metric][class][i][j]` at `axes[0].values[i]`, `axes[1].values[j]`.
 * @throws SegsenseError `E_BAD_PARAMETER` (bad axes, grid or options, naming the axis), and every error of
 *   `sweep` (`E_MISSING_TRUTH`, `E_SIZE_MISMATCH`, `E_MODEL_OUTPUT`, `E_ABORTED`, `E_TIMEOUT`).
 * @example
 * const grid = await sweepGrid(model, samples, [rotate, zoom], { axes: [{ range: [-30, 30], step: 10 }, { values: [0.8, 1, 1.25] }] })
 */
export async function sweepGrid<Options extends object>(
  model: SegmentationModel,
  samples: Sample | readonly Sample[],
  axes: GridAxes<Options>,
  options: GridSweepOptions = {},
): Promise<GridResult> {
  const t0 = performance.now()
  const grid = resolveGrid(model, samples, axes, options)
  const raw = await runBatches(grid.plan, grid.plan.control)
  return assembleGrid(grid, raw, performance.now() - t0)
}

/** A grid resolved: the sweep over cell indices that runs it, and the axes it reports. */
interface GridPlan {
  readonly plan: SweepPlan
  readonly records: readonly [GridAxisRecord, GridAxisRecord]
  /** Indices of the neutral values on the two axes. */
  readonly neutral: [number, number]
}

/** Checks the grid's own options and axes, and resolves the rest as `sweep` does, over cell indices. */
function resolveGrid(
  model: SegmentationModel,
  samples: Sample | readonly Sample[],
  axes: GridAxes,
  options: GridSweepOptions,
): GridPlan {
  checkObject('sweepGrid: options', options)
  checkKnownKeys(options, GRID_SWEEP_OPTION_KEYS, 'sweepGrid options')
  const cells = planCells(axes, options)
  const [ra, rb] = cells.records
  const n = ra.values.length
  const m = rb.values.length
  const neutral: [number, number] = [ra.values.indexOf(ra.parameter.neutral), rb.values.indexOf(rb.parameter.neutral)]
  const { axes: _axes, ranges: _ranges, ...sweepOptions } = options
  const values = Array.from({ length: n * m }, (_, c) => c)
  const resolved = resolveSweep(model, samples, cellTransform(cells, neutral, n, m), { ...sweepOptions, values })
  // Grids gate scores (higher is better, at most 1): a distance (+Infinity when one mask is empty) has no stable
  // region at a min.
  const distances = resolved.metrics.filter((metric) => isDistanceMetric(metric))
  if (distances.length)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `sweepGrid option metrics: ${distances.join(', ')} ` +
        `${distances.length === 1 ? 'is a distance' : 'are distances'}; grids take the scores dice, iou, ` +
        `precision, recall and nsd (distances are not supported in grids yet)`,
    )
  const what = `grid sweep of ${JSON.stringify(cells.name)} on model ${JSON.stringify(model.name)}`
  return { plan: { ...resolved, what }, records: cells.records, neutral }
}

/**
 * The grid as one transform over cell indices (c = i * m + j), so that batching, scoring, progress, abort and
 * timeouts are the sweep runner's own.
 */
function cellTransform(cells: CellPlan, neutral: readonly [number, number], n: number, m: number): Transform {
  return {
    name: cells.name,
    parameter: {
      name: 'cell',
      unit: '',
      neutral: neutral[0] * m + neutral[1],
      scale: 'linear',
      defaultRange: [0, n * m - 1],
      defaultStep: 1,
    },
    spatial: cells.spatial,
    options: {},
    image: (img, c) => cells.image(img, Math.floor(c / m), c % m),
    labels: (mask, c) => cells.labels(mask, Math.floor(c / m), c % m),
    with: () => {
      throw new SegsenseError('E_BAD_PARAMETER', 'a grid cell transform takes no options')
    },
  }
}

/** The plain-JSON grid result of a finished run over cells. */
function assembleGrid(grid: GridPlan, raw: RawScores, totalMs: number): GridResult {
  const { plan, records } = grid
  const [n, m] = [records[0].values.length, records[1].values.length]
  const reduced = reduceScores(raw.scores, plan.metrics, plan.classNames, n * m)
  const warnings = warningsOf(plan, raw)
  const asGrid = (t: ScoreTable): GridScoreTable => gridTable(t, n, m)
  return {
    schemaVersion: GRID_SCHEMA_VERSION,
    kind: 'grid',
    model: plan.model.name,
    axes: [records[0], records[1]],
    neutral: grid.neutral,
    classes: [...plan.classNames],
    metrics: [...plan.metrics],
    reference: plan.reference,
    emptyPolicy: { bothEmpty: plan.emptyPolicy.bothEmpty },
    ...(plan.metrics.includes('nsd') ? { nsdTolerance: plan.nsdTolerance } : {}),
    samples: plan.samples.map((s, i) => ({ id: s.id, scores: asGrid(reduced.samples[i] ?? {}) })),
    mean: asGrid(reduced.mean),
    meanCounts: gridTable(reduced.meanCounts, n, m),
    ...(warnings.length ? { warnings } : {}),
    timing: {
      totalMs,
      predictMs: raw.predictMs,
      transformMs: raw.transformMs,
      scoreMs: raw.scoreMs,
      predictions: raw.predictions,
    },
  }
}
