import type { Sample, VolumeSample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import type { SweepResult } from '../results/sweep-result.js'
import { type AssemblyExtras, assembleResult } from './assemble.js'
import { runRepeats } from './repeats.js'
import { cacheFor } from './cache.js'
import { type ProgressCounter, type Run, evaluateValues, mergeRuns } from './evaluate.js'
import { refineRun } from './refine.js'
import { resolveSweep } from './resolve.js'
import { type RawScores, runBatches } from './run.js'
import type { KeepFrames, SweepOptions, SweepPlan, SweepResultWithFrames } from './types.js'
import { type VolumeSweepOptions, isVolumeInput, sweepVolumes } from './volume.js'

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
 *   `batchTimeout`), `E_DEGENERATE_REFERENCE` (`reference: 'prediction'` with a clean prediction that fills the
 *   image, or a model that ignores its input).
 * @example
 * const result = await sweep(model, samples, rotate, { range: [-30, 30], step: 5, metrics: ['dice'] })
 */
export async function sweep(
  model: SegmentationModel,
  samples: Sample | readonly Sample[],
  transform: Transform,
  options: SweepOptions & { readonly keep: 'frames' | KeepFrames },
): Promise<SweepResultWithFrames>
export async function sweep(
  model: SegmentationModel,
  samples: Sample | readonly Sample[],
  transform: Transform,
  options?: SweepOptions,
): Promise<SweepResult>
export async function sweep(
  model: SegmentationModel,
  volumes: VolumeSample | readonly VolumeSample[],
  transform: Transform,
  options?: VolumeSweepOptions,
): Promise<SweepResult>
export async function sweep(
  model: SegmentationModel,
  samples: Sample | readonly Sample[] | VolumeSample | readonly VolumeSample[],
  transform: Transform,
  options: SweepOptions | VolumeSweepOptions = {},
): Promise<SweepResult> {
  // Volumes ({ image: { dims } }) are swept slice by slice and scored in 3D (sweep/volume.ts).
  if (isVolumeInput(samples))
    return sweepVolumes(model, samples as readonly VolumeSample[], transform, options as VolumeSweepOptions)
  const t0 = performance.now()
  const plan = resolveSweep(model, samples as Sample | readonly Sample[], transform, options)
  const { values, raw, extras } = await runPlan(plan)
  return assembleResult({ ...plan, values }, raw, performance.now() - t0, extras)
}

/** What running a plan gives the assembly: the evaluated values (refinement adds some), their scores, the extras. */
interface Finished {
  readonly values: readonly number[]
  readonly raw: RawScores
  readonly extras: AssemblyExtras
}

/** Runs a plan: repeated draws, or confusion counts, run straight; the rest through the cache, then refined. */
async function runPlan(plan: SweepPlan): Promise<Finished> {
  // Repeated draws and confusion counts run uncached and unrefined (resolveSweep refuses refine with them).
  if (plan.repeats > 1) {
    const repeated = await runRepeats(plan, plan.control)
    return { values: plan.values, raw: repeated.raw, extras: { repeated } }
  }
  if (plan.confusion) return { values: plan.values, raw: await runBatches(plan, plan.control), extras: {} }
  const store = await cacheFor(plan)
  const counter: ProgressCounter = { done: 0, total: 0 }
  const evaluate = (values: readonly number[], before?: Run): Promise<Run> =>
    evaluateValues(plan, values, store, plan.control, counter, before?.references)
  const first = await evaluate(plan.values)
  const { run, refinement } = plan.refine
    ? await refineRun(plan, plan.refine, first, evaluate, mergeRuns)
    : { run: first, refinement: undefined }
  return { values: run.values, raw: run.raw, extras: { cached: run.cached, refined: refinement } }
}
