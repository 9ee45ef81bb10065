/**
 * One model call of a sweep: raced against the abort signal and the batch timeout (a model that never answers is
 * abandoned), timed, and its output checked. The image sweep (run.ts) and the volume sweep (volume.ts) share it.
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'
import { checkPrediction, type SegmentationModel } from '../models/model.js'
import { withDeadline } from './deadline.js'

/** The error of a sweep stopped by its signal, saying how far it got. */
export function aborted(what: string, done: number, total: number, signal: AbortSignal): SegsenseError {
  return new SegsenseError('E_ABORTED', `${what} aborted after ${done} of ${total} predictions`, {
    cause: signal.reason,
    details: { done, total },
  })
}

/** What {@link batchPredictor} needs to know of its sweep. */
export interface BatchContext {
  readonly model: SegmentationModel
  /** Milliseconds one call may take; undefined: no limit. */
  readonly batchTimeout: number | undefined
  /** Names the sweep in messages. */
  readonly what: string
  /** How many calls the sweep makes, and what one image is called in messages (`image`, `slice`). */
  readonly batches: number
  readonly unit: string
  readonly signal?: AbortSignal | undefined
  /** Predictions done and planned, for the abort message. */
  readonly progress: () => { readonly done: number; readonly total: number }
}

/** Predicts batches one after another, numbering them and summing the time spent in `model.predict`. */
export interface BatchPredictor {
  predict(images: Raster[]): Promise<LabelMap[]>
  /** Milliseconds spent in the model so far. */
  readonly ms: number
}

/** A {@link BatchPredictor} for one sweep. */
export function batchPredictor(context: BatchContext): BatchPredictor {
  const { model, batchTimeout, what, batches, unit, signal } = context
  let batch = 0
  let ms = 0
  return {
    get ms() {
      return ms
    },
    async predict(images) {
      const t = performance.now()
      const number = ++batch
      const out = await withDeadline(
        Promise.resolve().then(() => model.predict(images)),
        {
          signal,
          timeout: batchTimeout,
          onAbort: () => {
            const { done, total } = context.progress()
            return aborted(what, done, total, signal as AbortSignal)
          },
          onTimeout: () =>
            new SegsenseError(
              'E_TIMEOUT',
              `model ${JSON.stringify(model.name)} did not answer batch ${number} of ${batches} (${images.length} ` +
                `${unit}${images.length === 1 ? '' : 's'}) within the batchTimeout of ${batchTimeout} ms (${what})`,
              {
                details: { model: model.name, batch: number, batches, images: images.length, batchTimeout },
              },
            ),
        },
      )
      ms += performance.now() - t
      if (!Array.isArray(out) || out.length !== images.length) {
        throw new SegsenseError(
          'E_MODEL_OUTPUT',
          `model ${JSON.stringify(model.name)} returned ` +
            `${Array.isArray(out) ? out.length : describeValue(out)} predictions for a batch of ${images.length} ` +
            `${unit}s`,
        )
      }
      return out.map((p, i) => checkPrediction(model.name, images[i] as Raster, p))
    },
  }
}
