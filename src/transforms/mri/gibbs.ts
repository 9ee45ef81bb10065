/** Gibbs ringing: MONAI `GibbsNoise` (k-space truncated to a centred disk). */
import type { Raster } from '../../core/types.js'
import { complexPlane, fft2InPlace } from '../fft/fft.js'
import { copyRaster, writeChannel } from '../kernels/channels.js'
import { defineTransform, type Transform } from '../transform.js'
import { checkBoolean, checkNumber } from '../validate.js'
import { kspaceDiskMask } from './kspace.js'

/** Options of {@link gibbs}. */
export interface GibbsOptions {
  /** Clamp the output to [0, 1] (MONAI does not). Default false. */
  readonly clip: boolean
}

/**
 * MONAI `GibbsNoise(alpha)` per channel: `K = fftshift(fft2(x))`, keep the points of `K` within
 * `r = (1 − α)·max(H, W)·√2/2` of `((H − 1)/2, (W − 1)/2)` (MONAI's centre, half a sample off the DC
 * term for even sizes), `out = real(ifft2(ifftshift(K·mask)))`. α = 0 keeps every point (the input is
 * returned as a copy, where MONAI returns it after an FFT round trip); α = 1 keeps at most the DC term (odd
 * sizes: the mean image) or nothing (even sizes: zeros), as MONAI does.
 */
export function gibbsArtifact(img: Raster, alpha: number, clip = false): Raster {
  const a = checkNumber('gibbs', 'alpha', alpha, 'unit')
  if (a === 0) return copyRaster(img)
  const { width: W, height: H, channels: C } = img
  const keep = kspaceDiskMask(W, H, ((1 - a) * Math.max(H, W) * Math.SQRT2) / 2.0)
  const plane = complexPlane(W, H)
  const out = new Float32Array(img.data.length)
  for (let ch = 0; ch < C; ch++) {
    for (let i = 0; i < W * H; i++) plane.re[i] = img.data[i * C + ch] as number
    plane.im.fill(0)
    fft2InPlace(plane)
    for (let i = 0; i < W * H; i++) {
      if (keep[i] === 0) {
        plane.re[i] = 0
        plane.im[i] = 0
      }
    }
    fft2InPlace(plane, true)
    writeChannel(out, plane.re, C, ch, clip)
  }
  return { ...img, data: out }
}

/**
 * Gibbs ringing (MONAI `GibbsNoise`): k-space is truncated to a centred disk whose radius shrinks with α,
 * which blurs the image and rings at its edges. α in [0, 1], 0 the identity. 2D (each channel alone).
 * Labels untouched.
 *
 * @example
 * gibbs.image(img, 0.6)
 */
export const gibbs: Transform<GibbsOptions> = defineTransform<GibbsOptions>({
  name: 'gibbs',
  parameter: { name: 'alpha', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 1], defaultStep: 0.1 },
  spatial: false,
  options: { clip: false },
  validate: (o) => {
    checkBoolean('gibbs', 'option clip', o.clip)
  },
  image: (img, value, o) => gibbsArtifact(img, value, o.clip),
})
