/** The `spatter` corruption: water drops (severities 1-3) or mud (4-5) from a thresholded noise layer. */
import type { Raster } from '../../core/types.js'
import { squaredDistanceTransform } from '../../metrics/edt.js'
import { clampIndex, reflect101Index } from '../kernels/border.js'
import { filter2D, separableFilter } from '../kernels/convolve.js'
import { gaussianKernel } from '../kernels/gaussian.js'
import { createRng } from '../random.js'
import { corruption } from './corruption.js'
import { boxBlur3, canny, equalizeHist, saturateU8 } from './cv-ops.js'

/** skimage `rgb2gray`-style weights the package uses for grey images. */
const GREY = [0.2989, 0.587, 0.114] as const
/** Pale turquoise water and brown mud, in the package's channel order (applied to channels 0, 1, 2 as is). */
const WATER = [175 / 255, 238 / 255, 238 / 255] as const
const MUD = [63 / 255, 42 / 255, 20 / 255] as const
const EMBOSS = { size: 3, data: Float64Array.of(-2, -1, 0, -1, 1, 1, 0, 1, 2) }

/** `f` applied to every value into a new array of type `T` (TypedArray.from with a map function is slow in V8). */
function mapInto<T extends Float64Array | Float32Array | Uint8Array>(
  src: ArrayLike<number>,
  out: T,
  f: (v: number) => number,
): T {
  for (let i = 0; i < src.length; i++) out[i] = f(src[i] as number)
  return out
}

/** skimage `gaussian` (mode 'nearest', truncate 4) of one plane. */
function gaussianPlane(data: Float64Array, W: number, H: number, sigma: number): Float64Array {
  const k = gaussianKernel(sigma, 4)
  return separableFilter({ width: W, height: H, channels: 1, data: Float32Array.from(data) }, k, k, clampIndex)
}

/**
 * The water drops' brightness map (severities 1-3): the uint8 liquid layer times the package's embossed,
 * equalised distance to the Canny edges of the drops, normalised to max 1 and scaled by `gain`.
 */
function waterMap(liquid: Float64Array, W: number, H: number, gain: number): Float64Array {
  const u8 = mapInto(liquid, new Uint8Array(W * H), (v) => Math.min(255, Math.floor(v * 255)))
  // cv2.distanceTransform(255 − edges): the distance to the nearest edge pixel (exact here, a 5x5 chamfer in OpenCV),
  // then THRESH_TRUNC at 20 (which also bounds the Infinity of an edgeless layer).
  const dist = squaredDistanceTransform(canny(u8, W, H, 50, 150), W, H)
  for (let i = 0; i < dist.length; i++) dist[i] = Math.min(20, Math.sqrt(dist[i] as number))
  const level = mapInto(boxBlur3(dist, W, H), new Uint8Array(W * H), Math.floor)
  const eq = equalizeHist(level)
  const img: Raster = { width: W, height: H, channels: 1, data: Float32Array.from(eq) }
  const embossed = mapInto(filter2D(img, EMBOSS, reflect101Index), new Float64Array(W * H), saturateU8)
  // cv2.blur of uint8 rounds back to uint8.
  const smooth = mapInto(boxBlur3(embossed, W, H), new Float64Array(W * H), saturateU8)
  const m = new Float64Array(W * H)
  let max = 0
  for (let i = 0; i < m.length; i++) {
    m[i] = (u8[i] as number) * (smooth[i] as number)
    if ((m[i] as number) > max) max = m[i] as number
  }
  // The package divides by the maximum (NaN for a dropless layer); no drops is no change.
  for (let i = 0; i < m.length; i++) m[i] = max > 0 ? ((m[i] as number) / max) * gain : 0
  return m
}

/** The mud mask (severities 4-5): the drops, blurred by `sigma`, kept where >= 0.8. */
function mudMap(liquid: Float64Array, W: number, H: number, threshold: number, sigma: number): Float64Array {
  const m = gaussianPlane(
    mapInto(liquid, new Float64Array(W * H), (v) => (v > threshold ? 1 : 0)),
    W,
    H,
    sigma,
  )
  for (let i = 0; i < m.length; i++) if ((m[i] as number) < 0.8) m[i] = 0
  return m
}

/**
 * `spatter` with c = (mean, std, σ, threshold, gain or mud σ, mud): liquid = skimage `gaussian(N(c0, c1), c2)`,
 * values < c3 set to 0. Water (c5 = 0): `x + clip(m·colour)` with m from the Canny/distance/emboss chain
 * (cv-ops.ts; exact Euclidean distances where OpenCV uses a 5x5 chamfer); mud (c5 = 1): `x·(1 − m) + m·colour`.
 * Colour images get the package's colour per channel; other images its grey of the colour.
 * Tables (.65,.3,4,.69,.6,0) (.65,.3,3,.68,.6,0) (.65,.3,2,.68,.5,0) (.65,.3,1,.65,1.5,1) (.67,.4,1,.65,1.5,1).
 */
export const spatter = corruption(
  'spatter',
  [
    [0.65, 0.3, 4, 0.69, 0.6, 0],
    [0.65, 0.3, 3, 0.68, 0.6, 0],
    [0.65, 0.3, 2, 0.68, 0.5, 0],
    [0.65, 0.3, 1, 0.65, 1.5, 1],
    [0.67, 0.4, 1, 0.65, 1.5, 1],
  ] as const,
  (img, [mean, std, sigma, threshold, gain, mud], o) => {
    const { width: W, height: H, channels: C, data } = img
    const rng = createRng(o.seed)
    const noise = new Float64Array(W * H)
    for (let i = 0; i < noise.length; i++) noise[i] = mean + std * rng.normal()
    const liquid = gaussianPlane(noise, W, H, sigma)
    for (let i = 0; i < liquid.length; i++) if ((liquid[i] as number) < threshold) liquid[i] = 0
    const colour = mud ? MUD : WATER
    const m = mud ? mudMap(liquid, W, H, threshold, gain) : waterMap(liquid, W, H, gain)
    const out = new Float64Array(data.length)
    for (let p = 0; p < W * H; p++) {
      const mp = m[p] as number
      // Water adds the clipped colour layer; mud covers the image with it.
      const layer = (k: number): number => (mud ? mp * (colour[k] as number) : Math.min(1, mp * (colour[k] as number)))
      const keep = mud ? 1 - mp : 1
      if (C === 3) for (let k = 0; k < 3; k++) out[p * 3 + k] = (data[p * 3 + k] as number) * keep + layer(k)
      else {
        const add = GREY[0] * layer(0) + GREY[1] * layer(1) + GREY[2] * layer(2)
        for (let ch = 0; ch < C; ch++) out[p * C + ch] = (data[p * C + ch] as number) * keep + add
      }
    }
    return out
  },
)
