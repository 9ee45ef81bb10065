import { SegsenseError, describeValue } from '../core/errors.js'
import type { Classes, LabelMap, Raster } from '../core/types.js'

/**
 * Images per model call (one `predict` batch, one `session.run`) when the caller does not say.
 * One default for the whole library; batch 8 and 16 measured within noise of each other.
 */
export const DEFAULT_BATCH_SIZE = 16

/**
 * A segmentation model as segsense sees it: images in, one label map per image out, at each image's
 * own size. Implementations may batch internally; `predict` receives a batch.
 */
export interface SegmentationModel {
  /** Name shown in results and messages. */
  readonly name: string
  /** Class id -> name of the ids the model predicts (0 = background). */
  readonly classes: Classes
  /**
   * What produced the predictions, recorded by sweep snapshots so that a snapshot taken with another model or other
   * model settings fails instead of passing within tolerance. `loadOnnxModel` sets it from a hash of the model
   * file's bytes and one of the adapter options (`file:<hex>,options:<hex>`); function models have none. Text
   * without spaces; comma-separated `part:value` pieces let a message name the part that changed.
   */
  readonly fingerprint?: string
  /** Predicts one label map per image, each the size of its image. */
  predict(images: readonly Raster[]): Promise<LabelMap[]>
  /** Releases native resources (sessions, workers). */
  close?(): Promise<void>
}

/**
 * Wraps a plain function (one image in, one label map out, sync or async) as a {@link SegmentationModel}.
 * The result of every call is checked: a label map of the wrong size is an `E_MODEL_OUTPUT` error naming
 * the model and both sizes.
 *
 * @example
 * const threshold = functionModel('threshold', { 1: 'fg' }, (img) => labelMap(img.width, img.height,
 * img.data.map((v) => (v > 0.5 ? 1 : 0))))
 */
export function functionModel(
  name: string,
  classes: Classes,
  fn: (img: Raster) => LabelMap | Promise<LabelMap>,
): SegmentationModel {
  if (typeof fn !== 'function')
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `functionModel ${JSON.stringify(name)}: fn must be a function, got ${describeValue(fn)}`,
    )
  return {
    name,
    classes,
    async predict(images) {
      const out: LabelMap[] = []
      for (const img of images) out.push(checkPrediction(name, img, await fn(img)))
      return out
    },
  }
}

/** Throws `E_MODEL_OUTPUT` unless `prediction` is a label map of the image's size. Returns it. */
export function checkPrediction(modelName: string, img: Raster, prediction: LabelMap): LabelMap {
  if (!prediction || !(prediction.data instanceof Uint8Array || prediction.data instanceof Uint16Array)) {
    throw new SegsenseError(
      'E_MODEL_OUTPUT',
      `model ${JSON.stringify(modelName)} returned ${describeValue(prediction)}, expected a LabelMap with Uint8Array or Uint16Array data`,
    )
  }
  if (
    prediction.width !== img.width ||
    prediction.height !== img.height ||
    prediction.data.length !== img.width * img.height
  ) {
    throw new SegsenseError(
      'E_MODEL_OUTPUT',
      `model ${JSON.stringify(modelName)} returned a ${prediction.width}x${prediction.height} prediction ` +
        `(${prediction.data.length} values) for a ${img.width}x${img.height} image; expected the image's own size`,
      {
        details: { model: modelName, got: [prediction.width, prediction.height], expected: [img.width, img.height] },
      },
    )
  }
  return prediction
}
