/** Anisotropic acquisition: TorchIO v1 `RandomAnisotropy` with a fixed axis and factor. */
import type { Raster } from '../../core/types.js'
import { channelMin, copyRaster } from '../kernels/channels.js'
import { defineTransform, type ImageAxis, type Transform } from '../transform.js'
import { checkAxis, checkNumber, reject } from '../validate.js'

/** Options of {@link anisotropy}. */
export interface AnisotropyOptions {
  /** Axis that is downsampled: `x` (TorchIO axis 0) or `y` (axis 1). Default `y`. */
  readonly axis: ImageAxis
}

/**
 * Downsample-then-upsample along one axis (TorchIO v1 `RandomAnisotropy` with a fixed axis and factor m):
 * nearest-neighbour samples at original continuous index `0.5(m−1) + j·m`, j < ceil(n/m) (ITK rounds half
 * up; samples past the image read min(channel)), then linear interpolation back at downsampled index
 * `(i − 0.5(m−1))/m`, clamped to the buffer. m = 1 is the identity. Labels untouched.
 */
export function anisotropyArtifact(img: Raster, factor: number, axis: ImageAxis): Raster {
  const m = checkNumber('anisotropy', 'downsampling', factor)
  if (m < 1) reject('anisotropy', 'downsampling', factor, 'a number >= 1')
  if (m === 1) return copyRaster(img)
  const { width: W, height: H, channels: C } = img
  const n = axis === 'x' ? W : H
  const lines = axis === 'x' ? H : W
  const nd = Math.ceil(n / m - 1e-12)
  const pick = new Int32Array(nd) // -1: outside the image
  for (let j = 0; j < nd; j++) {
    const k = Math.floor(0.5 * (m - 1) + j * m + 0.5)
    pick[j] = k >= 0 && k < n ? k : -1
  }
  // Linear weights back onto the original grid.
  const i0 = new Int32Array(n)
  const w1 = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let u = (i - 0.5 * (m - 1)) / m
    u = u < 0 ? 0 : u > nd - 1 ? nd - 1 : u
    const f = Math.min(Math.floor(u), Math.max(nd - 2, 0))
    i0[i] = f
    w1[i] = nd > 1 ? u - f : 0
  }
  const out = new Float32Array(img.data.length)
  const low = new Float64Array(nd)
  const stride = axis === 'x' ? C : W * C
  const lineStride = axis === 'x' ? W * C : C
  for (let ch = 0; ch < C; ch++) {
    const fill = channelMin(img, ch)
    for (let l = 0; l < lines; l++) {
      const base = l * lineStride + ch
      for (let j = 0; j < nd; j++) {
        const k = pick[j] as number
        low[j] = k < 0 ? fill : (img.data[base + k * stride] as number)
      }
      for (let i = 0; i < n; i++) {
        const f = i0[i] as number
        const w = w1[i] as number
        const a = low[f] as number
        out[base + i * stride] = w === 0 ? a : a * (1 - w) + (low[f + 1] as number) * w
      }
    }
  }
  return { ...img, data: out }
}

/**
 * Anisotropic acquisition (TorchIO v1 `RandomAnisotropy` with a fixed axis): the parameter is the
 * downsampling factor m >= 1 along `axis` (1 = unchanged); the image is upsampled back linearly.
 */
export const anisotropy: Transform<AnisotropyOptions> = defineTransform<AnisotropyOptions>({
  name: 'anisotropy',
  parameter: { name: 'downsampling', unit: 'x', neutral: 1, scale: 'log', defaultRange: [1, 6], defaultStep: 0.5 },
  spatial: false,
  options: { axis: 'y' },
  validate: (o) => {
    checkAxis('anisotropy', o.axis)
  },
  image: (img, value, o) => anisotropyArtifact(img, value, o.axis),
})
