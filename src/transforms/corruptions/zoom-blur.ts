/** The `zoom_blur` corruption: the mean of the image and its centre zooms (imagecorruptions `clipped_zoom`). */
import { readChannel, writeChannel } from '../kernels/channels.js'
import { clippedZoom } from './clipped-zoom.js'
import { corruption } from './corruption.js'

/** numpy `arange(1, stop, step)` as the package writes it (start + k·step while < stop). */
function arange(stop: number, step: number): number[] {
  const n = Math.ceil((stop - 1) / step)
  return Array.from({ length: n }, (_, k) => 1 + k * step)
}

/** Adds the top-left W x H of {@link clippedZoom} into `acc` (where the zoomed plane reaches). */
function addClippedZoom(plane: Float64Array, W: number, H: number, z: number, acc: Float64Array): void {
  const layer = clippedZoom(plane, W, H, z)
  const hh = Math.min(H, layer.height)
  const ww = Math.min(W, layer.width)
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < ww; x++)
      acc[y * W + x] = (acc[y * W + x] as number) + (layer.data[y * layer.width + x] as number)
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
