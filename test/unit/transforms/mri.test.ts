import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { complexPlane, fft2, fftshift, ifft2, ifftshift } from '../../../src/transforms/fft/index.js'
import {
  anisotropy,
  biasField,
  biasFieldMap,
  ghosting,
  motion,
  spike,
  spikePosition,
} from '../../../src/transforms/mri/index.js'
import { elastic, elasticField } from '../../../src/transforms/elastic.js'
import { noise, ricianNoise } from '../../../src/transforms/intensity.js'

/** The reference image of algorithms.md §1.13: TorchIO x[i, j] = (8i + j)/63 with i = axis 0 = segsense x. */
const ref8 = raster(
  8,
  8,
  1,
  Float32Array.from({ length: 64 }, (_, k) => (8 * (k % 8) + Math.floor(k / 8)) / 63),
)
const at = (img: Raster, x: number, y: number, ch = 0): number =>
  img.data[(y * img.width + x) * img.channels + ch] as number

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

function randomImage(w: number, h: number, seed: number, channels = 1, offset = 0): Raster {
  const r = lcg(seed)
  return raster(
    w,
    h,
    channels,
    Float32Array.from({ length: w * h * channels }, () => r() + offset),
  )
}

/** A bright disc on a dark background, zero at the borders. */
function disc(w: number, h: number, radius: number): Raster {
  const d = new Float32Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) d[y * w + x] = (x - w / 2) ** 2 + (y - h / 2) ** 2 < radius ** 2 ? 0.8 : 0
  return raster(w, h, 1, d)
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

describe('neutral values return the input unchanged', () => {
  const img = randomImage(13, 10, 1, 2)
  it.each([
    ['spike', () => spike.image(img, 0)],
    ['ghosting', () => ghosting.image(img, 0)],
    ['ghosting with 0 ghosts', () => ghosting.with({ ghosts: 0 }).image(img, 0.7)],
    ['motion', () => motion.image(img, 0)],
    ['biasField', () => biasField.image(img, 0)],
    ['anisotropy', () => anisotropy.image(img, 1)],
    ['elastic', () => elastic.image(img, 0)],
    ['rician noise', () => ricianNoise(img, 0, 3)],
  ])('%s', (_name, run) => {
    const out = run()
    expect(out.width).toBe(img.width)
    expect(out.channels).toBe(img.channels)
    expect(maxDiff(out.data, img.data)).toBeLessThan(1e-6)
    expect(out.data).not.toBe(img.data)
  })

  it('elastic labels at 0', () => {
    const m = labelMap(
      5,
      4,
      Uint8Array.from({ length: 20 }, (_, i) => i % 3),
    )
    expect(Array.from(elastic.labels!(m, 0).data)).toEqual(Array.from(m.data))
  })
})

describe('spike (TorchIO Spike, §1.1 and §1.13)', () => {
  it('matches the reference values at position [0.1, 0.1], intensity 0.5', () => {
    const out = spike.image(ref8, 0.5)
    expect(at(out, 0, 0)).toBeCloseTo(0.25, 5)
    expect(at(out, 0, 1)).toBeCloseTo(-0.234127, 5)
    expect(at(out, 3, 5)).toBeCloseTo(0.710317, 5)
    expect(at(out, 7, 7)).toBeCloseTo(1.25, 5)
    expect(out.data.reduce((a, b) => a + b, 0)).toBeCloseTo(32, 4)
  })

  it('matches the reference values at position [0.5, 0.75], intensity 1 (pins x = axis 0)', () => {
    const out = spike.with({ position: [0.5, 0.75] }).image(ref8, 1)
    expect(at(out, 0, 0)).toBeCloseTo(0.5, 5)
    expect(at(out, 0, 1)).toBeCloseTo(0.015873, 5)
    expect(at(out, 1, 0)).toBeCloseTo(0.626984, 5)
  })

  it('equals the k-space recipe (fftshift, add r·max(S), ifftshift, ifft2) on odd non-square images, also with negative values', () => {
    for (const [w, h, offset] of [
      [13, 9, 0],
      [10, 7, -0.5],
    ] as const) {
      const img = randomImage(w, h, 7, 1, offset)
      const r = 0.8
      const pos: [number, number] = [0.3, 0.8]
      const S = fftshift(fft2(img))
      let br = -Infinity
      let bi = -Infinity
      for (let k = 0; k < S.re.length; k++) {
        if ((S.re[k] as number) > br || (S.re[k] === br && (S.im[k] as number) > bi)) {
          br = S.re[k] as number
          bi = S.im[k] as number
        }
      }
      const i = Math.floor(pos[0] * w)
      const j = Math.floor(pos[1] * h)
      S.re[j * w + i] = (S.re[j * w + i] as number) + r * br
      S.im[j * w + i] = (S.im[j * w + i] as number) + r * bi
      const expected = ifft2(ifftshift(S)).re
      const out = spike.with({ position: pos }).image(img, r)
      expect(maxDiff(out.data, expected), `${w}x${h}`).toBeLessThan(1e-5)
    }
  })

  it('adds a stripe of amplitude r·mean(x) at frequency (floor(x·W) − W//2, floor(y·H) − H//2)', () => {
    const W = 24
    const H = 18
    const img = randomImage(W, H, 3)
    const mean = img.data.reduce((a, b) => a + b, 0) / (W * H)
    const r = 1.5
    const out = spike.image(img, r)
    const diff = complexPlane(W, H)
    for (let k = 0; k < W * H; k++) diff.re[k] = (out.data[k] as number) - (img.data[k] as number)
    let amp = 0
    for (const v of diff.re) amp = Math.max(amp, Math.abs(v))
    // fx = floor(2.4) − 12 = −10, fy = floor(1.8) − 9 = −8: the cosine hits ±1 on this grid only approximately.
    expect(amp).toBeLessThanOrEqual(r * mean + 1e-6)
    expect(amp).toBeGreaterThan(0.95 * r * mean)
    const D = fft2(diff)
    const fx = Math.floor(0.1 * W) - W / 2
    const fy = Math.floor(0.1 * H) - H / 2
    const u = ((fx % W) + W) % W
    const v = ((fy % H) + H) % H
    const u2 = (W - u) % W
    const v2 = (H - v) % H
    // A real cosine of amplitude A puts A·N/2 at ±f and nothing elsewhere.
    let other = 0
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const mag = Math.hypot(D.re[y * W + x] as number, D.im[y * W + x] as number)
        if ((x === u && y === v) || (x === u2 && y === v2)) expect(mag / (W * H)).toBeCloseTo((r * mean) / 2, 5)
        else other = Math.max(other, mag)
      }
    }
    expect(other / (W * H)).toBeLessThan(1e-5)
  })

  it('a spike at the k-space centre is a pure brightness shift by r·mean', () => {
    for (const [w, h] of [
      [16, 16],
      [15, 11],
    ] as const) {
      const img = randomImage(w, h, 5)
      const mean = img.data.reduce((a, b) => a + b, 0) / (w * h)
      const out = spike.with({ position: [0.5, 0.5] }).image(img, 0.7)
      for (let k = 0; k < w * h; k++)
        expect((out.data[k] as number) - (img.data[k] as number)).toBeCloseTo(0.7 * mean, 5)
    }
  })

  it('treats RGB channels independently, clips only when asked, and spikePosition moves the row (y) frequency', () => {
    const img = randomImage(8, 8, 9, 3)
    const out = spike.image(img, 2)
    for (let ch = 0; ch < 3; ch++) {
      const one = raster(
        8,
        8,
        1,
        Float32Array.from({ length: 64 }, (_, k) => img.data[k * 3 + ch] as number),
      )
      const ref = spike.image(one, 2)
      for (let k = 0; k < 64; k++) expect(out.data[k * 3 + ch]).toBeCloseTo(ref.data[k] as number, 6)
    }
    expect(Math.max(...out.data)).toBeGreaterThan(1)
    const clipped = spike.with({ clip: true }).image(img, 2)
    expect(Math.max(...clipped.data)).toBeLessThanOrEqual(1)
    expect(Math.min(...clipped.data)).toBeGreaterThanOrEqual(0)
    const p = spikePosition.with({ intensity: 1, x: 0.75 }).image(ref8, 0.5)
    const q = spike.with({ position: [0.75, 0.5] }).image(ref8, 1)
    expect(maxDiff(p.data, q.data)).toBe(0)
  })

  it('spikePosition sweeps the row as misas spikePosTransform does (non-square reference vector)', () => {
    // misas spikePosTransform(img, X, Y, r) passes positions [[0, X, Y]] with the (1, H, W) image to TorchIO Spike:
    // X picks the row, Y the column. numpy emulation of TorchIO Spike.add_artifact (reference/algorithms.md 1.1):
    //   img = np.arange(48).reshape(1, 6, 8) / 47; S = np.fft.fftshift(np.fft.fftn(img))
    //   S[0, floor(0.3 * 6), floor(0.1 * 8)] += S.max() * 0.5; out = np.real(np.fft.ifftn(np.fft.ifftshift(S)))[0]
    const img = raster(
      8,
      6,
      1,
      Float32Array.from({ length: 48 }, (_, k) => k / 47),
    )
    const out = spikePosition.with({ intensity: 0.5, x: 0.1 }).image(img, 0.3)
    const expected: [number, number, number][] = [
      [0, 0, 0.25],
      [1, 0, -0.228723],
      [0, 1, 0.045213],
      [5, 2, 0.571809],
      [7, 5, 1.125],
    ]
    for (const [x, y, v] of expected) expect(at(out, x, y)).toBeCloseTo(v, 5)
    // The old convention (x swept at row 0.1) differs: the swap is pinned.
    const swapped = spike.with({ position: [0.3, 0.1] }).image(img, 0.5)
    expect(maxDiff(swapped.data, out.data)).toBeGreaterThan(0.1)
    expect(spikePosition.parameter.name).toBe('y')
    expect(() => spikePosition.with({ y: 0.1 } as never)).toThrow(/unknown key "y" \(did you mean 'x'\?\)/)
  })

  it('rejects bad options and values', () => {
    expect(() => spike.with({ position: [1.2, 0.1] })).toThrow(
      /position\[0\] \(x\) must be a number in \[0, 1\], got 1.2/,
    )
    expect(() => spike.image(ref8, Number.NaN)).toThrow(/intensity must be a finite number/)
  })
})

describe('ghosting (TorchIO Ghosting, §1.2 and §1.13)', () => {
  it('n = 2, axis x (TorchIO axis 0), s = 1, restore None', () => {
    const out = ghosting.with({ ghosts: 2, axis: 'x', restore: null }).image(ref8, 1)
    const lo = [0.190476, 0.206349, 0.222222, 0.238095, 0.253968, 0.269841, 0.285714, 0.301587]
    const hi = [0.698413, 0.714286, 0.730159, 0.746032, 0.761905, 0.777778, 0.793651, 0.809524]
    for (let x = 0; x < 8; x++)
      for (let y = 0; y < 8; y++) expect(at(out, x, y)).toBeCloseTo((x < 4 ? lo : hi)[y] as number, 5)
  })

  it('n = 4, axis y (TorchIO axis 1), s = 0.5, restore 0.25', () => {
    const out = ghosting.with({ ghosts: 4, axis: 'y', restore: 0.25 }).image(ref8, 0.5)
    const row = [0.003968, 0.011905, 0.035714, 0.043651, 0.06746, 0.075397, 0.099206, 0.107143]
    for (let y = 0; y < 8; y++) expect(at(out, 0, y)).toBeCloseTo(row[y] as number, 5)
  })

  it('follows the closed form with n − 1 ghosts for n dividing N (restore None, (N//2) mod n != 0 leaves the centre unrestored)', () => {
    // N = 12, n = 4 → N//2 = 6 ≡ 2 (mod 4): the centre line is never attenuated, x_R = 0.
    const W = 5
    const N = 12
    const n = 4
    const s = 0.6
    const img = randomImage(W, N, 11)
    const out = ghosting.with({ ghosts: n, axis: 'y' }).image(img, s)
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < W; x++) {
        let e = at(img, x, y)
        for (let j = 0; j < n; j++)
          e -= (s / n) * Math.cos((2 * Math.PI * j * (N / 2)) / n) * at(img, x, (y + (j * N) / n) % N)
        expect(at(out, x, y)).toBeCloseTo(e, 5)
      }
    }
  })

  /**
   * Per shifted k-space line along `axis`, the real gain g with spectrum(out) = g·spectrum(in) (least squares
   * over the line). Taking the real part after the edit averages a line with its mirror (frequency −f), so a
   * restored line whose mirror is attenuated shows (1 + (1 − s))/2.
   */
  function lineGains(img: Raster, out: Raster, axis: 'x' | 'y'): number[] {
    const a = fftshift(fft2(img))
    const b = fftshift(fft2(out))
    const L = axis === 'x' ? img.width : img.height
    const K = axis === 'x' ? img.height : img.width
    return Array.from({ length: L }, (_, l) => {
      let num = 0
      let den = 0
      for (let k = 0; k < K; k++) {
        const i = axis === 'x' ? k * img.width + l : l * img.width + k
        const [ar, ai, br, bi] = [a.re[i] as number, a.im[i] as number, b.re[i] as number, b.im[i] as number]
        num += br * ar + bi * ai
        den += ar * ar + ai * ai
      }
      return num / den
    })
  }

  it('restore · L exactly on a half rounds half to even (np.round): 2·(m//2) central lines are restored', () => {
    // TorchIO: m = int(np.round(restore · L)), keep = slice(L//2 − m//2, L//2 + m//2); 0.125 · L is exact in
    // binary. 3.5 -> 4 lines (truncating or rounding half down: 3 -> 2 lines), 2.5 -> 2 lines, 0.5 -> none.
    // Half up gives the same m//2 on every half, so only the restored count tells the rules apart.
    const s = 0.5
    const cases: [number, 'x' | 'y', number, number][] = [
      [28, 'y', 4, 12],
      [28, 'x', 4, 12],
      [20, 'y', 2, 9],
      [4, 'y', 0, 2],
    ]
    for (const [L, axis, count, first] of cases) {
      const img = axis === 'y' ? randomImage(6, L, L) : randomImage(L, 6, L)
      // n = 1 attenuates every line, so whatever keeps more than (1 − s) was restored.
      const g = lineGains(img, ghosting.with({ ghosts: 1, axis, restore: 0.125 }).image(img, s), axis)
      const restored = g.reduce((sum, v) => sum + (v - (1 - s)) / s, 0)
      expect(restored, `L = ${L}, axis ${axis}: restored lines`).toBeCloseTo(count, 4)
      const mid = L / 2
      const kept = (l: number): number => (l >= first && l < first + count ? 1 : 1 - s)
      for (let l = 0; l < L; l++)
        expect(g[l], `L = ${L}, line ${l}`).toBeCloseTo((kept(l) + kept((2 * mid - l) % L)) / 2, 4)
    }
  })
})

describe('biasField (TorchIO BiasField, §1.4 and §1.13)', () => {
  it('order 3, all 20 coefficients 0.3 on 8x8 (parameter 0.3, and an explicit TorchIO coefficient list)', () => {
    const f = biasFieldMap(8, 8, 3, 0.3)
    const g = biasFieldMap(8, 8, 3, 1, new Array(20).fill(0.3))
    for (const field of [f, g]) {
      expect(field[0]).toBeCloseTo(Math.exp(-0.6), 6)
      expect(field[63]).toBeCloseTo(20.085537, 5)
      expect(field[7]).toBeCloseTo(1.822119, 6)
      expect(field[56]).toBeCloseTo(1.822119, 6)
      expect(field[4 * 8 + 3]).toBeCloseTo(1.358149, 6)
    }
    const out = biasField.image(ref8, 0.3)
    expect(at(out, 7, 7)).toBeCloseTo(20.085537, 4)
    expect(at(out, 3, 4)).toBeCloseTo(1.358149 * at(ref8, 3, 4), 5)
  })

  it('non-square 4x6: X runs along x (TorchIO axis 0)', () => {
    const c = new Array(20).fill(0)
    c[4] = 0.2
    c[10] = 0.5
    c[13] = 0.3
    const f = biasFieldMap(4, 6, 3, 1, c)
    const expected = [
      [0.67032, 0.644036, 0.618783, 0.594521, 0.571209, 0.548812],
      [0.765928, 0.797186, 0.82972, 0.863582, 0.898825, 0.935507],
      [0.875173, 0.986755, 1.112563, 1.254412, 1.414345, 1.59467],
      [1.0, 1.221403, 1.491825, 1.822119, 2.225541, 2.718282],
    ]
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expect(f[j * 4 + i]).toBeCloseTo(expected[i]![j]!, 5)
    // The same field from the 2D term list (a ascending, then b): Y¹ = index 1, X¹ = index 4, X¹Y¹ = index 5.
    const c2 = new Array(10).fill(0)
    c2[1] = 0.2
    c2[4] = 0.5
    c2[5] = 0.3
    expect(maxDiff(biasFieldMap(4, 6, 3, 1, c2), f)).toBeLessThan(1e-12)
  })

  it('clampField only darkens (misas)', () => {
    const out = biasField.with({ clampField: true }).image(ref8, 0.3)
    for (let k = 0; k < 64; k++) expect(out.data[k] as number).toBeLessThanOrEqual((ref8.data[k] as number) + 1e-7)
    expect(() => biasField.with({ coefficients: [1, 2, 3] })).toThrow(
      /20 \(TorchIO 3D order\) or 10 \(2D\) numbers for order 3/,
    )
  })
})

describe('anisotropy (TorchIO RandomAnisotropy with a fixed axis, §1.8)', () => {
  it('m = 2 on a ramp: nearest samples at 0.5 + 2j, linear back at (i − 0.5)/2', () => {
    const img = raster(
      8,
      2,
      1,
      Float32Array.from({ length: 16 }, (_, k) => (k % 8) / 10),
    )
    const out = anisotropy.with({ axis: 'x' }).image(img, 2)
    const expected = [1, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7].map((v) => v / 10)
    for (let y = 0; y < 2; y++) for (let x = 0; x < 8; x++) expect(at(out, x, y)).toBeCloseTo(expected[x] as number, 6)
    const t = raster(
      2,
      8,
      1,
      Float32Array.from({ length: 16 }, (_, k) => Math.floor(k / 2) / 10),
    )
    const outY = anisotropy.image(t, 2)
    for (let y = 0; y < 8; y++) expect(at(outY, 1, y)).toBeCloseTo(expected[y] as number, 6)
    expect(() => anisotropy.image(img, 0.5)).toThrow(/downsampling must be a number >= 1/)
  })
})

describe('motion (Shaw et al. along a phase-encode axis, §1.3)', () => {
  /** Full-2D-FFT oracle of the TorchIO v1 algorithm for one moved image and an explicit split. */
  function oracle(img: Raster, moved: Raster, t: number, axis: 'x' | 'y'): Float64Array {
    const S0 = fftshift(fft2(img))
    const S1 = fftshift(fft2(moved))
    const L = axis === 'x' ? img.width : img.height
    const b = Math.floor(L * t)
    // times = [t]: centre segment index = 0 if t > 0.5 else 1; it takes the unmoved image.
    const firstFromUnmoved = t > 0.5
    const R = complexPlane(img.width, img.height)
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const s = axis === 'x' ? x : y
        const fromUnmoved = s < b ? firstFromUnmoved : !firstFromUnmoved
        const k = y * img.width + x
        R.re[k] = (fromUnmoved ? S0 : S1).re[k] as number
        R.im[k] = (fromUnmoved ? S0 : S1).im[k] as number
      }
    }
    return ifft2(ifftshift(R)).re
  }

  function shifted(img: Raster, tx: number, ty: number): Raster {
    const d = new Float32Array(img.data.length)
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const sx = x - tx
        const sy = y - ty
        if (sx >= 0 && sx < img.width && sy >= 0 && sy < img.height)
          d[y * img.width + x] = img.data[sy * img.width + sx] as number
      }
    return raster(img.width, img.height, 1, d)
  }

  it('an integer translation matches the full 2D k-space recipe, both axes, odd sizes, custom times', () => {
    const img = disc(21, 17, 5)
    for (const axis of ['x', 'y'] as const) {
      for (const t of [0.5, 0.3, 0.7]) {
        const out = motion.with({ translation: [2, -3], axis, times: [t] }).image(img, 0)
        expect(maxDiff(out.data, oracle(img, shifted(img, 2, -3), t, axis)), `${axis} ${t}`).toBeLessThan(1e-5)
      }
    }
  })

  it('keeps the k-space centre segment from the unmoved image and degrades with the angle', () => {
    const img = disc(32, 32, 9)
    const S0 = fftshift(fft2(img))
    let prev = 0
    for (const deg of [2, 5, 10]) {
      const out = motion.image(img, deg)
      const S = fftshift(fft2(out))
      // Default: 2 segments, times [0.5], axis y: shifted rows 16..31 come from the unmoved image. Taking the
      // real part mixes row ky with row −ky, so only the ky = 0 row (shifted row 16) is kept exactly.
      for (let y = 16; y < 17; y++)
        for (let x = 0; x < 32; x++) expect(S.re[y * 32 + x]).toBeCloseTo(S0.re[y * 32 + x] as number, 4)
      const err = maxDiff(out.data, img.data)
      expect(err).toBeGreaterThan(prev)
      prev = err
    }
    const three = motion.with({ segments: 3 }).image(img, 10)
    expect(maxDiff(three.data, img.data)).toBeGreaterThan(0.01)
    expect(() => motion.with({ segments: 3, times: [0.5] })).toThrow(/times must be null or 2 increasing numbers/)
  })
})

describe('elastic (TorchIO ElasticDeformation, §1.10)', () => {
  it('displacements stay within maxDisplacement, same seed same field, different seeds differ', () => {
    const a = elasticField(40, 30, 5, { seed: 1, controlPoints: 7, lockedBorders: 2 })
    const b = elasticField(40, 30, 5, { seed: 1, controlPoints: 7, lockedBorders: 2 })
    const c = elasticField(40, 30, 5, { seed: 2, controlPoints: 7, lockedBorders: 2 })
    const m = Math.max(...a.dx.map(Math.abs), ...a.dy.map(Math.abs))
    expect(m).toBeLessThanOrEqual(5)
    expect(m).toBeGreaterThan(0.2)
    expect(Array.from(a.dx)).toEqual(Array.from(b.dx))
    expect(maxDiff(a.dx, c.dx)).toBeGreaterThan(0.1)
    // Linear in the parameter: one field shape scaled.
    const h = elasticField(40, 30, 2.5, { seed: 1, controlPoints: 7, lockedBorders: 2 })
    for (let k = 0; k < h.dx.length; k += 97) expect(h.dx[k]).toBeCloseTo((a.dx[k] as number) / 2, 12)
  })

  it('deforms the truth with the same field as the image', () => {
    const img = disc(48, 48, 14)
    const mask = labelMap(
      48,
      48,
      Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
    )
    const t = elastic.with({ seed: 4 })
    const out = t.image(img, 6)
    const lab = t.labels!(mask, 6)
    expect(maxDiff(out.data, img.data)).toBeGreaterThan(0.3)
    let agree = 0
    for (let k = 0; k < 48 * 48; k++) if (((out.data[k] as number) > 0.4 ? 1 : 0) === lab.data[k]) agree++
    expect(agree / (48 * 48)).toBeGreaterThan(0.98)
    expect(Array.from(t.labels!(mask, 6).data)).toEqual(Array.from(lab.data))
    expect(Array.from(elastic.with({ seed: 5 }).labels!(mask, 6).data)).not.toEqual(Array.from(lab.data))
  })
})

describe('ricianNoise', () => {
  it('is Rayleigh on a zero image (mean σ·sqrt(π/2)) and deterministic per seed', () => {
    const img = raster(128, 128, 1)
    const sigma = 0.1
    const out = ricianNoise(img, sigma, 7)
    const mean = out.data.reduce((a, b) => a + b, 0) / out.data.length
    expect(mean).toBeCloseTo(sigma * Math.sqrt(Math.PI / 2), 2)
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0)
    expect(Array.from(ricianNoise(img, sigma, 7).data)).toEqual(Array.from(out.data))
    expect(maxDiff(ricianNoise(img, sigma, 8).data, out.data)).toBeGreaterThan(0.05)
    expect(() => ricianNoise(img, -1, 0)).toThrow(/std must be a finite number >= 0/)
    // noise.with({ kind: 'rician' }) is this kernel, same seed.
    expect(Array.from(noise.with({ kind: 'rician', seed: 7 }).image(img, sigma).data)).toEqual(Array.from(out.data))
    expect(() => noise.with({ kind: 'poisson' as 'rician' })).toThrow(/kind must be 'gaussian' or 'rician'/)
  })
})
