// Huge sizes from options or swept values fail before allocating, with an error naming the option and value
// (they used to crash with a raw RangeError: Invalid typed array length).
import { describe, expect, it } from 'vitest'
import { isSegsenseError } from '../../../src/core/errors.js'
import { MAX_PIXELS, checkPixelBudget } from '../../../src/core/limits.js'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { DEFAULT_MAX_PIXELS } from '../../../src/io/image.js'
import { CARDIAC_CLASSES, fixtureModelPath } from '../../../src/models/fixtures.js'
import { functionModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { planFit, planPadToMultiple } from '../../../src/models/prepare.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { cropPad, resize } from '../../../src/transforms/geometric.js'
import { expectRejection } from '../../support/helpers.js'

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}

function tooLarge(fn: () => unknown, ...fragments: string[]): void {
  const e = thrown(fn)
  expect(isSegsenseError(e, 'E_IMAGE_TOO_LARGE'), String(e)).toBe(true)
  for (const f of fragments) expect((e as Error).message).toContain(f)
}

const img = raster(8, 6, 1, new Float32Array(48).fill(0.5))
const mask = labelMap(8, 6, new Uint8Array(48).fill(1))

describe('the pixel budget', () => {
  it("is the loaders' default limit, and names the option, the value and the size", () => {
    expect(DEFAULT_MAX_PIXELS).toBe(MAX_PIXELS)
    expect(() => checkPixelBudget(10_000, 10_000, 'x', 1)).not.toThrow()
    tooLarge(() => checkPixelBudget(10_001, 10_000, 'resize: size', 10_001), 'resize: size 10001', '10001x10000')
  })

  it('resize to 1e6 px: image and mask', () => {
    tooLarge(() => resize.image(img, 1e6), 'resize: size 1000000', '1000000x750000')
    tooLarge(() => resize.labels!(mask, 1e6), 'resize: size 1000000')
    expect(resize.image(img, 16).width).toBe(16)
  })

  it('cropPad to 1e6 px allocates nothing new: it is the identity (the image keeps its size)', () => {
    expect(Array.from(cropPad.image(img, 1e6).data)).toEqual(Array.from(img.data))
    expect(cropPad.labels!(mask, 1e300).width).toBe(8)
  })

  it('a sweep of resize to 1e6 px fails with E_IMAGE_TOO_LARGE, not a RangeError', async () => {
    const model = functionModel('m', { 1: 'fg' }, (x) => labelMap(x.width, x.height))
    await expectRejection(
      sweep(model, sample('a', img, mask), resize, { values: [1e6] }),
      'E_IMAGE_TOO_LARGE',
      'resize: size 1000000',
    )
  })

  it('model input: a fixed size, a multipleOf and a crop fit beyond the budget', async () => {
    tooLarge(() => planPadToMultiple(8, 6, 1e6), 'input.size.multipleOf 1000000')
    tooLarge(() => planFit(8, 6, 100_000, 100_000, 'stretch'), 'input.size [100000, 100000]')
    tooLarge(() => planFit(1, 10_000, 20_000, 20, 'crop'), "input.fit 'crop'")
    const path = fixtureModelPath('cardiac-fragile')
    await expectRejection(
      loadOnnxModel(path, { classes: CARDIAC_CLASSES, input: { size: [100_000, 100_000] } }),
      'E_IMAGE_TOO_LARGE',
      'input.size [100000, 100000]',
    )
    await expectRejection(
      loadOnnxModel(path, { classes: CARDIAC_CLASSES, input: { size: { multipleOf: 1e6 } } }),
      'E_IMAGE_TOO_LARGE',
      'input.size.multipleOf 1000000',
    )
  })
})
