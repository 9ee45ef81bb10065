/** Decoding a PNG to its samples, exactly (no colour management, no gamma, no scaling of low bit depths). */
import { promisify } from 'node:util'
import { inflate as inflateCb } from 'node:zlib'
import { SegsenseError } from '../../core/errors.js'
import { tooLarge } from '../source.js'
import { passesFor, unfilter } from './filters.js'
import {
  crc32,
  decodeError,
  readPngHeader,
  readU32,
  samplesPerPixel,
  type PngColourType,
  type PngPixels,
} from './format.js'

const inflate = promisify(inflateCb)

/**
 * Decodes a PNG to its stored samples: grey and palette indices are returned as stored (a 1-bit
 * pixel is 0 or 1, not 0 or 255), 16-bit samples as Uint16Array. Ancillary chunks (gamma, ICC,
 * transparency, text) are ignored. Checks the pixel limit from the header before inflating.
 *
 * @param name names the file in error messages (default "buffer of N bytes").
 * @throws SegsenseError `E_IMAGE_DECODE` for a malformed or truncated file (reason in the message), or a palette
 *   image with a pixel index past the end of its PLTE chunk (the PNG specification calls that an error),
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
  if (colourType === 3) checkPaletteIndices(out, width, palette as Uint8Array, name)
  return palette
    ? { width, height, colourType, bitDepth, data: out, palette }
    : { width, height, colourType, bitDepth, data: out }
}

/** Refuses a palette index past the palette's end: libpng does too, and a mask read from it would hold a made-up id. */
function checkPaletteIndices(
  indices: Uint8Array | Uint16Array,
  width: number,
  palette: Uint8Array,
  name: string,
): void {
  const entries = palette.length / 3
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i] as number
    if (idx < entries) continue
    const x = i % width
    const y = (i - x) / width
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode PNG ${name}: pixel (${x}, ${y}) has palette index ${idx} but the palette has ${entries} entries`,
      { details: { file: name, x, y, index: idx, paletteSize: entries } },
    )
  }
}
