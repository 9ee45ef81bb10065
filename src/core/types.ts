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

/**
 * A 3D image volume (for example one loaded from NIfTI or a DICOM series), in the loader's stated display
 * orientation. Voxel (i, j, k) channel c is at `((k * dims[1] + j) * dims[0] + i) * channels + c`: i runs along a
 * row (x, columns), j down the rows (y), k over the slices, so slice k is a row-major `dims[0] x dims[1]` image.
 */
export interface Volume {
  /** Voxels along i (x, columns), j (y, rows) and k (slices). */
  readonly dims: readonly [number, number, number]
  readonly channels: number
  /** Intensities, scaled by the loader (see its window option). */
  readonly data: Float32Array
  /** Millimetres between voxel centres along i, j and k. */
  readonly spacing: readonly [number, number, number]
  /** Voxel (i, j, k, 1) -> world millimetres (RAS+), 16 numbers, row-major 4x4. */
  readonly affine: readonly number[]
}

/** A 3D label map on a {@link Volume}'s grid: one integer class id per voxel, the same index order. */
export interface LabelVolume {
  readonly dims: readonly [number, number, number]
  readonly data: Uint8Array | Uint16Array
  readonly spacing: readonly [number, number, number]
  readonly affine: readonly number[]
}

/** One volume with its optional ground-truth label volume. `id` names it in results and messages. */
export interface VolumeSample {
  readonly id: string
  readonly image: Volume
  readonly truth?: LabelVolume
}

/** Class id -> name. Id 0 is background and is not scored unless named explicitly. */
export type Classes = Readonly<Record<number, string>>
