/** Encoding samples, a Raster or a LabelMap as a PNG holding exactly the values given. */
import { promisify } from 'node:util'
import { deflate as deflateCb } from 'node:zlib'
import { SegsenseError, describeValue } from '../../core/errors.js'
import type { LabelMap, Raster } from '../../core/types.js'
import { filterRow } from './filters.js'
import { SIGNATURE, VALID_DEPTHS, chunk, samplesPerPixel, type PngPixels } from './format.js'

const deflate = promisify(deflateCb)

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
      'E_OUT_OF_RANGE',
      `PNG size must be positive integers, got ${describeValue(width)}x${describeValue(height)}`,
    )
  }
  if (!VALID_DEPTHS[colourType]?.includes(bitDepth))
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
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
      'E_OUT_OF_RANGE',
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
            'E_OUT_OF_RANGE',
            `PNG sample ${v} at index ${base + s} exceeds the maximum ${maxSample} ` +
              `(${colourType === 3 ? 'palette size' : `${bitDepth} bits`})`,
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
    throw new SegsenseError('E_WRONG_TYPE', `encodePng expects a Raster or LabelMap, got ${describeValue(image)}`)
  }
  const bitDepth = options.bitDepth
  if (bitDepth !== undefined && bitDepth !== 8 && bitDepth !== 16)
    throw new SegsenseError('E_OUT_OF_RANGE', `bitDepth must be 8 or 16, got ${describeValue(bitDepth)}`)
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
        'E_OUT_OF_RANGE',
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
    throw new SegsenseError('E_WRONG_TYPE', `raster data must be a Float32Array, got ${describeValue(raster.data)}`)
  const colourType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as const)[raster.channels as 1 | 2 | 3 | 4]
  if (colourType === undefined)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
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
    if (v !== v) throw new SegsenseError('E_OUT_OF_RANGE', `raster value at index ${i} is NaN; cannot encode it`)
    out[i] = ((v < 0 ? 0 : v > 1 ? 1 : v) * scale + 0.5) | 0 // Math.round for non-negative values, faster
  }
  return encodePngPixels({ width, height, colourType, bitDepth: depth, data: out })
}
