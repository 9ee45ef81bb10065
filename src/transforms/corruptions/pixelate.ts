/** The `pixelate` corruption: PIL BOX downscaling, then NEAREST back up. */
import { corruption } from './corruption.js'

/** PIL `BOX` resampling coefficients for one axis (Resample.c `precompute_coeffs`). */
function boxCoefficients(
  inSize: number,
  outSize: number,
): { start: Int32Array; count: Int32Array; weights: Float64Array; k: number } {
  const scale = inSize / outSize
  const filterscale = Math.max(scale, 1)
  const support = 0.5 * filterscale
  const k = Math.ceil(support) * 2 + 1
  const start = new Int32Array(outSize)
  const count = new Int32Array(outSize)
  const weights = new Float64Array(outSize * k)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0)
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) / filterscale
      const w = t > -0.5 && t <= 0.5 ? 1 : 0
      weights[xx * k + x] = w
      ww += w
    }
    for (let x = 0; x < xmax; x++) weights[xx * k + x] = ww === 0 ? 0 : (weights[xx * k + x] as number) / ww
    start[xx] = xmin
    count[xx] = xmax
  }
  return { start, count, weights, k }
}

/**
 * `pixelate`: PIL resize to `(int(W·c), int(H·c))` with BOX, back with NEAREST (source pixel
 * `floor((i + 0.5)·in/out)`), c = .6 .5 .4 .3 .25. In float (PIL rounds the BOX pass to uint8).
 */
export const pixelate = corruption('pixelate', [0.6, 0.5, 0.4, 0.3, 0.25], (img, c) => {
  const { width: W, height: H, channels: C, data: src } = img
  const w = Math.max(1, Math.trunc(W * c))
  const h = Math.max(1, Math.trunc(H * c))
  const cx = boxCoefficients(W, w)
  const cy = boxCoefficients(H, h)
  const tmp = new Float64Array(w * H * C)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        const st = cx.start[x] as number
        for (let j = 0; j < (cx.count[x] as number); j++)
          s += (cx.weights[x * cx.k + j] as number) * (src[(y * W + st + j) * C + ch] as number)
        tmp[(y * w + x) * C + ch] = s
      }
    }
  }
  const small = new Float64Array(w * h * C)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        const st = cy.start[y] as number
        for (let j = 0; j < (cy.count[y] as number); j++)
          s += (cy.weights[y * cy.k + j] as number) * (tmp[((st + j) * w + x) * C + ch] as number)
        small[(y * w + x) * C + ch] = s
      }
    }
  }
  const out = new Float64Array(src.length)
  for (let y = 0; y < H; y++) {
    const sy = Math.min(Math.floor(((y + 0.5) * h) / H), h - 1)
    for (let x = 0; x < W; x++) {
      const sx = Math.min(Math.floor(((x + 0.5) * w) / W), w - 1)
      for (let ch = 0; ch < C; ch++) out[(y * W + x) * C + ch] = small[(sy * w + sx) * C + ch] as number
    }
  }
  return out
})
