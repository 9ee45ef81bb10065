import { describe, expect, it } from 'vitest'
import { SegsenseError } from '../../../src/core/errors.js'
import { classIds, labelMap, raster, sample } from '../../../src/core/raster.js'
import { defineTransform } from '../../../src/transforms/transform.js'
import { functionModel } from '../../../src/models/model.js'
import { codeOf } from '../../support/helpers.js'

describe('raster and labelMap constructors', () => {
  it('allocate zeroed data of the right length', () => {
    const r = raster(3, 2, 3)
    expect(r.data).toBeInstanceOf(Float32Array)
    expect(r.data.length).toBe(18)
    expect(labelMap(3, 2).data.length).toBe(6)
  })
  it('reject data of the wrong length, naming both', () => {
    expect(() => raster(3, 2, 1, new Float32Array(5))).toThrow(/5 values, expected 3x2x1 = 6/)
    expect(codeOf(() => labelMap(2, 2, [0, 1, 2]))).toBe('E_SIZE_MISMATCH')
  })
  it('reject non-integer sizes, bad ids and bad spacing', () => {
    expect(codeOf(() => raster(0, 2))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => raster(2.5, 2))).toBe('E_OUT_OF_RANGE')
    expect(() => labelMap(2, 1, [0, 1.5])).toThrow(/index 1 .* got 1.5/)
    expect(() => labelMap(2, 1, [0, -1])).toThrow(SegsenseError)
    expect(codeOf(() => raster(2, 2, 1, undefined, [1, 0]))).toBe('E_OUT_OF_RANGE')
  })
  it('choose 16-bit storage only for ids above 255', () => {
    expect(labelMap(2, 1, [0, 255]).data).toBeInstanceOf(Uint8Array)
    expect(labelMap(2, 1, [0, 256]).data).toBeInstanceOf(Uint16Array)
  })
  it('sample() rejects an image and truth of different sizes', () => {
    expect(() => sample('a', raster(4, 4), labelMap(4, 3))).toThrow(
      /sample "a": image and truth differ in size: 4x4 vs 4x3/,
    )
  })
  it('classIds skips background unless asked', () => {
    expect(classIds({ 3: 'LV', 0: 'bg', 1: 'RV' })).toEqual([1, 3])
    expect(classIds({ 3: 'LV', 0: 'bg', 1: 'RV' }, true)).toEqual([0, 1, 3])
  })
})

describe('defineTransform', () => {
  const parameter = {
    name: 'amount',
    unit: '',
    neutral: 0,
    scale: 'linear' as const,
    defaultRange: [0, 1] as const,
    defaultStep: 0.1,
  }
  it('builds a transform whose with() merges options', () => {
    const add = defineTransform<{ offset: number }>({
      name: 'add',
      parameter,
      spatial: false,
      options: { offset: 0 },
      image: (img, v, o) => ({ ...img, data: img.data.map((x) => x + v + o.offset) }),
    })
    const img = raster(1, 1, 1, [0.25])
    expect(add.image(img, 0.5).data[0]).toBeCloseTo(0.75)
    expect(add.with({ offset: 0.125 }).image(img, 0.5).data[0]).toBeCloseTo(0.875)
    expect(add.options).toEqual({ offset: 0 })
  })
  it('requires labels() for a spatial transform and a sane parameter', () => {
    expect(() => defineTransform({ name: 's', parameter, spatial: true, image: (i) => i })).toThrow(/needs a labels/)
    expect(() =>
      defineTransform({ name: 'l', parameter: { ...parameter, scale: 'log' }, spatial: false, image: (i) => i }),
    ).toThrow(/log scale needs > 0/)
    expect(() =>
      defineTransform({ name: 'c', parameter: { ...parameter, scale: 'circular' }, spatial: false, image: (i) => i }),
    ).toThrow(/period/)
  })
})

describe('functionModel', () => {
  it('predicts one label map per image and rejects a wrong-size output', async () => {
    const good = functionModel('ok', { 1: 'fg' }, (img) => labelMap(img.width, img.height))
    const out = await good.predict([raster(3, 2), raster(5, 5)])
    expect(out.map((m) => [m.width, m.height])).toEqual([
      [3, 2],
      [5, 5],
    ])
    const bad = functionModel('bad', { 1: 'fg' }, () => labelMap(2, 2))
    await expect(bad.predict([raster(3, 2)])).rejects.toMatchObject({
      code: 'E_MODEL_OUTPUT',
      message: expect.stringMatching(/"bad" returned a 2x2 prediction .* for a 3x2 image/),
    })
  })
})
