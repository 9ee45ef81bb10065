/**
 * The few OpenCV operations of the `spatter` corruption, on single-channel row-major planes: Canny edges,
 * 3x3 box blur, histogram equalisation and the uint8 saturating cast (the distance transform is the metrics' exact one).
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
