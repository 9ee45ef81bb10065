import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { LabelMap, Raster } from '../../../src/core/types.js'
import { functionModel } from '../../../src/models/model.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { dihedral, rotate } from '../../../src/transforms/geometric.js'

const SIZE = 64
const CENTRE = (SIZE - 1) / 2

/** A bright disc of radius `r` centred at (cx, cy) on a dark background, with its mask. */
function disc(cx: number, cy: number, r: number): { image: Raster; truth: LabelMap } {
  const img = new Float32Array(SIZE * SIZE)
  const mask = new Uint8Array(SIZE * SIZE)
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) {
        img[y * SIZE + x] = 0.9
        mask[y * SIZE + x] = 1
      } else img[y * SIZE + x] = 0.1
    }
  return { image: raster(SIZE, SIZE, 1, img), truth: labelMap(SIZE, SIZE, mask) }
}

/** Thresholds at 0.5: it sees the disc wherever it is. */
const thresholdModel = functionModel('threshold', { 1: 'disc' }, (img) =>
  labelMap(
    img.width,
    img.height,
    Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)

/** Thresholds only in the right half of the image (x >= width/2): blind to the left half. */
const rightHalfModel = functionModel('right-half', { 1: 'disc' }, (img) => {
  const out = new Uint8Array(img.width * img.height)
  for (let y = 0; y < img.height; y++)
    for (let x = img.width / 2; x < img.width; x++)
      out[y * img.width + x] = (img.data[y * img.width + x] as number) > 0.5 ? 1 : 0
  return labelMap(img.width, img.height, out)
})

describe('sweep end to end with function models', () => {
  it('a rotation-invariant threshold model on a centred disc is stable over the full circle', async () => {
    const { image, truth } = disc(CENTRE, CENTRE, 12)
    const result = await sweep(thresholdModel, [{ id: 'centred', image, truth }], rotate, {
      range: [-180, 180],
      step: 15,
    })
    expect(validateSweepResult(result).valid).toBe(true)
    const curve = result.mean.dice!.disc!
    expect(Math.min(...curve.map((v) => v ?? 0))).toBeGreaterThan(0.95)
    const interval = stableInterval(result, { className: 'disc', min: 0.9 })
    expect(interval).toMatchObject({ kind: 'interval', full: true, width: 360 })
  })

  it('a model blind to the left half breaks where the geometry says', async () => {
    // Disc of radius r at distance R right of the centre; rotating by θ (counter-clockwise) moves its centre to
    // x = CENTRE + R cos θ. With a perfect threshold inside the right half, Dice = 2f / (1 + f), f = the disc's area
    // fraction right of the midline. Dice = 0.8 at f = 2/3, i.e. the left segment holds 1/3 of the disc:
    // (α − sin α) / 2π = 1/3 with α = 2 acos(h / r), and the centre sits h right of the midline: R cos θ = h + 0.5
    // (the midline of the blind model lies between columns 31 and 32, half a pixel right of CENTRE).
    const r = 8,
      R = 18
    let lo = 0,
      hi = Math.PI
    for (let i = 0; i < 60; i++) {
      const a = (lo + hi) / 2
      if ((a - Math.sin(a)) / (2 * Math.PI) < 1 / 3) lo = a
      else hi = a
    }
    const h = r * Math.cos(lo / 2)
    const expectedAngle = (Math.acos((h + 0.5) / R) * 180) / Math.PI

    const { image, truth } = disc(CENTRE + R, CENTRE, r)
    const result = await sweep(rightHalfModel, [{ id: 'right', image, truth }], rotate, { range: [-180, 180], step: 5 })
    expect(result.mean.dice!.disc![result.values.indexOf(0)]).toBeCloseTo(1, 6)
    expect(result.mean.dice!.disc![result.values.indexOf(180)]).toBe(0)

    const interval = stableInterval(result, { className: 'disc', min: 0.8 })
    if (!interval || interval.kind !== 'interval')
      throw new Error(`expected an interval, got ${JSON.stringify(interval)}`)
    expect(interval.full).toBeFalsy()
    expect(interval.censoredLow || interval.censoredHigh).toBe(false)
    // Pixelation moves the crossing by a few degrees at most.
    expect(interval.to).toBeGreaterThan(expectedAngle - 4)
    expect(interval.to).toBeLessThan(expectedAngle + 4)
    expect(interval.from).toBeLessThan(-expectedAngle + 4)
    expect(interval.from).toBeGreaterThan(-expectedAngle - 4)

    const summary = summarize(result, { min: 0.8 })
    const disc0 = summary.classes.disc!
    expect(disc0.worst).toMatchObject({ score: 0 })
    expect(Math.abs(disc0.worst!.value)).toBeGreaterThan(expectedAngle)
    expect(disc0.breakdown!.distance).toBeGreaterThan(expectedAngle - 4)
    expect(disc0.breakdown!.distance).toBeLessThan(expectedAngle + 4)
  })

  it('dihedral symmetries are categorical: a centred disc passes all eight, the blind model fails the mirrored ones', async () => {
    const centred = disc(CENTRE, CENTRE, 10)
    const ok = await sweep(thresholdModel, [{ id: 'c', ...centred }], dihedral)
    expect(stableInterval(ok, { className: 'disc', min: 0.95 })).toMatchObject({
      kind: 'categorical',
      passFraction: 1,
      failing: [],
    })
    const right = disc(CENTRE + 18, CENTRE, 8)
    const blind = await sweep(rightHalfModel, [{ id: 'r', ...right }], dihedral)
    const cat = stableInterval(blind, { className: 'disc', min: 0.8 })
    if (!cat || cat.kind !== 'categorical') throw new Error('expected categorical stability')
    // The disc stays right of the midline exactly for k that neither flips columns nor transposes: k = 0 and 1.
    expect(cat.failing).toEqual([2, 3, 4, 5, 6, 7])
    expect(cat.passFraction).toBeCloseTo(2 / 8, 12)
  })
})
