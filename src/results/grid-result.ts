import type { MetricName } from '../metrics/overlap.js'
import type { Score, SweepParameter, SweepTiming, SweepWarning } from './sweep-result.js'

/** Version of the {@link GridResult} JSON layout; bumped on incompatible changes. */
export const GRID_SCHEMA_VERSION = 1 as const

/**
 * Scores over a two-parameter grid: `grid[i][j]` is the score at `axes[0].values[i]` and `axes[1].values[j]`
 * (rows follow the first axis); `null` is an undefined score, as in a sweep.
 */
export type ScoreGrid = Score[][]

/** Per metric, per class name, one {@link ScoreGrid}. */
export type GridScoreTable = Partial<Record<MetricName, Record<string, ScoreGrid>>>

/** Per metric, per class name, per cell (`[i][j]`): how many samples a mean score averaged. */
export type GridScoreCounts = Partial<Record<MetricName, Record<string, number[][]>>>

/**
 * One axis of a grid as stored in a {@link GridResult}.
 *
 * - `role: 'transform'`: the axis sweeps `transform`'s own parameter and the transform is applied in the cell
 *   (first axis first, then the second).
 * - `role: 'option'`: the axis sweeps an option of the other axis' transform (misas' figure 4: spike position x
 *   spike intensity is one spike per cell, not two); `transform` names that transform and `parameter` describes
 *   the option as the axis swept it.
 */
export interface GridAxisRecord {
  readonly role: 'transform' | 'option'
  /** The transform applied along this axis (`role: 'transform'`) or whose option it sweeps (`role: 'option'`). */
  readonly transform: string
  readonly parameter: SweepParameter
  /** The transform's options (plain JSON); for an option axis, those of the other axis' transform at its neutral value. */
  readonly options: Readonly<Record<string, unknown>>
  /** Swept values, neutral included; ascending unless categorical. */
  readonly values: number[]
}

/** Scores of one sample over the grid. */
export interface GridSampleScores {
  readonly id: string
  readonly scores: GridScoreTable
}

/**
 * Everything a two-parameter grid sweep measured, as plain JSON (validated by `validateGridResult`). Built by
 * `sweepGrid`: per sample and cell (one value of each axis), the transformed image's prediction scored against the
 * transformed reference.
 *
 * - `axes[0]`, `axes[1]`: the two parameters, their values (each axis includes its neutral value).
 * - `samples[s].scores[metric][className][i][j]`: the score of sample s at `axes[0].values[i]`, `axes[1].values[j]`.
 * - `mean[metric][className][i][j]`: the mean over samples, skipping `null`; `null` when all are `null`;
 *   `meanCounts` the number averaged.
 * - `neutral`: the cell `[i, j]` of the two neutral values (the untransformed image); the stable region grows from it.
 */
export interface GridResult {
  readonly schemaVersion: typeof GRID_SCHEMA_VERSION
  readonly kind: 'grid'
  readonly model: string
  readonly axes: readonly [GridAxisRecord, GridAxisRecord]
  /** The indices `[i, j]` of the neutral cell. */
  readonly neutral: readonly [number, number]
  /** Names of the scored classes, in class-id order. */
  readonly classes: string[]
  readonly metrics: MetricName[]
  readonly reference: 'truth' | 'prediction'
  readonly emptyPolicy: { readonly bothEmpty: 'best' | 'nan' }
  /** The `nsd` tolerance; present when `metrics` has `nsd`. */
  readonly nsdTolerance?: number
  readonly samples: GridSampleScores[]
  readonly mean: GridScoreTable
  readonly meanCounts: GridScoreCounts
  /** Sample/class pairs with nothing to score (null in every cell); present only when there is something to report. */
  readonly warnings?: SweepWarning[]
  readonly timing: SweepTiming
}
