// keep: { frames: ids } keeps the frames of the chosen samples only (what a report draws), not samples x values.
import { describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { framesOf } from '../../../src/sweep/assemble.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { expectRejection } from '../../support/helpers.js'

const model = functionModel('m', { 1: 'fg' }, (img) =>
  labelMap(
    img.width,
    img.height,
    img.data.map((v) => (v > 0.5 ? 1 : 0)),
  ),
)
const samples = ['a', 'b', 'c'].map((id) =>
  sample(id, raster(8, 8, 1, new Float32Array(64).fill(1)), labelMap(8, 8, new Uint8Array(64).fill(1))),
)

describe('sweep keep: { frames: [...] }', () => {
  it('keeps the frames of the named samples only, one per value, in the samples order', async () => {
    const result = await sweep(model, samples, rotate, { values: [0, 90], keep: { frames: ['c', 'b'] } })
    const frames = framesOf(result)!
    expect(frames.samples.map((s) => s.id)).toEqual(['b', 'c'])
    expect(frames.samples.map((s) => s.frames.map((f) => f.value))).toEqual([
      [0, 90],
      [0, 90],
    ])
    // Scores are those of every sample, frames or not.
    expect(result.samples.map((s) => s.id)).toEqual(['a', 'b', 'c'])
    expect(framesOf(await sweep(model, samples, rotate, { values: [0], keep: 'frames' }))!.samples).toHaveLength(3)
    expect(framesOf(await sweep(model, samples, rotate, { values: [0], keep: { frames: [] } }))!.samples).toEqual([])
  })

  it('refuses an unknown sample id (naming the nearest) and a malformed keep', async () => {
    await expectRejection(
      sweep(model, samples, rotate, { values: [0], keep: { frames: ['d'] } }),
      'E_OUT_OF_RANGE',
      'keep.frames: "d" is not a sample id',
      '["a", "b", "c"]',
    )
    await expectRejection(
      sweep(model, [sample('sa-01', samples[0]!.image, samples[0]!.truth)], rotate, {
        values: [0],
        keep: { frames: ['sa-1'] },
      }),
      'E_OUT_OF_RANGE',
      "did you mean 'sa-01'?",
    )
    await expectRejection(
      sweep(model, samples, rotate, { values: [0], keep: { frame: ['a'] } as never }),
      'E_UNKNOWN_OPTION',
      'sweep option keep: unknown key "frame"',
      "did you mean 'frames'?",
    )
    await expectRejection(
      sweep(model, samples, rotate, { values: [0], keep: { frames: 'a' } as never }),
      'E_WRONG_TYPE',
      "keep must be 'none', 'frames' or { frames: [sample ids] }",
    )
    await expectRejection(
      sweep(model, samples, rotate, { values: [0], keep: 'all' as never }),
      'E_OUT_OF_RANGE',
      'keep must be',
    )
  })
})
