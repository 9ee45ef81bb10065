import type { MetricName } from '../metrics/overlap.js'
import type { TransformParameter } from '../transforms/transform.js'

/** Version of the {@link SweepResult} JSON layout; bumped on incompatible changes. */
export const SWEEP_SCHEMA_VERSION = 1 as const

/**
 * One score in a result. `null` is an undefined score: NaN is not JSON, so a NaN from the empty-mask policy
 * `bothEmpty: 'nan'` (and a mean over samples that are all undefined) is stored as `null`. A distance metric
 * (`hd`, `hd95`, `assd`, `masd`) is also `null` where it is infinite: exactly one of prediction and reference holds
 * the class (in a mean: some sample's is infinite, `meanCounts` > 0). A `null` never passes a threshold.
 */
export type Score = number | null

/** Per class name, one score per swept value (same order and length as `SweepResult.values`). */
export type ClassCurves = Record<string, Score[]>

/** Per metric, per class name, one score per swept value. */
export type ScoreTable = Partial<Record<MetricName, ClassCurves>>

/** Per metric, per class name, per swept value: how many samples a mean score averaged (undefined scores skipped). */
export type ScoreCounts = Partial<Record<MetricName, Record<string, number[]>>>

/** The swept parameter as stored in a result (the transform's {@link TransformParameter}, as plain JSON). */
export interface SweepParameter extends Omit<TransformParameter, 'categories'> {
  /** Category code (as a string key, JSON) -> name. */
  readonly categories?: Readonly<Record<string, string>>
}

/** Scores of one sample. */
export interface SampleScores {
  /** The sample's id. */
  readonly id: string
  /** With `repeats`: the mean over the sample's draws (undefined scores skipped), per value. */
  readonly scores: ScoreTable
  /** With `repeats` > 1: the scores of each draw, in the order of `SweepResult.repeats.seeds`. */
  readonly repeats?: ScoreTable[]
}

/**
 * Class confusion counts of a sweep run with `confusion: true`: per swept value, a matrix of pixel counts summed
 * over samples (and over draws with `repeats`), `counts[k][t][p]` = pixels of truth class `classes[t]` predicted as
 * `classes[p]` at `values[k]`. Rows and columns are every model class plus background (id 0 first); pixels with an
 * id outside `ids` are not counted.
 */
export interface SweepConfusion {
  /** Class names in matrix order. */
  readonly classes: string[]
  /** Their class ids. */
  readonly ids: number[]
  readonly counts: number[][][]
}

/** The draws of a sweep with `repeats` > 1: how many and the seed of each (derived from the sweep's `seed`). */
export interface SweepRepeats {
  readonly count: number
  /** The sweep's `seed` the draw seeds were derived from. */
  readonly seed: number
  /** The transform's `seed` option in each draw. */
  readonly seeds: number[]
}

/**
 * Something a sweep could not score, reported instead of a silent score. `empty-reference`: the untransformed
 * reference (the truth, or the model's clean prediction under `reference: 'prediction'`) holds no pixel of the
 * class, so the sample/class pair is undefined (`null`) at every value and left out of the means (see
 * `meanCounts`). `large-class` (only under `reference: 'prediction'`): the clean prediction's class covers more than
 * 90% of the image, so its scores stay high whatever the transform does; the pair is scored as usual.
 */
export interface SweepWarning {
  /** The sample's id. */
  readonly sample: string
  readonly className: string
  readonly reason: 'empty-reference' | 'large-class'
  /** The same in words: `sample "a": the clean prediction has no LV; not scored`. */
  readonly message: string
}

/** Where a sweep spent its time, in milliseconds, and how many images the model predicted. */
export interface SweepTiming {
  readonly totalMs: number
  readonly predictMs: number
  readonly transformMs: number
  readonly scoreMs: number
  /** Images predicted, including the clean predictions used as reference with `reference: 'prediction'`. */
  readonly predictions: number
  /** (sample, value) scores read from the result cache instead of computed; absent when none were. */
  readonly cached?: number
}

/**
 * Everything a sweep measured, as plain JSON (validated by `validateSweepResult` in `report/schema`).
 *
 * - `values`: the swept parameter values (the neutral value always included); ascending unless categorical.
 * - `samples[i].scores[metric][className][k]` is the score of sample i at `values[k]`.
 * - `mean[metric][className][k]` is the mean over samples, skipping `null`; `null` when all are `null`;
 *   `meanCounts[metric][className][k]` is the number of samples it averaged.
 */
export interface SweepResult {
  readonly schemaVersion: typeof SWEEP_SCHEMA_VERSION
  /** Model name. */
  readonly model: string
  readonly transform: {
    readonly name: string
    readonly parameter: SweepParameter
    /** The transform's options (plain JSON). */
    readonly options: Readonly<Record<string, unknown>>
  }
  readonly values: number[]
  /** Names of the scored classes, in class-id order. */
  readonly classes: string[]
  readonly metrics: MetricName[]
  /** `truth`: scored against the transformed ground truth; `prediction`: against the model's transformed clean prediction. */
  readonly reference: 'truth' | 'prediction'
  /** The empty-mask policy used (absent in results written by hand: the default `best`). */
  readonly emptyPolicy?: { readonly bothEmpty: 'best' | 'nan' }
  /** The `nsd` tolerance (truth spacing units, pixels without spacing); present when `metrics` has `nsd`. */
  readonly nsdTolerance?: number
  readonly samples: SampleScores[]
  readonly mean: ScoreTable
  /**
   * How many samples each `mean` value averaged (samples with an undefined score are skipped): a mean over 1 of
   * 20 samples says so. Written by every sweep; absent in results from before it was added.
   */
  readonly meanCounts?: ScoreCounts
  /** What was not scored and why, one entry per sample/class pair; present only when there is something to report. */
  readonly warnings?: SweepWarning[]
  /**
   * Present when the samples were volumes swept slice by slice (`sweepVolumes`): every score is then one per volume
   * (3D Dice from the voxel counts of all slices, distances in 3D with the volume's spacing), not per slice.
   */
  readonly volumes?: SweepVolumes
  /** Class confusion counts per value; present when swept with `confusion: true`. */
  readonly confusion?: SweepConfusion
  /** The draws of a random transform; present when swept with `repeats` > 1 (each sample then has `repeats`). */
  readonly repeats?: SweepRepeats
  /**
   * Present when the sweep refined its stable interval (`refine` option): the values bisection added (they are in
   * `values` too, which stays sorted), the tolerance, metric, aggregate and thresholds it refined.
   */
  readonly refined?: Refinement
  readonly timing: SweepTiming
}

/** How a volume sweep cut its volumes (`SweepResult.volumes`). */
export interface SweepVolumes {
  /** `'axial'`, `'coronal'`, `'sagittal'` (the voxel axis closest to that world axis of the affine), or `'axis'` (given). */
  readonly slicing: 'axial' | 'coronal' | 'sagittal' | 'axis'
  /** Per volume, in sample order: its grid and the slices swept. */
  readonly samples: readonly VolumeSlices[]
}

/** One volume of a volume sweep: its dims and spacing, the voxel axis it was sliced along and the slice indices. */
export interface VolumeSlices {
  readonly id: string
  readonly dims: readonly [number, number, number]
  /** Millimetres along i, j, k: the distances were measured with it. */
  readonly spacing: readonly [number, number, number]
  /** 0 (i), 1 (j) or 2 (k). */
  readonly axis: 0 | 1 | 2
  /** The slice indices along `axis` that were predicted and scored (every slice unless `indices` was given). */
  readonly slices: readonly number[]
}

/** What a sweep records about its refinement (`SweepResult.refined`). */
export interface Refinement {
  /** The values bisection added to the grid, ascending (all of them are in `values` too). */
  readonly values: number[]
  readonly tolerance: number
  readonly metric: MetricName
  readonly aggregate: 'mean' | 'each'
  /** The thresholds refined, per class name. */
  readonly min: Record<string, number>
}
