import { describe, expect, it } from 'vitest'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { takeOver } from '../../../src/analysis/take-over.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { brightness } from '../../../src/transforms/intensity.js'
import { expectRejection } from '../../support/helpers.js'
import { scene, sceneModel } from '../../support/report.js'

const samples = [scene('a', 32), scene('b', 32)]
const model = sceneModel()

describe('sweep option confusion', () => {
  it('keeps per-value confusion counts that sum to the pixel counts', async () => {
    const r = await sweep(model, samples, rotate, { values: [-30, 0, 30], confusion: true })
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
    const c = r.confusion
    if (!c) throw new Error('no confusion')
    expect(c.classes).toEqual(['background', 'disc', 'square'])
    expect(c.ids).toEqual([0, 1, 2])
    expect(c.counts).toHaveLength(3)
    for (const m of c.counts) expect(m.flat().reduce((a, b) => a + b, 0)).toBe(samples.length * 32 * 32)
    // At the neutral value the model is exact: every pixel on the diagonal, the rows are the truth's class counts.
    const truthCounts = [0, 1, 2].map((id) =>
      samples.reduce((a, s) => a + (s.truth?.data.filter((v) => v === id).length ?? 0), 0),
    )
    expect(c.counts[1]).toEqual([
      [truthCounts[0], 0, 0],
      [0, truthCounts[1], 0],
      [0, 0, truthCounts[2]],
    ])
    expect(takeOver(r, 'disc', 1)).toEqual({ className: 'disc', predicted: 'background', share: 0, kept: 1 })
  })

  it('names the class that takes over', async () => {
    // Brightness x1.5 lifts the square (0.6) to 0.9, over the model's disc threshold: all its pixels become disc.
    const r = await sweep(model, samples, brightness, { values: [1, 1.5], confusion: true })
    expect(takeOver(r, 'square', 1)).toEqual({ className: 'square', predicted: 'disc', share: 1, kept: 0 })
    expect(takeOver(r, 'nothing', 1)).toBeUndefined()
    const plain = await sweep(model, samples, brightness, { values: [1, 1.5] })
    expect(plain.confusion).toBeUndefined()
    expect(takeOver(plain, 'square', 1)).toBeUndefined()
  })

  it('rejects a non-boolean', async () => {
    await expectRejection(
      sweep(model, samples, rotate, { values: [0], confusion: 'yes' as never }),
      'E_WRONG_TYPE',
      'confusion',
    )
  })
})
