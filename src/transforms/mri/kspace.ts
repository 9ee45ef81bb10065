/**
 * k-space helpers of the MR artifacts on top of transforms/fft: shifted <-> unshifted indices, 1D
 * spectra along one axis, and numpy's maximum of a spectrum.
 */
import type { Raster } from '../../core/types.js'
import { complexPlane, fft2InPlace, fftAxis, type ComplexPlane } from '../fft/fft.js'
import { readChannel } from '../kernels/channels.js'
import type { ImageAxis } from '../transform.js'

/** Shifted-spectrum index s (DC at n//2) -> unshifted FFT index. */
export function unshift(s: number, n: number): number {
  return (((s - Math.floor(n / 2)) % n) + n) % n
}

/**
 * The 1D spectrum along `axis` of channel `ch` (every line transformed, no shift), in `plane`. The MR
 * artifacts whose k-space edit depends on one frequency axis only need no more: the other axis' FFT
 * would cancel with its inverse.
 */
export function axisSpectrum(img: Raster, ch: number, axis: ImageAxis, plane: ComplexPlane): ComplexPlane {
  readChannel(img, ch, plane.re)
  plane.im.fill(0)
  fftAxis(plane, axis)
  return plane
}

/**
 * Multiplies every line of an axis spectrum by the gain of its frequency: `gain[u]`, u the unshifted
 * index along `axis`.
 */
export function scaleAxisSpectrum(plane: ComplexPlane, axis: ImageAxis, gain: Float64Array): void {
  const { width: W, height: H, re, im } = plane
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const g = gain[axis === 'x' ? x : y] as number
      re[y * W + x] = (re[y * W + x] as number) * g
      im[y * W + x] = (im[y * W + x] as number) * g
    }
  }
}

/** numpy `max` of the complex spectrum (largest real part, ties by imaginary part). */
export function spectrumMax(chan: Float64Array, W: number, H: number): [number, number] {
  let sum = 0
  let min = Infinity
  for (let k = 0; k < chan.length; k++) {
    const v = chan[k] as number
    sum += v
    if (v < min) min = v
  }
  // For x >= 0, Re S[k] <= Σ|x| = S[0], and equality forces Im S[k] = 0: the DC term is the maximum.
  if (min >= 0) return [sum, 0]
  const p = complexPlane(W, H)
  p.re.set(chan)
  fft2InPlace(p)
  let br = -Infinity
  let bi = -Infinity
  for (let k = 0; k < p.re.length; k++) {
    const re = p.re[k] as number
    const im = p.im[k] as number
    if (re > br || (re === br && im > bi)) {
      br = re
      bi = im
    }
  }
  return [br, bi]
}

/**
 * MONAI's k-space disk (`GibbsNoise._apply_mask`) in unshifted FFT order: 1 where the shifted position
 * (DC at n//2) lies within `radius` of `((H − 1)/2, (W − 1)/2)`, row-major W x H. The distance is computed
 * in MONAI's order (rows first) so that points on the circle fall on the same side.
 */
export function kspaceDiskMask(W: number, H: number, radius: number): Uint8Array {
  const keep = new Uint8Array(W * H)
  const cy = (H - 1) / 2
  const cx = (W - 1) / 2
  for (let y = 0; y < H; y++) {
    const dy = (((y + Math.floor(H / 2)) % H) - cy) ** 2
    for (let x = 0; x < W; x++) {
      const dx = (((x + Math.floor(W / 2)) % W) - cx) ** 2
      if (Math.sqrt(0 + dy + dx) <= radius) keep[y * W + x] = 1
    }
  }
  return keep
}
