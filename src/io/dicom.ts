/**
 * DICOM images (one file, one frame of a multi-frame file, or a folder holding one series) read with
 * dicom-parser, which is loaded on first use. Pixel data: native (uncompressed) in explicit or implicit VR,
 * little or big endian, deflated, RLE Lossless (decoded here), JPEG-LS and JPEG 2000 (optional codecs, see
 * dicom-codecs.ts). JPEG baseline, extended and lossless are refused.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataSet, Element } from 'dicom-parser'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Raster, Volume } from '../core/types.js'
import { checkMaxPixels, readSource, sourceName, type ImageSource } from './source.js'
import { tooLarge } from './png.js'
import { codecFor, decodeCompressedFrame } from './dicom-codecs.js'

type DicomParserModule = typeof import('dicom-parser')
let loading: Promise<DicomParserModule> | undefined

/** dicom-parser, loaded on first use (it is CommonJS: its functions sit on the default export). */
function loadParser(): Promise<DicomParserModule> {
  loading ??= import('dicom-parser').then(
    (m) => ((m as unknown as { default?: DicomParserModule }).default ?? m) as DicomParserModule,
  )
  return loading
}

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

const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
} as const
const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE])

/** SOP classes that hold segmentations or contours rather than an image to segment. */
const NOT_IMAGES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation Storage (DICOM SEG)',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set Storage (RT STRUCT)',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan Storage',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
}

function transferSyntaxName(uid: string): string {
  if (uid.startsWith('1.2.840.10008.1.2.4.5') || uid === '1.2.840.10008.1.2.4.70' || uid === '1.2.840.10008.1.2.4.57')
    return 'JPEG'
  if (uid === '1.2.840.10008.1.2.4.80' || uid === '1.2.840.10008.1.2.4.81') return 'JPEG-LS'
  if (uid.startsWith('1.2.840.10008.1.2.4.9')) return 'JPEG 2000'
  if (uid.startsWith('1.2.840.10008.1.2.4.20')) return 'HTJ2K'
  if (uid.startsWith('1.2.840.10008.1.2.4.10')) return 'MPEG'
  return 'an unknown transfer syntax'
}

interface Parsed {
  readonly ds: DataSet
  readonly name: string
  readonly ts: string
  readonly meta: Omit<DicomMeta, 'window'>
  readonly frames: number
  readonly samplesPerPixel: number
  readonly planar: number
  readonly windows: readonly (readonly [number, number])[]
}

function numberList(ds: DataSet, tag: string): number[] | undefined {
  const n = ds.numStringValues(tag)
  if (n === undefined || n === 0) return undefined
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i)
    if (v === undefined || !Number.isFinite(v)) return undefined
    out.push(v)
  }
  return out
}

function optionalNumber(ds: DataSet, tag: string): number | undefined {
  const v = numberList(ds, tag)?.[0]
  return v
}

function optionalString(ds: DataSet, tag: string): string | undefined {
  const s = ds.string(tag)
  return s === undefined || s === '' ? undefined : s
}

async function parse(bytes: Uint8Array, name: string): Promise<Parsed> {
  const dp = await loadParser()
  let ds: DataSet
  // dicom-parser copies with Buffer methods for deflated files: give it a Buffer over the same memory.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  try {
    ds = dp.parseDicom(buffer, hasPreamble(bytes) ? undefined : { TransferSyntaxUID: TS.implicitLE })
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    throw new SegsenseError('E_IMAGE_DECODE', `cannot decode DICOM ${name}: ${reason}`, {
      cause: e,
      details: { file: name, reason },
    })
  }
  const sopClassUid = optionalString(ds, 'x00080016')
  if (sopClassUid !== undefined && NOT_IMAGES[sopClassUid] !== undefined) {
    throw new SegsenseError(
      'E_UNSUPPORTED_SOP_CLASS',
      `DICOM ${name} is a ${NOT_IMAGES[sopClassUid]} object (SOP class ${sopClassUid}), not an image; segsense does not read DICOM SEG or RT STRUCT truth yet: export the labels as PNG or NIfTI`,
      {
        details: { file: name, sopClassUid },
      },
    )
  }
  const ts = optionalString(ds, 'x00020010') ?? TS.implicitLE
  const rows = ds.uint16('x00280010')
  const columns = ds.uint16('x00280011')
  if (ds.elements.x7fe00010 === undefined || rows === undefined || columns === undefined) {
    throw new SegsenseError(
      'E_UNSUPPORTED_SOP_CLASS',
      `DICOM ${name} has no image (no Pixel Data, Rows or Columns; SOP class ${sopClassUid ?? 'not given'})`,
      { details: { file: name, sopClassUid } },
    )
  }
  if (!NATIVE.has(ts) && ts !== TS.rle && codecFor(ts) === undefined) {
    throw new SegsenseError(
      'E_UNSUPPORTED_TRANSFER_SYNTAX',
      `DICOM ${name} stores its pixels as ${transferSyntaxName(ts)} (transfer syntax ${ts}), which segsense does not decode (it reads uncompressed, RLE, and with optional codecs JPEG-LS and JPEG 2000); convert it first, e.g. with dcmdjpeg or gdcmconv --raw`,
      { details: { file: name, transferSyntaxUid: ts } },
    )
  }
  let photometric = (optionalString(ds, 'x00280004') ?? 'MONOCHROME2').toUpperCase()
  // JPEG 2000's colour transforms are undone by the decoder: its output is RGB.
  if ((photometric === 'YBR_RCT' || photometric === 'YBR_ICT') && codecFor(ts)?.decoder === 'J2KDecoder')
    photometric = 'RGB'
  const samplesPerPixel = ds.uint16('x00280002') ?? 1
  const bitsAllocated = ds.uint16('x00280100') ?? 16
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated
  const pixelRepresentation = ds.uint16('x00280103') ?? 0
  const supported = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL']
  if (
    !supported.includes(photometric) ||
    (samplesPerPixel !== 1 && samplesPerPixel !== 3) ||
    photometric.startsWith('MONO') !== (samplesPerPixel === 1)
  ) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode DICOM ${name}: photometric interpretation ${photometric} with ${samplesPerPixel} samples per pixel is not supported (expected MONOCHROME1/2, RGB or YBR_FULL)`,
      {
        details: { file: name, photometric, samplesPerPixel },
      },
    )
  }
  if (![8, 16, 32].includes(bitsAllocated) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode DICOM ${name}: ${bitsStored} bits stored in ${bitsAllocated} allocated are not supported (expected 8, 16 or 32 allocated)`,
      {
        details: { file: name, bitsAllocated, bitsStored },
      },
    )
  }
  const centers = numberList(ds, 'x00281050') ?? []
  const widths = numberList(ds, 'x00281051') ?? []
  const windows: [number, number][] = []
  for (let i = 0; i < Math.min(centers.length, widths.length); i++)
    windows.push([centers[i] as number, widths[i] as number])
  const ps = numberList(ds, 'x00280030')
  const pos = numberList(ds, 'x00200032')
  const ori = numberList(ds, 'x00200037')
  const instance = optionalNumber(ds, 'x00200013')
  const slope = optionalNumber(ds, 'x00281053') ?? 1
  const meta: Omit<DicomMeta, 'window'> = {
    sopClassUid,
    transferSyntaxUid: ts,
    modality: optionalString(ds, 'x00080060'),
    rows,
    columns,
    seriesDescription: optionalString(ds, 'x0008103e'),
    seriesInstanceUid: optionalString(ds, 'x0020000e'),
    sliceLocation: optionalNumber(ds, 'x00201041'),
    instanceNumber: instance,
    photometricInterpretation: photometric,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    // A slope of 0 would erase the image; such files exist and mean "no rescale".
    rescaleSlope: slope === 0 ? 1 : slope,
    rescaleIntercept: optionalNumber(ds, 'x00281052') ?? 0,
    pixelSpacing: ps && ps.length >= 2 && ps[0]! > 0 && ps[1]! > 0 ? [ps[0]!, ps[1]!] : undefined,
    imagePosition: pos && pos.length === 3 ? [pos[0]!, pos[1]!, pos[2]!] : undefined,
    imageOrientation: ori && ori.length === 6 ? [ori[0]!, ori[1]!, ori[2]!, ori[3]!, ori[4]!, ori[5]!] : undefined,
    sliceThickness: optionalNumber(ds, 'x00180050'),
  }
  const frames = Math.max(1, optionalNumber(ds, 'x00280008') ?? 1)
  return { ds, name, ts, meta, frames, samplesPerPixel, planar: ds.uint16('x00280006') ?? 0, windows }
}

function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d
}

/** True when the bytes look like a DICOM Part 10 file ('DICM' after the 128-byte preamble). */
export function isDicom(bytes: Uint8Array): boolean {
  return hasPreamble(bytes)
}

/** Decodes one RLE Lossless frame (PS3.5 Annex G) into its byte planes: segment s fills `out` from `s * planeSize`. */
function decodeRle(frame: Uint8Array, segments: number, planeSize: number, name: string): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const fail = (why: string) =>
    new SegsenseError('E_IMAGE_DECODE', `cannot decode DICOM ${name}: RLE ${why}`, { details: { file: name } })
  if (frame.length < 64) throw fail('frame shorter than its 64-byte header')
  const count = view.getUint32(0, true)
  if (count !== segments) throw fail(`frame has ${count} segments, expected ${segments}`)
  const out = new Uint8Array(segments * planeSize)
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true)
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length
    let p = start
    let o = s * planeSize
    const stop = o + planeSize
    // PackBits: n in 0..127 copies n + 1 literal bytes, n in -127..-1 repeats the next byte 1 - n times, -128 is a no-op.
    while (p < end && o < stop) {
      const n = ((frame[p++] as number) << 24) >> 24
      if (n >= 0) {
        const len = Math.min(n + 1, stop - o, end - p)
        out.set(frame.subarray(p, p + len), o)
        p += n + 1
        o += len
      } else if (n !== -128) {
        const v = frame[p++] as number
        const len = Math.min(1 - n, stop - o)
        out.fill(v, o, o + len)
        o += len
      }
    }
    if (o < stop) throw fail(`segment ${s} ends after ${o - s * planeSize} of ${planeSize} bytes`)
  }
  return out
}

/**
 * The stored integer samples of one frame, interleaved (RGBRGB for colour), as exact numbers in a Float64Array:
 * native pixel data read in place, RLE decoded here, JPEG-LS / JPEG 2000 by their optional codec.
 */
async function frameSamples(p: Parsed, frame: number): Promise<Float64Array> {
  const { ds, meta, name, samplesPerPixel: spp } = p
  const n = meta.rows * meta.columns
  const bytesPer = meta.bitsAllocated / 8
  const el = ds.elements.x7fe00010 as Element
  let raw: Uint8Array
  let littleEndian = p.ts !== TS.explicitBE
  let planar = p.planar === 1
  const codec = codecFor(p.ts)
  if (p.ts === TS.rle || codec !== undefined) {
    const fragment = await encapsulatedFrame(p, frame)
    if (codec !== undefined) {
      const decoded = await decodeCompressedFrame(codec, p.ts, fragment, name)
      if (
        decoded.width !== meta.columns ||
        decoded.height !== meta.rows ||
        decoded.components !== spp ||
        decoded.data.length !== n * spp * decoded.bytesPerSample
      ) {
        throw new SegsenseError(
          'E_IMAGE_DECODE',
          `cannot decode DICOM ${name}: the ${codec.name} stream of frame ${frame} is ${decoded.width}x${decoded.height}x${decoded.components}, the header says ${meta.columns}x${meta.rows}x${spp}`,
          {
            details: { file: name, frame },
          },
        )
      }
      return samplesOf(decoded.data, decoded.bytesPerSample, true, false, p)
    }
    // RLE segments are byte planes: for each sample, most significant byte first. Reassemble little-endian planar.
    const planes = decodeRle(fragment, spp * bytesPer, n, name)
    raw = new Uint8Array(n * spp * bytesPer)
    for (let s = 0; s < spp; s++)
      for (let b = 0; b < bytesPer; b++) {
        const plane = planes.subarray((s * bytesPer + b) * n, (s * bytesPer + b + 1) * n)
        const shift = bytesPer - 1 - b
        const base = s * n * bytesPer
        for (let i = 0; i < n; i++) raw[base + i * bytesPer + shift] = plane[i] as number
      }
    littleEndian = true
    planar = true
  } else {
    const frameBytes = n * spp * bytesPer
    const start = el.dataOffset + frame * frameBytes
    if (start + frameBytes > ds.byteArray.length || (el.length > 0 && (frame + 1) * frameBytes > el.length)) {
      throw new SegsenseError(
        'E_IMAGE_DECODE',
        `cannot decode DICOM ${name}: Pixel Data holds ${el.length} bytes, frame ${frame} needs bytes ${frame * frameBytes}..${(frame + 1) * frameBytes}`,
        {
          details: { file: name, frame },
        },
      )
    }
    raw = ds.byteArray.subarray(start, start + frameBytes)
  }
  return samplesOf(raw, bytesPer, littleEndian, planar, p)
}

/** The bytes of one frame of encapsulated pixel data (one fragment per frame, or all fragments of a single frame). */
async function encapsulatedFrame(p: Parsed, frame: number): Promise<Uint8Array> {
  const dp = await loadParser()
  const el = p.ds.elements.x7fe00010 as Element
  try {
    const fragments = el.fragments ?? []
    return p.frames === 1
      ? dp.readEncapsulatedPixelDataFromFragments(p.ds, el, 0, fragments.length)
      : el.basicOffsetTable && el.basicOffsetTable.length > 0
        ? dp.readEncapsulatedImageFrame(p.ds, el, frame)
        : dp.readEncapsulatedPixelDataFromFragments(p.ds, el, frame, 1)
  } catch (e) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode DICOM ${p.name}: frame ${frame} of the encapsulated pixel data: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e, details: { file: p.name } },
    )
  }
}

/**
 * Stored samples (`bytesPer` bytes each) -> numbers, masked to Bits Stored and sign-extended when Pixel
 * Representation is 1; planar colour (RRR GGG BBB) is interleaved on the way.
 */
function samplesOf(raw: Uint8Array, bytesPer: number, littleEndian: boolean, planar: boolean, p: Parsed): Float64Array {
  const { meta, samplesPerPixel: spp } = p
  const n = meta.rows * meta.columns
  const out = new Float64Array(n * spp)
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const bits = Math.min(meta.bitsStored, bytesPer * 8)
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1
  const signBit = 2 ** (bits - 1)
  const signed = meta.pixelRepresentation === 1
  for (let i = 0; i < n * spp; i++) {
    let v =
      bytesPer === 1
        ? (raw[i] as number)
        : bytesPer === 2
          ? view.getUint16(2 * i, littleEndian)
          : view.getUint32(4 * i, littleEndian)
    v = mask === 0xffffffff ? v : v & mask
    if (v < 0) v += 4294967296
    if (signed && v >= signBit) v -= 2 * signBit
    if (planar && spp > 1) {
      const s = Math.floor(i / n)
      out[(i - s * n) * spp + s] = v
    } else out[i] = v
  }
  return out
}

/** Applies rescale, the window and MONOCHROME1 inversion: modality values -> the raster's intensities. */
function toIntensities(
  values: Float64Array,
  p: Parsed,
  window: DicomWindow | undefined,
  windowIndex: number,
  range?: readonly [number, number],
): { data: Float32Array; applied: readonly [number, number] | null } {
  const { meta } = p
  const slope = meta.rescaleSlope
  const inter = meta.rescaleIntercept
  const out = new Float32Array(values.length)
  const colour = p.samplesPerPixel === 3
  if (colour) {
    const ybr = meta.photometricInterpretation === 'YBR_FULL'
    const scale = window === 'none' ? 1 : 2 ** meta.bitsStored - 1
    const half = 2 ** (meta.bitsStored - 1)
    for (let i = 0; i < values.length; i += 3) {
      let r = values[i] as number
      let g = values[i + 1] as number
      let b = values[i + 2] as number
      if (ybr) {
        // YBR_FULL -> RGB, PS3.3 C.7.6.3.1.2 (full-range BT.601).
        const y = r
        const cb = g - half
        const cr = b - half
        r = y + 1.402 * cr
        g = y - 0.344136 * cb - 0.714136 * cr
        b = y + 1.772 * cb
      }
      out[i] = r / scale
      out[i + 1] = g / scale
      out[i + 2] = b / scale
    }
    if (ybr && window !== 'none')
      for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i] as number))
    return { data: out, applied: null }
  }
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * slope + inter
  if (window === 'none') return { data: out, applied: null }
  let win: readonly [number, number] | null = null
  if (Array.isArray(window)) win = window as readonly [number, number]
  else if (window === undefined && p.windows.length > 0) {
    if (windowIndex >= p.windows.length) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `windowIndex ${windowIndex} is out of range: DICOM ${p.name} has ${p.windows.length} VOI window${p.windows.length === 1 ? '' : 's'}`,
        { details: { file: p.name, windowIndex } },
      )
    }
    win = p.windows[windowIndex] as readonly [number, number]
  }
  const invert = meta.photometricInterpretation === 'MONOCHROME1'
  if (win !== null && win[1] >= 1) {
    // DICOM's linear VOI function (PS3.3 C.11.2.1.2.1), output range [0, 1].
    const [c, w] = win
    const lo = c - 0.5 - (w - 1) / 2
    const hi = c - 0.5 + (w - 1) / 2
    for (let i = 0; i < out.length; i++) {
      const x = out[i] as number
      const y = x <= lo ? 0 : x > hi ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5
      out[i] = invert ? 1 - y : y
    }
    return { data: out, applied: win }
  }
  let [min, max] = range ?? [Infinity, -Infinity]
  if (range === undefined)
    for (let i = 0; i < out.length; i++) {
      const x = out[i] as number
      if (x < min) min = x
      if (x > max) max = x
    }
  const span = max - min
  for (let i = 0; i < out.length; i++) {
    const y = span > 0 ? ((out[i] as number) - min) / span : 0
    out[i] = invert ? 1 - y : y
  }
  return { data: out, applied: null }
}

function checkOptions(
  options: LoadDicomOptions,
  where: string,
): { frame: number; windowIndex: number; maxPixels: number } {
  checkKnownKeys(options, LOAD_DICOM_KEYS, where)
  const { frame = 0, windowIndex = 0, window } = options
  if (!Number.isInteger(frame) || frame < 0)
    throw new SegsenseError('E_BAD_PARAMETER', `frame must be a non-negative integer, got ${describeValue(frame)}`, {
      details: { frame },
    })
  if (!Number.isInteger(windowIndex) || windowIndex < 0)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `windowIndex must be a non-negative integer, got ${describeValue(windowIndex)}`,
    )
  const okWindow =
    window === undefined ||
    window === 'none' ||
    window === 'minmax' ||
    (Array.isArray(window) &&
      window.length === 2 &&
      window.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      (window[1] as number) >= 1)
  if (!okWindow)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `DICOM window must be 'none', 'minmax' or [center, width] with width >= 1, got ${describeValue(window)}`,
      { details: { window } },
    )
  return { frame, windowIndex, maxPixels: checkMaxPixels(options.maxPixels) }
}

function rasterSpacing(meta: Omit<DicomMeta, 'window'>): readonly [number, number] | undefined {
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
      'E_BAD_PARAMETER',
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
      'E_BAD_PARAMETER',
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
        `mask ${name}: pixel (${i % p.meta.columns}, ${Math.floor(i / p.meta.columns)}) has value ${v}; label ids must be integers in 0..65535`,
        { details: { file: name } },
      )
    if (v > max) max = v
  }
  const data = max > 255 ? Uint16Array.from(values) : Uint8Array.from(values)
  const spacing = rasterSpacing(p.meta)
  return { width: p.meta.columns, height: p.meta.rows, data, ...(spacing ? { spacing } : {}) }
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!
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

/**
 * Loads a folder holding one DICOM series (one single-frame grey file per slice) as a {@link Volume}. Slices are
 * sorted by their position along the slice normal (Image Position (Patient) projected on the cross product of the
 * Image Orientation's row and column directions), not by file name; without positions, by Instance Number.
 * Voxel order: i along a row (the file's columns), j down the rows, k by increasing position along the normal, so
 * every slice k is the raster {@link loadDicom} gives for that file. `affine` maps voxels to RAS mm (DICOM's LPS
 * with x and y negated); `spacing` is [column spacing, row spacing, distance between slice positions]. Files that
 * are not DICOM (no 'DICM' preamble) and a DICOMDIR are skipped.
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND`; `E_FILE_READ` for a folder that cannot be read or holds no DICOM file;
 *   `E_BAD_PARAMETER` when it holds more than one series, or slices of different sizes or orientations, and the errors of {@link loadDicom}.
 * @example
 * const volume = await loadDicomSeries('scans/patient1/series3')
 */
export async function loadDicomSeries(dir: string, options: LoadDicomSeriesOptions = {}): Promise<Volume> {
  checkKnownKeys(
    options,
    optionKeys<LoadDicomSeriesOptions>({ window: true, windowIndex: true, maxPixels: true }),
    'loadDicomSeries options',
  )
  const { windowIndex } = checkOptions(
    { window: options.window, windowIndex: options.windowIndex },
    'loadDicomSeries options',
  )
  const maxVoxels = options.maxPixels === undefined ? checkMaxPixels(undefined) * 16 : checkMaxPixels(options.maxPixels)
  let names: string[]
  try {
    names = (await readdir(dir)).sort()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new SegsenseError('E_FILE_NOT_FOUND', `DICOM folder not found: ${dir}`, {
        cause: e,
        details: { file: dir },
      })
    throw new SegsenseError('E_FILE_READ', `cannot read DICOM folder ${dir}: ${(e as Error).message}`, {
      cause: e,
      details: { file: dir },
    })
  }
  const slices: Parsed[] = []
  for (const n of names) {
    const path = join(dir, n)
    // DICOMDIR indexes files; it is DICOM but no slice.
    if (!(await stat(path)).isFile() || n.toUpperCase() === 'DICOMDIR') continue
    const bytes = await readSource(path)
    if (!hasPreamble(bytes)) continue
    slices.push(await parse(bytes, path))
  }
  const first = slices[0]
  if (first === undefined)
    throw new SegsenseError(
      'E_FILE_READ',
      `cannot read folder ${dir} as a DICOM series: it holds no DICOM file (none has the 'DICM' preamble)`,
      { details: { file: dir } },
    )
  const { rows, columns } = first.meta
  const series = new Set(slices.map((s) => s.meta.seriesInstanceUid))
  if (series.size > 1)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `folder ${dir} holds ${series.size} DICOM series (${[...series].join(', ')}); give a folder with one series`,
      { details: { file: dir } },
    )
  for (const s of slices) {
    if (s.meta.rows !== rows || s.meta.columns !== columns || s.samplesPerPixel !== 1 || s.frames !== 1) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: ${s.name} is ${s.meta.columns}x${s.meta.rows}x${s.samplesPerPixel} with ${s.frames} frame(s), ${first.name} is ${columns}x${rows}x1; a series needs single-frame grey slices of one size`,
        {
          details: { file: s.name },
        },
      )
    }
  }
  if (rows * columns * slices.length > maxVoxels) throw tooLarge(dir, columns, rows * slices.length, maxVoxels)
  const ori = first.meta.imageOrientation ?? [1, 0, 0, 0, 1, 0]
  const rowDir = ori.slice(0, 3)
  const colDir = ori.slice(3, 6)
  const normal = cross(rowDir, colDir)
  const positioned = slices.every((s) => s.meta.imagePosition !== undefined)
  const key = (s: Parsed) =>
    positioned ? dot(s.meta.imagePosition as readonly number[], normal) : (s.meta.instanceNumber ?? 0)
  slices.sort((a, b) => key(a) - key(b))
  for (const s of slices) {
    const o = s.meta.imageOrientation
    if (o && o.some((v, i) => Math.abs(v - (ori[i] as number)) > 1e-3)) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: ${s.name} has Image Orientation [${o.join(', ')}], ${first.name} has [${ori.join(', ')}]; a series needs one orientation`,
        { details: { file: s.name } },
      )
    }
  }
  const [dy, dx] = first.meta.pixelSpacing ?? [1, 1]
  let dz = first.meta.sliceThickness ?? 1
  if (positioned && slices.length > 1) {
    const gaps = slices
      .slice(1)
      .map((s, i) => key(s) - key(slices[i] as Parsed))
      .sort((a, b) => a - b)
    dz = gaps[Math.floor(gaps.length / 2)] as number
    if (!(dz > 0))
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: two slices share one position along the normal; a series needs distinct slice positions`,
        { details: { file: dir } },
      )
  }
  const n = rows * columns
  const modality = new Float64Array(n * slices.length)
  for (let k = 0; k < slices.length; k++) {
    const s = slices[k] as Parsed
    const v = await frameSamples(s, 0)
    const { rescaleSlope: m, rescaleIntercept: b } = s.meta
    // Each slice may carry its own rescale: bring all to modality values first, then scale the series as one.
    for (let i = 0; i < n; i++) modality[k * n + i] = (v[i] as number) * m + b
  }
  // The window tags of the lowest slice (after sorting) stand for the series.
  const lowest = slices[0] as Parsed
  const unit: Parsed = { ...lowest, meta: { ...lowest.meta, rescaleSlope: 1, rescaleIntercept: 0 } }
  const { data } = toIntensities(modality, unit, options.window, windowIndex)
  const p0 = (slices[0] as Parsed).meta.imagePosition ?? [0, 0, 0]
  // LPS -> RAS: negate x and y.
  const lps = (v: readonly number[]) => [-(v[0] as number), -(v[1] as number), v[2] as number]
  const r = lps(rowDir).map((v) => v * dx)
  const c = lps(colDir).map((v) => v * dy)
  const z = lps(normal).map((v) => v * dz)
  const t = lps(p0)
  const affine = [r[0]!, c[0]!, z[0]!, t[0]!, r[1]!, c[1]!, z[1]!, t[1]!, r[2]!, c[2]!, z[2]!, t[2]!, 0, 0, 0, 1]
  return { dims: [columns, rows, slices.length], channels: 1, data, spacing: [dx, dy, dz], affine }
}
