/** The `snow` corruption: a zoomed, thresholded, motion-blurred noise layer over a brightened image. */
import { roundHalfEven } from '../kernels/round.js'
import { createRng } from '../random.js'
import { clippedZoom } from './clipped-zoom.js'
import { corruption } from './corruption.js'
import { lineBlur } from './motion-blur.js'

/** Luma weights of cv2 `COLOR_RGB2GRAY`. */
const LUMA = [0.299, 0.587, 0.114] as const

/**
 * `snow` with c = (mean, std, zoom, threshold, blur radius, blur σ, image weight):
 * layer = N(c0, c1) per pixel, `clipped_zoom` by c2, values < c3 set to 0, clipped to [0, 1], motion-blurred
 * ({@link lineBlur}, radius c4, σ c5, angle U(−135°, −45°)), rounded to uint8 levels, top-left H x W kept;
 * `x' = c6·x + (1 − c6)·max(x, 1.5·grey + 0.5)` (grey: cv2 luma of RGB images, the channel itself otherwise);
 * out = `x' + layer + rot180(layer)`. Tables (0.1,.3,3,.5,10,4,.8) (.2,.3,2,.5,12,4,.7) (.55,.3,4,.9,12,8,.7)
 * (.55,.3,4.5,.85,12,8,.65) (.55,.3,2.5,.85,12,12,.55).
 */
export const snow = corruption(
  'snow',
  [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55],
  ] as const,
  (img, [mean, std, zoom, threshold, radius, sigma, weight], o) => {
    const { width: W, height: H, channels: C, data } = img
    const rng = createRng(o.seed)
    const noise = new Float64Array(W * H)
    for (let i = 0; i < noise.length; i++) noise[i] = mean + std * rng.normal()
    const zoomed = clippedZoom(noise, W, H, zoom)
    const layer = new Float32Array(zoomed.data.length)
    for (let i = 0; i < layer.length; i++) {
      const v = zoomed.data[i] as number
      layer[i] = v < threshold ? 0 : v > 1 ? 1 : v
    }
    const angle = (rng.next() * 90 - 135) * (Math.PI / 180)
    const blurred = lineBlur(
      { width: zoomed.width, height: zoomed.height, channels: 1, data: layer },
      radius,
      sigma,
      angle,
    )
    // Rounded to uint8 levels (numpy round: half to even) and cropped to the image, then added with its 180° turn.
    const flakes = new Float64Array(W * H)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        flakes[y * W + x] = roundHalfEven((blurred[y * zoomed.width + x] as number) * 255) / 255
      }
    }
    const out = new Float64Array(data.length)
    for (let p = 0; p < W * H; p++) {
      const o = p * C
      const grey =
        C === 3
          ? LUMA[0] * (data[o] as number) + LUMA[1] * (data[o + 1] as number) + LUMA[2] * (data[o + 2] as number)
          : undefined
      const add = (flakes[p] as number) + (flakes[W * H - 1 - p] as number)
      for (let ch = 0; ch < C; ch++) {
        const x = data[p * C + ch] as number
        const g = grey ?? x
        out[p * C + ch] = weight * x + (1 - weight) * Math.max(x, 1.5 * g + 0.5) + add
      }
    }
    return out
  },
)
