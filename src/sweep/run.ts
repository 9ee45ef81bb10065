import { SegsenseError, describeValue } from '../core/errors.js'
import { assertSameSize } from '../core/raster.js'
import type { LabelMap, Raster, Sample } from '../core/types.js'
import { scoreMasks } from '../metrics/overlap.js'
import { checkPrediction } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import type { SweepPlan } from './resolve.js'
import type { SweepFrame, SweepProgress } from './sweep.js'

/**
 * What the runner measured: per sample, metric and class, one score per swept value (NaN = undefined), the kept
 * frames, and where the time went.
 */
export interface RawScores {
  /** `scores[sample][metric][class][value]`, in the plan's orders. */
  readonly scores: readonly (readonly (readonly Float64Array[])[])[]
  /** Per sample, its frames, or null when they were not kept (the whole list is null when none were). */
  readonly frames: readonly (readonly SweepFrame[] | null)[] | null
  readonly predictions: number
  readonly predictMs: number
  readonly transformMs: number
  readonly scoreMs: number
}

/** How a run reports progress and can be stopped. */
export interface RunControl {
  readonly onProgress?: ((progress: SweepProgress) => void) | undefined
  readonly signal?: AbortSignal | undefined
}

function aborted(what: string, done: number, total: number, signal: AbortSignal): SegsenseError {
  return new SegsenseError('E_ABORTED', `${what} aborted after ${done} of ${total} predictions`, { cause: signal.reason, details: { done, total } })
}

/**
 * Runs a planned sweep: pairs (sample, value) go to `model.predict` in batches of `batchSize`; only one batch of
 * transformed images is alive at a time, and each transformed reference is computed once, when its pair is scored.
 */
export async function runBatches(plan: SweepPlan, control: RunControl = {}): Promise<RawScores> {
  const { model, transform, samples: list, values, metrics, classNames, reference, batchSize, what } = plan
  const n = list.length
  const K = values.length
  const total = n * K + (reference === 'prediction' ? n : 0)
  let done = 0
  let predictMs = 0
  let transformMs = 0
  let scoreMs = 0
  const { signal } = control

  const predict = async (images: Raster[]): Promise<LabelMap[]> => {
    const t = performance.now()
    const out = await model.predict(images)
    predictMs += performance.now() - t
    if (!Array.isArray(out) || out.length !== images.length) {
      throw new SegsenseError('E_MODEL_OUTPUT', `model ${JSON.stringify(model.name)} returned ${Array.isArray(out) ? out.length : describeValue(out)} predictions for a batch of ${images.length} images`)
    }
    return out.map((p, i) => checkPrediction(model.name, images[i] as Raster, p))
  }
  const progress = (): void => control.onProgress?.({ done, total })

  // Reference masks before any transform: the truth, or the model's own clean predictions (batched too).
  const refs: LabelMap[] = new Array<LabelMap>(n)
  if (reference === 'truth') list.forEach((s, i) => (refs[i] = s.truth as LabelMap))
  else {
    for (let start = 0; start < n; start += batchSize) {
      if (signal?.aborted) throw aborted(what, done, total, signal)
      const batch = list.slice(start, start + batchSize)
      const preds = await predict(batch.map((s) => s.image))
      preds.forEach((p, i) => (refs[start + i] = p))
      done += batch.length
      progress()
    }
  }

  const scores: Float64Array[][][] = list.map(() => metrics.map(() => classNames.map(() => new Float64Array(K))))
  const keep = plan.keepFrames
  const kept: (SweepFrame[] | null)[] | null = keep ? list.map((s) => (keep.has(s.id) ? new Array<SweepFrame>(K) : null)) : null
  const scoreOptions = { classes: plan.classes, metrics, emptyPolicy: plan.emptyPolicy, includeBackground: plan.includeBackground, nsdTolerance: plan.nsdTolerance }
  const pairs = n * K
  for (let start = 0; start < pairs; start += batchSize) {
    if (signal?.aborted) throw aborted(what, done, total, signal)
    const end = Math.min(pairs, start + batchSize)
    let t = performance.now()
    const images: Raster[] = []
    for (let p = start; p < end; p++) images.push(transform.image((list[Math.floor(p / K)] as Sample).image, values[p % K] as number))
    transformMs += performance.now() - t
    const preds = await predict(images)
    for (let p = start; p < end; p++) {
      const s = Math.floor(p / K)
      const k = p % K
      const value = values[k] as number
      const image = images[p - start] as Raster
      t = performance.now()
      let ref = refs[s] as LabelMap
      if (transform.spatial) ref = (transform.labels as NonNullable<Transform['labels']>)(ref, value)
      transformMs += performance.now() - t
      const at = `transform ${JSON.stringify(transform.name)} at ${transform.parameter.name}=${value} on sample ${JSON.stringify((list[s] as Sample).id)}`
      assertSameSize(image, ref, `${at}: transformed image and ${reference === 'truth' ? 'truth' : 'reference prediction'}`)
      t = performance.now()
      const prediction = preds[p - start] as LabelMap
      const keptFrames = kept?.[s]
      if (keptFrames) keptFrames[k] = { value, image, reference: ref, prediction }
      const scored = scoreMasks(prediction, ref, scoreOptions)
      const table = scores[s] as Float64Array[][]
      metrics.forEach((m, mi) => {
        const perClass = scored[m]
        classNames.forEach((c, ci) => ((table[mi] as Float64Array[])[ci] as Float64Array)[k] = perClass[c] as number)
      })
      scoreMs += performance.now() - t
    }
    done += end - start
    progress()
  }
  return { scores, frames: kept, predictions: done, predictMs, transformMs, scoreMs }
}
