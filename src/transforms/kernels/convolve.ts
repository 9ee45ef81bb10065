/** Correlation of interleaved rasters with 1D (separable) and 2D kernels, under a border rule. */
import type { Raster } from '../../core/types.js'
import { borderTable, reflect101Index, type BorderIndex } from './border.js'

/**
 * Separable correlation per channel: along x with `kx`, then along y with `ky` (odd lengths, centred),
 * samples outside read through `border`. Sums in Float64 in kernel order (so scipy `correlate1d` and
 * cv2 `sepFilter2D` results are matched to the last bit they share); the result goes to `out` (a new
 * Float64Array by default; pass a Float32Array for raster output).
 */
export function separableFilter<T extends Float32Array | Float64Array = Float64Array>(
  img: Raster,
  kx: Float64Array,
  ky: Float64Array,
  border: BorderIndex,
  out: T = new Float64Array(img.data.length) as T,
): T {
  const { width: W, height: H, channels: C, data: src } = img
  const rx = (kx.length - 1) / 2
  const ry = (ky.length - 1) / 2
  const xs = borderTable(W, rx, border)
  const rowLen = W * C
  // Horizontal pass: copy each row into a padded buffer, then correlate contiguously.
  const padded = new Float64Array((W + 2 * rx) * C)
  const tmp = new Float64Array(src.length)
  const KX = kx.length
  for (let y = 0; y < H; y++) {
    const row = y * rowLen
    for (let i = 0; i < xs.length; i++) {
      const sx = row + (xs[i] as number) * C
      for (let ch = 0; ch < C; ch++) padded[i * C + ch] = src[sx + ch] as number
    }
    for (let j = 0; j < rowLen; j++) {
      let s = 0
      for (let k = 0; k < KX; k++) s += (kx[k] as number) * (padded[j + k * C] as number)
      tmp[row + j] = s
    }
  }
  // Vertical pass: accumulate whole rows, so memory is read in order.
  const ys = borderTable(H, ry, border)
  const acc = new Float64Array(rowLen)
  for (let y = 0; y < H; y++) {
    acc.fill(0)
    for (let k = 0; k < ky.length; k++) {
      const w = ky[k] as number
      const from = (ys[y + k] as number) * rowLen
      for (let j = 0; j < rowLen; j++) acc[j] = (acc[j] as number) + w * (tmp[from + j] as number)
    }
    out.set(acc, y * rowLen)
  }
  return out
}

/** A square 2D kernel, row-major. */
export interface Kernel2D {
  readonly size: number
  readonly data: Float64Array
}

/** Full 2D correlation per channel (cv2 `filter2D`), default border BORDER_REFLECT_101; zero weights skipped. */
export function filter2D(img: Raster, kernel: Kernel2D, border: BorderIndex = reflect101Index): Float64Array {
  const { width: W, height: H, channels: C, data: src } = img
  const K = kernel.size
  const r = (K - 1) / 2
  const xs = borderTable(W, r, border)
  const ys = borderTable(H, r, border)
  const out = new Float64Array(src.length)
  const kd = kernel.data
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let ky = 0; ky < K; ky++) {
          const row = (ys[y + ky] as number) * W
          const kr = ky * K
          for (let kx = 0; kx < K; kx++) {
            const w = kd[kr + kx] as number
            if (w !== 0) s += w * (src[(row + (xs[x + kx] as number)) * C + ch] as number)
          }
        }
        out[(y * W + x) * C + ch] = s
      }
    }
  }
  return out
}
