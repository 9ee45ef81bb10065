/** Moving one channel plane in and out of interleaved rasters, and copies. */
import type { Raster } from '../../core/types.js'

/** Copies channel `ch` of an interleaved raster into `into` (length W·H), which is returned. */
export function readChannel(img: Raster, ch: number, into: Float64Array): Float64Array {
  const C = img.channels
  const src = img.data
  for (let i = 0, n = into.length; i < n; i++) into[i] = src[i * C + ch] as number
  return into
}

/** Writes a plane into channel `ch` of an interleaved output with `C` channels, optionally clamped to [0, 1]. */
export function writeChannel(
  out: Float32Array | Float64Array,
  plane: ArrayLike<number>,
  C: number,
  ch: number,
  clip = false,
): void {
  for (let i = 0, n = plane.length; i < n; i++) {
    let v = plane[i] as number
    if (clip) v = v < 0 ? 0 : v > 1 ? 1 : v
    out[i * C + ch] = v
  }
}

/** Smallest sample of channel `ch`. */
export function channelMin(img: Raster, ch: number): number {
  const C = img.channels
  let m = Infinity
  for (let i = ch; i < img.data.length; i += C) if ((img.data[i] as number) < m) m = img.data[i] as number
  return m
}

/** A raster with a copy of the data (what a transform returns at its neutral value). */
export function copyRaster(img: Raster): Raster {
  return { ...img, data: img.data.slice() }
}
