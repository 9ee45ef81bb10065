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
  const { width: W, height: H } = img
  // A kernel far longer than its axis only revisits the same samples through the border: fold it onto the axis.
  if (kx.length > FOLD_FACTOR * W + 1 || ky.length > FOLD_FACTOR * H + 1)
    return foldedFilter(img, foldKernel(W, kx, border), foldKernel(H, ky, border), out)
  return tapFilter(img, kx, ky, border, out)
}

/**
 * A kernel is folded when it is longer than this many times its axis (plus one). Below it the taps are summed one by
 * one, bit for bit as before; above it the folded matrix (n² per row instead of n·taps) is much faster, and the same
 * sum up to rounding: a Gaussian of sigma 1e5 (800 001 taps) on a 64-pixel axis costs 64² per row, not 51 million.
 */
const FOLD_FACTOR = 4

/**
 * The n x n matrix of a kernel on an axis of length n under a border rule: entry [x * n + j] is the total weight the
 * output at x gives to sample j, every tap that the border sends to j summed. O(taps + n²) for the rules in use:
 * a periodic one (reflect: period 2n, reflect-101: 2n − 2) folds the kernel modulo its period first; one constant
 * beyond the edges (clamp) sums each tail once. Any other rule is folded tap by tap.
 */
function foldKernel(n: number, kernel: Float64Array, border: BorderIndex): Float64Array {
  const r = (kernel.length - 1) / 2
  const m = new Float64Array(n * n)
  const period = periodOf(n, border)
  if (period !== undefined) {
    // g[t]: the weight of every tap whose offset k − r is t modulo the period.
    const g = new Float64Array(period)
    for (let k = 0; k < kernel.length; k++) {
      const t = ((((k - r) % period) + period) % period) | 0
      g[t] = (g[t] as number) + (kernel[k] as number)
    }
    for (let x = 0; x < n; x++)
      for (let t = 0; t < period; t++) {
        const j = x * n + border(x + t, n)
        m[j] = (m[j] as number) + (g[t] as number)
      }
    return m
  }
  if (constantBeyondEdges(n, border)) {
    const below = border(-1, n)
    const above = border(n, n)
    for (let x = 0; x < n; x++) {
      // Taps with x + k − r in 0..n−1 read the axis; the others read the edge value.
      const kLo = Math.max(0, r - x)
      const kHi = Math.min(kernel.length - 1, r - x + n - 1)
      let low = 0
      for (let k = 0; k < kLo; k++) low += kernel[k] as number
      let high = 0
      for (let k = kHi + 1; k < kernel.length; k++) high += kernel[k] as number
      const row = x * n
      for (let k = kLo; k <= kHi; k++) {
        const j = row + border(x + k - r, n)
        m[j] = (m[j] as number) + (kernel[k] as number)
      }
      m[row + below] = (m[row + below] as number) + low
      m[row + above] = (m[row + above] as number) + high
    }
    return m
  }
  const table = borderTable(n, r, border)
  for (let x = 0; x < n; x++)
    for (let k = 0; k < kernel.length; k++) {
      const j = x * n + (table[x + k] as number)
      m[j] = (m[j] as number) + (kernel[k] as number)
    }
  return m
}

/** The period of a border rule on an axis of length n (2n or 2n − 2), checked over three periods; else undefined. */
function periodOf(n: number, border: BorderIndex): number | undefined {
  for (const p of [2 * n, 2 * n - 2]) {
    if (p <= 0) continue
    let ok = true
    for (let i = -2 * p; i < 2 * p && ok; i++) ok = border(i + p, n) === border(i, n)
    if (ok) return p
  }
  return undefined
}

/** True when a border rule reads one sample below the axis and one above it, however far out (clamp). */
function constantBeyondEdges(n: number, border: BorderIndex): boolean {
  const below = border(-1, n)
  const above = border(n, n)
  for (const far of [2, n + 1, 4 * n + 3, 1e6])
    if (border(-far, n) !== below || border(n - 1 + far, n) !== above) return false
  return true
}

/** Separable correlation with folded (n x n) matrices along x and y; see {@link foldKernel}. */
function foldedFilter<T extends Float32Array | Float64Array>(
  img: Raster,
  mx: Float64Array,
  my: Float64Array,
  out: T,
): T {
  const { width: W, height: H, channels: C, data: src } = img
  const rowLen = W * C
  const tmp = new Float64Array(src.length)
  for (let y = 0; y < H; y++) {
    const row = y * rowLen
    for (let x = 0; x < W; x++) {
      const mr = x * W
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let j = 0; j < W; j++) s += (mx[mr + j] as number) * (src[row + j * C + ch] as number)
        tmp[row + x * C + ch] = s
      }
    }
  }
  const acc = new Float64Array(rowLen)
  for (let y = 0; y < H; y++) {
    acc.fill(0)
    const mr = y * H
    for (let j = 0; j < H; j++) {
      const w = my[mr + j] as number
      if (w === 0) continue
      const from = j * rowLen
      for (let i = 0; i < rowLen; i++) acc[i] = (acc[i] as number) + w * (tmp[from + i] as number)
    }
    out.set(acc, y * rowLen)
  }
  return out
}

/** Separable correlation tap by tap (the kernels fit their axes); see {@link separableFilter}. */
function tapFilter<T extends Float32Array | Float64Array>(
  img: Raster,
  kx: Float64Array,
  ky: Float64Array,
  border: BorderIndex,
  out: T,
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
