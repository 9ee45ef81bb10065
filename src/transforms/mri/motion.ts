/** Motion artifact: Shaw et al. k-space motion (TorchIO v1 `Motion`), split along a phase-encode axis. */
import type { Raster } from '../../core/types.js'
import { complexPlane, fftAxis, type ComplexPlane } from '../fft/fft.js'
import { copyRaster, writeChannel } from '../kernels/channels.js'
import { gridSampleMinFill } from '../kernels/grid-sample.js'
import { type AffineMap } from '../kernels/sampling.js'
import { defineTransform, type ImageAxis, type Transform } from '../transform.js'
import { checkAxis, checkBoolean, checkInteger, checkNumber, reject } from '../validate.js'
import { checkSeed, createRng } from '../random.js'
import { axisSpectrum, unshift } from './kspace.js'

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
   * equally spaced `k / segments` (TorchIO's, without its random jitter), or `'random'` for TorchIO
   * `RandomMotion`'s: `k / segments + U(−0.3, 0.3) / segments`, drawn from `seed` (the transform is then random:
   * a sweep's `repeats` draws several). Default null.
   */
  readonly times: readonly number[] | null | 'random'
  /** Seed of `times: 'random'` (ignored otherwise), an integer in 0..2^32-1. Default 0. */
  readonly seed: number
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

/** The movement times: the given ones, `k / segments`, or those jittered by ±0.3 of a step from `seed` (TorchIO). */
function motionTimes(o: MotionOptions): number[] {
  const n = o.segments - 1
  if (Array.isArray(o.times)) return [...(o.times as readonly number[])]
  const step = 1 / o.segments
  if (o.times === 'random') {
    const rng = createRng(o.seed)
    // A jitter below half a step keeps the times increasing and inside (0, 1).
    return Array.from({ length: n }, (_, k) => (k + 1) * step + (rng.next() * 0.6 - 0.3) * step)
  }
  return Array.from({ length: n }, (_, k) => (k + 1) * step)
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
  const deg = checkNumber('motion', 'degrees', degrees)
  const [tx, ty] = o.translation
  if (deg === 0 && tx === 0 && ty === 0) return copyRaster(img)
  const { width: W, height: H, channels: C } = img
  const n = o.segments - 1
  const times = motionTimes(o)
  const images: Raster[] = [img]
  for (let k = 1; k <= n; k++)
    images.push(gridSampleMinFill(img, rigidMap(W, H, (deg * k) / n, (tx * k) / n, (ty * k) / n)))
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
    for (let k = 0; k <= n; k++) axisSpectrum(images[k] as Raster, ch, o.axis, planes[k] as ComplexPlane)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x
        const p = planes[source[o.axis === 'x' ? x : y] as number] as ComplexPlane
        result.re[i] = p.re[i] as number
        result.im[i] = p.im[i] as number
      }
    }
    fftAxis(result, o.axis, true)
    writeChannel(out, result.re, C, ch, o.clip)
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
  random: (o) => o.times === 'random',
  options: { translation: [0, 0], segments: 2, axis: 'y', times: null, seed: 0, clip: false },
  validate: (o) => {
    if (
      !Array.isArray(o.translation) ||
      o.translation.length !== 2 ||
      !o.translation.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      reject('motion', 'option translation', o.translation, 'two finite numbers [tx, ty] in px')
    }
    checkInteger('motion', 'option segments', o.segments, 2)
    checkAxis('motion', o.axis)
    checkSeed(o.seed, 'motion: option seed')
    if (o.times !== null && o.times !== 'random') {
      const t = o.times
      const ok =
        Array.isArray(t) &&
        t.length === o.segments - 1 &&
        t.every((v, k) => typeof v === 'number' && v > 0 && v < 1 && (k === 0 || v > (t[k - 1] as number)))
      if (!ok)
        reject('motion', 'option times', t, `null or ${o.segments - 1} increasing numbers in (0, 1), or 'random'`)
    }
    checkBoolean('motion', 'option clip', o.clip)
  },
  image: (img, value, o) => motionArtifact(img, value, o),
})
