/**
 * An image: row-major, channels interleaved (HWC). Intensities are scaled to [0, 1] by the loaders.
 * Transforms may produce values outside [0, 1] (e.g. noise); they never produce NaN.
 */
export interface Raster {
  readonly width: number
  readonly height: number
  readonly channels: number
  /** `width * height * channels` intensities, pixel (x, y) channel c at `(y * width + x) * channels + c`. */
  readonly data: Float32Array
  /** Millimetres per pixel along (x, y), when known. */
  readonly spacing?: readonly [number, number]
}

/** A mask: one integer class id per pixel, row-major. */
export interface LabelMap {
  readonly width: number
  readonly height: number
  /** `width * height` class ids, pixel (x, y) at `y * width + x`. */
  readonly data: Uint8Array | Uint16Array
  /** Millimetres per pixel along (x, y), when known. */
  readonly spacing?: readonly [number, number]
}

/** One image with its optional ground-truth mask. `id` names it in results and messages. */
export interface Sample {
  readonly id: string
  readonly image: Raster
  readonly truth?: LabelMap
}

/** Class id -> name. Id 0 is background and is not scored unless named explicitly. */
export type Classes = Readonly<Record<number, string>>
