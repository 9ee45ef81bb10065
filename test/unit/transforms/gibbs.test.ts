// gibbs against MONAI GibbsNoise: reference outputs in test/fixtures/oracle/gibbs.json, written by
// test/oracle/oracle.py (MONAI on the same images, float64).
import { readFileSync } from 'node:fs'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { gibbs } from '../../../src/transforms/mri/index.js'

interface GibbsFixture {
  cases: { name: string; width: number; height: number; alphas: number[]; outputs: number[][][] }[]
  sample: { file: string; probes: { alpha: number; indices: number[]; values: number[]; meanAbsChange: number }[] }
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/oracle/gibbs.json', import.meta.url), 'utf8'),
) as GibbsFixture

/** The oracle's pattern: (sin(0.7·x + 0.3·y) + ((3·x + 5·y) mod 7)/7)/2. */
function pattern(w: number, h: number, channels = 1): Raster {
  const data = new Float32Array(w * h * channels)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++)
        data[(y * w + x) * channels + c] = (Math.sin(0.7 * x + 0.3 * y) + ((3 * x + 5 * y) % 7) / 7) / 2
    }
  }
  return raster(w, h, channels, data)
}

describe('gibbs (MONAI GibbsNoise)', () => {
  it.each(fixture.cases)('$name: every alpha matches MONAI to 1e-5', ({ width, height, alphas, outputs }) => {
    const img = pattern(width, height)
    alphas.forEach((a, k) => {
      const out = gibbs.image(img, a)
      const ref = outputs[k] as number[][]
      let worst = 0
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++)
          worst = Math.max(worst, Math.abs((out.data[y * width + x] as number) - (ref[y] as number[])[x]!))
      }
      expect(worst, `alpha ${a}`).toBeLessThan(1e-5)
    })
  })

  it('the cardiac sample matches MONAI at the probed pixels and in mean absolute change', async () => {
    const file = new URL(`../../../${fixture.sample.file}`, import.meta.url).pathname
    const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true })
    const img = raster(
      info.width,
      info.height,
      1,
      Float32Array.from(data, (v) => v / 255),
    )
    for (const p of fixture.sample.probes) {
      const out = gibbs.image(img, p.alpha)
      p.indices.forEach((i, k) => {
        expect(Math.abs((out.data[i] as number) - p.values[k]!), `alpha ${p.alpha} pixel ${i}`).toBeLessThan(1e-5)
      })
      let change = 0
      for (let i = 0; i < img.data.length; i++) change += Math.abs((out.data[i] as number) - (img.data[i] as number))
      expect(change / img.data.length).toBeCloseTo(p.meanAbsChange, 5)
    }
  })

  it('alpha 0 is the identity, alpha 1 leaves the mean (odd sizes) or nothing (even sizes), as MONAI', () => {
    const odd = pattern(17, 13)
    expect(Array.from(gibbs.image(odd, 0).data)).toEqual(Array.from(odd.data))
    const mean = odd.data.reduce((s, v) => s + v, 0) / odd.data.length
    for (const v of gibbs.image(odd, 1).data) expect(v).toBeCloseTo(mean, 6)
    for (const v of gibbs.image(pattern(24, 20), 1).data) expect(Math.abs(v)).toBeLessThan(1e-9)
  })

  it('channels are processed alone; clip clamps; bad alpha and options are refused', () => {
    const one = gibbs.image(pattern(24, 20), 0.5)
    const three = gibbs.image(pattern(24, 20, 3), 0.5)
    for (let i = 0; i < one.data.length; i++)
      for (let c = 0; c < 3; c++) expect(three.data[i * 3 + c]).toBe(one.data[i])
    const clipped = gibbs.with({ clip: true }).image(pattern(24, 20), 0.9)
    expect(Math.min(...clipped.data)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...clipped.data)).toBeLessThanOrEqual(1)
    expect(() => gibbs.image(one, 1.5)).toThrow('gibbs: alpha must be a number in [0, 1], got 1.5')
    expect(() => gibbs.image(one, -0.1)).toThrow(/alpha must be a number in \[0, 1\]/)
    expect(() => gibbs.image(one, Number.NaN)).toThrow(/alpha must be a number in \[0, 1\]/)
    expect(() => gibbs.with({ clip: 1 as unknown as boolean })).toThrow(
      'gibbs: option clip must be true or false, got 1',
    )
  })
})
