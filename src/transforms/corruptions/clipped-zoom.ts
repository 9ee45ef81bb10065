/** imagecorruptions `clipped_zoom`, shared by zoom blur and snow. */
import { blendBilinear } from '../kernels/bilinear.js'
import { roundHalfEven } from '../kernels/round.js'

/** A single-channel plane, row-major. */
export interface Plane {
  readonly width: number
  readonly height: number
  readonly data: Float64Array
}

/**
 * imagecorruptions `clipped_zoom` for one channel plane: centre crop `ceil(n/z)` per axis
 * (top = (n − c)//2), `scipy.ndimage.zoom(order=1)` to `round(c·z)` (output i at input i·(c−1)/(out−1)).
 * The whole zoomed plane is returned (it can be a little larger than W x H; callers keep the top-left).
 */
export function clippedZoom(plane: Float64Array, W: number, H: number, z: number): Plane {
  const chH = Math.ceil(H / z)
  const chW = Math.ceil(W / z)
  const top = Math.floor((H - chH) / 2)
  const left = Math.floor((W - chW) / 2)
  // scipy sizes the output with Python's round (half to even): 10·1.05 -> 10.
  const outH = roundHalfEven(chH * z)
  const outW = roundHalfEven(chW * z)
  const sy = outH > 1 ? (chH - 1) / (outH - 1) : 0
  const sx = outW > 1 ? (chW - 1) / (outW - 1) : 0
  const data = new Float64Array(outW * outH)
  for (let y = 0; y < outH; y++) {
    const v = y * sy
    const y0 = Math.min(Math.floor(v), chH - 1)
    const y1 = Math.min(y0 + 1, chH - 1)
    const fy = v - y0
    for (let x = 0; x < outW; x++) {
      const u = x * sx
      const x0 = Math.min(Math.floor(u), chW - 1)
      const x1 = Math.min(x0 + 1, chW - 1)
      const fx = u - x0
      const a = plane[(top + y0) * W + left + x0] as number
      const b = plane[(top + y0) * W + left + x1] as number
      const c = plane[(top + y1) * W + left + x0] as number
      const d = plane[(top + y1) * W + left + x1] as number
      data[y * outW + x] = blendBilinear(a, b, c, d, fx, fy)
    }
  }
  return { width: outW, height: outH, data }
}
