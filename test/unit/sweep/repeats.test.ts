import { describe, expect, it } from 'vitest'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { repeatSeeds } from '../../../src/sweep/repeats.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { corruptions } from '../../../src/transforms/corruptions/index.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { noise } from '../../../src/transforms/intensity.js'
import { expectRejection } from '../../support/helpers.js'
import { scene, sceneModel } from '../../support/report.js'

const samples = [scene('a', 32), scene('b', 32)]
const model = sceneModel()
const values = [0, 0.15, 0.3]

describe('sweep option repeats', () => {
  it('runs n seeded draws per value, stores each and scores their mean', async () => {
    const r = await sweep(model, samples, noise, { values, repeats: 3, seed: 5 })
    expect(r.repeats).toEqual({ count: 3, seed: 5, seeds: repeatSeeds(5, 3) })
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
    expect(r.timing.predictions).toBe(3 * samples.length * values.length)
    for (const s of r.samples) {
      const draws = (s.repeats ?? []).map((d) => d.dice?.disc as number[])
      expect(draws).toHaveLength(3)
      // std 0 is the clean image: every draw the same; at std 0.3 the noise fields differ, so the scores do.
      expect(new Set(draws.map((d) => d[0])).size).toBe(1)
      expect(new Set(draws.map((d) => d[2])).size).toBe(3)
      const mean = values.map((_, k) => draws.reduce((a, d) => a + (d[k] as number), 0) / 3)
      s.scores.dice?.disc?.forEach((v, k) => expect(v).toBeCloseTo(mean[k] as number, 12))
    }
  })

  it('gives the same draws for the same seed, and draw r is the single sweep with that transform seed', async () => {
    const a = await sweep(model, samples, noise, { values, repeats: 2, seed: 9 })
    const b = await sweep(model, samples, noise, { values, repeats: 2, seed: 9 })
    expect(b.samples).toEqual(a.samples)
    const c = await sweep(model, samples, noise, { values, repeats: 2, seed: 10 })
    expect(c.samples).not.toEqual(a.samples)
    const seeds = repeatSeeds(9, 2)
    const single = await sweep(model, samples, noise.with({ seed: seeds[1] as number }), { values })
    expect(single.samples.map((s) => s.scores)).toEqual(a.samples.map((s) => s.repeats?.[1]))
    // A prefix: the first draws of repeats 3 are those of repeats 2.
    expect(repeatSeeds(9, 3).slice(0, 2)).toEqual(seeds)
  })

  it('keeps the frames of the first draw only', async () => {
    const r = await sweep(model, samples, noise, { values, repeats: 2, keep: 'frames' })
    const single = await sweep(model, samples, noise.with({ seed: repeatSeeds(0, 1)[0] as number }), {
      values,
      keep: 'frames',
    })
    expect(r.frames.samples.map((s) => s.frames.length)).toEqual([3, 3])
    expect(r.frames.samples[0]?.frames[2]?.image.data).toEqual(single.frames.samples[0]?.frames[2]?.image.data)
  })

  it('counts progress over every draw', async () => {
    const seen: number[] = []
    await sweep(model, samples, corruptions.gaussianNoise, {
      values: [0, 1],
      repeats: 2,
      onProgress: (p) => {
        seen.push(p.done)
        expect(p.total).toBe(8)
      },
      batchSize: 2,
    })
    expect(seen).toEqual([2, 4, 6, 8])
  })

  it('rejects repeats of a deterministic transform and bad values', async () => {
    await expectRejection(
      sweep(model, samples, rotate, { values: [0, 10], repeats: 2 }),
      'E_BAD_PARAMETER',
      'rotate',
      'deterministic',
    )
    await expectRejection(
      sweep(model, samples, corruptions.brightness, { values: [0, 1], repeats: 2 }),
      'E_BAD_PARAMETER',
      'deterministic',
    )
    await expectRejection(sweep(model, samples, noise, { values, repeats: 0 }), 'E_BAD_PARAMETER', 'repeats')
    await expectRejection(sweep(model, samples, noise, { values, repeats: 2, seed: -1 }), 'E_OUT_OF_RANGE', 'seed')
    // repeats 1 is the transform as configured, deterministic or not.
    const one = await sweep(model, samples, rotate, { values: [0, 10], repeats: 1 })
    expect(one.repeats).toBeUndefined()
    expect(one.samples[0]?.repeats).toBeUndefined()
  })
})
