/** The `zoom_blur` corruption: the mean of the image and its centre zooms (imagecorruptions `clipped_zoom`). */
import { blendBilinear } from '../kernels/bilinear.js'
import { readChannel, writeChannel } from '../kernels/channels.js'
import { roundHalfEven } from '../kernels/round.js'
import { corruption } from './corruption.js'

/** numpy `arange(1, stop, step)` as the package writes it (start + k·step while < stop). */
function arange(stop: number, step: number): number[] {
  const n = Math.ceil((stop - 1) / step)
  return Array.from({ length: n }, (_, k) => 1 + k * step)
}

/**
 * imagecorruptions `clipped_zoom` for one channel plane: centre crop `ceil(n/z)` per axis
 * (top = (n − c)//2), `scipy.ndimage.zoom(order=1)` to `round(c·z)` (output i at input i·(c−1)/(out−1)),
 * keep the top-left H x W; adds the layer into `acc` where the layer exists.
 */
function addClippedZoom(plane: Float64Array, W: number, H: number, z: number, acc: Float64Array): void {
  const chH = Math.ceil(H / z)
  const chW = Math.ceil(W / z)
  const top = Math.floor((H - chH) / 2)
  const left = Math.floor((W - chW) / 2)
  // scipy sizes the output with Python's round (half to even): 10·1.05 -> 10.
  const outH = roundHalfEven(chH * z)
  const outW = roundHalfEven(chW * z)
  const hh = Math.min(H, outH)
  const ww = Math.min(W, outW)
  const sy = outH > 1 ? (chH - 1) / (outH - 1) : 0
  const sx = outW > 1 ? (chW - 1) / (outW - 1) : 0
  for (let y = 0; y < hh; y++) {
    const v = y * sy
    const y0 = Math.min(Math.floor(v), chH - 1)
    const y1 = Math.min(y0 + 1, chH - 1)
    const fy = v - y0
    for (let x = 0; x < ww; x++) {
      const u = x * sx
      const x0 = Math.min(Math.floor(u), chW - 1)
      const x1 = Math.min(x0 + 1, chW - 1)
      const fx = u - x0
      const a = plane[(top + y0) * W + left + x0] as number
      const b = plane[(top + y0) * W + left + x1] as number
      const c = plane[(top + y1) * W + left + x0] as number
      const d = plane[(top + y1) * W + left + x1] as number
      acc[y * W + x] = (acc[y * W + x] as number) + blendBilinear(a, b, c, d, fx, fy)
    }
  }
}

/** `zoom_blur`: `(x + Σ_z clipped_zoom(x, z))/(len(zs) + 1)`, zs = arange(1, 1.11, .01) … arange(1, 1.31, .03). */
export const zoomBlur = corruption(
  'zoomBlur',
  [arange(1.11, 0.01), arange(1.16, 0.01), arange(1.21, 0.02), arange(1.26, 0.02), arange(1.31, 0.03)],
  (img, zs) => {
    const { width: W, height: H, channels: C } = img
    const out = new Float64Array(img.data.length)
    const plane = new Float64Array(W * H)
    const acc = new Float64Array(W * H)
    for (let ch = 0; ch < C; ch++) {
      readChannel(img, ch, plane)
      acc.set(plane)
      for (const z of zs) addClippedZoom(plane, W, H, z, acc)
      for (let i = 0; i < W * H; i++) acc[i] = (acc[i] as number) / (zs.length + 1)
      writeChannel(out, acc, C, ch)
    }
    return out
  },
)
