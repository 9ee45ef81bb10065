import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import { complexPlane, fft1d, fft2, fftshift, ifft2, ifftshift } from '../../../src/transforms/fft/index.js'
import type { ComplexPlane } from '../../../src/transforms/fft/index.js'

/** A small deterministic generator for test signals (independent of the library's Rng). */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296 - 0.5
  }
}

/** Direct O(n²) DFT, the oracle. */
function dft(re: Float64Array, im: Float64Array, inverse = false): [Float64Array, Float64Array] {
  const n = re.length
  const outR = new Float64Array(n)
  const outI = new Float64Array(n)
  const sgn = inverse ? 1 : -1
  for (let k = 0; k < n; k++) {
    let sr = 0
    let si = 0
    for (let j = 0; j < n; j++) {
      const a = (sgn * 2 * Math.PI * ((j * k) % n)) / n
      const c = Math.cos(a)
      const s = Math.sin(a)
      sr += (re[j] as number) * c - (im[j] as number) * s
      si += (re[j] as number) * s + (im[j] as number) * c
    }
    outR[k] = inverse ? sr / n : sr
    outI[k] = inverse ? si / n : si
  }
  return [outR, outI]
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

describe('fft1d', () => {
  it('impulse [0, 1, 0, ...] gives X[k] = e^{-2πik/N} (numpy sign convention), power of two and not', () => {
    for (const n of [8, 12, 7]) {
      const re = new Float64Array(n)
      const im = new Float64Array(n)
      re[1] = 1
      fft1d(re, im)
      for (let k = 0; k < n; k++) {
        expect(re[k]).toBeCloseTo(Math.cos((2 * Math.PI * k) / n), 12)
        expect(im[k]).toBeCloseTo(-Math.sin((2 * Math.PI * k) / n), 12)
      }
    }
  })

  it('agrees with a direct DFT for every size 1..64 (forward and inverse)', () => {
    const rand = lcg(1)
    for (let n = 1; n <= 64; n++) {
      const re = Float64Array.from({ length: n }, rand)
      const im = Float64Array.from({ length: n }, rand)
      const [er, ei] = dft(re, im)
      const r = Float64Array.from(re)
      const i = Float64Array.from(im)
      fft1d(r, i)
      const scale = Math.max(1, n)
      expect(maxAbsDiff(r, er) / scale, `n=${n} re`).toBeLessThan(1e-13)
      expect(maxAbsDiff(i, ei) / scale, `n=${n} im`).toBeLessThan(1e-13)
      const [ir, ii] = dft(re, im, true)
      const r2 = Float64Array.from(re)
      const i2 = Float64Array.from(im)
      fft1d(r2, i2, true)
      expect(maxAbsDiff(r2, ir), `n=${n} inverse re`).toBeLessThan(1e-13)
      expect(maxAbsDiff(i2, ii), `n=${n} inverse im`).toBeLessThan(1e-13)
    }
  })

  it('round trip error < 1e-9 for every size 1..300', () => {
    const rand = lcg(2)
    let worst = 0
    for (let n = 1; n <= 300; n++) {
      const re = Float64Array.from({ length: n }, rand)
      const im = Float64Array.from({ length: n }, rand)
      const r = Float64Array.from(re)
      const i = Float64Array.from(im)
      fft1d(r, i)
      fft1d(r, i, true)
      const e = Math.max(maxAbsDiff(r, re), maxAbsDiff(i, im))
      worst = Math.max(worst, e)
      expect(e, `n=${n}`).toBeLessThan(1e-9)
    }
    // Far below the bound in practice: Bluestein in Float64 stays near machine precision.
    expect(worst).toBeLessThan(1e-12)
  })

  it('rejects re/im of different lengths', () => {
    expect(() => fft1d(new Float64Array(4), new Float64Array(3))).toThrow(/re has 4 values but im has 3/)
  })
})

describe('fft2 / ifft2', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [1, 7],
    [5, 3],
    [16, 16],
    [216, 256],
    [181, 217],
    [300, 17],
  ]

  it('round trip error < 1e-9 on random 2D planes, including 216x256 and 181x217', () => {
    const rand = lcg(3)
    for (const [w, h] of sizes) {
      const p = complexPlane(w, h)
      for (let i = 0; i < w * h; i++) {
        p.re[i] = rand()
        p.im[i] = rand()
      }
      const back = ifft2(fft2(p))
      expect(Math.max(maxAbsDiff(back.re, p.re), maxAbsDiff(back.im, p.im)), `${w}x${h}`).toBeLessThan(1e-9)
    }
  })

  it('matches a direct 2D DFT on a small non-square image', () => {
    const rand = lcg(4)
    const W = 6
    const H = 5
    const img = raster(
      W,
      H,
      1,
      Float32Array.from({ length: W * H }, () => rand() + 0.5),
    )
    const k = fft2(img)
    for (let v = 0; v < H; v++) {
      for (let u = 0; u < W; u++) {
        let sr = 0
        let si = 0
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const a = -2 * Math.PI * ((u * x) / W + (v * y) / H)
            const val = img.data[y * W + x] as number
            sr += val * Math.cos(a)
            si += val * Math.sin(a)
          }
        }
        expect(k.re[v * W + u]).toBeCloseTo(sr, 10)
        expect(k.im[v * W + u]).toBeCloseTo(si, 10)
      }
    }
  })

  it('holds Parseval (Σ|x|² = Σ|X|²/N) on random non-power-of-two images', () => {
    const rand = lcg(5)
    for (const [w, h] of [
      [37, 23],
      [216, 256],
      [100, 3],
    ] as const) {
      const img = raster(
        w,
        h,
        1,
        Float32Array.from({ length: w * h }, () => rand() + 0.5),
      )
      const k = fft2(img)
      let ex = 0
      for (const v of img.data) ex += v * v
      let ek = 0
      for (let i = 0; i < k.re.length; i++) ek += (k.re[i] as number) ** 2 + (k.im[i] as number) ** 2
      expect(Math.abs(ek / (w * h) - ex) / ex, `${w}x${h}`).toBeLessThan(1e-12)
    }
  })

  it('reads the requested channel of a multi-channel raster', () => {
    const img = raster(2, 1, 3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    const k = fft2(img, 1)
    expect(k.re[0]).toBeCloseTo(0.2 + 0.5, 6)
    expect(k.re[1]).toBeCloseTo(0.2 - 0.5, 6)
    expect(() => fft2(img, 3)).toThrow(/channel must be an integer in 0..2/)
  })
})

describe('fftshift / ifftshift', () => {
  function plane1d(values: number[]): ComplexPlane {
    const p = complexPlane(values.length, 1)
    p.re.set(values)
    return p
  }

  it('matches numpy for odd and even lengths', () => {
    // numpy.fft.fftshift([0,1,2,3,4]) = [3,4,0,1,2]; ifftshift = [2,3,4,0,1]
    expect(Array.from(fftshift(plane1d([0, 1, 2, 3, 4])).re)).toEqual([3, 4, 0, 1, 2])
    expect(Array.from(ifftshift(plane1d([0, 1, 2, 3, 4])).re)).toEqual([2, 3, 4, 0, 1])
    expect(Array.from(fftshift(plane1d([0, 1, 2, 3])).re)).toEqual([2, 3, 0, 1])
    expect(Array.from(ifftshift(plane1d([0, 1, 2, 3])).re)).toEqual([2, 3, 0, 1])
  })

  it('puts DC at (W//2, H//2) and ifftshift undoes fftshift in 2D for odd sizes', () => {
    const img = raster(
      5,
      3,
      1,
      Float32Array.from({ length: 15 }, (_, i) => (i % 4) / 4),
    )
    const k = fft2(img)
    const s = fftshift(k)
    const dc = 2 + 1 * 5
    expect(s.re[dc]).toBeCloseTo(k.re[0] as number, 12)
    const back = ifftshift(s)
    expect(Array.from(back.re)).toEqual(Array.from(k.re))
    expect(Array.from(back.im)).toEqual(Array.from(k.im))
  })
})
