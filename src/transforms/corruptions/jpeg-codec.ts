/**
 * A synchronous baseline-JPEG round trip (8x8 DCT quantisation with the IJG tables, JFIF YCbCr, 4:2:0
 * chroma) for the `jpeg` corruption: no entropy coding, since that step is lossless.
 */
import type { Raster } from '../../core/types.js'

/** JPEG Annex K luminance and chrominance quantisation tables, natural order (row = vertical frequency). */
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
]
const CHROMA_Q = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...new Array<number>(32).fill(99),
]

/** IJG `jpeg_quality_scaling` + `jpeg_add_quant_table` (baseline: entries clamped to 1..255). */
export function jpegQuantTable(quality: number, chroma = false): Int32Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)))
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q
  const base = chroma ? CHROMA_Q : LUMA_Q
  return Int32Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))))
}

/** DCT-II basis A[u][x] = c(u)/2·cos((2x + 1)uπ/16), so that F = A·f·Aᵀ and f = Aᵀ·F·A. */
const DCT = (() => {
  const a = new Float64Array(64)
  for (let u = 0; u < 8; u++)
    for (let x = 0; x < 8; x++)
      a[u * 8 + x] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
  return a
})()

/** Round half away from zero (libjpeg's quantiser). */
function roundAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5)
}

/**
 * One component through 8x8 DCT, quantisation by `table` and back (level shift 128, edge-replicated
 * padding to whole blocks, output rounded and clamped to 0..255). `plane` holds 0..255 values, in place.
 */
function jpegComponent(plane: Float64Array, W: number, H: number, table: Int32Array): void {
  const blk = new Float64Array(64)
  const tmp = new Float64Array(64)
  for (let by = 0; by < H; by += 8) {
    for (let bx = 0; bx < W; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const sy = Math.min(by + y, H - 1)
        for (let x = 0; x < 8; x++) blk[y * 8 + x] = (plane[sy * W + Math.min(bx + x, W - 1)] as number) - 128
      }
      // tmp = A·blk (columns), F = tmp·Aᵀ (rows).
      for (let u = 0; u < 8; u++) {
        for (let x = 0; x < 8; x++) {
          let s = 0
          for (let y = 0; y < 8; y++) s += (DCT[u * 8 + y] as number) * (blk[y * 8 + x] as number)
          tmp[u * 8 + x] = s
        }
      }
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let s = 0
          for (let x = 0; x < 8; x++) s += (tmp[v * 8 + x] as number) * (DCT[u * 8 + x] as number)
          const q = table[v * 8 + u] as number
          blk[v * 8 + u] = roundAway(s / q) * q
        }
      }
      // Inverse: tmp = Aᵀ·F, f = tmp·A.
      for (let y = 0; y < 8; y++) {
        for (let u = 0; u < 8; u++) {
          let s = 0
          for (let v = 0; v < 8; v++) s += (DCT[v * 8 + y] as number) * (blk[v * 8 + u] as number)
          tmp[y * 8 + u] = s
        }
      }
      for (let y = 0; y < 8 && by + y < H; y++) {
        for (let x = 0; x < 8 && bx + x < W; x++) {
          let s = 0
          for (let u = 0; u < 8; u++) s += (tmp[y * 8 + u] as number) * (DCT[u * 8 + x] as number)
          const v = Math.round(s + 128)
          plane[(by + y) * W + bx + x] = v < 0 ? 0 : v > 255 ? 255 : v
        }
      }
    }
  }
}

/**
 * JPEG-like compression at IJG quality `quality`, synchronous and deterministic: values rounded to 8 bit,
 * baseline 8x8 DCT with the Annex K tables scaled as libjpeg does; grey images are one luminance
 * component (the package converts grey to 'L'); colour images go through JFIF YCbCr with 4:2:0 chroma
 * (2x2 means, replicated back; libjpeg's default "fancy" upsampling interpolates instead). An
 * approximation of libjpeg/PIL (no entropy coding is needed: it is lossless), equal in its quantisation.
 */
export function jpegCompress(img: Raster, quality: number): Float64Array {
  const { width: W, height: H, channels: C, data: src } = img
  const n = W * H
  const out = new Float64Array(src.length)
  const to8 = (v: number): number => Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255)
  const luma = jpegQuantTable(quality)
  if (C < 3) {
    const plane = new Float64Array(n)
    for (let ch = 0; ch < C; ch++) {
      for (let i = 0; i < n; i++) plane[i] = to8(src[i * C + ch] as number)
      jpegComponent(plane, W, H, luma)
      for (let i = 0; i < n; i++) out[i * C + ch] = (plane[i] as number) / 255
    }
    return out
  }
  const chroma = jpegQuantTable(quality, true)
  const Y = new Float64Array(n)
  const Cb = new Float64Array(n)
  const Cr = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = to8(src[i * C] as number)
    const g = to8(src[i * C + 1] as number)
    const b = to8(src[i * C + 2] as number)
    Y[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b)
    Cb[i] = Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128)
    Cr[i] = Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128)
  }
  jpegComponent(Y, W, H, luma)
  const w2 = Math.ceil(W / 2)
  const h2 = Math.ceil(H / 2)
  for (const P of [Cb, Cr]) {
    const small = new Float64Array(w2 * h2)
    for (let y = 0; y < h2; y++) {
      for (let x = 0; x < w2; x++) {
        let s = 0
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++) s += P[Math.min(2 * y + dy, H - 1) * W + Math.min(2 * x + dx, W - 1)] as number
        small[y * w2 + x] = Math.round(s / 4)
      }
    }
    jpegComponent(small, w2, h2, chroma)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) P[y * W + x] = small[(y >> 1) * w2 + (x >> 1)] as number
  }
  for (let i = 0; i < n; i++) {
    const y = Y[i] as number
    const cb = (Cb[i] as number) - 128
    const cr = (Cr[i] as number) - 128
    const rgb = [y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb]
    for (let ch = 0; ch < 3; ch++) {
      const v = Math.round(rgb[ch] as number)
      out[i * C + ch] = (v < 0 ? 0 : v > 255 ? 255 : v) / 255
    }
    for (let ch = 3; ch < C; ch++) out[i * C + ch] = src[i * C + ch] as number
  }
  return out
}
