// toBeRobustTo on volumes with a distance gate: max in mm, the failure in mm, min refused on a distance, and an
// infinite distance (empty prediction) failing whatever the max.
import { describe, expect, it } from 'vitest'
import type { SweepRecord } from '../../../src/vitest/meta.js'
import { toBeRobustTo } from '../../../src/vitest/robust.js'
import { ballVolume, gain, thresholdModel } from '../../support/volumes.js'

expect.extend({ toBeRobustTo })
type Robust = { toBeRobustTo: (t: unknown, o?: object) => Promise<void> }
const robust = (model: unknown) => expect(model) as unknown as Robust

// The failure message of a matcher call ('' when it passes, which the assertions on the message then catch).
const failure = (p: Promise<void>): Promise<string> =>
  p.then(
    () => '',
    (e: Error) => e.message,
  )

// Radius 6 mm; hd95 at gain 0.8, 1, 1.25, 2 is 2.24, 0, 2, 3.16 mm (test/unit/sweep/volume.test.ts).
const vol = ballVolume('ball', [24, 24, 12], [1, 1, 2], 6)

describe('toBeRobustTo with a distance metric', () => {
  it('passes under max, fails over it with the failure in mm, and records the max', async ({ task }) => {
    const model = thresholdModel().model
    await robust(model).toBeRobustTo(gain, {
      samples: [vol],
      values: [0.8, 1, 1.25],
      metric: 'hd95',
      max: 2.5,
      attach: 'never',
    })
    const message = await failure(
      robust(model).toBeRobustTo(gain, {
        samples: [vol],
        values: [1, 2],
        metric: 'hd95',
        max: { ball: 2.5 },
        attach: 'never',
      }),
    )
    expect(message).toContain('Required: hd95 ball <= 2.5 mm under gain')
    expect(message).toMatch(/ball\s+2x\s+hd95 3\.16 mm > 2\.5 mm/)
    const records = (task.meta as { segsense?: { sweeps: SweepRecord[] } }).segsense?.sweeps ?? []
    expect(records.map((r) => r.max)).toEqual([2.5, { ball: 2.5 }])
    expect(records[0]?.result.volumes?.samples[0]?.axis).toBe(2)
  })

  it('an empty prediction fails any max; min on a distance is refused', async () => {
    const model = thresholdModel().model
    const message = await failure(
      robust(model).toBeRobustTo(gain, { samples: [vol], values: [0.3, 1], metric: 'hd95', max: 1e9, attach: 'never' }),
    )
    expect(message).toMatch(/hd95 infinite or undefined \(max 1000000000 mm\)/)
    const wrong = await failure(
      robust(model).toBeRobustTo(gain, { samples: [vol], values: [1], metric: 'hd95', min: 0.9, attach: 'never' }),
    )
    expect(wrong).toContain('hd95 is a distance (lower is better): give max')
    const slices = await failure(
      robust(model).toBeRobustTo(gain, {
        samples: [vol],
        values: [1],
        metric: 'hd95',
        max: 2,
        slices: { axis: 5 },
        attach: 'never',
      }),
    )
    expect(slices).toContain('slices.axis')
  })
})
