import { describe, expect, it } from 'vitest'
import { motion } from '../../../src/transforms/mri/motion.js'
import { createRng } from '../../../src/transforms/random.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'
import { scene, sceneModel } from '../../support/report.js'

describe("motion with times: 'random'", () => {
  const img = scene('a', 32).image
  const random = motion.with({ times: 'random', segments: 3 })

  it('is random only with random times', () => {
    expect(motion.random).toBeUndefined()
    expect(random.random).toBe(true)
    expect(random.with({ times: null }).random).toBeUndefined()
  })

  it("draws TorchIO RandomMotion's jittered times from the seed: the same seed the same image, another seed another", () => {
    const a = random.with({ seed: 1 }).image(img, 10)
    expect(random.with({ seed: 1 }).image(img, 10).data).toEqual(a.data)
    expect(random.with({ seed: 2 }).image(img, 10).data).not.toEqual(a.data)
    // The times are k/3 + U(-0.3, 0.3)/3 from createRng(seed), in order.
    const rng = createRng(1)
    const times = [1, 2].map((k) => k / 3 + (rng.next() * 0.6 - 0.3) / 3)
    expect(motion.with({ segments: 3, times }).image(img, 10).data).toEqual(a.data)
    expectThrow(() => motion.with({ times: 'often' as never }), 'E_OUT_OF_RANGE', "'random'")
    expectThrow(() => random.with({ seed: -1 }), 'E_OUT_OF_RANGE', 'seed')
  })

  it('sweeps with repeats; deterministic motion refuses them', async () => {
    const r = await sweep(sceneModel(), [scene('a', 32)], random, { values: [0, 20], repeats: 2 })
    expect(r.repeats?.count).toBe(2)
    await expectRejection(
      sweep(sceneModel(), [scene('a', 32)], motion, { values: [0, 20], repeats: 2 }),
      'E_BAD_PARAMETER',
      'deterministic',
    )
  })
})
