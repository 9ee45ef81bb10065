import FFT from 'fft.js'
import { SegsenseError, describeValue } from '../../core/errors.js'
import type { Raster } from '../../core/types.js'
import { readChannel } from '../kernels/channels.js'

/**
 * A complex 2D array (a k-space plane): row-major like {@link Raster}, element (x, y) at `y * width + x`,
 * real and imaginary parts in separate Float64 arrays.
 */
export interface ComplexPlane {
  readonly width: number
  readonly height: number
  readonly re: Float64Array
  readonly im: Float64Array
}

/**
 * A cached 1D transform of one length. `run` transforms `buf` in place: `buf` holds `n` complex values
 * interleaved (re, im). Forward: `X[k] = Σ x[j]·e^{-2πi jk/n}`; inverse divides by n (numpy's `ifft`).
 */
interface Plan {
  readonly n: number
  run(buf: Float64Array, inverse: boolean): void
}

type FftJs = InstanceType<typeof FFT>

const fftJsCache = new Map<number, FftJs>()
const planCache = new Map<number, Plan>()

function fftJs(n: number): FftJs {
  let f = fftJsCache.get(n)
  if (!f) {
    f = new FFT(n)
    fftJsCache.set(n, f)
  }
  return f
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0
}

/** Powers of two: fft.js radix-4 (out-of-place, so one scratch buffer per length). */
function radix2Plan(n: number): Plan {
  if (n === 1) return { n, run: () => undefined }
  const f = fftJs(n)
  const out = new Float64Array(2 * n)
  return {
    n,
    run(buf, inverse) {
      if (inverse) f.inverseTransform(out, buf)
      else f.transform(out, buf)
      buf.set(out)
    },
  }
}

/**
 * Any other length: Bluestein's chirp-z. With w[k] = e^{-πi k²/n}, `jk = (j² + k² − (k−j)²)/2` gives
 * `X[k] = w[k] · Σ_j (x[j]·w[j]) · conj(w[k−j])`, a linear convolution evaluated exactly by a
 * power-of-two cyclic convolution of length m ≥ 2n − 1. The chirp and the FFT of its conjugate are
 * computed once per length.
 */
function bluesteinPlan(n: number): Plan {
  let m = 1
  while (m < 2 * n - 1) m <<= 1
  const f = fftJs(m)
  const wr = new Float64Array(n)
  const wi = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    // k² mod 2n keeps the angle small, so the chirp is accurate for large k.
    const angle = (Math.PI * ((k * k) % (2 * n))) / n
    wr[k] = Math.cos(angle)
    wi[k] = -Math.sin(angle)
  }
  const b = new Float64Array(2 * m)
  b[0] = wr[0] as number
  b[1] = -(wi[0] as number)
  for (let k = 1; k < n; k++) {
    const re = wr[k] as number
    const im = -(wi[k] as number)
    b[2 * k] = re
    b[2 * k + 1] = im
    b[2 * (m - k)] = re
    b[2 * (m - k) + 1] = im
  }
  const bHat = new Float64Array(2 * m)
  f.transform(bHat, b)
  const a = new Float64Array(2 * m)
  const aHat = new Float64Array(2 * m)
  return {
    n,
    run(buf, inverse) {
      // The inverse is conj(fft(conj(X)))/n: conjugate on the way in and on the way out.
      const sgn = inverse ? -1 : 1
      a.fill(0)
      for (let k = 0; k < n; k++) {
        const xr = buf[2 * k] as number
        const xi = sgn * (buf[2 * k + 1] as number)
        const cr = wr[k] as number
        const ci = wi[k] as number
        a[2 * k] = xr * cr - xi * ci
        a[2 * k + 1] = xr * ci + xi * cr
      }
      f.transform(aHat, a)
      for (let k = 0; k < m; k++) {
        const ar = aHat[2 * k] as number
        const ai = aHat[2 * k + 1] as number
        const br = bHat[2 * k] as number
        const bi = bHat[2 * k + 1] as number
        aHat[2 * k] = ar * br - ai * bi
        aHat[2 * k + 1] = ar * bi + ai * br
      }
      f.inverseTransform(a, aHat)
      const scale = inverse ? 1 / n : 1
      for (let k = 0; k < n; k++) {
        const cr = a[2 * k] as number
        const ci = a[2 * k + 1] as number
        const qr = wr[k] as number
        const qi = wi[k] as number
        buf[2 * k] = (cr * qr - ci * qi) * scale
        buf[2 * k + 1] = sgn * (cr * qi + ci * qr) * scale
      }
    },
  }
}

function checkLength(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new SegsenseError(
      typeof n !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `${what} must be a positive integer length, got ${describeValue(n)}`,
      {
        details: { value: n },
      },
    )
  }
  return n
}

function plan(n: number): Plan {
  let p = planCache.get(n)
  if (!p) {
    p = isPowerOfTwo(n) ? radix2Plan(n) : bluesteinPlan(n)
    planCache.set(n, p)
  }
  return p
}

/**
 * 1D discrete Fourier transform of any length, in place on separate real and imaginary arrays.
 * Forward: `X[k] = Σ_j x[j]·e^{-2πi jk/n}` (numpy `fft`); `inverse` divides by n (numpy `ifft`).
 * Powers of two use fft.js; other lengths use Bluestein's algorithm on top of it (exact, no zero-padding
 * of the signal). Plans are cached per length.
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when `re` and `im` differ in length.
 */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length
  if (im.length !== n) {
    throw new SegsenseError('E_SIZE_MISMATCH', `fft1d: re has ${n} values but im has ${im.length}`, {
      details: { re: n, im: im.length },
    })
  }
  if (n === 0) return
  const p = plan(n)
  const buf = scratch(n)
  for (let k = 0; k < n; k++) {
    buf[2 * k] = re[k] as number
    buf[2 * k + 1] = im[k] as number
  }
  p.run(buf, inverse)
  for (let k = 0; k < n; k++) {
    re[k] = buf[2 * k] as number
    im[k] = buf[2 * k + 1] as number
  }
}

const scratchCache = new Map<number, Float64Array>()
function scratch(n: number): Float64Array {
  let s = scratchCache.get(n)
  if (!s) {
    s = new Float64Array(2 * n)
    scratchCache.set(n, s)
  }
  return s
}

/**
 * Transforms every line of a complex plane along one axis, in place (`axis` 'x': each row, 'y': each
 * column). Because an FFT along one axis commutes with any per-frequency operation along the other, the
 * MR transforms that only modulate one k-space axis need only this (half of a full 2D transform).
 */
export function fftAxis(plane: ComplexPlane, axis: 'x' | 'y', inverse = false): void {
  const { width: W, height: H, re, im } = plane
  if (axis === 'x') {
    const p = plan(W)
    const buf = scratch(W)
    for (let y = 0; y < H; y++) {
      const o = y * W
      for (let x = 0; x < W; x++) {
        buf[2 * x] = re[o + x] as number
        buf[2 * x + 1] = im[o + x] as number
      }
      p.run(buf, inverse)
      for (let x = 0; x < W; x++) {
        re[o + x] = buf[2 * x] as number
        im[o + x] = buf[2 * x + 1] as number
      }
    }
  } else {
    const p = plan(H)
    const buf = scratch(H)
    for (let x = 0; x < W; x++) {
      for (let y = 0; y < H; y++) {
        buf[2 * y] = re[y * W + x] as number
        buf[2 * y + 1] = im[y * W + x] as number
      }
      p.run(buf, inverse)
      for (let y = 0; y < H; y++) {
        re[y * W + x] = buf[2 * y] as number
        im[y * W + x] = buf[2 * y + 1] as number
      }
    }
  }
}

/** 2D FFT of a complex plane in place (rows, then columns). `inverse` divides by width·height. */
export function fft2InPlace(plane: ComplexPlane, inverse = false): void {
  fftAxis(plane, 'x', inverse)
  fftAxis(plane, 'y', inverse)
}

/** A zero complex plane of the given size. */
export function complexPlane(width: number, height: number): ComplexPlane {
  checkLength(width, 'complex plane width')
  checkLength(height, 'complex plane height')
  return { width, height, re: new Float64Array(width * height), im: new Float64Array(width * height) }
}

/** Copies one channel of a raster into a new complex plane (imaginary part 0), in Float64. */
export function rasterToPlane(img: Raster, channel = 0): ComplexPlane {
  if (!Number.isInteger(channel) || channel < 0 || channel >= img.channels) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `channel must be an integer in 0..${img.channels - 1} for a ${img.channels}-channel image, got ${describeValue(channel)}`,
      { details: { value: channel } },
    )
  }
  const plane = complexPlane(img.width, img.height)
  readChannel(img, channel, plane.re)
  return plane
}

function isPlane(v: Raster | ComplexPlane): v is ComplexPlane {
  return (v as ComplexPlane).re instanceof Float64Array && (v as ComplexPlane).im instanceof Float64Array
}

/**
 * 2D DFT (numpy `fft2`): of one channel of a raster, or of a complex plane. Returns a new plane, the DC
 * term at index 0 (apply {@link fftshift} to centre it). Any size: powers of two via fft.js, other
 * lengths via Bluestein, both in Float64.
 *
 * @example
 * const k = fft2(img)            // channel 0
 * const back = ifft2(k)          // back.re ≈ img.data (to ~1e-15)
 */
export function fft2(input: Raster | ComplexPlane, channel = 0): ComplexPlane {
  const plane = isPlane(input)
    ? { width: input.width, height: input.height, re: Float64Array.from(input.re), im: Float64Array.from(input.im) }
    : rasterToPlane(input, channel)
  if (plane.re.length !== plane.width * plane.height || plane.im.length !== plane.re.length) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `fft2: complex plane ${plane.width}x${plane.height} has ${plane.re.length}/${plane.im.length} values`,
    )
  }
  fft2InPlace(plane, false)
  return plane
}

/** Inverse 2D DFT (numpy `ifft2`, divides by width·height). Returns a new plane; take `.re` for a real image. */
export function ifft2(input: ComplexPlane): ComplexPlane {
  if (input.re.length !== input.width * input.height || input.im.length !== input.re.length) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `ifft2: complex plane ${input.width}x${input.height} has ${input.re.length}/${input.im.length} values`,
    )
  }
  const plane = {
    width: input.width,
    height: input.height,
    re: Float64Array.from(input.re),
    im: Float64Array.from(input.im),
  }
  fft2InPlace(plane, true)
  return plane
}
