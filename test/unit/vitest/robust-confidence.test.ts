// toBeRobustTo with confidence (the lower bound of the mean's bootstrap band must pass) and the class that takes
// over a failing class, through vitest's own expect (attach: 'never', so no chart is rendered).
import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import type { Sample } from '../../../src/core/types.js'
import type { SegmentationModel } from '../../../src/models/model.js'
import { aggregate } from '../../../src/analysis/aggregate.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { brightness, noise } from '../../../src/transforms/intensity.js'
import type { SweepRecord } from '../../../src/vitest/meta.js'
import { toBeRobustTo } from '../../../src/vitest/robust.js'
import { failureOf as failure } from '../../support/helpers.js'
import { scene, sceneModel } from '../../support/report.js'

expect.extend({ toBeRobustTo })
type Robust = { toBeRobustTo: (t: unknown, o?: object) => Promise<void> }
const robust = (model: SegmentationModel) => expect(model) as unknown as Robust

/** Scenes whose truth marks `extra` more pixels (top rows) as disc than the image shows: Dice below 1, differing by sample. */
function scenes(extras: readonly number[]): Sample[] {
  return extras.map((extra, i) => {
    const s = scene(`s${i}`, 32)
    const truth = (s.truth?.data as Uint8Array).slice()
    for (let p = 0; p < extra; p++) truth[p] = 1
    return { ...s, truth: labelMap(32, 32, truth) }
  })
}

const model = sceneModel()
const samples = scenes([0, 0, 0, 40, 80, 120])

describe('toBeRobustTo with confidence', () => {
  it('passes on the mean but fails on its lower bound; the message gives both intervals', async ({ task }) => {
    const options = { values: [-5, 0, 5], scoreClasses: ['disc'], resamples: 500, seed: 2 }
    const agg = aggregate(await sweep(model, samples, rotate, { values: options.values }), {
      min: 0,
      resamples: 500,
      seed: 2,
      confidence: 0.9,
    }).classes.disc
    const mean = Math.min(...(agg?.mean as number[]))
    const lower = Math.max(...(agg?.lower as number[]))
    expect(lower).toBeLessThan(mean - 0.02)
    const min = Number(((mean + lower) / 2).toFixed(3))
    await robust(model).toBeRobustTo(rotate, { ...options, samples, min, attach: 'never' })
    const message = await failure(
      robust(model).toBeRobustTo(rotate, { ...options, samples, min, confidence: 0.9, attach: 'never' }),
    )
    expect(message).toContain('90 % lower confidence bound of the mean over 6 samples')
    expect(message).toMatch(
      /disc stable for rotate in .* \(mean\), none \(fails at the neutral value\) \(90 % lower bound\), required/,
    )
    expect(message).toMatch(/class +angle +dice +90 % lower +min/)
    const records = (task.meta as { segsense?: { sweeps: SweepRecord[] } }).segsense?.sweeps ?? []
    expect(records[1]?.verdict).toMatchObject({ confidence: 0.9, resamples: 500, seed: 2, pass: false })
  })

  it('passes with confidence when the lower bound meets the threshold', async () => {
    await robust(model).toBeRobustTo(rotate, {
      values: [0, 5],
      scoreClasses: ['disc'],
      samples: scenes([0, 0, 0]),
      min: 0.9,
      confidence: 0.95,
      resamples: 200,
      attach: 'never',
    })
  })

  it("refuses confidence with aggregate 'each' before sweeping", async () => {
    const message = await failure(
      robust(model).toBeRobustTo(rotate, {
        values: [0],
        samples,
        min: 0.5,
        confidence: 0.95,
        aggregate: 'each',
        attach: 'never',
      }),
    )
    expect(message).toMatch(/confidence bounds the mean over samples; with aggregate 'each'/)
  })
})

describe('toBeRobustTo with repeats', () => {
  it('sweeps the draws of a random transform, says so, and refuses a deterministic one', async ({ task }) => {
    const message = await failure(
      robust(model).toBeRobustTo(noise, {
        values: [0, 0.3],
        samples: [scene('a', 32)],
        min: 0.99,
        repeats: 2,
        seed: 4,
        attach: 'never',
      }),
    )
    expect(message).toContain('the mean over 1 sample (2 draws each)')
    const records = (task.meta as { segsense?: { sweeps: SweepRecord[] } }).segsense?.sweeps ?? []
    expect(records[0]?.result.repeats).toMatchObject({ count: 2, seed: 4 })
    expect(
      await failure(
        robust(model).toBeRobustTo(rotate, {
          values: [0],
          samples: [scene('a', 32)],
          min: 0.5,
          repeats: 2,
          attach: 'never',
        }),
      ),
    ).toMatch(/transform "rotate" is deterministic/)
  })
})

describe('toBeRobustTo names the class that takes over', () => {
  it('at the worst failing value, from the confusion counts, kept in the recorded result only when asked for', async ({
    task,
  }) => {
    // Brightness x1.5 lifts the square (0.6) over the disc threshold (0.75): every square pixel becomes disc.
    const options = { values: [1, 1.5], samples: [scene('a', 32)], min: 0.9, attach: 'never' }
    const message = await failure(robust(model).toBeRobustTo(brightness, options))
    expect(message).toMatch(
      /square stable for brightness in .*\n {2}at 1\.5x?, 100 % of square pixels predicted as disc \(0 % kept\)/,
    )
    await failure(robust(model).toBeRobustTo(brightness, { ...options, confusion: true }))
    const records = (task.meta as { segsense?: { sweeps: SweepRecord[] } }).segsense?.sweeps ?? []
    expect(records[0]?.result.confusion).toBeUndefined()
    expect(records[1]?.result.confusion?.classes).toEqual(['background', 'disc', 'square'])
  })
})
