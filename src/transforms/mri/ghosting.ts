/** Ghosting artifact: TorchIO v1 `Ghosting` (every n-th k-space line attenuated). */
import type { Raster } from '../../core/types.js'
import { complexPlane, fftAxis } from '../fft/fft.js'
import { copyRaster, writeChannel } from '../kernels/channels.js'
import { roundHalfEven } from '../kernels/round.js'
import { defineTransform, type ImageAxis, type Transform } from '../transform.js'
import { checkAxis, checkBoolean, checkInteger, checkNumber } from '../validate.js'
import { axisSpectrum, scaleAxisSpectrum, unshift } from './kspace.js'

/** Options of {@link ghosting}. */
export interface GhostingOptions {
  /** Number of ghosts n: every n-th line of the shifted spectrum is attenuated. Default 4. */
  readonly ghosts: number
  /** k-space axis along which lines are selected (and ghosts appear): `x` = TorchIO axis 0, `y` = axis 1. Default `y`. */
  readonly axis: ImageAxis
  /**
   * Fraction of central k-space lines restored after the attenuation (TorchIO `restore`), or null for
   * TorchIO's default (only the central line). Default null.
   */
  readonly restore: number | null
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

/**
 * TorchIO v1 `Ghosting.add_artifact` per channel: in the shifted spectrum, lines 0, n, 2n, … along `axis`
 * are multiplied by (1 − s), then the central lines (`restore`) get their original values back. Since the
 * multiplier depends on one frequency axis only, a 1D FFT along that axis is exact (the other axis' FFT
 * cancels).
 */
export function ghostingArtifact(img: Raster, intensity: number, options: GhostingOptions): Raster {
  const s = checkNumber('ghosting', 'intensity', intensity)
  const n = options.ghosts
  if (s === 0 || n === 0) return copyRaster(img)
  const { width: W, height: H, channels: C } = img
  const L = options.axis === 'x' ? W : H
  const mid = Math.floor(L / 2)
  let keepLo: number
  let keepHi: number
  if (options.restore === null) {
    keepLo = mid
    keepHi = mid + 1
  } else {
    const m = roundHalfEven(options.restore * L)
    keepLo = mid - Math.floor(m / 2)
    keepHi = mid + Math.floor(m / 2)
  }
  // Per-frequency gain along the axis, indexed by the unshifted FFT index.
  const gain = new Float64Array(L).fill(1)
  for (let sh = 0; sh < L; sh += n) if (sh < keepLo || sh >= keepHi) gain[unshift(sh, L)] = 1 - s
  const plane = complexPlane(W, H)
  const out = new Float32Array(img.data.length)
  for (let ch = 0; ch < C; ch++) {
    axisSpectrum(img, ch, options.axis, plane)
    scaleAxisSpectrum(plane, options.axis, gain)
    fftAxis(plane, options.axis, true)
    writeChannel(out, plane.re, C, ch, options.clip)
  }
  return { ...img, data: out }
}

/**
 * Ghosting (TorchIO v1 `Ghosting`): every `ghosts`-th phase-encode line of k-space is attenuated by the
 * parameter s (0 = unchanged, 1 = removed, > 1 inverts), giving n − 1 ghosts of amplitude s/n spaced
 * N/n apart along `axis`. Labels untouched.
 *
 * @example
 * ghosting.with({ ghosts: 2, axis: 'x', restore: 0.25 }).image(img, 0.8)
 */
export const ghosting: Transform<GhostingOptions> = defineTransform<GhostingOptions>({
  name: 'ghosting',
  parameter: { name: 'intensity', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 1], defaultStep: 0.1 },
  spatial: false,
  options: { ghosts: 4, axis: 'y', restore: null, clip: false },
  validate: (o) => {
    checkInteger('ghosting', 'option ghosts', o.ghosts, 0)
    checkAxis('ghosting', o.axis)
    if (o.restore !== null) checkNumber('ghosting', 'option restore', o.restore, 'unit')
    checkBoolean('ghosting', 'option clip', o.clip)
  },
  image: (img, value, o) => ghostingArtifact(img, value, o),
})
