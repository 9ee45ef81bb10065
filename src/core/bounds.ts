/**
 * A pixel bounding box `[minX, minY, maxX, maxY]`, inclusive, grown mask by mask; empty while `maxX < 0`.
 * Typed so that the scans stay allocation-free.
 */
export type Bounds = Int32Array

/** A box that holds no pixel yet, for an image `width` x `height`. */
export function emptyBounds(width: number, height: number): Bounds {
  return Int32Array.of(width, height, -1, -1)
}

/**
 * Grows `bounds` to hold every selected pixel of a `width` x `height` mask: a pixel is selected when its value is
 * non-zero, or, with `lut`, when `lut[value]` is non-zero (values beyond the table are not selected).
 */
export function extendBounds(
  bounds: Bounds,
  mask: ArrayLike<number>,
  width: number,
  height: number,
  lut?: ArrayLike<number>,
): void {
  let x0 = bounds[0] as number,
    y0 = bounds[1] as number,
    x1 = bounds[2] as number,
    y1 = bounds[3] as number
  const n = lut ? lut.length : 0
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      const v = mask[row + x] as number
      if (lut ? !(v < n && lut[v]) : !v) continue
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      if (y > y1) y1 = y
    }
  }
  bounds[0] = x0
  bounds[1] = y0
  bounds[2] = x1
  bounds[3] = y1
}
