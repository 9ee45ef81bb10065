// The corruptions added with the issue-25 set (glass blur, snow, fog, spatter, frost) and their helpers, beyond the
// statistics against imagecorruptions (corruption-oracle.test.ts) and the shared checks of corruptions.test.ts.
import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { clippedZoom } from '../../../src/transforms/corruptions/clipped-zoom.js'
import { boxBlur3, canny, equalizeHist, saturateU8 } from '../../../src/transforms/corruptions/cv-ops.js'
import { plasmaFractal } from '../../../src/transforms/corruptions/fog.js'
import { frostTexture } from '../../../src/transforms/corruptions/frost.js'
import { shufflePixels } from '../../../src/transforms/corruptions/glass-blur.js'
import { corruptions } from '../../../src/transforms/corruptions/index.js'
import { gibbs } from '../../../src/transforms/mri/index.js'
import { createRng } from '../../../src/transforms/random.js'

const NEW = ['glassBlur', 'snow', 'frost', 'fog', 'spatter'] as const

function ramp(w: number, h: number, channels = 1): Raster {
  return raster(
    w,
    h,
    channels,
    Float32Array.from({ length: w * h * channels }, (_, k) => ((k * 7) % 97) / 96),
  )
}

describe('the weather and glass corruptions', () => {
  it.each(NEW)('%s: tiny, constant, black and colour images give finite [0, 1] output of the same shape', (name) => {
    const t = corruptions[name]
    for (const img of [
      ramp(1, 1),
      ramp(3, 2),
      ramp(5, 33),
      raster(16, 16, 1, new Float32Array(256)),
      ramp(20, 12, 3),
    ]) {
      for (let s = 1; s <= 5; s++) {
        const out = t.image(img, s)
        expect([out.width, out.height, out.channels]).toEqual([img.width, img.height, img.channels])
        for (const v of out.data) {
          expect(Number.isFinite(v)).toBe(true)
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(1)
        }
      }
    }
  })

  it('fog: the plasma fractal spans [0, 1], is seeded, and fog brightens a dark image and squeezes it by max/(max + c0)', () => {
    const a = plasmaFractal(64, 2, createRng(5))
    expect(Math.min(...a)).toBe(0)
    expect(Math.max(...a)).toBe(1)
    expect(Array.from(plasmaFractal(64, 2, createRng(5)))).toEqual(Array.from(a))
    expect(Array.from(plasmaFractal(64, 2, createRng(6)))).not.toEqual(Array.from(a))
    const img = raster(64, 64, 1, new Float32Array(64 * 64).fill(0.1))
    const out = corruptions.fog.with({ seed: 5 }).image(img, 1)
    // One pixel by hand: (x + 1.5·plasma)·max/(max + 1.5), the plasma of side 64 from the same seed.
    const k = 64 * 10 + 7
    expect(out.data[k]).toBeCloseTo(((0.1 + 1.5 * (a[k] as number)) * 0.1) / 1.6, 6)
  })

  it("glassBlur: the shuffle copies from up to δ away, as the package's view-assigning swap does", () => {
    const W = 9
    const levels = Uint8Array.from({ length: W * W }, (_, i) => i)
    shufflePixels(levels, W, W, 1, 1, 1, createRng(1))
    // δ = 1: rows and columns 8 … 2 are visited, descending, and randint(−1, 1) is −1 or 0, so pixel (h, w) takes
    // the value of (h − 1 or h, w − 1 or w), which is not visited yet: an original value.
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const v = levels[y * W + x] as number
        if (y < 2 || x < 2) expect(v, `${x},${y}`).toBe(y * W + x)
        else expect([y * W + x, y * W + x - 1, (y - 1) * W + x, (y - 1) * W + x - 1]).toContain(v)
      }
    }
    // A copy duplicates values: fewer distinct levels than pixels.
    expect(new Set(levels).size).toBeLessThan(W * W)
  })

  it('snow: clipped_zoom keeps the centre and may overhang the image; colour images brighten through their luma', () => {
    const plane = Float64Array.from({ length: 30 * 20 }, (_, i) => i)
    const z = clippedZoom(plane, 30, 20, 2.5)
    expect(z.width).toBeGreaterThanOrEqual(30)
    expect(z.height).toBeGreaterThanOrEqual(20)
    // Pixel (0, 0) of the zoom is the crop's top-left: row (20 − 8)//2 = 6, column (30 − 12)//2 = 9.
    expect(z.data[0]).toBe(6 * 30 + 9)
    const grey = corruptions.snow.with({ seed: 2 }).image(ramp(40, 40), 2)
    const colour = corruptions.snow.with({ seed: 2 }).image(ramp(40, 40, 3), 2)
    expect(grey.data.some((v, i) => Math.abs(v - (colour.data[i * 3] as number)) > 1e-3)).toBe(true)
  })

  it('spatter: Canny finds a step edge as one thin line, equalizeHist and the casts are OpenCV’s', () => {
    const W = 16
    const step = Uint8Array.from({ length: W * W }, (_, i) => (i % W < 8 ? 0 : 200))
    const edges = canny(step, W, W, 50, 150)
    for (let y = 0; y < W; y++) {
      const row = Array.from(edges.subarray(y * W, y * W + W))
      expect(row.filter((v) => v === 255).length, `row ${y}`).toBe(1)
      expect([7, 8]).toContain(row.indexOf(255))
    }
    expect(Array.from(canny(new Uint8Array(W * W).fill(90), W, W, 50, 150)).every((v) => v === 0)).toBe(true)
    // Levels 10, 20, 30 (counts 1, 2, 1): 10 -> 0, 20 -> round(255·2/3) = 170, 30 -> 255.
    expect(Array.from(equalizeHist(Uint8Array.of(10, 20, 20, 30)))).toEqual([0, 170, 170, 255])
    expect(Array.from(equalizeHist(Uint8Array.of(7, 7, 7)))).toEqual([7, 7, 7])
    expect([saturateU8(-3), saturateU8(2.5), saturateU8(3.5), saturateU8(300)]).toEqual([0, 2, 4, 255])
    const blurred = boxBlur3(Float64Array.of(0, 0, 0, 0, 9, 0, 0, 0, 0), 3, 3)
    expect(Array.from(blurred)).toEqual([4, 2, 4, 2, 1, 2, 4, 2, 4])
  })

  it("spatter: water (1-3) only brightens, mud (4-5) darkens a bright image towards the mud's grey", () => {
    const bright = raster(64, 64, 1, new Float32Array(64 * 64).fill(0.8))
    for (const s of [1, 2, 3]) {
      const out = corruptions.spatter.with({ seed: 4 }).image(bright, s)
      expect(Math.min(...out.data), `severity ${s}`).toBeGreaterThanOrEqual(0.8 - 1e-6)
    }
    const mud = corruptions.spatter.with({ seed: 4 }).image(bright, 5)
    const mudGrey = (0.2989 * 63 + 0.587 * 42 + 0.114 * 20) / 255
    expect(Math.min(...mud.data)).toBeLessThan(0.8)
    expect(Math.min(...mud.data)).toBeGreaterThanOrEqual(mudGrey - 1e-6)
  })

  it("frost: the texture has one photograph's grey mean and spread, and differs between seeds", () => {
    const stats = [
      [0.508, 0.072],
      [0.804, 0.086],
      [0.587, 0.112],
      [0.476, 0.17],
    ]
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const t = frostTexture(96, 64, createRng(seed))
      const m = t.reduce((s, v) => s + v, 0) / t.length
      const sd = Math.sqrt(t.reduce((s, v) => s + (v - m) ** 2, 0) / t.length)
      // Clipping to [0, 1] moves them a little.
      expect(
        stats.some(([pm, ps]) => Math.abs(m - pm!) < 0.01 && Math.abs(sd - ps!) < 0.01),
        `seed ${seed}: ${m} ${sd}`,
      ).toBe(true)
    }
    expect(Array.from(frostTexture(32, 32, createRng(1)))).not.toEqual(Array.from(frostTexture(32, 32, createRng(2))))
  })

  it('gibbs on a 1x1 and a 1xN image', () => {
    expect(Array.from(gibbs.image(raster(1, 1, 1, Float32Array.of(0.4)), 0.5).data)[0]).toBeCloseTo(0.4, 6)
    const out = gibbs.image(ramp(7, 1), 0.5)
    expect(out.data.every((v) => Number.isFinite(v))).toBe(true)
  })
})
