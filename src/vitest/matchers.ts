/**
 * The segsense matchers without side effects: for users who call `expect.extend` themselves
 * (`import { matchers } from 'segsense/matchers'; expect.extend(matchers)`). `segsense/vitest` registers them.
 * @packageDocumentation
 */
import type { SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import type { GridAxes } from '../sweep/grid2d.js'
import { type AtLeastAsRobustOptions, toBeAtLeastAsRobustAs } from './compare.js'
import { type RobustOptions, toBeRobustTo } from './robust.js'
import type { GridRobustOptions } from './robust-grid.js'
import { type SweepSnapshotOptions, toMatchSweepSnapshot } from './snapshot.js'
import { type PredictionSnapshotOptions, toMatchPredictionSnapshot } from './prediction-snapshot.js'
import type { Sample } from '../core/types.js'

export { configureSegsense, type AttachPolicy, type SegsenseDefaults } from './config.js'
export { toBeRobustTo, type RobustOptions } from './robust.js'
export type { GridRobustOptions } from './robust-grid.js'
export { toMatchSweepSnapshot, type SweepSnapshotOptions } from './snapshot.js'
export { toMatchPredictionSnapshot, type PredictionSnapshotOptions } from './prediction-snapshot.js'
export { toBeAtLeastAsRobustAs, type AtLeastAsRobustOptions } from './compare.js'
export type { SweepRecord, GridRecord, SegsenseTaskMeta } from './meta.js'
export { robustnessSuite, type RobustnessSuiteOptions } from './suite.js'

/** The raw matchers, for `expect.extend(matchers)`. */
export const matchers = { toBeRobustTo, toMatchSweepSnapshot, toMatchPredictionSnapshot, toBeAtLeastAsRobustAs }

/** Types of the segsense matchers on `expect(model)`. All are async: **always `await` them**. */
export interface SegsenseMatchers {
  /**
   * The two-parameter form: sweeps the grid of two transforms (`[rotate, zoom]`, applied in that order) or of two
   * parameters of one transform (`[spike, { parameter, vary }]`, see `sweepGrid`) and fails when any cell scores
   * below `min`. The failure gives each class' stable region (the passing cells connected to the neutral cell) with
   * its extent per axis, the grid as text and the failing cells; a heatmap is attached. **Must be awaited.**
   *
   * @example
   * await expect(model).toBeRobustTo([rotate, zoom], { samples, ranges: [[-15, 15], [0.9, 1.1]], min: 0.8 })
   */
  toBeRobustTo<Options extends object>(axes: GridAxes<Options>, options: GridRobustOptions): Promise<void>
  // Declared last: for a call that matches no overload, TypeScript reports the last one's error, so a misspelt option
  // of the common one-transform form is named as such.
  /**
   * Sweeps `transform` over `range` (with `step`, `steps` or `values`) on `samples` and fails when any swept value
   * scores below `min` (per class or for all; `max` in mm for a distance metric) on the mean curve (or on every
   * sample with `aggregate: 'each'`).
   * The failure names the stable interval found beside the one required and lists the failing values; a chart of
   * the curves is attached to the test report. **Must be awaited.**
   *
   * @example
   * await expect(model).toBeRobustTo(rotate, { samples, range: [-15, 15], step: 5, min: 0.85 })
   */
  toBeRobustTo(transform: Transform, options: RobustOptions): Promise<void>
  /**
   * Sweeps `transform` and compares the mean curves and stable intervals with the snapshot in `__snapshots__`,
   * within `scoreTolerance` (default 0.02). First local run writes it, `vitest -u` updates it, CI refuses to write.
   * **Must be awaited.**
   *
   * @example
   * await expect(model).toMatchSweepSnapshot(rotate, { samples, range: [-180, 180], step: 15, tolerance: 0.02 })
   */
  toMatchSweepSnapshot(transform: Transform, options?: SweepSnapshotOptions): Promise<void>
  /**
   * Predicts on `samples` (or the `configureSegsense` samples), transformed by `transform` at each of `values` when
   * given, and compares each label map with the one stored in `__snapshots__/<file>.predictions/` exactly on class
   * ids, within the budgets (`maxChangedPixels`, `maxChangedRatio`, `minDice` against the stored prediction,
   * `ignoreBoundary`; default: 0 changed pixels). The failure names each prediction that moved, the classes' pixels
   * gained and lost and the worst; a diff image is attached. First local run writes, `vitest -u` rewrites what
   * moved, CI refuses to write. **Must be awaited.**
   *
   * @example
   * await expect(model).toMatchPredictionSnapshot(samples, { transform: rotate, values: [-10, 0, 10], maxChangedPixels: 50 })
   */
  toMatchPredictionSnapshot(samples?: readonly Sample[], options?: PredictionSnapshotOptions): Promise<void>
  /**
   * Sweeps this model (the candidate) and `baseline` once each on the same samples and grid and fails when, for a
   * compared class, the candidate's normalised AUC is lower than the baseline's by more than `margin` (default 0;
   * at the lower bound of the paired bootstrap interval when `confidence` is given). The failure gives per class
   * the AUC difference with its interval, the paired Wilcoxon p-value and both stable intervals; a chart of both
   * curves is attached to the test report. **Must be awaited.**
   *
   * @example
   * await expect(candidate).toBeAtLeastAsRobustAs(baseline, rotate, { samples, range: [-30, 30], step: 5, margin: 0.02 })
   */
  toBeAtLeastAsRobustAs(
    baseline: SegmentationModel,
    transform: Transform,
    options?: AtLeastAsRobustOptions,
  ): Promise<void>
}
