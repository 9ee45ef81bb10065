/**
 * Intensity transforms: the truth is not moved (spatial: false). Each applies per channel and returns a
 * copy equal to the input at its neutral value. Lighting follows Pillow's ImageEnhance in float (default)
 * or fastai v1's logit-space lighting (`.with({ mode: 'fastai' })`, the misas paper); gamma, noise and
 * blur follow TorchIO v1 (`Gamma`, `Noise`, `Blur` = scipy `gaussian_filter`).
 */
import { checkKnownKeys } from '../core/options.js'
import type { Raster } from '../core/types.js'
import { defineTransform, type Transform, type TransformDefinition, type TransformParameter } from './transform.js'
import { checkSeed, normalField } from './random.js'
import { copyRaster as copyOf } from './kernels/channels.js'
import { separableFilter } from './kernels/convolve.js'
import { reflectIndex } from './kernels/border.js'
import { gaussianKernel } from './kernels/gaussian.js'
import { checkChoice, checkNumber } from './validate.js'

/** Lighting semantics: `pil` = Pillow `ImageEnhance` in float, `fastai` = fastai v1 logit-space lighting. */
export type LightingMode = 'pil' | 'fastai'

/** Options of {@link brightness} and {@link contrast}. */
export interface LightingOptions {
  /** Default `pil`. Switching the mode also switches the parameter (name, neutral, scale, range). */
  readonly mode: LightingMode
}

/** Options of {@link noise}. */
export interface NoiseOptions {
  /** Seed of the standard-normal field (integer 0..2^32−1); default 0. */
  readonly seed: number
  /** `gaussian` (default, TorchIO `Noise`): additive; `rician`: magnitude of complex Gaussian noise (MR magnitude images). */
  readonly kind: 'gaussian' | 'rician'
}

/** Applies `f` to every sample into a new raster (same size, channels, spacing). */
function mapSamples(img: Raster, f: (x: number) => number): Raster {
  const src = img.data
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = f(src[i] as number)
  return { ...img, data: out }
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)

/** fastai `logit_`: `−log(1/x − 1)` after clamping x to [1e-7, 1 − 1e-7]. */
function logitClamped(x: number): number {
  const c = x < 1e-7 ? 1e-7 : x > 1 - 1e-7 ? 1 - 1e-7 : x
  return -Math.log(1 / c - 1)
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/**
 * Builds a transform whose definition (including the parameter metadata) depends on its options:
 * `.with()` rebuilds through `build`, which `defineTransform` alone cannot do (its parameter is fixed).
 */
function defineModalTransform<O extends object>(
  defaults: O,
  build: (options: O) => TransformDefinition<O>,
): Transform<O> {
  const make = (options: O): Transform<O> => {
    const t = defineTransform<O>({ ...build(options), options })
    return Object.freeze({
      ...t,
      with: (changes: Partial<O>) => {
        checkKnownKeys(changes, Object.keys(defaults), `${t.name}.with()`)
        return make({ ...t.options, ...changes })
      },
    })
  }
  return make(defaults)
}

const LIGHTING_MODES: readonly LightingMode[] = ['pil', 'fastai']

// ------------------------------------------------------------------------------------------ brightness

const BRIGHTNESS_PIL: TransformParameter = {
  name: 'factor',
  unit: 'x',
  neutral: 1,
  scale: 'log',
  defaultRange: [0.25, 4],
  defaultStep: 0.25,
}
const BRIGHTNESS_FASTAI: TransformParameter = {
  name: 'change',
  unit: '',
  neutral: 0.5,
  scale: 'linear',
  defaultRange: [0.05, 0.95],
  defaultStep: 0.05,
}

/**
 * Brightness. `pil` (default): Pillow `ImageEnhance.Brightness` in float, `out = clamp(f·x, 0, 1)`
 * (a blend with black; 1 = neutral, factor > 0). `fastai`: fastai v1 `brightness(change)`,
 * `out = sigmoid(logit(clamp(x, 1e−7, 1 − 1e−7)) + logit(change))` with change in [0, 1], 0.5 neutral
 * (0 gives black, 1 white: the change's logit is not clamped, as in fastai).
 *
 * @example
 * brightness.image(img, 1.5); brightness.with({ mode: 'fastai' }).image(img, 0.7)
 */
export const brightness: Transform<LightingOptions> = defineModalTransform<LightingOptions>({ mode: 'pil' }, (o) => {
  const mode = checkChoice('brightness', 'mode', o.mode, LIGHTING_MODES)
  if (mode === 'fastai') {
    return {
      name: 'brightness',
      parameter: BRIGHTNESS_FASTAI,
      spatial: false,
      image: (img, value) => {
        const change = checkNumber('brightness', 'change', value, 'unit')
        // Unclamped logit, like scipy.special.logit: 0 -> -inf (black), 1 -> +inf (white).
        const shift = Math.log(change / (1 - change))
        return mapSamples(img, (x) => sigmoid(logitClamped(x) + shift))
      },
    }
  }
  return {
    name: 'brightness',
    parameter: BRIGHTNESS_PIL,
    spatial: false,
    image: (img, value) => {
      const f = checkNumber('brightness', 'factor', value, 'positive')
      // Pillow returns a copy for f == 1.
      if (f === 1) return copyOf(img)
      return mapSamples(img, (x) => clamp01(f * x))
    },
  }
})

// -------------------------------------------------------------------------------------------- contrast

const CONTRAST_PIL: TransformParameter = {
  name: 'factor',
  unit: 'x',
  neutral: 1,
  scale: 'log',
  defaultRange: [0.25, 4],
  defaultStep: 0.25,
}
const CONTRAST_FASTAI: TransformParameter = {
  name: 'scale',
  unit: 'x',
  neutral: 1,
  scale: 'log',
  defaultRange: [0.1, 7.1],
  defaultStep: 0.5,
}

/** Mean grey level as Pillow's Contrast sees it: ITU-R 601 luma for RGB, else the mean of all samples. */
function meanLevel(img: Raster): number {
  const { data, channels: C } = img
  const n = img.width * img.height
  let s = 0
  if (C === 3) {
    for (let i = 0; i < n; i++)
      s += 0.299 * (data[3 * i] as number) + 0.587 * (data[3 * i + 1] as number) + 0.114 * (data[3 * i + 2] as number)
    return s / n
  }
  for (let i = 0; i < data.length; i++) s += data[i] as number
  return s / data.length
}

/**
 * Contrast. `pil` (default): Pillow `ImageEnhance.Contrast` in float, a blend with the mean grey level
 * (ITU-R 601 luma 0.299/0.587/0.114 for RGB, the image itself for grey; other channel counts: mean of all
 * samples): `out = clamp(mean + f·(x − mean), 0, 1)`, 1 = neutral, factor > 0. Pillow rounds the mean to
 * 8 bits and truncates the result; this float version does neither. `fastai`: fastai v1
 * `contrast(scale)`, `out = sigmoid(scale·logit(clamp(x, 1e−7, 1 − 1e−7)))`, 1 neutral (range: the
 * misas paper's 0.1..7.1 step 0.5).
 */
export const contrast: Transform<LightingOptions> = defineModalTransform<LightingOptions>({ mode: 'pil' }, (o) => {
  const mode = checkChoice('contrast', 'mode', o.mode, LIGHTING_MODES)
  if (mode === 'fastai') {
    return {
      name: 'contrast',
      parameter: CONTRAST_FASTAI,
      spatial: false,
      image: (img, value) => {
        const scale = checkNumber('contrast', 'scale', value, 'positive')
        return mapSamples(img, (x) => sigmoid(scale * logitClamped(x)))
      },
    }
  }
  return {
    name: 'contrast',
    parameter: CONTRAST_PIL,
    spatial: false,
    image: (img, value) => {
      const f = checkNumber('contrast', 'factor', value, 'positive')
      if (f === 1) return copyOf(img)
      const mean = meanLevel(img)
      return mapSamples(img, (x) => clamp01(mean + f * (x - mean)))
    },
  }
})

// ----------------------------------------------------------------------------------------------- gamma

/**
 * Gamma (TorchIO v1 `Gamma`): `out = x^γ`, sign-preserving for negative samples (`sign(x)·|x|^γ`);
 * γ > 0, 1 neutral. Not clipped.
 */
export const gamma: Transform<object> = defineTransform<object>({
  name: 'gamma',
  parameter: { name: 'gamma', unit: '', neutral: 1, scale: 'log', defaultRange: [0.25, 4], defaultStep: 0.25 },
  spatial: false,
  image: (img, value) => {
    const g = checkNumber('gamma', 'gamma', value, 'positive')
    if (g === 1) return copyOf(img)
    return mapSamples(img, (x) => (x < 0 ? -Math.pow(-x, g) : Math.pow(x, g)))
  },
})

// ----------------------------------------------------------------------------------------------- noise

const NOISE_KINDS: readonly NoiseOptions['kind'][] = ['gaussian', 'rician']

// One-entry cache: a sweep calls noise on the same image size with the same seed for every std value.
let lastField: { seed: number; length: number; field: Float64Array } | undefined

function fieldFor(seed: number, length: number): Float64Array {
  if (lastField && lastField.seed === seed && lastField.length === length) return lastField.field
  const field = normalField(length, seed)
  lastField = { seed, length, field }
  return field
}

/**
 * Additive Gaussian noise (TorchIO v1 `Noise`, mean 0): `out = x + std·z`, not clipped, independent per
 * pixel and channel. `z` is one standard-normal field fixed by the seed (`.with({ seed })`, default 0) and
 * the image size, so the same seed gives the same pixels and the result is smooth in `std`; std 0 returns
 * the input. (Exact RNG parity with torch is impossible; the distribution matches.)
 */
export const noise: Transform<NoiseOptions> = defineTransform<NoiseOptions>({
  name: 'noise',
  parameter: { name: 'std', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 0.3], defaultStep: 0.02 },
  spatial: false,
  random: true,
  options: { seed: 0, kind: 'gaussian' },
  validate: (o) => {
    checkSeed(o.seed, 'noise: option seed')
    checkChoice('noise', 'kind', o.kind, NOISE_KINDS)
  },
  image: (img, value, o) => {
    const std = checkNumber('noise', 'std', value, 'nonnegative')
    if (o.kind === 'rician') return ricianNoise(img, std, o.seed)
    if (std === 0) return copyOf(img)
    const z = fieldFor(o.seed, img.data.length)
    const src = img.data
    const out = new Float32Array(src.length)
    for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) + std * (z[i] as number)
    return { ...img, data: out }
  },
})

/**
 * Rician magnitude noise (MONAI `RicianNoise` with a fixed, absolute σ): `out = sqrt((x + σ·z1)² + (σ·z2)²)`,
 * z1, z2 standard normal, independent per pixel and channel. z1 is the first `length` values of
 * `normalField(2·length, seed)` (the same field as Gaussian `noise` with that seed) and z2 the next
 * `length`, so the result is deterministic and smooth in σ. σ = 0 returns the input unchanged.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for a negative or non-finite std or a bad seed.
 */
export function ricianNoise(img: Raster, std: number, seed: number): Raster {
  checkNumber('noise (rician)', 'std', std, 'nonnegative')
  checkSeed(seed, 'noise (rician): seed')
  if (std === 0) return copyOf(img)
  const n = img.data.length
  const z = normalField(2 * n, seed)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const a = (img.data[i] as number) + std * (z[i] as number)
    const b = std * (z[n + i] as number)
    out[i] = Math.sqrt(a * a + b * b)
  }
  return { ...img, data: out }
}

// ------------------------------------------------------------------------------------------------ blur

/**
 * Gaussian blur (TorchIO v1 `Blur` = scipy `ndimage.gaussian_filter` with its defaults): separable kernel
 * of radius `int(4σ + 0.5)`, `reflect` boundary (edge sample repeated), per channel. The parameter is σ in
 * pixels (TorchIO takes mm; divide by the spacing to convert). σ = 0 returns the input.
 */
export const blur: Transform<object> = defineTransform<object>({
  name: 'blur',
  parameter: { name: 'sigma', unit: 'px', neutral: 0, scale: 'linear', defaultRange: [0, 5], defaultStep: 0.5 },
  spatial: false,
  image: (img, value) => {
    const sigma = checkNumber('blur', 'sigma', value, 'nonnegative')
    if (sigma === 0) return copyOf(img)
    const kernel = gaussianKernel(sigma)
    const out = separableFilter(img, kernel, kernel, reflectIndex, new Float32Array(img.data.length))
    return { ...img, data: out }
  },
})
