/**
 * Parsing a DICOM Part 10 file with dicom-parser (loaded on first use): the tags segsense reads, checked, and the
 * refusals of objects that are not images or pixels in a transfer syntax segsense does not decode.
 */
import type * as DicomParser from 'dicom-parser'
import type { DataSet } from 'dicom-parser'
import { SegsenseError } from '../../core/errors.js'
import { codecFor } from './codecs.js'
import type { DicomMeta } from './types.js'
import { hasPreamble } from './magic.js'

export type DicomParserModule = typeof DicomParser
let loading: Promise<DicomParserModule> | undefined

/** dicom-parser, loaded on first use (it is CommonJS: its functions sit on the default export). */
export function loadParser(): Promise<DicomParserModule> {
  loading ??= import('dicom-parser').then((m) => (m as unknown as { default?: DicomParserModule }).default ?? m)
  return loading
}

/** Transfer syntax UIDs segsense reads natively or by RLE. */
export const TS = {
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

/** A parsed DICOM file: its data set, the tags segsense reads, and its VOI windows. */
export interface Parsed {
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

/** Parses and checks one DICOM file; `name` names it in messages. */
export async function parse(bytes: Uint8Array, name: string): Promise<Parsed> {
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
      `DICOM ${name} is a ${NOT_IMAGES[sopClassUid]} object (SOP class ${sopClassUid}), not an image; segsense ` +
        `does not read DICOM SEG or RT STRUCT truth yet: export the labels as PNG or NIfTI`,
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
      `DICOM ${name} stores its pixels as ${transferSyntaxName(ts)} (transfer syntax ${ts}), which segsense ` +
        `does not decode (it reads uncompressed, RLE, and with optional codecs JPEG-LS and JPEG 2000); convert ` +
        `it first, e.g. with dcmdjpeg or gdcmconv --raw`,
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
      `cannot decode DICOM ${name}: photometric interpretation ${photometric} with ${samplesPerPixel} samples ` +
        `per pixel is not supported (expected MONOCHROME1/2, RGB or YBR_FULL)`,
      {
        details: { file: name, photometric, samplesPerPixel },
      },
    )
  }
  if (![8, 16, 32].includes(bitsAllocated) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode DICOM ${name}: ${bitsStored} bits stored in ${bitsAllocated} allocated are not supported ` +
        `(expected 8, 16 or 32 allocated)`,
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
