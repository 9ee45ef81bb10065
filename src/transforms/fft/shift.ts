import type { ComplexPlane } from './fft.js'

/**
 * Circularly rolls a row-major `width x height` array by (sx, sy): `out[(x + sx) mod W, (y + sy) mod H] = in[x, y]`
 * (numpy `roll`). Writes into `out` (allocated when absent; must not be `data`).
 */
export function roll2(
  data: Float64Array,
  width: number,
  height: number,
  sx: number,
  sy: number,
  out = new Float64Array(data.length),
): Float64Array {
  const ox = ((sx % width) + width) % width
  const oy = ((sy % height) + height) % height
  for (let y = 0; y < height; y++) {
    const ty = (y + oy) % height
    const src = y * width
    const dst = ty * width
    // Two contiguous runs per row: [0, W-ox) -> [ox, W), [W-ox, W) -> [0, ox).
    out.set(data.subarray(src, src + width - ox), dst + ox)
    out.set(data.subarray(src + width - ox, src + width), dst)
  }
  return out
}

function shiftPlane(plane: ComplexPlane, sign: 1 | -1): ComplexPlane {
  const { width: W, height: H } = plane
  const sx = sign * Math.floor(W / 2)
  const sy = sign * Math.floor(H / 2)
  return { width: W, height: H, re: roll2(plane.re, W, H, sx, sy), im: roll2(plane.im, W, H, sx, sy) }
}

/**
 * numpy `fftshift` over both axes: rolls by floor(n/2), so the DC term moves to index (W//2, H//2).
 * Differs from {@link ifftshift} for odd sizes. Returns a new plane.
 */
export function fftshift(plane: ComplexPlane): ComplexPlane {
  return shiftPlane(plane, 1)
}

/** numpy `ifftshift` over both axes: rolls by −floor(n/2), undoing {@link fftshift} for any size. Returns a new plane. */
export function ifftshift(plane: ComplexPlane): ComplexPlane {
  return shiftPlane(plane, -1)
}
