/**
 * The few OpenCV operations of the `spatter` corruption, on single-channel row-major planes: Canny edges,
 * the Euclidean distance transform, 3x3 box blur, histogram equalisation and the uint8 saturating cast.
 */
import { borderTable, clampIndex, reflect101Index } from '../kernels/border.js'
import { roundHalfEven } from '../kernels/round.js'

/** cv2 `saturate_cast<uchar>`: round half to even, clamp to 0..255. */
export function saturateU8(v: number): number {
  const r = roundHalfEven(v)
  return r < 0 ? 0 : r > 255 ? 255 : r
}

/**
 * cv2 `Canny(img, low, high)` on uint8 levels (aperture 3, L1 gradient): Sobel with edge replication, non-maximum
 * suppression along the gradient direction quantised to 0/45/90/135°, hysteresis (8-connected). 255 on edges.
 */
export function canny(img: Uint8Array, W: number, H: number, low: number, high: number): Uint8Array {
  const gx = new Float64Array(W * H)
  const gy = new Float64Array(W * H)
  const mag = new Float64Array(W * H)
  const xs = borderTable(W, 1, clampIndex)
  const ys = borderTable(H, 1, clampIndex)
  for (let y = 0; y < H; y++) {
    const up = (ys[y] as number) * W
    const mid = y * W
    const down = (ys[y + 2] as number) * W
    for (let x = 0; x < W; x++) {
      const l = xs[x] as number
      const r = xs[x + 2] as number
      const ul = img[up + l] as number
      const ur = img[up + r] as number
      const dl = img[down + l] as number
      const dr = img[down + r] as number
      const dx = ur - ul + 2 * ((img[mid + r] as number) - (img[mid + l] as number)) + dr - dl
      const dy = dl - ul + 2 * ((img[down + x] as number) - (img[up + x] as number)) + dr - ur
      const k = y * W + x
      gx[k] = dx
      gy[k] = dy
      mag[k] = Math.abs(dx) + Math.abs(dy)
    }
  }
  const m = (x: number, y: number): number => (x < 0 || y < 0 || x >= W || y >= H ? 0 : (mag[y * W + x] as number))
  // 2 = strong, 1 = weak candidate.
  const state = new Uint8Array(W * H)
  const stack: number[] = []
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const k = y * W + x
      const v = mag[k] as number
      if (v <= low) continue
      const ax = Math.abs(gx[k] as number)
      const ay = Math.abs(gy[k] as number)
      let max: boolean
      if (ay < ax * 0.4142135623730951) max = v > m(x - 1, y) && v >= m(x + 1, y)
      else if (ay > ax * 2.414213562373095) max = v > m(x, y - 1) && v >= m(x, y + 1)
      else if ((gx[k] as number) * (gy[k] as number) < 0) max = v > m(x + 1, y - 1) && v > m(x - 1, y + 1)
      else max = v > m(x - 1, y - 1) && v > m(x + 1, y + 1)
      if (!max) continue
      state[k] = v > high ? 2 : 1
      if (v > high) stack.push(k)
    }
  }
  const edges = new Uint8Array(W * H)
  for (const k of stack) edges[k] = 255
  while (stack.length) {
    const k = stack.pop() as number
    const x = k % W
    const y = (k - x) / W
    for (let j = -1; j <= 1; j++) {
      for (let i = -1; i <= 1; i++) {
        const px = x + i
        const py = y + j
        if (px < 0 || py < 0 || px >= W || py >= H) continue
        const n = py * W + px
        if (state[n] === 1 && edges[n] === 0) {
          edges[n] = 255
          stack.push(n)
        }
      }
    }
  }
  return edges
}

/** Squared 1D distance transform of `f` (Felzenszwalb & Huttenlocher), stride-addressed, in place. */
function edt1d(
  f: Float64Array,
  start: number,
  stride: number,
  n: number,
  v: Int32Array,
  z: Float64Array,
  d: Float64Array,
): void {
  let k = 0
  v[0] = 0
  z[0] = -Infinity
  z[1] = Infinity
  for (let q = 1; q < n; q++) {
    const fq = (f[start + q * stride] as number) + q * q
    let s: number
    for (;;) {
      const p = v[k] as number
      s = (fq - ((f[start + p * stride] as number) + p * p)) / (2 * q - 2 * p)
      if (s <= (z[k] as number)) k--
      else break
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++
    const p = v[k] as number
    d[q] = (q - p) * (q - p) + (f[start + p * stride] as number)
  }
  for (let q = 0; q < n; q++) f[start + q * stride] = d[q] as number
}

// Stands for "no zero pixel": finite, so that the parabola intersections above stay numbers.
const FAR = 1e12

/**
 * Exact Euclidean distance of every pixel to the nearest zero pixel (cv2 `distanceTransform(DIST_L2)`, which
 * uses a 5x5 chamfer approximation instead); with no zero pixel, every distance is 1e6 (far).
 */
export function distanceToZero(img: Uint8Array, W: number, H: number): Float64Array {
  const f = new Float64Array(W * H)
  for (let i = 0; i < f.length; i++) f[i] = img[i] === 0 ? 0 : FAR
  const n = Math.max(W, H)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  const d = new Float64Array(n)
  for (let x = 0; x < W; x++) edt1d(f, x, W, H, v, z, d)
  for (let y = 0; y < H; y++) edt1d(f, y * W, 1, W, v, z, d)
  for (let i = 0; i < f.length; i++) f[i] = Math.sqrt(f[i] as number)
  return f
}

/** cv2 `blur(img, (3, 3))`: the 3x3 mean, BORDER_REFLECT_101. */
export function boxBlur3(src: ArrayLike<number>, W: number, H: number): Float64Array {
  const xs = borderTable(W, 1, reflect101Index)
  const ys = borderTable(H, 1, reflect101Index)
  // Row sums first, then three of them per output: 6 additions a pixel.
  const rows = new Float64Array(W * H)
  for (let y = 0; y < H; y++) {
    const o = y * W
    for (let x = 0; x < W; x++) {
      rows[o + x] =
        (src[o + (xs[x] as number)] as number) + (src[o + x] as number) + (src[o + (xs[x + 2] as number)] as number)
    }
  }
  const out = new Float64Array(W * H)
  for (let y = 0; y < H; y++) {
    const a = (ys[y] as number) * W
    const b = y * W
    const c = (ys[y + 2] as number) * W
    for (let x = 0; x < W; x++)
      out[b + x] = ((rows[a + x] as number) + (rows[b + x] as number) + (rows[c + x] as number)) / 9
  }
  return out
}

/** cv2 `equalizeHist` on uint8 levels: level i -> round(255·(cdf(i) − h0)/(N − h0)), h0 the first level's count. */
export function equalizeHist(img: Uint8Array): Uint8Array {
  const hist = new Float64Array(256)
  for (const v of img) hist[v] = (hist[v] as number) + 1
  let i = 0
  while (i < 255 && hist[i] === 0) i++
  const out = new Uint8Array(img.length)
  if (hist[i] === img.length) return out.fill(i)
  const scale = 255 / (img.length - (hist[i] as number))
  const lut = new Uint8Array(256)
  let sum = 0
  for (i++; i < 256; i++) {
    sum += hist[i] as number
    lut[i] = saturateU8(sum * scale)
  }
  for (let k = 0; k < img.length; k++) out[k] = lut[img[k] as number] as number
  return out
}
