/** skimage's RGB <-> HSV conversion, for the colour corruptions (brightness, saturate). */
import type { Raster } from '../../core/types.js'

/** skimage `rgb2hsv` of one pixel into `hsv` (later max channels win ties, as in skimage). */
export function rgb2hsv(r: number, g: number, b: number, hsv: Float64Array): void {
  const v = Math.max(r, g, b)
  const delta = v - Math.min(r, g, b)
  let h = 0
  if (delta !== 0) {
    if (b === v) h = 4 + (r - g) / delta
    else if (g === v) h = 2 + (b - r) / delta
    else h = (g - b) / delta
    h = (((h / 6) % 1) + 1) % 1
  }
  hsv[0] = h
  hsv[1] = delta === 0 || v === 0 ? 0 : delta / v
  hsv[2] = v
}

/** skimage `hsv2rgb` of one pixel into `rgb`. */
export function hsv2rgb(h: number, s: number, v: number, rgb: Float64Array): void {
  const i = Math.floor(h * 6)
  const f = h * 6 - i
  const p = v * (1 - s)
  const q = v * (1 - f * s)
  const t = v * (1 - (1 - f) * s)
  const sel = ((i % 6) + 6) % 6
  const [r, g, b] =
    sel === 0
      ? [v, t, p]
      : sel === 1
        ? [q, v, p]
        : sel === 2
          ? [p, v, t]
          : sel === 3
            ? [p, q, v]
            : sel === 4
              ? [t, p, v]
              : [v, p, q]
  rgb[0] = r
  rgb[1] = g
  rgb[2] = b
}

/** Applies an HSV edit to the first three channels (RGB); further channels (alpha) pass through. */
export function hsvEdit(img: Raster, edit: (hsv: Float64Array) => void): Float64Array {
  const { channels: C, data: src } = img
  const out = Float64Array.from(src)
  const hsv = new Float64Array(3)
  const rgb = new Float64Array(3)
  for (let i = 0; i < src.length; i += C) {
    rgb2hsv(src[i] as number, src[i + 1] as number, src[i + 2] as number, hsv)
    edit(hsv)
    hsv2rgb(hsv[0] as number, hsv[1] as number, hsv[2] as number, rgb)
    out[i] = rgb[0] as number
    out[i + 1] = rgb[1] as number
    out[i + 2] = rgb[2] as number
  }
  return out
}
