/**
 * The types of the sweep engine: the options a user gives (`SweepOptions` and the option records inside it), the plan
 * they resolve into (`SweepPlan`, read by every later stage) and the frames a sweep can keep. No logic lives here, so
 * every stage imports it and none imports another stage for a type.
 */
import type { Classes, LabelMap, Raster, Sample } from '../core/types.js'
import type { EmptyPolicy, MetricName } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import type { GridOptions } from '../results/values.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { ConfusionLabels } from './confusion.js'

/** Progress of a sweep, counted in predicted images (with `reference: 'prediction'`, the clean predictions count too). */
export interface SweepProgress {
  readonly done: number
  readonly total: number
}

/** How a sweep reports progress and can be stopped: its `onProgress` and `signal` options, checked. */
export interface SweepControl {
  readonly onProgress?: ((progress: SweepProgress) => void) | undefined
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link sweep}: the grid (see {@link GridOptions}) plus what to score and how to run. */
export interface SweepOptions extends GridOptions {
  /** Metrics to compute; default `['dice']`. */
  readonly metrics?: readonly MetricName[]
  /** Tolerance of the `nsd` metric in the truth's spacing units (pixels without spacing); default 1. */
  readonly nsdTolerance?: number
  /**
   * Classes to score: a `Classes` map (id -> name), or names/ids picked from the model's classes.
   * Default: the model's classes without id 0. Id 0 is scored when named here explicitly.
   */
  readonly scoreClasses?: Classes | readonly (string | number)[]
  /** @deprecated Renamed `scoreClasses` (`classes` is the model's id -> name map); removed in 1.0. */
  readonly classes?: Classes | readonly (string | number)[]
  /**
   * `'truth'` (default): score against the (transformed) ground truth; every sample needs one.
   * `'prediction'`: no ground truth needed; score against the model's prediction on the untransformed image,
   * moved with `transform.labels` for spatial transforms (an equivariance check). A clean prediction no transform
   * can change is refused (`E_DEGENERATE_REFERENCE`: it fills the image, or the model gives the same labels for a
   * blank and a shuffled probe image); a class over 90% of it is a `large-class` warning (docs/sweeps.md).
   */
  readonly reference?: 'truth' | 'prediction'
  /** Images per `model.predict` call; default 16 (`DEFAULT_BATCH_SIZE`). */
  readonly batchSize?: number
  /**
   * Zero-denominator policy for the metrics; default `{ bothEmpty: 'best' }`. It decides values where a class has
   * left the reference; a class the untransformed reference lacks is never scored (null, in `warnings`).
   */
  readonly emptyPolicy?: EmptyPolicy
  /** Called after every batch. */
  readonly onProgress?: (progress: SweepProgress) => void
  /**
   * Aborts the sweep with `E_ABORTED`: between batches, and during a `model.predict` call that has not answered yet
   * (the call is abandoned, its late result dropped).
   */
  readonly signal?: AbortSignal
  /**
   * Milliseconds one `model.predict` call (one batch) may take; a model that has not answered by then fails the sweep
   * with `E_TIMEOUT` naming the model and the batch. Default: no limit.
   */
  readonly batchTimeout?: number
  /**
   * `'frames'`: also keep, per sample and swept value, the transformed image, the transformed reference mask and
   * the prediction (for overlays, frame strips and GIFs). They are attached to the result as the non-enumerable
   * property `frames` (read it with {@link framesOf}), so the result stays plain JSON: `JSON.stringify` and
   * `validateSweepResult` never see them. `{ frames: ['sa-01'] }`: keep the frames of these samples only (what a
   * report draws: its strip and GIF show one sample), so memory grows with the values, not samples x values.
   * Default `'none'`: nothing is kept and memory stays flat.
   */
  readonly keep?: 'none' | 'frames' | KeepFrames
  /**
   * Seeded draws per swept value of a random transform (`transform.random`: noise, elastic, the random corruptions):
   * the sweep runs once per draw with the transform's `seed` option set to a seed derived from `seed`, stores each
   * draw's scores (`samples[i].repeats`) and scores a sample by the mean over its draws. Default 1: the transform as
   * configured. More than 1 with a deterministic transform is an error.
   */
  readonly repeats?: number
  /** Seed the draws of `repeats` are derived from, an integer in 0..2^32-1; default 0. */
  readonly seed?: number
  /** Keep the class confusion counts per value, summed over samples (`result.confusion`). Default false. */
  readonly confusion?: boolean
  /**
   * The result cache (docs/performance.md): on by default for models with a `fingerprint` (`loadOnnxModel` sets
   * one; a function model without one is never cached) and segsense's own transforms (a `defineTransform` one is
   * never cached: its code is no part of the key). `false` turns it off (so does the environment variable
   * `SEGSENSE_CACHE=0`); `{ dir, maxBytes }` sets the folder (default `SEGSENSE_CACHE_DIR`, else
   * `node_modules/.cache/segsense`) and its size bound. Cached scores are the scores the same sweep computed.
   */
  readonly cache?: boolean | CacheOptions
  /**
   * Bisect the crossings of these thresholds after the grid until each bracket is at most `tolerance` wide,
   * predicting only the new values: `{ min: { LV: 0.8 }, tolerance: 1 }` (a number `min` means every scored class).
   * The result keeps every evaluated value and lists the added ones in `refined`.
   */
  readonly refine?: RefineOptions
}

/** `keep: { frames: [...] }`: the ids of the samples whose frames a sweep keeps. */
export interface KeepFrames {
  readonly frames: readonly string[]
}

/** One kept frame of a sweep: what the model saw at one value, what it predicted and what it was scored against. */
export interface SweepFrame {
  /** The swept value. */
  readonly value: number
  /** The transformed image. */
  readonly image: Raster
  /** The transformed reference mask (the truth, or the clean prediction under `reference: 'prediction'`). */
  readonly reference: LabelMap
  /** The model's prediction on `image`. */
  readonly prediction: LabelMap
}

/**
 * The frames a sweep kept with `keep: 'frames'` (every sample) or `keep: { frames: ids }` (those samples, in the
 * samples' order): per sample, one {@link SweepFrame} per swept value (in `values` order).
 */
export interface SweepFrames {
  /** The scored classes, id -> name (the overlays colour a label id by its name's position in `result.classes`). */
  readonly classes: Classes
  readonly samples: readonly { readonly id: string; readonly frames: readonly SweepFrame[] }[]
}

/** A sweep result with its kept frames (`keep: 'frames'`); `frames` is non-enumerable, so JSON leaves it out. */
export type SweepResultWithFrames = SweepResult & { readonly frames: SweepFrames }

/**
 * `sweep(..., { refine })`: bisect the crossings of these thresholds after the grid, until each bracket is at most
 * `tolerance` wide (parameter units).
 */
export interface RefineOptions {
  /** Threshold per class name, or one number for every scored class; a score passes when `>= min`. */
  readonly min: number | Readonly<Record<string, number>>
  /** Largest bracket width left around a crossing, in the parameter's unit; > 0. */
  readonly tolerance: number
  /** Metric whose curves are refined; default `dice` (it must be one of the sweep's metrics). */
  readonly metric?: MetricName
  /** `mean` (default): the mean curve over samples; `each`: every sample's own curve. */
  readonly aggregate?: 'mean' | 'each'
}

/** Where the cache lives and how large it may grow (`sweep(..., { cache: { dir, maxBytes } })`). */
export interface CacheOptions {
  /**
   * Cache folder; default `SEGSENSE_CACHE_DIR`, else `node_modules/.cache/segsense` of the nearest `node_modules`
   * above the working directory.
   */
  readonly dir?: string
  /** Size bound in bytes; least recently used entries are removed past it. Default {@link DEFAULT_CACHE_MAX_BYTES}. */
  readonly maxBytes?: number
}

/**
 * A sweep's options resolved once, checked and with every default applied: what the runner, the reducer and the
 * result assembly read. Nothing later validates an option again.
 */
export interface SweepPlan {
  readonly model: SegmentationModel
  readonly transform: Transform
  readonly samples: readonly Sample[]
  readonly values: readonly number[]
  readonly metrics: readonly MetricName[]
  /** The scored classes, id -> name, and their names in id order (the result's `classes`). */
  readonly classes: Classes
  readonly classNames: readonly string[]
  readonly includeBackground: boolean
  readonly reference: 'truth' | 'prediction'
  readonly batchSize: number
  readonly nsdTolerance: number
  readonly emptyPolicy: EmptyPolicy
  /** Ids of the samples whose frames are kept; null when none are. */
  readonly keepFrames: ReadonlySet<string> | null
  /** Milliseconds one `model.predict` call may take before the sweep fails with `E_TIMEOUT`; undefined: no limit. */
  readonly batchTimeout: number | undefined
  /** Names the sweep in messages: `sweep of "rotate" on model "unet"`. */
  readonly what: string
  /** Draws per value of a random transform (1: the transform as configured), and the seed their seeds derive from. */
  readonly repeats: number
  readonly seed: number
  /** The classes the confusion counts are kept for; null without `confusion`. */
  readonly confusion: ConfusionLabels | null
  /** The `onProgress` and `signal` options. */
  readonly control: SweepControl
  /**
   * The `cache` option resolved: where the cache lives (`{}`: the defaults), or null for `cache: false`. Whether a
   * store opens also depends on the environment, the model and the transform (`cacheFor`).
   */
  readonly cache: CacheOptions | null
  /** The `refine` option checked against the plan's classes, metrics and parameter; null without `refine`. */
  readonly refine: RefineSettings | null
}

/** The plan fields that do not depend on the samples (`resolveRun`): the volume sweep's plan. */
export type RunPlan = Omit<SweepPlan, 'samples' | 'reference' | 'keepFrames' | 'cache' | 'refine'>

/** Refinement options checked against a plan. @internal */
export interface RefineSettings {
  readonly thresholds: ReadonlyMap<string, number>
  readonly tolerance: number
  readonly metric: MetricName
  readonly aggregate: 'mean' | 'each'
}

/**
 * Which slices of a volume a volume sweep predicts: `'axial'` (default), `'coronal'` or `'sagittal'` take every
 * slice along the voxel axis closest to the world S, A or R axis of the volume's affine (`'axial'` is k for a volume
 * stored axial and RAS-like); `{ axis: 0 | 1 | 2, indices? }` names the voxel axis (i, j, k) and optionally the slice
 * indices along it (scores then cover those slices only: the voxel counts of those slices, and distances on the
 * volume's grid with every other slice empty in both prediction and truth).
 *
 * A slice along k is the row-major `dims[0] x dims[1]` image as stored (x = i, y = j); along j it is x = i, y = k;
 * along i it is x = j, y = k (no flip: the model sees the voxel order). Its `spacing` is that of its two axes.
 */
export type SliceSelection =
  'axial' | 'coronal' | 'sagittal' | { readonly axis: 0 | 1 | 2; readonly indices?: readonly number[] }

/**
 * Options of a volume sweep: those of `sweep` on images (grid, `metrics`, `scoreClasses`, `batchSize`,
 * `emptyPolicy`, `nsdTolerance`, `onProgress`, `signal`, `batchTimeout`) plus `slices`. Volumes are always scored
 * against their truth (no `reference: 'prediction'`) and keep no frames; `confusion`, `repeats`, `cache` and
 * `refine` are image-sweep options only.
 */
export interface VolumeSweepOptions extends Omit<
  SweepOptions,
  'keep' | 'reference' | 'confusion' | 'repeats' | 'seed' | 'cache' | 'refine'
> {
  /** Which slices to predict; default `'axial'`. */
  readonly slices?: SliceSelection
  /** Only `'truth'` (the default) for volumes. */
  readonly reference?: 'truth'
}
