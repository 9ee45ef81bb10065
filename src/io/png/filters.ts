/** PNG's row filters (unfilter on decode, the adaptive choice on encode) and Adam7 interlacing passes. */
import { decodeError, type PngHeader } from './format.js'

/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

/** One interlacing pass: its origin, step and size. */
export interface Pass {
  x0: number
  y0: number
  dx: number
  dy: number
  w: number
  h: number
}

/** The passes of an image: one for non-interlaced, seven Adam7 passes (empty ones skipped) for interlaced. */
export function passesFor(h: PngHeader): Pass[] {
  if (!h.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, w: h.width, h: h.height }]
  const out: Pass[] = []
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0
    const ph = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0
    if (w > 0 && ph > 0) out.push({ x0, y0, dx, dy, w, h: ph })
  }
  return out
}

/** The Paeth predictor. */
export function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Undoes the PNG row filters in place; `raw` holds `h` rows of 1 filter byte + `stride` bytes from `start`. */
/** Undoes the row filters of one pass in place. */
export function unfilter(raw: Uint8Array, start: number, stride: number, h: number, bpp: number, name: string): void {
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

export function filterRow(
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
