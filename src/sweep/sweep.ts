import { SegsenseError } from '../core/errors.js'
import type { Classes, LabelMap, Raster, Sample, VolumeSample } from '../core/types.js'
import type { EmptyPolicy, MetricName } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import type { GridOptions } from './grid.js'
import { reduceScores } from './reduce.js'
import { type SweepPlan, resolveSweep } from './resolve.js'
import { type RawScores, runBatches } from './run.js'
import { type VolumeSweepOptions, isVolumeInput, sweepVolumes } from './volume.js'
import { SWEEP_SCHEMA_VERSION, type SweepParameter, type SweepResult, type SweepWarning } from './result.js'

/** Progress of a sweep, counted in predicted images (with `reference: 'prediction'`, the clean predictions count too). */
export interface SweepProgress {
  readonly done: number
  readonly total: number
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
   * moved with `transform.labels` for spatial transforms (an equivariance check).
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
 * The frames a result kept (`sweep(..., { keep: 'frames' })`), or `undefined` for a result without them (one
 * parsed from JSON, or swept without `keep`).
 */
export function framesOf(result: SweepResult): SweepFrames | undefined {
  const frames = (result as Partial<SweepResultWithFrames>).frames
  return frames && Array.isArray(frames.samples) ? frames : undefined
}


function parameterJson(t: Transform): SweepParameter {
  const p = t.parameter
  const out: { -readonly [K in keyof SweepParameter]: SweepParameter[K] } = {
    name: p.name,
    unit: p.unit,
    neutral: p.neutral,
    scale: p.scale,
    defaultRange: [p.defaultRange[0], p.defaultRange[1]],
    defaultStep: p.defaultStep,
  }
  if (p.period !== undefined) out.period = p.period
  if (p.categories !== undefined) out.categories = Object.fromEntries(Object.entries(p.categories).map(([k, v]) => [k, String(v)]))
  return out
}

function optionsJson(t: Transform): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(t.options ?? {})) as Record<string, unknown>
  } catch (cause) {
    throw new SegsenseError('E_BAD_PARAMETER', `transform ${JSON.stringify(t.name)}: options must be plain JSON to be stored in a sweep result`, { cause })
  }
}

/**
 * Sweeps a transform's parameter: for every sample and swept value, transforms the image, predicts, and scores
 * the prediction against the reference mask (the truth, or the clean prediction) transformed the same way.
 *
 * Pairs (sample, value) go to `model.predict` in batches of `batchSize`; only one batch of transformed images is
 * alive at a time, and each transformed reference is computed once, when its pair is scored.
 *
 * A sample/class pair with nothing to score (the untransformed truth, or the clean prediction under
 * `reference: 'prediction'`, has no pixel of the class) is `null` at every value, skipped by the means, and listed
 * in `warnings`: it would score 1 (both empty) or 0 (one stray pixel), never how well the class is segmented.
 *
 * Given volumes (`VolumeSample`s: `{ id, image: Volume, truth: LabelVolume }`), the sweep runs slice by slice and
 * scores each volume in 3D: see {@link sweepVolumes} and its `slices` option.
 *
 * @returns a {@link SweepResult}: plain JSON, scores `number | null` (`null` for a pair with nothing to score, and
 *   under `bothEmpty: 'nan'`).
 * @throws SegsenseError `E_MISSING_TRUTH` (a sample without truth under `reference: 'truth'`, naming it),
 *   `E_SIZE_MISMATCH` (truth and image of a sample differ, or a transform returns a mask of another size than
 *   the image), `E_MODEL_OUTPUT` (wrong prediction count or size), `E_BAD_PARAMETER` (bad options or grid),
 *   `E_ABORTED` (signal aborted, also while a batch is predicted), `E_TIMEOUT` (a batch took longer than
 *   `batchTimeout`).
 * @example
 * const result = await sweep(model, samples, rotate, { range: [-30, 30], step: 5, metrics: ['dice'] })
 */
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[], transform: Transform, options: SweepOptions & { readonly keep: 'frames' | KeepFrames }): Promise<SweepResultWithFrames>
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[], transform: Transform, options?: SweepOptions): Promise<SweepResult>
export async function sweep(model: SegmentationModel, volumes: VolumeSample | readonly VolumeSample[], transform: Transform, options?: VolumeSweepOptions): Promise<SweepResult>
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[] | VolumeSample | readonly VolumeSample[], transform: Transform, options: SweepOptions | VolumeSweepOptions = {}): Promise<SweepResult> {
  // Volumes ({ image: { dims } }) are swept slice by slice and scored in 3D (sweep/volume.ts).
  if (isVolumeInput(samples)) return sweepVolumes(model, samples as VolumeSample | readonly VolumeSample[], transform, options as VolumeSweepOptions)
  const t0 = performance.now()
  const plan = resolveSweep(model, samples as Sample | readonly Sample[], transform, options as SweepOptions)
  const raw = await runBatches(plan, { onProgress: options.onProgress, signal: options.signal })
  return assembleResult(plan, raw, performance.now() - t0)
}

/** What {@link assembleResult} reads of a plan: the volume sweep's samples are volumes, so only their ids count. */
export type AssemblyPlan = Omit<SweepPlan, 'samples'> & { readonly samples: readonly { readonly id: string }[] }

/** The warnings of a run: one per sample/class pair whose untransformed reference lacks the class. */
function warningsOf(plan: AssemblyPlan, raw: RawScores): SweepWarning[] {
  const what = plan.reference === 'truth' ? 'the truth' : 'the clean prediction'
  return raw.emptyReferences.map(({ sample, className }) => {
    const id = (plan.samples[sample] as { id: string }).id
    return { sample: id, className, reason: 'empty-reference', message: `sample ${JSON.stringify(id)}: ${what} has no ${className}; not scored` }
  })
}

/** The plain-JSON result of a finished run (with its frames attached, non-enumerable, when kept). */
export function assembleResult(plan: AssemblyPlan, raw: RawScores, totalMs: number): SweepResult {
  const { metrics, classNames, values, transform } = plan
  const reduced = reduceScores(raw.scores, metrics, classNames, values.length)
  const warnings = warningsOf(plan, raw)
  const result: SweepResult = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    model: plan.model.name,
    transform: { name: transform.name, parameter: parameterJson(transform), options: optionsJson(transform) },
    values: [...values],
    classes: [...classNames],
    metrics: [...metrics],
    reference: plan.reference,
    emptyPolicy: { bothEmpty: plan.emptyPolicy.bothEmpty },
    ...(metrics.includes('nsd') ? { nsdTolerance: plan.nsdTolerance } : {}),
    samples: plan.samples.map((s, i) => ({ id: s.id, scores: reduced.samples[i] ?? {} })),
    mean: reduced.mean,
    meanCounts: reduced.meanCounts,
    ...(warnings.length ? { warnings } : {}),
    timing: { totalMs, predictMs: raw.predictMs, transformMs: raw.transformMs, scoreMs: raw.scoreMs, predictions: raw.predictions },
  }
  if (raw.frames) {
    const samples = plan.samples.flatMap((s, i) => (raw.frames?.[i] ? [{ id: s.id, frames: raw.frames[i] }] : []))
    const frames: SweepFrames = { classes: { ...plan.classes }, samples }
    // Non-enumerable: JSON.stringify, spreads and structuredClone skip it, so the result stays plain JSON data.
    Object.defineProperty(result, 'frames', { value: frames, enumerable: false, writable: false, configurable: true })
  }
  return result
}
