/**
 * Raster images from files or bytes (PNG, JPEG, TIFF, WebP and whatever else sharp reads), and PNG output.
 */
import type { Metadata, OutputInfo } from 'sharp'
import { loadSharp } from './sharp.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import { MAX_PIXELS } from '../core/limits.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Raster } from '../core/types.js'
import { encodePng } from './png.js'
import { loadMedicalImage, medicalFormat, type MedicalSliceOptions } from './medical.js'
import { type ImageSource, checkMaxPixels, readSource, sourceName, tooLarge } from './source.js'
import { writeFileAtomic } from '../core/fs.js'

/**
 * Default pixel limit (width x height) of the loaders: 100 megapixels, e.g. 10000 x 10000. A
 * decompression bomb declares a huge size in a small file; the limit is checked from the header
 * before any pixel is decoded. Raise it with the `maxPixels` option for trusted large scans.
 */
export const DEFAULT_MAX_PIXELS = MAX_PIXELS

/** The keys of {@link LoadImageOptions}. */
export const LOAD_IMAGE_KEYS = optionKeys<LoadImageOptions>({
  keepAlpha: true,
  grey: true,
  maxPixels: true,
  frame: true,
  window: true,
  windowIndex: true,
  axis: true,
  slice: true,
  volume: true,
})

/** Options of {@link loadImage}; the {@link MedicalSliceOptions} apply to DICOM and NIfTI sources only. */
export interface LoadImageOptions extends MedicalSliceOptions {
  /** Keep an alpha channel as the last channel (default false: alpha is dropped). */
  readonly keepAlpha?: boolean
  /** Pixel limit checked before decoding (default {@link DEFAULT_MAX_PIXELS}); `Infinity` disables it. */
  readonly maxPixels?: number
  /**
   * Convert colour images to one luma channel, Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601), computed
   * in float from the stored samples (with `keepAlpha`: luma + alpha). Grey files are grey already. Default false.
   */
  readonly grey?: boolean
}

function decodeFailure(name: string, e: unknown): SegsenseError {
  if (e instanceof SegsenseError) return e
  const reason = e instanceof Error ? e.message : String(e)
  return new SegsenseError('E_IMAGE_DECODE', `cannot decode image ${name}: ${reason}`, {
    cause: e,
    details: { file: name, reason },
  })
}

/** Stored samples of an image decoded by sharp: integers of `bits` bits, `channels` per pixel. */
export interface DecodedSamples {
  readonly width: number
  readonly height: number
  readonly channels: number
  readonly bits: 8 | 16
  readonly data: Uint8Array | Uint16Array
  /** True when the last channel is alpha. */
  readonly alpha: boolean
  /** True when the stored image is grey (the first channel is the grey value). */
  readonly grey: boolean
}

/**
 * Decodes encoded bytes with sharp to their integer samples, keeping 16-bit depth and 1-channel grey.
 * No colour management (embedded ICC profiles are ignored) and no EXIF rotation: the stored values are
 * returned, as PIL/numpy pipelines see them. The pixel limit is checked from the header first.
 *
 * @throws SegsenseError `E_IMAGE_TOO_LARGE`, or `E_IMAGE_DECODE` with sharp's reason.
 */
export async function decodeWithSharp(
  bytes: Uint8Array,
  name: string,
  maxPixels: number,
  keepAlpha: boolean,
): Promise<DecodedSamples> {
  const sharp = await loadSharp()
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // failOn 'error' aborts on truncated or corrupt pixel data but tolerates benign warnings such as a
  // known-bad sRGB profile. The header is read without sharp's pixel limit so that our own check below
  // can name the size; the decode itself then runs with limitInputPixels as a second guard.
  const load = (limit: number | false) => sharp(input, { limitInputPixels: limit, failOn: 'error', ignoreIcc: true })
  let meta: Metadata
  try {
    meta = await load(false).metadata()
  } catch (e) {
    throw decodeFailure(name, e)
  }
  const { width, height } = meta
  if (!width || !height)
    throw new SegsenseError('E_IMAGE_DECODE', `cannot decode image ${name}: no image size in its header`, {
      details: { file: name },
    })
  if (width * height > maxPixels) throw tooLarge(name, width, height, maxPixels)
  if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot load image ${name}: samples are '${meta.depth}', expected 8- or 16-bit unsigned integers`,
      { details: { file: name, depth: meta.depth } },
    )
  }
  const bits = meta.depth === 'ushort' ? 16 : 8
  const grey = meta.space === 'b-w' || meta.space === 'grey16'
  const alpha = keepAlpha && meta.hasAlpha
  // Without an explicit output colourspace sharp converts to 8-bit sRGB: grey would become 3 channels
  // and 16-bit samples would lose their low byte. Grey + kept alpha goes through RGB(A) because the
  // grey colourspaces drop alpha; sharp copies grey into R, G and B unchanged, and channel 0 is used.
  const space = grey && !alpha ? (bits === 16 ? 'grey16' : 'b-w') : bits === 16 ? 'rgb16' : 'srgb'
  let result: { data: Buffer; info: OutputInfo }
  try {
    let pipeline = load(Number.isFinite(maxPixels) ? maxPixels : false)
    if (!alpha) pipeline = pipeline.removeAlpha()
    result = await pipeline
      .toColourspace(space)
      .raw({ depth: bits === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true })
  } catch (e) {
    throw decodeFailure(name, e)
  }
  const { data, info } = result
  const expectChannels = grey && !alpha ? 1 : alpha ? 4 : 3
  if (info.channels !== expectChannels || info.width !== width || info.height !== height) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot load image ${name}: sharp returned ${info.width}x${info.height}x${info.channels}, expected ` +
        `${width}x${height}x${expectChannels}`,
      {
        details: { file: name },
      },
    )
  }
  let samples: Uint8Array | Uint16Array
  if (bits === 8) samples = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  // A Uint16Array view needs an even offset; copy in the (unexpected) case that sharp's buffer has none.
  else if (data.byteOffset % 2 === 0) samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
  else samples = new Uint16Array(new Uint8Array(data).buffer)
  return { width, height, channels: info.channels, bits, data: samples, alpha, grey }
}

/**
 * Loads an image as a {@link Raster} with values in [0, 1]: 8-bit samples divided by 255, 16-bit by
 * 65535 (a stored 1000 becomes exactly `1000 / 65535` in float32). Grey (and grey+alpha) files give 1
 * channel, colour files 3; alpha is dropped unless `keepAlpha` (then it is the last channel). Palette
 * PNGs load as their RGB colours (use {@link loadMask} for palette indices). Embedded ICC profiles and
 * EXIF orientation are not applied; spacing is not read (DPI in PNG/JPEG headers is usually a default,
 * not a physical pixel size).
 *
 * DICOM and NIfTI: a path ending in `.dcm`/`.dicom`, a folder (a DICOM series), a path ending in `.nii`/`.nii.gz`, or
 * bytes with a DICOM preamble or an uncompressed NIfTI header, load through `loadDicom`, `loadDicomSeries` or
 * `loadNifti` (their `window` options; `spacing` is set); for volumes, `axis` and `slice` choose the 2D slice
 * (default the middle slice along `k`), see `volumeSlice`.
 *
 * @param source a file path or the encoded bytes.
 * @throws SegsenseError `E_FILE_NOT_FOUND`; `E_IMAGE_DECODE` naming the file (or "buffer of N bytes") and
 *   the reason; `E_IMAGE_TOO_LARGE` when width x height exceeds `maxPixels` (default 100 000 000).
 * @example
 * const img = await loadImage('scan.png', { grey: true })   // img.channels === 1
 */
export async function loadImage(source: ImageSource, options: LoadImageOptions = {}): Promise<Raster> {
  checkKnownKeys(options, LOAD_IMAGE_KEYS, 'loadImage options')
  const maxPixels = checkMaxPixels(options.maxPixels)
  const format = await medicalFormat(source)
  if (format !== undefined) {
    const { keepAlpha: _keepAlpha, grey, ...medical } = options
    const image = await loadMedicalImage(format, source, medical, sourceName(source))
    return grey === true && image.channels === 3 ? toLuma(image) : image
  }
  const bytes = await readSource(source)
  const name = sourceName(source)
  const s = await decodeWithSharp(bytes, name, maxPixels, options.keepAlpha === true)
  const scale = s.bits === 16 ? 65535 : 255
  const src = s.data
  const n = s.width * s.height
  if (s.grey) {
    // Grey: 1 sample per pixel, or RGBA with R = G = B = grey when alpha is kept.
    const outCh = s.alpha ? 2 : 1
    const out = new Float32Array(n * outCh)
    if (!s.alpha) for (let i = 0; i < n; i++) out[i] = (src[i] as number) / scale
    else
      for (let i = 0; i < n; i++) {
        out[2 * i] = (src[4 * i] as number) / scale
        out[2 * i + 1] = (src[4 * i + 3] as number) / scale
      }
    return { width: s.width, height: s.height, channels: outCh, data: out }
  }
  if (options.grey === true) {
    const inCh = s.channels
    const outCh = s.alpha ? 2 : 1
    const out = new Float32Array(n * outCh)
    for (let i = 0; i < n; i++) {
      const p = i * inCh
      out[i * outCh] =
        (0.299 * (src[p] as number) + 0.587 * (src[p + 1] as number) + 0.114 * (src[p + 2] as number)) / scale
      if (s.alpha) out[i * outCh + 1] = (src[p + 3] as number) / scale
    }
    return { width: s.width, height: s.height, channels: outCh, data: out }
  }
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) / scale
  return { width: s.width, height: s.height, channels: s.channels, data: out }
}

/** A colour raster's BT.601 luma (as the `grey` option does for 8/16-bit files). */
function toLuma(image: Raster): Raster {
  const n = image.width * image.height
  const out = new Float32Array(n)
  const d = image.data
  for (let i = 0; i < n; i++)
    out[i] = 0.299 * (d[3 * i] as number) + 0.587 * (d[3 * i + 1] as number) + 0.114 * (d[3 * i + 2] as number)
  return { ...image, channels: 1, data: out }
}

/** Options of {@link saveImage}. */
export interface SaveImageOptions {
  /** Bits per sample of the PNG: 8 (default) or 16. */
  readonly bitDepth?: 8 | 16
}

/**
 * Saves a raster as PNG (1-4 channels: grey, grey+alpha, RGB, RGBA). Values are clamped to [0, 1] and
 * rounded to 8 bits (default) or 16 bits. The write is atomic (core/fs.ts `writeFileAtomic`).
 *
 * @throws SegsenseError `E_FILE_WRITE` naming the path (e.g. its folder does not exist),
 *   `E_BAD_PARAMETER` for a raster PNG cannot hold.
 */
export async function saveImage(image: Raster, path: string, options: SaveImageOptions = {}): Promise<void> {
  checkKnownKeys(options, optionKeys<SaveImageOptions>({ bitDepth: true }), 'saveImage options')
  if (image && ArrayBuffer.isView(image.data) && !(image.data instanceof Float32Array)) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `saveImage expects a Raster with Float32Array data, got ${describeValue(image.data)}; use saveMask for label maps`,
    )
  }
  const bytes = await encodePng(image, options)
  await writeFileAtomic(path, bytes)
}
