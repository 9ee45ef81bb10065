/**
 * The PNG file format as segsense reads and writes it: colour types, the signature, chunks and their CRC, the IHDR
 * header. No pixel processing here (filters.ts, decode.ts, encode.ts).
 */
import { SegsenseError } from '../../core/errors.js'

/** PNG colour types: 0 grey, 2 RGB, 3 palette index, 4 grey+alpha, 6 RGBA. */
export type PngColourType = 0 | 2 | 3 | 4 | 6

/** A decoded (or to-be-encoded) PNG, one array element per sample, unscaled. */
export interface PngPixels {
  readonly width: number
  readonly height: number
  readonly colourType: PngColourType
  /** Bits per sample: 1, 2, 4, 8 or 16 (allowed combinations as in the PNG spec). */
  readonly bitDepth: 1 | 2 | 4 | 8 | 16
  /** `width * height * samplesPerPixel(colourType)` samples, row-major, interleaved. Uint16Array iff bitDepth 16. */
  readonly data: Uint8Array | Uint16Array
  /** RGB triplets of the PLTE chunk (colour type 3; optional otherwise). */
  readonly palette?: Uint8Array
}

/** The IHDR fields of a PNG. */
export interface PngHeader {
  readonly width: number
  readonly height: number
  readonly bitDepth: number
  readonly colourType: number
  readonly interlaced: boolean
}

/** The 8 bytes every PNG file starts with. */
export const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const

/** Samples per pixel for a PNG colour type (palette images have one index per pixel). */
export function samplesPerPixel(colourType: PngColourType): 1 | 2 | 3 | 4 {
  return colourType === 2 ? 3 : colourType === 4 ? 2 : colourType === 6 ? 4 : 1
}

/** True when `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false
  return true
}

// CRC-32 (ISO 3309) as PNG uses it; zlib.crc32 needs Node 20.15+, the engine floor is 20.9.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** The bit depths each colour type allows. */
export const VALID_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}

/** The `E_IMAGE_DECODE` error of PNG `name`. */
export function decodeError(name: string, reason: string): SegsenseError {
  return new SegsenseError('E_IMAGE_DECODE', `cannot decode PNG ${name}: ${reason}`, {
    details: { file: name, reason },
  })
}

/** Big-endian unsigned 32-bit integer at `o`. */
export function readU32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0
  )
}

/**
 * Reads the IHDR of a PNG without decoding pixels (used to check the pixel limit first).
 * @throws SegsenseError `E_IMAGE_DECODE` when the bytes are not a PNG with a valid IHDR.
 */
export function readPngHeader(bytes: Uint8Array, name = `buffer of ${bytes.length} bytes`): PngHeader {
  if (!isPng(bytes)) throw decodeError(name, 'not a PNG file (bad signature)')
  if (
    bytes.length < 33 ||
    readU32(bytes, 8) !== 13 ||
    String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!) !== 'IHDR'
  ) {
    throw decodeError(name, 'missing or truncated IHDR chunk')
  }
  if (crc32(bytes, 12, 29) !== readU32(bytes, 29)) throw decodeError(name, 'IHDR chunk has a bad CRC (corrupt file)')
  const width = readU32(bytes, 16)
  const height = readU32(bytes, 20)
  const bitDepth = bytes[24] as number
  const colourType = bytes[25] as number
  const interlace = bytes[28] as number
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    throw decodeError(name, `invalid size ${width}x${height}`)
  if (!VALID_DEPTHS[colourType]?.includes(bitDepth))
    throw decodeError(name, `invalid colour type ${colourType} with bit depth ${bitDepth}`)
  if (bytes[26] !== 0 || bytes[27] !== 0) throw decodeError(name, 'unknown compression or filter method')
  if (interlace > 1) throw decodeError(name, `unknown interlace method ${interlace}`)
  return { width, height, bitDepth, colourType, interlaced: interlace === 1 }
}

// Adam7 passes: x0, y0, dx, dy.

/** One chunk: length, type, data, CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length))
  return out
}
