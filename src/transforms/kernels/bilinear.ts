/**
 * Bilinear interpolation in the three arithmetic forms segsense must keep apart, because each matches a
 * different reference to the last bit: torch's tap weights, scipy/PIL-style weighted blends, and the
 * lerp form of the model adapters (which keeps infinite samples on grid points).
 */

/**
 * The 4 bilinear taps of input coordinate (u, v) in torch's order (NW, NE, SW, SE): pixel indices `y * W + x`, or
 * -1 for a tap outside the image, and their weights `(1 - du)(1 - dv)`, ... (weights of outside taps are kept:
 * images skip them, masks count them as background). Writes into `taps` and `weights`: no allocation per pixel.
 */
export function bilinearTaps(
  u: number,
  v: number,
  W: number,
  H: number,
  taps: Int32Array,
  weights: Float64Array,
): void {
  const x0 = Math.floor(u)
  const y0 = Math.floor(v)
  const x1 = x0 + 1
  const y1 = y0 + 1
  const wx1 = u - x0
  const wx0 = x1 - u
  const wy1 = v - y0
  const wy0 = y1 - v
  const in0x = x0 >= 0 && x0 < W
  const in1x = x1 >= 0 && x1 < W
  const in0y = y0 >= 0 && y0 < H
  const in1y = y1 >= 0 && y1 < H
  taps[0] = in0x && in0y ? y0 * W + x0 : -1
  taps[1] = in1x && in0y ? y0 * W + x1 : -1
  taps[2] = in0x && in1y ? y1 * W + x0 : -1
  taps[3] = in1x && in1y ? y1 * W + x1 : -1
  weights[0] = wx0 * wy0
  weights[1] = wx1 * wy0
  weights[2] = wx0 * wy1
  weights[3] = wx1 * wy1
}

/**
 * Weighted blend of the four neighbours `a` (x0, y0), `b` (x1, y0), `c` (x0, y1), `d` (x1, y1) at fractions
 * (fx, fy): `(1 − fy)((1 − fx)a + fx·b) + fy((1 − fx)c + fx·d)` (scipy `map_coordinates(order=1)`, `zoom`).
 */
export function blendBilinear(a: number, b: number, c: number, d: number, fx: number, fy: number): number {
  return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d)
}

/** `a + t·(b − a)`. */
export function lerp(a: number, b: number, t: number): number {
  return a + t * (b - a)
}

/** {@link lerp} that returns `a` itself at t = 0, so that an infinite neighbour cannot turn a grid point into NaN. */
export function lerpOnGrid(a: number, b: number, t: number): number {
  return t === 0 ? a : a + t * (b - a)
}

/** Bilinear in lerp form: along x on rows y0 (`v00`, `v01`) and y1 (`v10`, `v11`), then along y. */
export function lerpBilinear(v00: number, v01: number, v10: number, v11: number, wx: number, wy: number): number {
  return lerp(lerp(v00, v01, wx), lerp(v10, v11, wx), wy)
}
