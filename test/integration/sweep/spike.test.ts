import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { spike } from '../../../src/transforms/mri/index.js'

const SIZE = 64

/** A disc of intensity 0.9 on 0.1 background, with its mask. */
function disc(r: number) {
  const img = new Float32Array(SIZE * SIZE)
  const mask = new Uint8Array(SIZE * SIZE)
  const c = (SIZE - 1) / 2
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const inside = (x - c) ** 2 + (y - c) ** 2 <= r * r
      img[y * SIZE + x] = inside ? 0.9 : 0.1
      mask[y * SIZE + x] = inside ? 1 : 0
    }
  return { image: raster(SIZE, SIZE, 1, img), truth: labelMap(SIZE, SIZE, mask) }
}

const thresholdModel = functionModel('threshold', { 1: 'disc' }, (img) =>
  labelMap(
    img.width,
    img.height,
    Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)

describe('spike sweep end to end', () => {
  it('a threshold model is perfect while the stripe amplitude r·mean stays below 0.4, then degrades', async () => {
    const { image, truth } = disc(16)
    const mean = image.data.reduce((a, b) => a + b, 0) / image.data.length
    // The stripe pattern has amplitude r·mean (§1.1): the threshold at 0.5 is safe while 0.1 + r·mean < 0.5 and
    // 0.9 − r·mean > 0.5, i.e. r < 0.4 / mean.
    const rBreak = 0.4 / mean
    const result = await sweep(thresholdModel, [{ id: 'disc', image, truth }], spike, { range: [0, 2.5], step: 0.25 })
    const curve = result.mean.dice!.disc!
    expect(curve.every((v) => v !== null && Number.isFinite(v))).toBe(true)
    result.values.forEach((r, k) => {
      if (r < rBreak - 1e-6) expect(curve[k], `r = ${r}`).toBe(1)
    })
    const first = curve[0] as number
    const last = curve[curve.length - 1] as number
    expect(first).toBe(1)
    expect(last).toBeLessThan(0.8)
    // Monotone-ish: the end point is the worst of the second half.
    expect(last).toBeLessThanOrEqual(Math.min(...(curve.slice(Math.floor(curve.length / 2)) as number[])) + 0.05)
  })
})
