/**
 * A small, exact PNG codec (no colour management, no gamma, no scaling of low bit depths).
 *
 * Why not sharp for everything: libvips expands palette PNGs to RGB and scales 1/2/4-bit grey to
 * 0..255, which loses what a label mask means (the palette index, the raw id). Masks are therefore
 * decoded here; photographs and scans go through sharp (see image.ts). Encoding is also done here so
 * that written files hold exactly the values given (8/16-bit grey, grey+alpha, RGB, RGBA, palette).
 */
import { promisify } from 'node:util'
import { deflate as deflateCb, inflate as inflateCb } from 'node:zlib'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'

const inflate = promisify(inflateCb)
const deflate = promisify(deflateCb)

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

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const

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

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const VALID_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
}

function decodeError(name: string, reason: string): SegsenseError {
  return new SegsenseError('E_IMAGE_DECODE', `cannot decode PNG ${name}: ${reason}`, {
    details: { file: name, reason },
  })
}

function readU32(b: Uint8Array, o: number): number {
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
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

interface Pass {
  x0: number
  y0: number
  dx: number
  dy: number
  w: number
  h: number
}

function passesFor(h: PngHeader): Pass[] {
  if (!h.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, w: h.width, h: h.height }]
  const out: Pass[] = []
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0
    const ph = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0
    if (w > 0 && ph > 0) out.push({ x0, y0, dx, dy, w, h: ph })
  }
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Undoes the PNG row filters in place; `raw` holds `h` rows of 1 filter byte + `stride` bytes from `start`. */
function unfilter(raw: Uint8Array, start: number, stride: number, h: number, bpp: number, name: string): void {
  for (let y = 0; y < h; y++) {
    const f = raw[start + y * (stride + 1)] as number
    const row = start + y * (stride + 1) + 1
    const prev = y > 0 ? row - stride - 1 : -1
    switch (f) {
      case 0:
        break
      case 1:
        for (let i = bpp; i < stride; i++)
          raw[row + i] = ((raw[row + i] as number) + (raw[row + i - bpp] as number)) & 0xff
        break
      case 2:
        if (prev >= 0)
          for (let i = 0; i < stride; i++) raw[row + i] = ((raw[row + i] as number) + (raw[prev + i] as number)) & 0xff
        break
      case 3:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? (raw[row + i - bpp] as number) : 0
          const b = prev >= 0 ? (raw[prev + i] as number) : 0
          raw[row + i] = ((raw[row + i] as number) + ((a + b) >>> 1)) & 0xff
        }
        break
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? (raw[row + i - bpp] as number) : 0
          const b = prev >= 0 ? (raw[prev + i] as number) : 0
          const c = prev >= 0 && i >= bpp ? (raw[prev + i - bpp] as number) : 0
          raw[row + i] = ((raw[row + i] as number) + paeth(a, b, c)) & 0xff
        }
        break
      default:
        throw decodeError(name, `unknown row filter type ${f} in row ${y}`)
    }
  }
}

/**
 * Decodes a PNG to its stored samples: grey and palette indices are returned as stored (a 1-bit
 * pixel is 0 or 1, not 0 or 255), 16-bit samples as Uint16Array. Ancillary chunks (gamma, ICC,
 * transparency, text) are ignored. Checks the pixel limit from the header before inflating.
 *
 * @param name names the file in error messages (default "buffer of N bytes").
 * @throws SegsenseError `E_IMAGE_DECODE` for a malformed or truncated file (reason in the message),
 *   `E_IMAGE_TOO_LARGE` when `width * height > maxPixels`.
 */
export async function decodePng(
  bytes: Uint8Array,
  options: { name?: string; maxPixels?: number } = {},
): Promise<PngPixels> {
  const name = options.name ?? `buffer of ${bytes.length} bytes`
  const header = readPngHeader(bytes, name)
  const { width, height } = header
  const maxPixels = options.maxPixels ?? Infinity
  if (width * height > maxPixels) throw tooLarge(name, width, height, maxPixels)

  const idat: Uint8Array[] = []
  let palette: Uint8Array | undefined
  let sawEnd = false
  let offset = 8
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw decodeError(name, `truncated chunk header at byte ${offset}`)
    const length = readU32(bytes, offset)
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!)
    const dataStart = offset + 8
    const dataEnd = dataStart + length
    if (length > 0x7fffffff || dataEnd + 4 > bytes.length)
      throw decodeError(name, `file is truncated inside the ${type} chunk at byte ${offset}`)
    // Critical chunks (upper-case first letter) must be intact; ancillary ones are skipped, as libpng does.
    const critical = (bytes[offset + 4]! & 0x20) === 0
    if (critical && crc32(bytes, offset + 4, dataEnd) !== readU32(bytes, dataEnd))
      throw decodeError(name, `${type} chunk has a bad CRC (corrupt file)`)
    if (type === 'IDAT') idat.push(bytes.subarray(dataStart, dataEnd))
    else if (type === 'PLTE') {
      if (length % 3 !== 0 || length === 0 || length > 768)
        throw decodeError(name, `PLTE chunk has invalid length ${length}`)
      palette = bytes.slice(dataStart, dataEnd)
    } else if (type === 'IEND') {
      sawEnd = true
      break
    } else if (critical && type !== 'IHDR') throw decodeError(name, `unknown critical chunk ${type}`)
    offset = dataEnd + 4
  }
  if (!sawEnd) throw decodeError(name, 'file is truncated (no IEND chunk)')
  if (idat.length === 0) throw decodeError(name, 'no image data (IDAT chunk)')
  if (header.colourType === 3 && !palette) throw decodeError(name, 'palette image without a PLTE chunk')

  const colourType = header.colourType as PngColourType
  const bitDepth = header.bitDepth as PngPixels['bitDepth']
  const spp = samplesPerPixel(colourType)
  const bitsPerPixel = spp * bitDepth
  const bpp = Math.max(1, bitsPerPixel >> 3)
  const passes = passesFor(header)
  let expected = 0
  for (const p of passes) expected += p.h * (1 + Math.ceil((p.w * bitsPerPixel) / 8))

  let raw: Uint8Array
  try {
    const joined = idat.length === 1 ? (idat[0] as Uint8Array) : Buffer.concat(idat)
    // maxOutputLength bounds memory: a stream inflating to more than the header promises is corrupt.
    raw = await inflate(joined, { maxOutputLength: Math.max(expected, 1) })
  } catch (e) {
    const reason =
      (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
        ? `image data is larger than its ${width}x${height} header allows`
        : `image data does not inflate (${(e as Error).message})`
    throw decodeError(name, reason)
  }
  if (raw.length < expected) throw decodeError(name, `image data is truncated: ${raw.length} of ${expected} bytes`)

  const n = width * height * spp
  const out: Uint8Array | Uint16Array = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n)
  let start = 0
  for (const p of passes) {
    const stride = Math.ceil((p.w * bitsPerPixel) / 8)
    unfilter(raw, start, stride, p.h, bpp, name)
    const samplesPerRow = p.w * spp
    for (let y = 0; y < p.h; y++) {
      const row = start + y * (stride + 1) + 1
      const outRow = (p.y0 + y * p.dy) * width
      for (let s = 0; s < samplesPerRow; s++) {
        let v: number
        if (bitDepth === 8) v = raw[row + s] as number
        else if (bitDepth === 16) v = ((raw[row + 2 * s] as number) << 8) | (raw[row + 2 * s + 1] as number)
        else {
          const bit = s * bitDepth
          v = ((raw[row + (bit >> 3)] as number) >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1)
        }
        const px = (s / spp) | 0
        out[(outRow + p.x0 + px * p.dx) * spp + (s - px * spp)] = v
      }
    }
    start += p.h * (stride + 1)
  }
  return palette
    ? { width, height, colourType, bitDepth, data: out, palette }
    : { width, height, colourType, bitDepth, data: out }
}

/** The `E_IMAGE_TOO_LARGE` error for a file over the pixel limit. */
export function tooLarge(name: string, width: number, height: number, maxPixels: number): SegsenseError {
  return new SegsenseError(
    'E_IMAGE_TOO_LARGE',
    `image ${name} is ${width}x${height} = ${width * height} pixels, more than the limit of ${maxPixels} (raise the maxPixels option if the file is trusted)`,
    { details: { file: name, width, height, maxPixels } },
  )
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length))
  return out
}

/**
 * Encodes samples as a PNG exactly as given (non-interlaced). 8/16-bit images get a per-row
 * adaptive filter (the minimum-sum-of-absolute-differences heuristic of the PNG spec); palette and
 * sub-byte images are stored unfiltered, as the spec recommends.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for an invalid combination, size or sample value.
 */
export async function encodePngPixels(png: PngPixels): Promise<Uint8Array> {
  const { width, height, colourType, bitDepth, data, palette } = png
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `PNG size must be positive integers, got ${describeValue(width)}x${describeValue(height)}`,
    )
  }
  if (!VALID_DEPTHS[colourType]?.includes(bitDepth))
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `PNG colour type ${describeValue(colourType)} cannot have bit depth ${describeValue(bitDepth)}`,
    )
  const spp = samplesPerPixel(colourType)
  if (data.length !== width * height * spp) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `PNG data has ${data.length} samples, expected ${width}x${height}x${spp} = ${width * height * spp}`,
    )
  }
  if (colourType === 3 && (!palette || palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `a palette PNG needs 1..256 RGB palette entries, got ${describeValue(palette)}`,
    )
  }
  // A palette index must name an entry of the palette, not just fit the bit depth.
  const maxSample =
    colourType === 3 && palette ? Math.min((1 << bitDepth) - 1, palette.length / 3 - 1) : (1 << bitDepth) - 1
  const bitsPerPixel = spp * bitDepth
  const bpp = Math.max(1, bitsPerPixel >> 3)
  const stride = Math.ceil((width * bitsPerPixel) / 8)
  const rows = new Uint8Array(height * (stride + 1))
  const line = new Uint8Array(stride) // unfiltered current row
  const prevLine = new Uint8Array(stride) // unfiltered previous row (zeros before the first)
  const adaptive = bitDepth >= 8 && colourType !== 3
  const perRow = width * spp
  const candidates = adaptive ? [0, 1, 2, 3, 4].map(() => new Uint8Array(stride)) : []
  for (let y = 0; y < height; y++) {
    const base = y * perRow
    if (bitDepth === 8 && maxSample === 255)
      line.set(data.subarray(base, base + perRow)) // nothing can overflow
    else {
      line.fill(0)
      for (let s = 0; s < perRow; s++) {
        const v = data[base + s] as number
        if (v > maxSample)
          throw new SegsenseError(
            'E_BAD_PARAMETER',
            `PNG sample ${v} at index ${base + s} exceeds the maximum ${maxSample} (${colourType === 3 ? 'palette size' : `${bitDepth} bits`})`,
          )
        if (bitDepth === 8) line[s] = v
        else if (bitDepth === 16) {
          line[2 * s] = v >> 8
          line[2 * s + 1] = v & 0xff
        } else {
          const bit = s * bitDepth
          line[bit >> 3] = (line[bit >> 3] as number) | (v << (8 - bitDepth - (bit & 7)))
        }
      }
    }
    const o = y * (stride + 1)
    if (!adaptive) {
      rows[o] = 0
      rows.set(line, o + 1)
    } else {
      // Filter into all five candidates in tight loops, then keep the one with the smallest sum of
      // absolute signed bytes (the PNG spec's heuristic).
      let best = 0
      let bestSum = Infinity
      for (let f = 0; f < 5; f++) {
        const cand = candidates[f] as Uint8Array
        filterRow(f, line, prevLine, cand, stride, bpp, y > 0)
        let sum = 0
        for (let i = 0; i < stride; i++) {
          const d = cand[i] as number
          sum += d < 128 ? d : 256 - d
        }
        if (sum < bestSum) {
          bestSum = sum
          best = f
        }
      }
      rows[o] = best
      rows.set(candidates[best] as Uint8Array, o + 1)
    }
    prevLine.set(line)
  }
  const ihdr = new Uint8Array(13)
  const hv = new DataView(ihdr.buffer)
  hv.setUint32(0, width)
  hv.setUint32(4, height)
  ihdr[8] = bitDepth
  ihdr[9] = colourType
  const compressed = await deflate(rows)
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr)]
  if (colourType === 3 && palette) parts.push(chunk('PLTE', palette))
  parts.push(chunk('IDAT', compressed), chunk('IEND', new Uint8Array(0)))
  return new Uint8Array(Buffer.concat(parts))
}

function filterRow(
  f: number,
  line: Uint8Array,
  prev: Uint8Array,
  out: Uint8Array,
  stride: number,
  bpp: number,
  hasPrev: boolean,
): void {
  switch (f) {
    case 0:
      out.set(line)
      return
    case 1:
      for (let i = 0; i < stride; i++)
        out[i] = ((line[i] as number) - (i >= bpp ? (line[i - bpp] as number) : 0)) & 0xff
      return
    case 2:
      if (!hasPrev) out.set(line)
      else for (let i = 0; i < stride; i++) out[i] = ((line[i] as number) - (prev[i] as number)) & 0xff
      return
    case 3:
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? (line[i - bpp] as number) : 0
        const b = hasPrev ? (prev[i] as number) : 0
        out[i] = ((line[i] as number) - ((a + b) >>> 1)) & 0xff
      }
      return
    default:
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? (line[i - bpp] as number) : 0
        const b = hasPrev ? (prev[i] as number) : 0
        const c = hasPrev && i >= bpp ? (prev[i - bpp] as number) : 0
        out[i] = ((line[i] as number) - paeth(a, b, c)) & 0xff
      }
  }
}

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /**
   * Bits per sample. Rasters: 8 (default) or 16. Masks: 8 by default, 16 automatically when an id
   * exceeds 255; asking for 8 with such ids is an error.
   */
  readonly bitDepth?: 8 | 16
}

function isLabelMap(value: Raster | LabelMap): value is LabelMap {
  return value.data instanceof Uint8Array || value.data instanceof Uint16Array
}

/**
 * Encodes a raster or a mask as PNG bytes. A mask is recognised by its integer data
 * (Uint8Array/Uint16Array) and written as grey ids. A raster with 1, 2, 3 or 4 channels is written as
 * grey, grey+alpha, RGB or RGBA; its values are clamped to [0, 1] and rounded to the bit depth
 * (`round(v * 255)` or `round(v * 65535)`). Spacing is not stored.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for NaN values, an unsupported channel count or bit depth;
 *   `E_SIZE_MISMATCH` when the data length does not match the size.
 */
export async function encodePng(image: Raster | LabelMap, options: EncodePngOptions = {}): Promise<Uint8Array> {
  if (!image || typeof image !== 'object' || !ArrayBuffer.isView(image.data)) {
    throw new SegsenseError('E_BAD_PARAMETER', `encodePng expects a Raster or LabelMap, got ${describeValue(image)}`)
  }
  const bitDepth = options.bitDepth
  if (bitDepth !== undefined && bitDepth !== 8 && bitDepth !== 16)
    throw new SegsenseError('E_BAD_PARAMETER', `bitDepth must be 8 or 16, got ${describeValue(bitDepth)}`)
  const { width, height } = image
  if (isLabelMap(image)) {
    const ids = image.data
    if (ids.length !== width * height)
      throw new SegsenseError(
        'E_SIZE_MISMATCH',
        `mask data has ${ids.length} values, expected ${width}x${height} = ${width * height}`,
      )
    let max = 0
    if (ids instanceof Uint16Array)
      for (let i = 0; i < ids.length; i++) if ((ids[i] as number) > max) max = ids[i] as number
    if (bitDepth === 8 && max > 255)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `mask has class id ${max}, which does not fit an 8-bit PNG; use bitDepth 16`,
      )
    const depth = bitDepth ?? (max > 255 ? 16 : 8)
    const data =
      depth === 16
        ? ids instanceof Uint16Array
          ? ids
          : Uint16Array.from(ids)
        : ids instanceof Uint8Array
          ? ids
          : Uint8Array.from(ids)
    return encodePngPixels({ width, height, colourType: 0, bitDepth: depth, data })
  }
  const raster = image
  if (!(raster.data instanceof Float32Array))
    throw new SegsenseError('E_BAD_PARAMETER', `raster data must be a Float32Array, got ${describeValue(raster.data)}`)
  const colourType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[raster.channels as 1 | 2 | 3 | 4]
  if (colourType === undefined)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `PNG can store 1 to 4 channels, the raster has ${describeValue(raster.channels)}`,
    )
  const n = width * height * raster.channels
  if (raster.data.length !== n)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `raster data has ${raster.data.length} values, expected ${width}x${height}x${raster.channels} = ${n}`,
    )
  const depth = bitDepth ?? 8
  const scale = depth === 16 ? 65535 : 255
  const out = depth === 16 ? new Uint16Array(n) : new Uint8Array(n)
  const src = raster.data
  for (let i = 0; i < n; i++) {
    const v = src[i] as number
    if (v !== v) throw new SegsenseError('E_BAD_PARAMETER', `raster value at index ${i} is NaN; cannot encode it`)
    out[i] = ((v < 0 ? 0 : v > 1 ? 1 : v) * scale + 0.5) | 0 // Math.round for non-negative values, faster
  }
  return encodePngPixels({ width, height, colourType, bitDepth: depth, data: out })
}
