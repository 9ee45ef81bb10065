/** The public types of the DICOM loaders: options, the tags segsense reports, and what a load returns. */
import { optionKeys } from '../../core/options.js'
import type { Raster } from '../../core/types.js'

/** How a DICOM image's values become the raster's intensities (see {@link LoadDicomOptions.window}). */
export type DicomWindow = 'none' | 'minmax' | readonly [center: number, width: number]

/** Options of {@link loadDicom} (and of `loadImage` for `.dcm` files). */
export interface LoadDicomOptions {
  /** Frame of a multi-frame file, 0-based (default 0); the file's count is `frames` in the result. */
  readonly frame?: number
  /**
   * Intensity scaling after Rescale Slope/Intercept. Default: the file's VOI window (Window Center/Width; the
   * first of several unless `windowIndex` picks another) mapped to [0, 1] with DICOM's linear VOI function,
   * or min-max of the frame when the file has none. `[center, width]`: that window. `'minmax'`: min-max of the
   * frame (of the whole series for a folder). `'none'`: the rescaled (modality) values as they are, e.g. CT in
   * Hounsfield units, MONOCHROME1 not inverted. Colour images: divided by 2^BitsStored - 1 unless `'none'`.
   */
  readonly window?: DicomWindow
  /** Which of the file's VOI windows to use by default (0-based; default 0). */
  readonly windowIndex?: number
  /** Pixel limit checked before decoding (default 100 000 000); `Infinity` disables it. */
  readonly maxPixels?: number
}

/** The keys of {@link LoadDicomOptions}. */
export const LOAD_DICOM_KEYS = optionKeys<LoadDicomOptions>({
  frame: true,
  window: true,
  windowIndex: true,
  maxPixels: true,
})

/** The tags of a DICOM image that segsense reports (absent tags are undefined). */
export interface DicomMeta {
  readonly sopClassUid?: string
  readonly transferSyntaxUid: string
  readonly modality?: string
  readonly rows: number
  readonly columns: number
  readonly seriesDescription?: string
  readonly seriesInstanceUid?: string
  readonly sliceLocation?: number
  readonly instanceNumber?: number
  readonly photometricInterpretation: string
  readonly bitsAllocated: number
  readonly bitsStored: number
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: number
  readonly rescaleSlope: number
  readonly rescaleIntercept: number
  /** Pixel Spacing (0028,0030) as stored: [between rows (y), between columns (x)] in mm. */
  readonly pixelSpacing?: readonly [number, number]
  /** Image Position (Patient) (0020,0032): the first pixel's centre, LPS mm. */
  readonly imagePosition?: readonly [number, number, number]
  /** Image Orientation (Patient) (0020,0037): row direction then column direction, LPS. */
  readonly imageOrientation?: readonly [number, number, number, number, number, number]
  readonly sliceThickness?: number
  /** The VOI window applied as [center, width], or null when none was (min-max, `'none'`, colour). */
  readonly window: readonly [number, number] | null
}

/** What {@link loadDicom} returns. */
export interface DicomImage {
  /** The chosen frame, 1 channel (grey) or 3 (RGB); `spacing` is [x, y] = [Pixel Spacing[1], Pixel Spacing[0]]. */
  readonly image: Raster
  /** Number of frames in the file (Number of Frames, 1 when absent). */
  readonly frames: number
  readonly meta: DicomMeta
}

/** Options of {@link loadDicomSeries}. */
export interface LoadDicomSeriesOptions {
  /** As {@link LoadDicomOptions.window}; a file's own window is taken from the first slice, min-max spans the series. */
  readonly window?: DicomWindow
  /** As {@link LoadDicomOptions.windowIndex}. */
  readonly windowIndex?: number
  /** Voxel limit of the series (default 100 000 000 x 16). */
  readonly maxPixels?: number
}
