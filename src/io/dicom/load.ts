/**
 * DICOM images (one file, one frame of a multi-frame file) read with dicom-parser, which is loaded on first use.
 * Pixel data: native (uncompressed) in explicit or implicit VR, little or big endian, deflated, RLE Lossless (decoded
 * here), JPEG-LS and JPEG 2000 (optional codecs, see codecs.ts). JPEG baseline, extended and lossless are refused.
 */
import { SegsenseError, describeValue } from '../../core/errors.js'
import { checkKnownKeys } from '../../core/options.js'
import type { Raster } from '../../core/types.js'
import { checkMaxPixels, readSource, sourceName, tooLarge, type ImageSource } from '../source.js'
import { parse } from './parse.js'
import { frameSamples } from './pixel-data.js'
import { LOAD_DICOM_KEYS, type DicomImage, type DicomMeta, type LoadDicomOptions } from './types.js'
import { toIntensities } from './window.js'

/** Checks the options every DICOM loader shares; `where` names the caller in messages. */
export function checkOptions(
  options: LoadDicomOptions,
  where: string,
): { frame: number; windowIndex: number; maxPixels: number } {
  checkKnownKeys(options, LOAD_DICOM_KEYS, where)
  const { frame = 0, windowIndex = 0, window } = options
  if (!Number.isInteger(frame) || frame < 0)
    throw new SegsenseError(
      typeof frame !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `frame must be a non-negative integer, got ${describeValue(frame)}`,
      {
        details: { frame },
      },
    )
  if (!Number.isInteger(windowIndex) || windowIndex < 0)
    throw new SegsenseError(
      typeof windowIndex !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `windowIndex must be a non-negative integer, got ${describeValue(windowIndex)}`,
    )
  const okWindow =
    window === undefined ||
    window === 'none' ||
    window === 'minmax' ||
    (Array.isArray(window) &&
      window.length === 2 &&
      window.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      window[1] >= 1)
  if (!okWindow)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `DICOM window must be 'none', 'minmax' or [center, width] with width >= 1, got ${describeValue(window)}`,
      { details: { window } },
    )
  return { frame, windowIndex, maxPixels: checkMaxPixels(options.maxPixels) }
}

/** Raster.spacing [x, y] of a DICOM image (Pixel Spacing stores y first). */
export function rasterSpacing(meta: Omit<DicomMeta, 'window'>): readonly [number, number] | undefined {
  // Pixel Spacing is (row spacing, column spacing) = (y, x); Raster.spacing is (x, y).
  return meta.pixelSpacing ? [meta.pixelSpacing[1], meta.pixelSpacing[0]] : undefined
}

/**
 * Loads one frame of a DICOM file as a {@link Raster} in [0, 1] (see {@link LoadDicomOptions.window}), with the
 * file's frame count and its useful tags. `image.spacing` is [x, y] in mm: [Pixel Spacing[1], Pixel Spacing[0]]
 * (DICOM stores the row spacing, i.e. y, first). MONOCHROME1 is inverted so that bright means high in every file.
 *
 * @param source a file path or the file's bytes.
 * JPEG-LS and JPEG 2000 frames are decoded by the optional packages `@cornerstonejs/codec-charls` and
 * `@cornerstonejs/codec-openjpeg` when they are installed.
 *
 * @throws SegsenseError `E_UNSUPPORTED_TRANSFER_SYNTAX` naming the UID (JPEG baseline, extended and lossless; JPEG-LS
 *   or JPEG 2000 without their codec package);
 *   `E_UNSUPPORTED_SOP_CLASS` for DICOM SEG, RT STRUCT and other objects without an image;
 *   `E_IMAGE_DECODE`, `E_IMAGE_TOO_LARGE`, `E_FILE_NOT_FOUND`, `E_BAD_PARAMETER` (a frame past the last).
 * @example
 * const { image, frames, meta } = await loadDicom('ct.dcm', { window: [40, 400] })   // soft-tissue window
 */
export async function loadDicom(source: ImageSource, options: LoadDicomOptions = {}): Promise<DicomImage> {
  const { frame, windowIndex, maxPixels } = checkOptions(options, 'loadDicom options')
  const name = sourceName(source)
  const p = await parse(await readSource(source), name)
  if (frame >= p.frames) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `frame ${frame} is out of range: DICOM ${name} has ${p.frames} frame${p.frames === 1 ? '' : 's'} (0..${p.frames - 1})`,
      { details: { file: name, frame, frames: p.frames } },
    )
  }
  if (p.meta.rows * p.meta.columns > maxPixels) throw tooLarge(name, p.meta.columns, p.meta.rows, maxPixels)
  const values = await frameSamples(p, frame)
  const { data, applied } = toIntensities(values, p, options.window, windowIndex)
  const spacing = rasterSpacing(p.meta)
  const image: Raster = {
    width: p.meta.columns,
    height: p.meta.rows,
    channels: p.samplesPerPixel,
    data,
    ...(spacing ? { spacing } : {}),
  }
  return { image, frames: p.frames, meta: { ...p.meta, window: applied } }
}

/**
 * The stored label ids of one frame of a DICOM file (no rescale, no window): for label images stored as DICOM.
 * @throws SegsenseError `E_BAD_MASK` for colour or negative or > 65535 values, and the errors of {@link loadDicom}.
 */
export async function loadDicomLabels(
  source: ImageSource,
  options: { frame?: number; maxPixels?: number } = {},
): Promise<{ width: number; height: number; data: Uint8Array | Uint16Array; spacing?: readonly [number, number] }> {
  checkKnownKeys(options, ['frame', 'maxPixels'], 'loadMask options (DICOM)')
  const { frame, maxPixels } = checkOptions(
    { frame: options.frame, maxPixels: options.maxPixels },
    'loadMask options (DICOM)',
  )
  const name = sourceName(source)
  const p = await parse(await readSource(source, 'mask'), name)
  if (frame >= p.frames)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `frame ${frame} is out of range: DICOM ${name} has ${p.frames} frame${p.frames === 1 ? '' : 's'}`,
      { details: { file: name, frame } },
    )
  if (p.meta.rows * p.meta.columns > maxPixels) throw tooLarge(name, p.meta.columns, p.meta.rows, maxPixels)
  if (p.samplesPerPixel !== 1)
    throw new SegsenseError(
      'E_BAD_MASK',
      `mask ${name} is a colour DICOM (${p.meta.photometricInterpretation}); a label image stores one id per pixel`,
      { details: { file: name } },
    )
  const values = await frameSamples(p, frame)
  let max = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v < 0 || v > 65535)
      throw new SegsenseError(
        'E_BAD_MASK',
        `mask ${name}: pixel (${i % p.meta.columns}, ${Math.floor(i / p.meta.columns)}) has value ${v}; label ` +
          `ids must be integers in 0..65535`,
        { details: { file: name } },
      )
    if (v > max) max = v
  }
  const data = max > 255 ? Uint16Array.from(values) : Uint8Array.from(values)
  const spacing = rasterSpacing(p.meta)
  return { width: p.meta.columns, height: p.meta.rows, data, ...(spacing ? { spacing } : {}) }
}
