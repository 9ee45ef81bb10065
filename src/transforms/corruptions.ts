/**
 * The imagecorruptions set (Michaelis et al. 2019, `bethgelab/imagecorruptions`; tables in
 * reference/algorithms.md §3.1) as severity transforms: severity 0 returns the input unchanged, 1..5
 * index the package's parameter tables. Inputs are [0, 1] floats instead of uint8; every channel is
 * corrupted independently (the package stacks grey images to RGB and draws colour noise; segsense keeps
 * one channel); outputs are clipped to [0, 1] like the package, and truncated to uint8 levels only with
 * `quantize: true`. Random corruptions are deterministic for a seed (distributional parity only: the
 * package uses numpy's global RNG).
 *
 * Left out: glass_blur (a sequential pixel-swapping loop whose result depends on numpy's RNG order and
 * that is a spatial scramble rather than an intensity change), snow, fog and spatter (synthetic weather
 * layers meaningless for medical images), frost (needs the package's bundled frost photographs).
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'
import { defineTransform, type Transform, type TransformParameter } from './transform.js'
import { checkSeed, createRng, normalField, type Rng } from './random.js'
import { gaussianKernel } from './kernels/gaussian.js'

/** Options shared by every corruption. */
export interface CorruptionOptions {
  /** Seed of the random corruptions (ignored by deterministic ones). Default 0. */
  readonly seed: number
  /** Truncate the output to uint8 levels (`floor(255·x)/255`, the package's `np.uint8`). Default false. */
  readonly quantize: boolean
}

const SEVERITY: TransformParameter = {
  name: 'severity',
  unit: '',
  neutral: 0,
  scale: 'categorical',
  defaultRange: [0, 5],
  defaultStep: 1,
  categories: { 0: 'clean', 1: 'severity 1', 2: 'severity 2', 3: 'severity 3', 4: 'severity 4', 5: 'severity 5' },
}

function checkSeverity(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 5) {
    throw new SegsenseError('E_BAD_PARAMETER', `corruptions.${name}: severity must be an integer in 0..5 (0 = clean), got ${describeValue(v)}`, {
      details: { transform: name, value: v },
    })
  }
  return v
}

function finish(img: Raster, data: Float32Array | Float64Array, quantize: boolean): Raster {
  const out = new Float32Array(data.length)
  for (let i = 0; i < data.length; i++) {
    let v = data[i] as number
    v = v < 0 ? 0 : v > 1 ? 1 : v
    // The epsilon keeps exact uint8 levels k/255 on level k despite float rounding.
    if (quantize) v = Math.floor(v * 255 + 1e-6) / 255
    out[i] = v
  }
  return { ...img, data: out }
}

type Kernel<P> = (img: Raster, param: P, o: CorruptionOptions) => Float32Array | Float64Array

function corruption<P>(name: string, table: readonly P[], kernel: Kernel<P>, spatial?: (mask: LabelMap, param: P, o: CorruptionOptions) => LabelMap): Transform<CorruptionOptions> {
  const base = {
    name,
    parameter: SEVERITY,
    spatial: spatial !== undefined,
    options: { seed: 0, quantize: false },
    validate: (o: CorruptionOptions) => {
      checkSeed(o.seed, `corruptions.${name}: option seed`)
      if (typeof o.quantize !== 'boolean') throw new SegsenseError('E_BAD_PARAMETER', `corruptions.${name}: option quantize must be true or false, got ${describeValue(o.quantize)}`)
    },
    image: (img: Raster, value: number, o: CorruptionOptions): Raster => {
      const s = checkSeverity(name, value)
      if (s === 0) return { ...img, data: Float32Array.from(img.data) }
      return finish(img, kernel(img, table[s - 1] as P, o), o.quantize)
    },
  }
  if (!spatial) return defineTransform<CorruptionOptions>(base)
  return defineTransform<CorruptionOptions>({
    ...base,
    labels: (mask, value, o) => {
      const s = checkSeverity(name, value)
      if (s === 0) return { ...mask, data: mask.data.slice() }
      return spatial(mask, table[s - 1] as P, o)
    },
  })
}

// ------------------------------------------------------------------------------------------- noise

/** `gaussian_noise`: `x + N(0, c)`, c = .08 .12 .18 .26 .38. */
const gaussianNoise = corruption('gaussianNoise', [0.08, 0.12, 0.18, 0.26, 0.38], (img, c, o) => {
  const z = normalField(img.data.length, o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = (img.data[i] as number) + c * (z[i] as number)
  return out
})

/** ln(k!) exactly for small k, Stirling series beyond. */
function logFactorial(k: number): number {
  if (k < 20) {
    let s = 0
    for (let i = 2; i <= k; i++) s += Math.log(i)
    return s
  }
  const k2 = k * k
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k * k2) + 1 / (1260 * k2 * k2 * k)
}

/** Poisson sample: multiplication method for λ < 10, Hörmann's PTRS (numpy's choice) above. */
function poisson(rng: Rng, lam: number): number {
  if (lam <= 0) return 0
  if (lam < 10) {
    const limit = Math.exp(-lam)
    let k = 0
    let p = rng.next()
    while (p > limit) {
      k++
      p *= rng.next()
    }
    return k
  }
  const slam = Math.sqrt(lam)
  const loglam = Math.log(lam)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const U = rng.next() - 0.5
    const V = rng.next()
    const us = 0.5 - Math.abs(U)
    const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43)
    if (us >= 0.07 && V <= vr) return k
    if (k < 0 || (us < 0.013 && V > us)) continue
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k
  }
}

/** `shot_noise`: `Poisson(x·c)/c`, c = 60 25 12 5 3. */
const shotNoise = corruption('shotNoise', [60, 25, 12, 5, 3], (img, c, o) => {
  const rng = createRng(o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = poisson(rng, (img.data[i] as number) * c) / c
  return out
})

/** `impulse_noise` (skimage `random_noise(mode='s&p')`): each value flipped w.p. c, half to 1, half to 0; c = .03 .06 .09 .17 .27. */
const impulseNoise = corruption('impulseNoise', [0.03, 0.06, 0.09, 0.17, 0.27], (img, c, o) => {
  const rng = createRng(o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) {
    const flip = rng.next() < c
    const salt = rng.next() < 0.5
    out[i] = flip ? (salt ? 1 : 0) : (img.data[i] as number)
  }
  return out
})

/** `speckle_noise` (validation set): `x + x·N(0, c)`, c = .15 .2 .35 .45 .6. */
const speckleNoise = corruption('speckleNoise', [0.15, 0.2, 0.35, 0.45, 0.6], (img, c, o) => {
  const z = normalField(img.data.length, o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) {
    const x = img.data[i] as number
    out[i] = x + x * c * (z[i] as number)
  }
  return out
})

// -------------------------------------------------------------------------------------------- blur

/** OpenCV BORDER_REFLECT_101 index (`gfedcb|abcdefgh|gfedcba`). */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0
  const p = 2 * n - 2
  let m = ((i % p) + p) % p
  if (m >= n) m = p - m
  return m
}

/** scipy 'reflect' (half-sample symmetric, `dcba|abcd|dcba`). */
function reflectHalf(i: number, n: number): number {
  const p = 2 * n
  const m = ((i % p) + p) % p
  return m < n ? m : p - 1 - m
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i
}

/** Separable 1D correlation along x then y per channel, with a boundary index rule. */
function separable(img: Raster, kx: Float64Array, ky: Float64Array, index: (i: number, n: number) => number): Float64Array {
  const { width: W, height: H, channels: C, data: src } = img
  const rx = (kx.length - 1) / 2
  const ry = (ky.length - 1) / 2
  const xs = new Int32Array(W + 2 * rx)
  for (let i = 0; i < xs.length; i++) xs[i] = index(i - rx, W)
  const ys = new Int32Array(H + 2 * ry)
  for (let i = 0; i < ys.length; i++) ys[i] = index(i - ry, H)
  const tmp = new Float64Array(src.length)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let k = 0; k < kx.length; k++) s += (kx[k] as number) * (src[(y * W + (xs[x + k] as number)) * C + ch] as number)
        tmp[(y * W + x) * C + ch] = s
      }
    }
  }
  const out = new Float64Array(src.length)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let k = 0; k < ky.length; k++) s += (ky[k] as number) * (tmp[((ys[y + k] as number) * W + x) * C + ch] as number)
        out[(y * W + x) * C + ch] = s
      }
    }
  }
  return out
}

/** `gaussian_blur` (validation set; skimage `gaussian`, mode 'nearest', truncate 4): σ = 1 2 3 4 6 px. */
const gaussianBlur = corruption('gaussianBlur', [1, 2, 3, 4, 6], (img, sigma) => {
  const k = gaussianKernel(sigma, 4)
  return separable(img, k, k, clampIndex)
})

/** cv2 `getGaussianKernel(n, σ)` for σ > 0. */
function cvGaussian(n: number, sigma: number): Float64Array {
  const k = new Float64Array(n)
  let s = 0
  for (let i = 0; i < n; i++) {
    const d = i - (n - 1) / 2
    k[i] = Math.exp(-(d * d) / (2 * sigma * sigma))
    s += k[i] as number
  }
  for (let i = 0; i < n; i++) k[i] = (k[i] as number) / s
  return k
}

/**
 * imagecorruptions `disk(radius, alias_blur)`: a normalised binary disk on `arange(−8, 9)` (radius <= 8)
 * or `arange(−r, r + 1)`, then `cv2.GaussianBlur` (3x3 or 5x5, σ = alias_blur, BORDER_REFLECT_101). Row-major.
 */
export function defocusKernel(radius: number, aliasBlur: number): { size: number; data: Float64Array } {
  const half = radius <= 8 ? 8 : Math.floor(radius)
  const size = 2 * half + 1
  const disk = new Float64Array(size * size)
  let sum = 0
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * size + x + half] = 1
        sum++
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i] = (disk[i] as number) / sum
  const g = cvGaussian(radius <= 8 ? 3 : 5, aliasBlur)
  const blurred = separable({ width: size, height: size, channels: 1, data: Float32Array.from(disk) }, g, g, reflect101)
  return { size, data: blurred }
}

/** Full 2D correlation (cv2 `filter2D`, BORDER_REFLECT_101) per channel. */
function filter2D(img: Raster, kernel: { size: number; data: Float64Array }): Float64Array {
  const { width: W, height: H, channels: C, data: src } = img
  const K = kernel.size
  const r = (K - 1) / 2
  const xs = new Int32Array(W + 2 * r)
  for (let i = 0; i < xs.length; i++) xs[i] = reflect101(i - r, W)
  const ys = new Int32Array(H + 2 * r)
  for (let i = 0; i < ys.length; i++) ys[i] = reflect101(i - r, H)
  const out = new Float64Array(src.length)
  const kd = kernel.data
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let ky = 0; ky < K; ky++) {
          const row = (ys[y + ky] as number) * W
          const kr = ky * K
          for (let kx = 0; kx < K; kx++) {
            const w = kd[kr + kx] as number
            if (w !== 0) s += w * (src[(row + (xs[x + kx] as number)) * C + ch] as number)
          }
        }
        out[(y * W + x) * C + ch] = s
      }
    }
  }
  return out
}

/** `defocus_blur`: disk kernel (radius, alias blur) = (3,.1) (4,.5) (6,.5) (8,.5) (10,.5). */
const defocusBlur = corruption('defocusBlur', [[3, 0.1], [4, 0.5], [6, 0.5], [8, 0.5], [10, 0.5]] as const, (img, [r, alias]) =>
  filter2D(img, defocusKernel(r, alias)),
)

/**
 * `motion_blur` (the package's own, not ImageMagick): a one-sided Gaussian line kernel of width 2r + 1 at a
 * seeded angle `U(−45°, 45°)`; `out = Σ_i k[i]·shift(x, dx_i, dy_i)` with edge replication,
 * `dx_i = −ceil(i·cos a − 0.5)`, `dy_i = −ceil(i·sin a − 0.5)`; (r, σ) = (10,3) (15,5) (15,8) (15,12) (20,15).
 */
const motionBlur = corruption('motionBlur', [[10, 3], [15, 5], [15, 8], [15, 12], [20, 15]] as const, (img, [radius, sigma], o) => {
  const angle = (createRng(o.seed).next() * 90 - 45) * (Math.PI / 180)
  const width = 2 * radius + 1
  const k = new Float64Array(width)
  let sum = 0
  for (let i = 0; i < width; i++) {
    k[i] = Math.exp(-(i * i) / (2 * sigma * sigma))
    sum += k[i] as number
  }
  const { width: W, height: H, channels: C, data: src } = img
  const out = new Float64Array(src.length)
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil(i * Math.sin(angle) - 0.5)
    const dx = -Math.ceil(i * Math.cos(angle) - 0.5)
    if (Math.abs(dy) >= H || Math.abs(dx) >= W) break
    const w = (k[i] as number) / sum
    // shift(): out(x, y) = in(clamp(x − dx), clamp(y − dy)).
    for (let y = 0; y < H; y++) {
      const sy = clampIndex(y - dy, H)
      for (let x = 0; x < W; x++) {
        const s = (sy * W + clampIndex(x - dx, W)) * C
        const d = (y * W + x) * C
        for (let ch = 0; ch < C; ch++) out[d + ch] = (out[d + ch] as number) + w * (src[s + ch] as number)
      }
    }
  }
  return out
})

function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** numpy `arange(1, stop, step)` as the package writes it (start + k·step while < stop). */
function arange(stop: number, step: number): number[] {
  const n = Math.ceil((stop - 1) / step)
  return Array.from({ length: n }, (_, k) => 1 + k * step)
}

/**
 * imagecorruptions `clipped_zoom` for one channel plane: centre crop `ceil(n/z)` per axis
 * (top = (n − c)//2), `scipy.ndimage.zoom(order=1)` to `round(c·z)` (output i at input i·(c−1)/(out−1)),
 * keep the top-left H x W; adds the layer into `acc` where the layer exists.
 */
function addClippedZoom(plane: Float64Array, W: number, H: number, z: number, acc: Float64Array): void {
  const chH = Math.ceil(H / z)
  const chW = Math.ceil(W / z)
  const top = Math.floor((H - chH) / 2)
  const left = Math.floor((W - chW) / 2)
  // scipy sizes the output with Python's round (half to even): 10·1.05 -> 10.
  const outH = roundHalfEven(chH * z)
  const outW = roundHalfEven(chW * z)
  const hh = Math.min(H, outH)
  const ww = Math.min(W, outW)
  const sy = outH > 1 ? (chH - 1) / (outH - 1) : 0
  const sx = outW > 1 ? (chW - 1) / (outW - 1) : 0
  for (let y = 0; y < hh; y++) {
    const v = y * sy
    const y0 = Math.min(Math.floor(v), chH - 1)
    const y1 = Math.min(y0 + 1, chH - 1)
    const fy = v - y0
    for (let x = 0; x < ww; x++) {
      const u = x * sx
      const x0 = Math.min(Math.floor(u), chW - 1)
      const x1 = Math.min(x0 + 1, chW - 1)
      const fx = u - x0
      const a = plane[(top + y0) * W + left + x0] as number
      const b = plane[(top + y0) * W + left + x1] as number
      const c = plane[(top + y1) * W + left + x0] as number
      const d = plane[(top + y1) * W + left + x1] as number
      acc[y * W + x] = (acc[y * W + x] as number) + (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d)
    }
  }
}

/** `zoom_blur`: `(x + Σ_z clipped_zoom(x, z))/(len(zs) + 1)`, zs = arange(1, 1.11, .01) … arange(1, 1.31, .03). */
const zoomBlur = corruption('zoomBlur', [arange(1.11, 0.01), arange(1.16, 0.01), arange(1.21, 0.02), arange(1.26, 0.02), arange(1.31, 0.03)], (img, zs) => {
  const { width: W, height: H, channels: C, data: src } = img
  const out = new Float64Array(src.length)
  const plane = new Float64Array(W * H)
  const acc = new Float64Array(W * H)
  for (let ch = 0; ch < C; ch++) {
    for (let i = 0; i < W * H; i++) plane[i] = src[i * C + ch] as number
    acc.set(plane)
    for (const z of zs) addClippedZoom(plane, W, H, z, acc)
    for (let i = 0; i < W * H; i++) out[i * C + ch] = (acc[i] as number) / (zs.length + 1)
  }
  return out
})

// ----------------------------------------------------------------------------------------- digital

/** `contrast`: `(x − mean)·c + mean` per channel, c = .4 .3 .2 .1 .05. */
const contrast = corruption('contrast', [0.4, 0.3, 0.2, 0.1, 0.05], (img, c) => {
  const { channels: C, data: src } = img
  const means = new Float64Array(C)
  for (let i = 0; i < src.length; i++) means[i % C] = (means[i % C] as number) + (src[i] as number)
  for (let ch = 0; ch < C; ch++) means[ch] = (means[ch] as number) / (src.length / C)
  const out = new Float64Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = ((src[i] as number) - (means[i % C] as number)) * c + (means[i % C] as number)
  return out
})

/** skimage `rgb2hsv` of one pixel into `hsv` (later max channels win ties, as in skimage). */
function rgb2hsv(r: number, g: number, b: number, hsv: Float64Array): void {
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
function hsv2rgb(h: number, s: number, v: number, rgb: Float64Array): void {
  const i = Math.floor(h * 6)
  const f = h * 6 - i
  const p = v * (1 - s)
  const q = v * (1 - f * s)
  const t = v * (1 - (1 - f) * s)
  const sel = ((i % 6) + 6) % 6
  const [r, g, b] = sel === 0 ? [v, t, p] : sel === 1 ? [q, v, p] : sel === 2 ? [p, v, t] : sel === 3 ? [p, q, v] : sel === 4 ? [t, p, v] : [v, p, q]
  rgb[0] = r
  rgb[1] = g
  rgb[2] = b
}

/** Applies an HSV edit to the first three channels (RGB); further channels (alpha) pass through. */
function hsvEdit(img: Raster, edit: (hsv: Float64Array) => void): Float64Array {
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

/** `brightness`: grey `x + c`; RGB: HSV value `V + c` (clipped), c = .1 .2 .3 .4 .5. */
const brightness = corruption('brightness', [0.1, 0.2, 0.3, 0.4, 0.5], (img, c) => {
  if (img.channels >= 3) {
    return hsvEdit(img, (hsv) => {
      const v = (hsv[2] as number) + c
      hsv[2] = v > 1 ? 1 : v < 0 ? 0 : v
    })
  }
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = (img.data[i] as number) + c
  return out
})

/**
 * `saturate` (validation set): HSV `S = clip(S·c0 + c1)`, (c0, c1) = (.3,0) (.1,0) (2,0) (5,.1) (20,.2).
 * Colour images only: a grey image has no saturation (the package's stacked-grey path leaves severities
 * 1–3 unchanged and tints 4–5 red, which says nothing about a grey-image model), so 1-channel input throws.
 */
const saturate = corruption('saturate', [[0.3, 0], [0.1, 0], [2, 0], [5, 0.1], [20, 0.2]] as const, (img, [c0, c1]) => {
  if (img.channels < 3) {
    throw new SegsenseError('E_BAD_PARAMETER', `corruptions.saturate needs a colour image (3 or 4 channels), got ${img.channels} channel(s): a grey image has no saturation to change`, {
      details: { channels: img.channels },
    })
  }
  return hsvEdit(img, (hsv) => {
    const s = (hsv[1] as number) * c0 + c1
    hsv[1] = s > 1 ? 1 : s < 0 ? 0 : s
  })
})

/** PIL `BOX` resampling coefficients for one axis (Resample.c `precompute_coeffs`). */
function boxCoefficients(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Float64Array; k: number } {
  const scale = inSize / outSize
  const filterscale = Math.max(scale, 1)
  const support = 0.5 * filterscale
  const k = Math.ceil(support) * 2 + 1
  const start = new Int32Array(outSize)
  const count = new Int32Array(outSize)
  const weights = new Float64Array(outSize * k)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0)
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) / filterscale
      const w = t > -0.5 && t <= 0.5 ? 1 : 0
      weights[xx * k + x] = w
      ww += w
    }
    for (let x = 0; x < xmax; x++) weights[xx * k + x] = ww === 0 ? 0 : (weights[xx * k + x] as number) / ww
    start[xx] = xmin
    count[xx] = xmax
  }
  return { start, count, weights, k }
}

/**
 * `pixelate`: PIL resize to `(int(W·c), int(H·c))` with BOX, back with NEAREST (source pixel
 * `floor((i + 0.5)·in/out)`), c = .6 .5 .4 .3 .25. In float (PIL rounds the BOX pass to uint8).
 */
const pixelate = corruption('pixelate', [0.6, 0.5, 0.4, 0.3, 0.25], (img, c) => {
  const { width: W, height: H, channels: C, data: src } = img
  const w = Math.max(1, Math.trunc(W * c))
  const h = Math.max(1, Math.trunc(H * c))
  const cx = boxCoefficients(W, w)
  const cy = boxCoefficients(H, h)
  const tmp = new Float64Array(w * H * C)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        const st = cx.start[x] as number
        for (let j = 0; j < (cx.count[x] as number); j++) s += (cx.weights[x * cx.k + j] as number) * (src[(y * W + st + j) * C + ch] as number)
        tmp[(y * w + x) * C + ch] = s
      }
    }
  }
  const small = new Float64Array(w * h * C)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        const st = cy.start[y] as number
        for (let j = 0; j < (cy.count[y] as number); j++) s += (cy.weights[y * cy.k + j] as number) * (tmp[((st + j) * w + x) * C + ch] as number)
        small[(y * w + x) * C + ch] = s
      }
    }
  }
  const out = new Float64Array(src.length)
  for (let y = 0; y < H; y++) {
    const sy = Math.min(Math.floor(((y + 0.5) * h) / H), h - 1)
    for (let x = 0; x < W; x++) {
      const sx = Math.min(Math.floor(((x + 0.5) * w) / W), w - 1)
      for (let ch = 0; ch < C; ch++) out[(y * W + x) * C + ch] = small[(sy * w + sx) * C + ch] as number
    }
  }
  return out
})

// -------------------------------------------------------------------------------------------- JPEG

/** JPEG Annex K luminance and chrominance quantisation tables, natural order (row = vertical frequency). */
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24,
  35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, ...new Array<number>(32).fill(99),
]

/** IJG `jpeg_quality_scaling` + `jpeg_add_quant_table` (baseline: entries clamped to 1..255). */
export function jpegQuantTable(quality: number, chroma = false): Int32Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)))
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q
  const base = chroma ? CHROMA_Q : LUMA_Q
  return Int32Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))))
}

/** DCT-II basis A[u][x] = c(u)/2·cos((2x + 1)uπ/16), so that F = A·f·Aᵀ and f = Aᵀ·F·A. */
const DCT = (() => {
  const a = new Float64Array(64)
  for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) a[u * 8 + x] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
  return a
})()

/** Round half away from zero (libjpeg's quantiser). */
function roundAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5)
}

/**
 * One component through 8x8 DCT, quantisation by `table` and back (level shift 128, edge-replicated
 * padding to whole blocks, output rounded and clamped to 0..255). `plane` holds 0..255 values, in place.
 */
function jpegComponent(plane: Float64Array, W: number, H: number, table: Int32Array): void {
  const blk = new Float64Array(64)
  const tmp = new Float64Array(64)
  for (let by = 0; by < H; by += 8) {
    for (let bx = 0; bx < W; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const sy = Math.min(by + y, H - 1)
        for (let x = 0; x < 8; x++) blk[y * 8 + x] = (plane[sy * W + Math.min(bx + x, W - 1)] as number) - 128
      }
      // tmp = A·blk (columns), F = tmp·Aᵀ (rows).
      for (let u = 0; u < 8; u++) {
        for (let x = 0; x < 8; x++) {
          let s = 0
          for (let y = 0; y < 8; y++) s += (DCT[u * 8 + y] as number) * (blk[y * 8 + x] as number)
          tmp[u * 8 + x] = s
        }
      }
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let s = 0
          for (let x = 0; x < 8; x++) s += (tmp[v * 8 + x] as number) * (DCT[u * 8 + x] as number)
          const q = table[v * 8 + u] as number
          blk[v * 8 + u] = roundAway(s / q) * q
        }
      }
      // Inverse: tmp = Aᵀ·F, f = tmp·A.
      for (let y = 0; y < 8; y++) {
        for (let u = 0; u < 8; u++) {
          let s = 0
          for (let v = 0; v < 8; v++) s += (DCT[v * 8 + y] as number) * (blk[v * 8 + u] as number)
          tmp[y * 8 + u] = s
        }
      }
      for (let y = 0; y < 8 && by + y < H; y++) {
        for (let x = 0; x < 8 && bx + x < W; x++) {
          let s = 0
          for (let u = 0; u < 8; u++) s += (tmp[y * 8 + u] as number) * (DCT[u * 8 + x] as number)
          const v = Math.round(s + 128)
          plane[(by + y) * W + bx + x] = v < 0 ? 0 : v > 255 ? 255 : v
        }
      }
    }
  }
}

/**
 * JPEG-like compression at IJG quality `quality`, synchronous and deterministic: values rounded to 8 bit,
 * baseline 8x8 DCT with the Annex K tables scaled as libjpeg does; grey images are one luminance
 * component (the package converts grey to 'L'); colour images go through JFIF YCbCr with 4:2:0 chroma
 * (2x2 means, replicated back; libjpeg's default "fancy" upsampling interpolates instead). An
 * approximation of libjpeg/PIL (no entropy coding is needed: it is lossless), equal in its quantisation.
 */
export function jpegCompress(img: Raster, quality: number): Float64Array {
  const { width: W, height: H, channels: C, data: src } = img
  const n = W * H
  const out = new Float64Array(src.length)
  const to8 = (v: number): number => Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255)
  const luma = jpegQuantTable(quality)
  if (C < 3) {
    const plane = new Float64Array(n)
    for (let ch = 0; ch < C; ch++) {
      for (let i = 0; i < n; i++) plane[i] = to8(src[i * C + ch] as number)
      jpegComponent(plane, W, H, luma)
      for (let i = 0; i < n; i++) out[i * C + ch] = (plane[i] as number) / 255
    }
    return out
  }
  const chroma = jpegQuantTable(quality, true)
  const Y = new Float64Array(n)
  const Cb = new Float64Array(n)
  const Cr = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const r = to8(src[i * C] as number)
    const g = to8(src[i * C + 1] as number)
    const b = to8(src[i * C + 2] as number)
    Y[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b)
    Cb[i] = Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128)
    Cr[i] = Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128)
  }
  jpegComponent(Y, W, H, luma)
  const w2 = Math.ceil(W / 2)
  const h2 = Math.ceil(H / 2)
  for (const P of [Cb, Cr]) {
    const small = new Float64Array(w2 * h2)
    for (let y = 0; y < h2; y++) {
      for (let x = 0; x < w2; x++) {
        let s = 0
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) s += P[Math.min(2 * y + dy, H - 1) * W + Math.min(2 * x + dx, W - 1)] as number
        small[y * w2 + x] = Math.round(s / 4)
      }
    }
    jpegComponent(small, w2, h2, chroma)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) P[y * W + x] = small[(y >> 1) * w2 + (x >> 1)] as number
  }
  for (let i = 0; i < n; i++) {
    const y = Y[i] as number
    const cb = (Cb[i] as number) - 128
    const cr = (Cr[i] as number) - 128
    const rgb = [y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb]
    for (let ch = 0; ch < 3; ch++) {
      const v = Math.round(rgb[ch] as number)
      out[i * C + ch] = (v < 0 ? 0 : v > 255 ? 255 : v) / 255
    }
    for (let ch = 3; ch < C; ch++) out[i * C + ch] = src[i * C + ch] as number
  }
  return out
}

/** `jpeg_compression`: quality 25 18 15 10 7 (see {@link jpegCompress}). */
const jpeg = corruption('jpeg', [25, 18, 15, 10, 7], (img, q) => jpegCompress(img, q))

// ----------------------------------------------------------------------------------------- elastic

/**
 * The displacement field of the package's `elastic_transform` (its modified version): uniform noise
 * `U(−0.005·H, 0.005·H)` per pixel, Gaussian-smoothed with σ = 0.01·(H, W) (scipy 'reflect', truncate 3),
 * times α. dx (columns) is drawn first, then dy (rows). Row-major.
 */
export function corruptionElasticField(width: number, height: number, alpha: number, seed: number): { dx: Float64Array; dy: Float64Array } {
  const rng = createRng(seed)
  const maxD = 0.005 * height
  const kx = gaussianKernel(0.01 * width, 3)
  const ky = gaussianKernel(0.01 * height, 3)
  const field = (): Float64Array => {
    const u = new Float32Array(width * height)
    for (let i = 0; i < u.length; i++) u[i] = (2 * rng.next() - 1) * maxD
    const s = separable({ width, height, channels: 1, data: u }, kx, ky, reflectHalf)
    for (let i = 0; i < s.length; i++) s[i] = (s[i] as number) * alpha
    return s
  }
  const dx = field()
  const dy = field()
  return { dx, dy }
}

/** `elastic_transform`: α = 250·(.05 .065 .085 .1 .12); spatial (the truth moves with the same field). */
const ELASTIC_ALPHA = [0.05, 0.065, 0.085, 0.1, 0.12].map((a) => 250 * a)

const elastic = corruption(
  'elastic',
  ELASTIC_ALPHA,
  (img, alpha, o) => {
    // scipy map_coordinates(order=1, mode='reflect') at (y + dy, x + dx).
    const { width: W, height: H, channels: C, data: src } = img
    const { dx, dy } = corruptionElasticField(W, H, alpha, o.seed)
    const out = new Float64Array(src.length)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const u = x + (dx[i] as number)
        const v = y + (dy[i] as number)
        const x0 = Math.floor(u)
        const y0 = Math.floor(v)
        const fx = u - x0
        const fy = v - y0
        const xa = reflectHalf(x0, W)
        const xb = reflectHalf(x0 + 1, W)
        const ya = reflectHalf(y0, H)
        const yb = reflectHalf(y0 + 1, H)
        for (let ch = 0; ch < C; ch++) {
          const a = src[(ya * W + xa) * C + ch] as number
          const b = src[(ya * W + xb) * C + ch] as number
          const c = src[(yb * W + xa) * C + ch] as number
          const d = src[(yb * W + xb) * C + ch] as number
          out[i * C + ch] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d)
        }
      }
    }
    return out
  },
  (mask, alpha, o) => {
    // Nearest (map_coordinates order 0 rounds half up) with the same reflect rule.
    const { width: W, height: H, data: src } = mask
    const { dx, dy } = corruptionElasticField(W, H, alpha, o.seed)
    const out = src instanceof Uint16Array ? new Uint16Array(src.length) : new Uint8Array(src.length)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const xi = reflectHalf(Math.floor(x + (dx[i] as number) + 0.5), W)
        const yi = reflectHalf(Math.floor(y + (dy[i] as number) + 0.5), H)
        out[i] = src[yi * W + xi] as number
      }
    }
    return { ...mask, data: out }
  },
)

/**
 * The imagecorruptions set as severity transforms (`severity` 0 = clean, 1..5 = the package's tables),
 * each with `.with({ seed, quantize })`. All are intensity-only except `elastic` (spatial: the truth is
 * deformed with the same field, nearest).
 *
 * @example
 * corruptions.gaussianNoise.with({ seed: 3 }).image(img, 2)
 */
export const corruptions = Object.freeze({
  gaussianNoise,
  shotNoise,
  impulseNoise,
  speckleNoise,
  defocusBlur,
  motionBlur,
  zoomBlur,
  gaussianBlur,
  contrast,
  brightness,
  saturate,
  pixelate,
  jpeg,
  elastic,
})
