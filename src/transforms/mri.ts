/**
 * MR physics transforms with TorchIO v1 semantics (fepegar/torchio @ 9051dbcd, see
 * reference/algorithms.md §1): k-space spike, ghosting, motion, bias field, anisotropy, elastic
 * deformation and Rician noise. Axis mapping: TorchIO axis 0 is segsense x (columns), axis 1 is y (rows).
 * Every channel is processed independently with the same parameters, in Float64; nothing is clipped
 * unless `clip: true` is given (misas clamps to [0, 1]; TorchIO does not).
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'
import { defineTransform, type Transform } from './transform.js'
import { createRng, checkSeed, normalField } from './random.js'
import { gridSample, gridSampleLabels, type AffineMap, type CoordinateFunction } from './kernels/grid-sample.js'
import { complexPlane, fft2InPlace, fftAxis, type ComplexPlane } from './fft/fft.js'

// ------------------------------------------------------------------------------------------- helpers

import type { ImageAxis } from './transform.js'

function bad(transform: string, what: string, value: unknown, expected: string): never {
  throw new SegsenseError('E_BAD_PARAMETER', `${transform}: ${what} must be ${expected}, got ${describeValue(value)}`, {
    details: { transform, parameter: what, value },
  })
}

function finite(transform: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(transform, what, value, 'a finite number')
  return value as number
}

function checkAxis(transform: string, axis: unknown): ImageAxis {
  if (axis !== 'x' && axis !== 'y') bad(transform, 'option axis', axis, "'x' or 'y'")
  return axis as ImageAxis
}

function checkBool(transform: string, what: string, v: unknown): void {
  if (typeof v !== 'boolean') bad(transform, what, v, 'true or false')
}

function copyOf(img: Raster): Raster {
  return { ...img, data: Float32Array.from(img.data) }
}

/** Writes a Float64 channel plane into an interleaved Float32 output, optionally clamped to [0, 1]. */
function storeChannel(out: Float32Array, plane: ArrayLike<number>, C: number, ch: number, clip: boolean): void {
  for (let i = 0, n = plane.length; i < n; i++) {
    let v = plane[i] as number
    if (clip) v = v < 0 ? 0 : v > 1 ? 1 : v
    out[i * C + ch] = v
  }
}

function loadChannel(img: Raster, ch: number, into: Float64Array): Float64Array {
  const C = img.channels
  const src = img.data
  for (let i = 0, n = into.length; i < n; i++) into[i] = src[i * C + ch] as number
  return into
}

function channelMin(img: Raster, ch: number): number {
  const C = img.channels
  let m = Infinity
  for (let i = ch; i < img.data.length; i += C) if ((img.data[i] as number) < m) m = img.data[i] as number
  return m
}

/** Shifted-spectrum index s (DC at n//2) -> unshifted FFT index. */
function unshift(s: number, n: number): number {
  return (((s - Math.floor(n / 2)) % n) + n) % n
}

// --------------------------------------------------------------------------------------------- spike

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
  /** Spike y position in [0, 1] (fixed). Default 0.1 (misas). */
  readonly y: number
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

function checkUnit(transform: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) bad(transform, what, v, 'a number in [0, 1]')
  return v as number
}

/**
 * TorchIO `Spike.add_artifact` with one spike, per channel: `S = fftshift(fft2(x)); S[i, j] += r·max(S);
 * out = real(ifft2(ifftshift(S)))`, `max` numpy's lexicographic complex maximum. Evaluated in closed form
 * (the inverse FFT of one delta is one complex exponential), which is exact and needs no FFT unless the
 * channel has negative values (then `max(S)` is not the DC term and the full spectrum is searched):
 * `out[x, y] = x + Re(a·e^{2πi(fx·x/W + fy·y/H)})/N`, `a = r·max(S)`, `fx = i − W//2`, `fy = j − H//2`.
 */
export function spikeArtifact(img: Raster, intensity: number, position: readonly [number, number], clip = false): Raster {
  const r = finite('spike', 'intensity', intensity)
  const px = checkUnit('spike', 'position x', position[0])
  const py = checkUnit('spike', 'position y', position[1])
  if (r === 0) return copyOf(img)
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
    loadChannel(img, ch, chan)
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
    storeChannel(out, res, C, ch, clip)
  }
  return { ...img, data: out }
}

/** numpy `max` of the complex spectrum (largest real part, ties by imaginary part). */
function spectrumMax(chan: Float64Array, W: number, H: number): [number, number] {
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

function checkPosition(v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2) bad('spike', 'option position', v, 'two numbers [x, y] in [0, 1]')
  checkUnit('spike', 'option position[0] (x)', (v as unknown[])[0])
  checkUnit('spike', 'option position[1] (y)', (v as unknown[])[1])
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
    checkBool('spike', 'option clip', o.clip)
  },
  image: (img, value, o) => spikeArtifact(img, finite('spike', 'intensity', value), o.position, o.clip),
})

/**
 * k-space spike swept over its x position (misas' position series): the parameter is the spike's x in
 * [0, 1] of the shifted spectrum, with fixed `intensity` (default 0.5) and `y` (default 0.1).
 * No position leaves the image unchanged; the neutral value 0.5 marks the centre column of k-space
 * (the stripes then vary along y only). Labels untouched.
 */
export const spikePosition: Transform<SpikePositionOptions> = defineTransform<SpikePositionOptions>({
  name: 'spikePosition',
  parameter: { name: 'x', unit: '', neutral: 0.5, scale: 'linear', defaultRange: [0.1, 0.9], defaultStep: 0.1 },
  spatial: false,
  options: { intensity: 0.5, y: 0.1, clip: false },
  validate: (o) => {
    finite('spikePosition', 'option intensity', o.intensity)
    checkUnit('spikePosition', 'option y', o.y)
    checkBool('spikePosition', 'option clip', o.clip)
  },
  image: (img, value, o) => spikeArtifact(img, o.intensity, [checkUnit('spikePosition', 'x', value), o.y], o.clip),
})

// ------------------------------------------------------------------------------------------ ghosting

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

function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * TorchIO v1 `Ghosting.add_artifact` per channel: in the shifted spectrum, lines 0, n, 2n, … along `axis`
 * are multiplied by (1 − s), then the central lines (`restore`) get their original values back. Since the
 * multiplier depends on one frequency axis only, a 1D FFT along that axis is exact (the other axis' FFT
 * cancels).
 */
export function ghostingArtifact(img: Raster, intensity: number, options: GhostingOptions): Raster {
  const s = finite('ghosting', 'intensity', intensity)
  const n = options.ghosts
  if (s === 0 || n === 0) return copyOf(img)
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
    loadChannel(img, ch, plane.re)
    plane.im.fill(0)
    fftAxis(plane, options.axis)
    if (options.axis === 'x') {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const g = gain[x] as number
          plane.re[y * W + x] = (plane.re[y * W + x] as number) * g
          plane.im[y * W + x] = (plane.im[y * W + x] as number) * g
        }
      }
    } else {
      for (let y = 0; y < H; y++) {
        const g = gain[y] as number
        for (let x = 0; x < W; x++) {
          plane.re[y * W + x] = (plane.re[y * W + x] as number) * g
          plane.im[y * W + x] = (plane.im[y * W + x] as number) * g
        }
      }
    }
    fftAxis(plane, options.axis, true)
    storeChannel(out, plane.re, C, ch, options.clip)
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
    if (typeof o.ghosts !== 'number' || !Number.isInteger(o.ghosts) || o.ghosts < 0) bad('ghosting', 'option ghosts', o.ghosts, 'an integer >= 0')
    checkAxis('ghosting', o.axis)
    if (o.restore !== null) checkUnit('ghosting', 'option restore', o.restore)
    checkBool('ghosting', 'option clip', o.clip)
  },
  image: (img, value, o) => ghostingArtifact(img, value, o),
})

// -------------------------------------------------------------------------------------------- motion

/** Options of {@link motion}. */
export interface MotionOptions {
  /** Translation `[tx, ty]` in px of the last movement (content moves by +t). Default [0, 0]. */
  readonly translation: readonly [number, number]
  /** Number of k-space segments (movements + 1). Default 2: one movement. */
  readonly segments: number
  /** Phase-encode axis along which k-space is split. Default `y` (ky lines, rows of k-space). */
  readonly axis: ImageAxis
  /**
   * Movement times in (0, 1), strictly increasing, `segments − 1` of them (TorchIO `times`), or null for
   * equally spaced `k / segments` (TorchIO's, without its random jitter). Default null.
   */
  readonly times: readonly number[] | null
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

/** `out(p) = in(R(θ)(p − c) + c − t)`, c = ((W−1)/2, (H−1)/2): content rotated by θ about the centre and moved by +t. */
function rigidMap(W: number, H: number, degrees: number, tx: number, ty: number): AffineMap {
  const th = (degrees * Math.PI) / 180
  const c = Math.cos(th)
  const s = Math.sin(th)
  const cx = (W - 1) / 2
  const cy = (H - 1) / 2
  return { a: c, b: -s, c: cx - c * cx + s * cy - tx, d: s, e: c, f: cy - s * cx - c * cy - ty }
}

/** Bilinear resampling with the out-of-image value min(channel) (TorchIO's default), via zero padding of x − min. */
function resampleMinFill(img: Raster, map: AffineMap | CoordinateFunction): Raster {
  const C = img.channels
  const mins = new Float64Array(C)
  for (let ch = 0; ch < C; ch++) mins[ch] = channelMin(img, ch)
  const shifted = new Float32Array(img.data.length)
  for (let i = 0; i < shifted.length; i++) shifted[i] = (img.data[i] as number) - (mins[i % C] as number)
  const moved = gridSample({ ...img, data: shifted }, map, { mode: 'bilinear', padding: 'zeros' })
  const d = moved.data
  for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) + (mins[i % C] as number)
  return moved
}

function motionTimes(o: MotionOptions): number[] {
  const n = o.segments - 1
  if (o.times !== null) return [...o.times]
  return Array.from({ length: n }, (_, k) => (k + 1) / o.segments)
}

/**
 * Shaw et al. k-space motion (TorchIO v1 `Motion`) for 2D images, split along the phase-encode `axis`:
 * movement k (k = 1..n, n = segments − 1) is a rigid transform of `degrees·k/n` and `translation·k/n`
 * (a steady drift; the last segment has the full amount); segment k of the shifted spectrum along `axis`
 * (`[floor(L·t_{k−1}), floor(L·t_k))`) comes from image k, and the segment holding the k-space centre is
 * swapped with segment 0 so that it comes from the unmoved image (TorchIO's swap). Only 1D FFTs along
 * `axis` are needed (the other axis' FFT cancels).
 */
export function motionArtifact(img: Raster, degrees: number, o: MotionOptions): Raster {
  const deg = finite('motion', 'degrees', degrees)
  const [tx, ty] = o.translation
  if (deg === 0 && tx === 0 && ty === 0) return copyOf(img)
  const { width: W, height: H, channels: C } = img
  const n = o.segments - 1
  const times = motionTimes(o)
  const images: Raster[] = [img]
  for (let k = 1; k <= n; k++) images.push(resampleMinFill(img, rigidMap(W, H, (deg * k) / n, (tx * k) / n, (ty * k) / n)))
  // Which image feeds each segment: identity order, then TorchIO's swap of 0 with the centre segment.
  const order = Array.from({ length: n + 1 }, (_, k) => k)
  let centre = times.findIndex((t) => t > 0.5)
  if (centre < 0) centre = n
  order[0] = centre
  order[centre] = 0
  const L = o.axis === 'x' ? W : H
  const bounds = [...times.map((t) => Math.floor(L * t)), L]
  // source[u] = which image supplies unshifted frequency u along the axis.
  const source = new Int32Array(L)
  let lo = 0
  for (let k = 0; k <= n; k++) {
    const hi = bounds[k] as number
    for (let sh = lo; sh < hi; sh++) source[unshift(sh, L)] = order[k] as number
    lo = Math.max(lo, hi)
  }
  const planes: ComplexPlane[] = images.map(() => complexPlane(W, H))
  const result = complexPlane(W, H)
  const out = new Float32Array(img.data.length)
  for (let ch = 0; ch < C; ch++) {
    for (let k = 0; k <= n; k++) {
      const p = planes[k] as ComplexPlane
      loadChannel(images[k] as Raster, ch, p.re)
      p.im.fill(0)
      fftAxis(p, o.axis)
    }
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const p = planes[source[o.axis === 'x' ? x : y] as number] as ComplexPlane
        result.re[i] = p.re[i] as number
        result.im[i] = p.im[i] as number
      }
    }
    fftAxis(result, o.axis, true)
    storeChannel(out, result.re, C, ch, o.clip)
  }
  return { ...img, data: out }
}

/**
 * Motion artifact (Shaw et al. 2019, TorchIO v1 `Motion` semantics made meaningful in 2D): the parameter
 * is the rotation in degrees of the moved segment(s) (0 with zero translation = unchanged). k-space is
 * split along the phase-encode `axis` (default `y`); the centre segment comes from the unmoved image, so
 * anatomy stays aligned with the truth (labels untouched). TorchIO v1 itself splits along the last
 * spatial axis, of length 1 for 2D images, and so returns the image moved by its last transform with no
 * ghosting at all; segsense does not reproduce that defect.
 */
export const motion: Transform<MotionOptions> = defineTransform<MotionOptions>({
  name: 'motion',
  parameter: { name: 'degrees', unit: 'deg', neutral: 0, scale: 'linear', defaultRange: [-10, 10], defaultStep: 2 },
  spatial: false,
  options: { translation: [0, 0], segments: 2, axis: 'y', times: null, clip: false },
  validate: (o) => {
    if (!Array.isArray(o.translation) || o.translation.length !== 2 || !o.translation.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      bad('motion', 'option translation', o.translation, 'two finite numbers [tx, ty] in px')
    }
    if (typeof o.segments !== 'number' || !Number.isInteger(o.segments) || o.segments < 2) bad('motion', 'option segments', o.segments, 'an integer >= 2')
    checkAxis('motion', o.axis)
    if (o.times !== null) {
      const t = o.times
      const ok = Array.isArray(t) && t.length === o.segments - 1 && t.every((v, k) => typeof v === 'number' && v > 0 && v < 1 && (k === 0 || v > (t[k - 1] as number)))
      if (!ok) bad('motion', 'option times', t, `null or ${o.segments - 1} increasing numbers in (0, 1)`)
    }
    checkBool('motion', 'option clip', o.clip)
  },
  image: (img, value, o) => motionArtifact(img, value, o),
})

// ---------------------------------------------------------------------------------------- bias field

/** Options of {@link biasField}. */
export interface BiasFieldOptions {
  /** Polynomial order (TorchIO default 3). */
  readonly order: number
  /**
   * Per-term coefficients, scaled by the parameter; null (default) = every coefficient equals the
   * parameter (misas). Either TorchIO's 3D list (`(o+1)(o+2)(o+3)/6` terms, order (a, b, c) with
   * x^a y^b z^c; terms with c > 0 vanish in 2D) or the 2D list (`(o+1)(o+2)/2` terms, a ascending, then b).
   */
  readonly coefficients: readonly number[] | null
  /** Clamp the field to [0, 1] before multiplying (misas: darkening only). Default false (TorchIO). */
  readonly clampField: boolean
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

/** Normalised coordinates of TorchIO: `arange(−n/2, n/2) + 0.5`, divided by its max when > 0 (linspace(−1, 1, n); [0] for n = 1). */
function biasAxis(n: number): Float64Array {
  const r = new Float64Array(n)
  const max = n / 2 - 0.5
  for (let k = 0; k < n; k++) r[k] = max > 0 ? (k - n / 2 + 0.5) / max : k - n / 2 + 0.5
  return r
}

/** The 2D coefficient matrix c[a][b] (x^a y^b, a + b <= order) from the options and the parameter. */
function biasCoefficients(order: number, value: number, coefficients: readonly number[] | null): Float64Array {
  const c = new Float64Array((order + 1) * (order + 1))
  const n3 = ((order + 1) * (order + 2) * (order + 3)) / 6
  const n2 = ((order + 1) * (order + 2)) / 2
  if (coefficients !== null && coefficients.length !== n3 && coefficients.length !== n2) {
    bad('biasField', 'option coefficients', coefficients, `null, ${n3} (TorchIO 3D order) or ${n2} (2D) numbers for order ${order}`)
  }
  let i = 0
  let i2 = 0
  for (let a = 0; a <= order; a++) {
    for (let b = 0; b <= order - a; b++) {
      if (coefficients === null) c[a * (order + 1) + b] = value
      else if (coefficients.length === n2 && n2 !== n3) c[a * (order + 1) + b] = value * (coefficients[i2] as number)
      for (let cc = 0; cc <= order - a - b; cc++) {
        // TorchIO's enumeration: only z^0 terms survive in 2D (z = 0, 0**0 = 1).
        if (coefficients !== null && (coefficients.length === n3) && cc === 0) c[a * (order + 1) + b] = value * (coefficients[i] as number)
        i++
      }
      i2++
    }
  }
  return c
}

/**
 * TorchIO v1 `BiasField.generate_bias_field` for a W x H image: `field = exp(Σ c_ab·X^a·Y^b)`, X over x
 * (TorchIO axis 0) and Y over y, both linspace(−1, 1). Returned row-major (index y·W + x), Float64.
 */
export function biasFieldMap(width: number, height: number, order: number, value: number, coefficients: readonly number[] | null = null): Float64Array {
  const c = biasCoefficients(order, value, coefficients)
  const X = biasAxis(width)
  const Y = biasAxis(height)
  const field = new Float64Array(width * height)
  const poly = new Float64Array(order + 1)
  for (let y = 0; y < height; y++) {
    const yv = Y[y] as number
    // poly[a] = Σ_b c_ab·Y^b for this row; then Horner in X per pixel.
    for (let a = 0; a <= order; a++) {
      let s = 0
      let yp = 1
      for (let b = 0; b <= order - a; b++) {
        s += (c[a * (order + 1) + b] as number) * yp
        yp *= yv
      }
      poly[a] = s
    }
    for (let x = 0; x < width; x++) {
      const xv = X[x] as number
      let s = 0
      for (let a = order; a >= 0; a--) s = s * xv + (poly[a] as number)
      field[y * width + x] = Math.exp(s)
    }
  }
  return field
}

/**
 * Smooth multiplicative bias field (TorchIO v1 `BiasField`, misas' polynomial field): the parameter is the
 * coefficient given to every polynomial term (0 = unchanged), or the scale of `coefficients` when given.
 * misas clamps the field to [0, 1] (`clampField: true`) and sweeps 0 to −0.55. Labels untouched.
 */
export const biasField: Transform<BiasFieldOptions> = defineTransform<BiasFieldOptions>({
  name: 'biasField',
  parameter: { name: 'coefficient', unit: '', neutral: 0, scale: 'linear', defaultRange: [-0.5, 0.5], defaultStep: 0.05 },
  spatial: false,
  options: { order: 3, coefficients: null, clampField: false, clip: false },
  validate: (o) => {
    if (typeof o.order !== 'number' || !Number.isInteger(o.order) || o.order < 0 || o.order > 10) bad('biasField', 'option order', o.order, 'an integer in 0..10')
    if (o.coefficients !== null) {
      if (!Array.isArray(o.coefficients) || !o.coefficients.every((v) => typeof v === 'number' && Number.isFinite(v))) bad('biasField', 'option coefficients', o.coefficients, 'null or an array of finite numbers')
      biasCoefficients(o.order, 1, o.coefficients)
    }
    checkBool('biasField', 'option clampField', o.clampField)
    checkBool('biasField', 'option clip', o.clip)
  },
  image: (img, value, o) => {
    const v = finite('biasField', 'coefficient', value)
    if (v === 0) return copyOf(img)
    const { width: W, height: H, channels: C } = img
    const field = biasFieldMap(W, H, o.order, v, o.coefficients)
    const out = new Float32Array(img.data.length)
    for (let i = 0; i < W * H; i++) {
      let f = field[i] as number
      if (o.clampField) f = f < 0 ? 0 : f > 1 ? 1 : f
      for (let ch = 0; ch < C; ch++) {
        let r = (img.data[i * C + ch] as number) * f
        if (o.clip) r = r < 0 ? 0 : r > 1 ? 1 : r
        out[i * C + ch] = r
      }
    }
    return { ...img, data: out }
  },
})

// ---------------------------------------------------------------------------------------- anisotropy

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
  const m = finite('anisotropy', 'downsampling', factor)
  if (m < 1) bad('anisotropy', 'downsampling', factor, 'a number >= 1')
  if (m === 1) return copyOf(img)
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

// ------------------------------------------------------------------------------------------- elastic

/** Options of {@link elastic}. */
export interface ElasticOptions {
  /** Seed of the control-point field (integer 0..2^32−1). Default 0. */
  readonly seed: number
  /** Control points per axis (>= 4; TorchIO default 7). */
  readonly controlPoints: number
  /** Outer layers of control points held at zero (TorchIO default 2). */
  readonly lockedBorders: number
}

/** Cubic B-spline basis β³(t). */
function bspline3(t: number): number {
  const a = Math.abs(t)
  if (a < 1) return 2 / 3 - a * a + (a * a * a) / 2
  if (a < 2) return ((2 - a) * (2 - a) * (2 - a)) / 6
  return 0
}

/**
 * The dense displacement field (dx, dy) in px of TorchIO's `ElasticDeformation` for a W x H image:
 * control values `maxDisplacement·U(−1, 1)` (seeded; outer `lockedBorders` layers zero) on an n x n grid
 * with spacing Δ = size/(n − 3), point k at `−0.5 + (k − 1)·Δ`, interpolated by tensor-product cubic
 * B-splines. Each returned array is row-major (y·W + x).
 */
export function elasticField(width: number, height: number, maxDisplacement: number, o: ElasticOptions): { dx: Float64Array; dy: Float64Array } {
  const n = o.controlPoints
  const rng = createRng(o.seed)
  const cx = new Float64Array(n * n)
  const cy = new Float64Array(n * n)
  // Draw every value (locked or not) so that a point's value does not depend on lockedBorders.
  for (let kx = 0; kx < n; kx++) {
    for (let ky = 0; ky < n; ky++) {
      const ux = 2 * rng.next() - 1
      const uy = 2 * rng.next() - 1
      const locked = kx < o.lockedBorders || ky < o.lockedBorders || kx >= n - o.lockedBorders || ky >= n - o.lockedBorders
      cx[kx * n + ky] = locked ? 0 : ux * maxDisplacement
      cy[kx * n + ky] = locked ? 0 : uy * maxDisplacement
    }
  }
  const weights = (size: number): Float64Array => {
    const delta = size / (n - 3)
    const w = new Float64Array(size * n)
    for (let p = 0; p < size; p++) for (let k = 0; k < n; k++) w[p * n + k] = bspline3((p - (-0.5 + (k - 1) * delta)) / delta)
    return w
  }
  const bx = weights(width)
  const by = weights(height)
  // Separable evaluation: first along x for every ky, then along y.
  const gx = new Float64Array(n * width)
  const gy = new Float64Array(n * width)
  for (let ky = 0; ky < n; ky++) {
    for (let x = 0; x < width; x++) {
      let sx = 0
      let sy = 0
      for (let kx = 0; kx < n; kx++) {
        const w = bx[x * n + kx] as number
        if (w === 0) continue
        sx += w * (cx[kx * n + ky] as number)
        sy += w * (cy[kx * n + ky] as number)
      }
      gx[ky * width + x] = sx
      gy[ky * width + x] = sy
    }
  }
  const dx = new Float64Array(width * height)
  const dy = new Float64Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let ky = 0; ky < n; ky++) {
      const w = by[y * n + ky] as number
      if (w === 0) continue
      for (let x = 0; x < width; x++) {
        dx[y * width + x] = (dx[y * width + x] as number) + w * (gx[ky * width + x] as number)
        dy[y * width + x] = (dy[y * width + x] as number) + w * (gy[ky * width + x] as number)
      }
    }
  }
  return { dx, dy }
}

function displacementMap(width: number, dx: Float64Array, dy: Float64Array): CoordinateFunction {
  return (x, y, out) => {
    const i = y * width + x
    out[0] = x + (dx[i] as number)
    out[1] = y + (dy[i] as number)
  }
}

/**
 * Elastic deformation (TorchIO v1 `ElasticDeformation`): `out(p) = in(p + d(p))` with a seeded cubic
 * B-spline displacement field; the parameter is the maximum control-point displacement in px (TorchIO
 * takes mm; 0 = unchanged). Spatial: the truth is deformed with the same field (nearest, outside =
 * background); images are resampled bilinearly with min(channel) outside. The same seed gives the same
 * field shape at every parameter value, so a sweep scales one deformation.
 */
export const elastic: Transform<ElasticOptions> = defineTransform<ElasticOptions>({
  name: 'elastic',
  parameter: { name: 'maxDisplacement', unit: 'px', neutral: 0, scale: 'linear', defaultRange: [0, 10], defaultStep: 1 },
  spatial: true,
  options: { seed: 0, controlPoints: 7, lockedBorders: 2 },
  validate: (o) => {
    checkSeed(o.seed, 'elastic: option seed')
    if (typeof o.controlPoints !== 'number' || !Number.isInteger(o.controlPoints) || o.controlPoints < 4 || o.controlPoints > 100) {
      bad('elastic', 'option controlPoints', o.controlPoints, 'an integer in 4..100')
    }
    if (typeof o.lockedBorders !== 'number' || !Number.isInteger(o.lockedBorders) || o.lockedBorders < 0) bad('elastic', 'option lockedBorders', o.lockedBorders, 'an integer >= 0')
  },
  image: (img, value, o) => {
    const d = finite('elastic', 'maxDisplacement', value)
    if (d === 0) return copyOf(img)
    const { dx, dy } = elasticField(img.width, img.height, d, o)
    return resampleMinFill(img, displacementMap(img.width, dx, dy))
  },
  labels: (mask: LabelMap, value, o) => {
    const d = finite('elastic', 'maxDisplacement', value)
    if (d === 0) return { ...mask, data: mask.data.slice() }
    const { dx, dy } = elasticField(mask.width, mask.height, d, o)
    return gridSampleLabels(mask, displacementMap(mask.width, dx, dy), { mode: 'nearest', padding: 'zeros' })
  },
})

