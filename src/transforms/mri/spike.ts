/** k-space spike (herringbone) artifact: TorchIO v1 `Spike`, evaluated in closed form. */
import type { Raster } from '../../core/types.js'
import { copyRaster, readChannel, writeChannel } from '../kernels/channels.js'
import { defineTransform, type Transform } from '../transform.js'
import { checkBoolean, checkNumber, reject } from '../validate.js'
import { spectrumMax } from './kspace.js'

/** Options of {@link spike}. */
export interface SpikeOptions {
  /**
   * Spike position `[x, y]` in the fftshifted spectrum, each in [0, 1] (TorchIO `spikes_positions` with
   * axis 0 = x): shifted index `floor(x·W)`, `floor(y·H)` (1 maps to the last index). Default misas'
   * `[0.1, 0.1]`, near the corner of k-space (high frequencies). `[0.5, 0.5]` is the DC term.
   */
  readonly position: readonly [number, number]
  /** Clamp the output to [0, 1] (misas does; TorchIO does not). Default false. */
  readonly clip: boolean
}

/** Options of {@link spikePosition}. */
export interface SpikePositionOptions {
  /** Spike intensity ratio r (fixed). Default 0.5 (misas' position sweep). */
  readonly intensity: number
  /**
   * Spike x (column) position in [0, 1] of the shifted spectrum (fixed). Default 0.1, misas' `spikePositionY`
   * (misas' "Y" indexes the last numpy axis: the column).
   */
  readonly x: number
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

/**
 * TorchIO `Spike.add_artifact` with one spike, per channel: `S = fftshift(fft2(x)); S[i, j] += r·max(S);
 * out = real(ifft2(ifftshift(S)))`, `max` numpy's lexicographic complex maximum. Evaluated in closed form
 * (the inverse FFT of one delta is one complex exponential), which is exact and needs no FFT unless the
 * channel has negative values (then `max(S)` is not the DC term and the full spectrum is searched):
 * `out[x, y] = x + Re(a·e^{2πi(fx·x/W + fy·y/H)})/N`, `a = r·max(S)`, `fx = i − W//2`, `fy = j − H//2`.
 */
export function spikeArtifact(
  img: Raster,
  intensity: number,
  position: readonly [number, number],
  clip = false,
): Raster {
  const r = checkNumber('spike', 'intensity', intensity)
  const px = checkNumber('spike', 'position x', position[0], 'unit')
  const py = checkNumber('spike', 'position y', position[1], 'unit')
  if (r === 0) return copyRaster(img)
  const { width: W, height: H, channels: C } = img
  const N = W * H
  const i = Math.min(Math.floor(px * W), W - 1)
  const j = Math.min(Math.floor(py * H), H - 1)
  const fx = i - Math.floor(W / 2)
  const fy = j - Math.floor(H / 2)
  // Separable phase tables: cos/sin(θx + θy) from per-axis tables, no trig per pixel.
  const cx = new Float64Array(W)
  const sx = new Float64Array(W)
  for (let x = 0; x < W; x++) {
    const a = (2 * Math.PI * ((fx * x) % W)) / W
    cx[x] = Math.cos(a)
    sx[x] = Math.sin(a)
  }
  const cy = new Float64Array(H)
  const sy = new Float64Array(H)
  for (let y = 0; y < H; y++) {
    const a = (2 * Math.PI * ((fy * y) % H)) / H
    cy[y] = Math.cos(a)
    sy[y] = Math.sin(a)
  }
  const out = new Float32Array(img.data.length)
  const chan = new Float64Array(N)
  const res = new Float64Array(N)
  for (let ch = 0; ch < C; ch++) {
    readChannel(img, ch, chan)
    const [mr, mi] = spectrumMax(chan, W, H)
    const ar = (r * mr) / N
    const ai = (r * mi) / N
    for (let y = 0; y < H; y++) {
      const c1 = cy[y] as number
      const s1 = sy[y] as number
      const row = y * W
      for (let x = 0; x < W; x++) {
        const c = (cx[x] as number) * c1 - (sx[x] as number) * s1
        const s = (sx[x] as number) * c1 + (cx[x] as number) * s1
        res[row + x] = (chan[row + x] as number) + ar * c - ai * s
      }
    }
    writeChannel(out, res, C, ch, clip)
  }
  return { ...img, data: out }
}

/** Rejects a spike position that is not two numbers in [0, 1]. */
function checkPosition(v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2) reject('spike', 'option position', v, 'two numbers [x, y] in [0, 1]')
  checkNumber('spike', 'option position[0] (x)', (v as unknown[])[0], 'unit')
  checkNumber('spike', 'option position[1] (y)', (v as unknown[])[1], 'unit')
}

/**
 * k-space spike (herringbone artifact), TorchIO v1 `Spike` as misas uses it: one spike of `r·max(S)` added
 * at `position` (default misas' [0.1, 0.1]) of the shifted spectrum. The parameter is the intensity ratio
 * r (0 = unchanged; negative subtracts). The image gains a stripe pattern of amplitude `r·mean(x)` and
 * spatial frequency `(floor(x·W) − W//2, floor(y·H) − H//2)` cycles per image. Labels untouched.
 *
 * @example
 * spike.image(img, 1.0); spike.with({ position: [0.3, 0.5] })
 */
export const spike: Transform<SpikeOptions> = defineTransform<SpikeOptions>({
  name: 'spike',
  parameter: { name: 'intensity', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 2.5], defaultStep: 0.1 },
  spatial: false,
  options: { position: [0.1, 0.1], clip: false },
  validate: (o) => {
    checkPosition(o.position)
    checkBoolean('spike', 'option clip', o.clip)
  },
  image: (img, value, o) => spikeArtifact(img, checkNumber('spike', 'intensity', value), o.position, o.clip),
})

/**
 * k-space spike swept over its row position, as misas' `spikePosTransform` / `get_spike_pos_series`: the parameter
 * `y` is the spike's row in [0, 1] of the shifted spectrum, with fixed `intensity` (default 0.5) and column `x`
 * (default 0.1). misas calls the swept value `spikePositionX`, but it indexes numpy's row axis of the `(1, H, W)`
 * image TorchIO receives, so it is a row (y) here; `spikePosition.image(img, v)` equals misas
 * `spikePosTransform(img, v, x, intensity)` (before misas' 8-bit quantisation). No position leaves the image
 * unchanged; the neutral value 0.5 marks the centre row of k-space (the stripes then vary along x only).
 * Labels untouched.
 *
 * @example
 * spikePosition.with({ intensity: 0.5, x: 0.1, clip: true }).image(img, 0.3) // misas spikePosTransform(img, 0.3, 0.1, 0.5)
 */
export const spikePosition: Transform<SpikePositionOptions> = defineTransform<SpikePositionOptions>({
  name: 'spikePosition',
  parameter: { name: 'y', unit: '', neutral: 0.5, scale: 'linear', defaultRange: [0.1, 0.9], defaultStep: 0.1 },
  spatial: false,
  options: { intensity: 0.5, x: 0.1, clip: false },
  validate: (o) => {
    checkNumber('spikePosition', 'option intensity', o.intensity)
    checkNumber('spikePosition', 'option x', o.x, 'unit')
    checkBoolean('spikePosition', 'option clip', o.clip)
  },
  image: (img, value, o) =>
    spikeArtifact(img, o.intensity, [o.x, checkNumber('spikePosition', 'y', value, 'unit')], o.clip),
})
