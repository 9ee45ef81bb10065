/**
 * Border rules: where a sample outside `0..n-1` reads. Integer rules map an index (convolution taps,
 * nearest samples); {@link reflectCoordinate} maps a continuous coordinate (torch grid_sample).
 */

/** An integer border rule: index `i` (any integer) of an axis of length `n` -> an index in `0..n-1`. */
export type BorderIndex = (i: number, n: number) => number

/** Edge replication (scipy 'nearest', OpenCV BORDER_REPLICATE): `aaaa|abcd|dddd`. */
export function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i
}

/** scipy 'reflect' (half-sample symmetric, edge sample repeated): `dcba|abcd|dcba`. */
export function reflectIndex(i: number, n: number): number {
  const p = 2 * n
  const m = ((i % p) + p) % p
  return m < n ? m : p - 1 - m
}

/** OpenCV BORDER_REFLECT_101 (whole-sample symmetric, edge not repeated): `gfedcb|abcdefgh|gfedcba`. */
export function reflect101Index(i: number, n: number): number {
  if (n === 1) return 0
  const p = 2 * n - 2
  let m = ((i % p) + p) % p
  if (m >= n) m = p - m
  return m
}

/**
 * torch `reflect_coordinates` for align_corners=true followed by the clip: mirrors `u` about the pixel
 * centres 0 and `size - 1` (numpy 'reflect', no edge repeat).
 */
export function reflectCoordinate(u: number, size: number): number {
  const span = size - 1
  if (span <= 0) return 0
  const a = Math.abs(u)
  const extra = a % span
  const flips = Math.floor(a / span)
  const r = flips % 2 === 0 ? extra : span - extra
  return r < 0 ? 0 : r > span ? span : r
}

/** `n + 2r` indices of a padded axis: entry `k` is where padded position `k − r` reads. */
export function borderTable(n: number, r: number, index: BorderIndex): Int32Array {
  const t = new Int32Array(n + 2 * r)
  for (let k = 0; k < t.length; k++) t[k] = index(k - r, n)
  return t
}
