import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import {
  type PredictionBudget,
  boundaryBand,
  comparePredictions,
  labelMapHash,
} from '../../../src/vitest/prediction-compare.js'
import { resolveBudget, toMatchPredictionSnapshot } from '../../../src/vitest/prediction-snapshot.js'
import { functionModel } from '../../../src/models/model.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'

// An 8x10 map: a 4x5 block of class 1 with a 2x2 block of class 2 inside.
// m = np.zeros((8, 10), np.uint8); m[2:6, 3:8] = 1; m[3:5, 4:6] = 2
const W = 10,
  H = 8
const STORED = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1, 0,
  0, 0, 0, 0, 1, 2, 2, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0,
]
// The class-2 block moved one pixel right: class 2 gains (3,6),(4,6) and loses (3,4),(4,4); class 1 the reverse.
const NOW = STORED.map((v, i) =>
  i % W === 4 && v === 2 ? 1 : i % W === 6 && ((i / W) | 0) >= 3 && ((i / W) | 0) <= 4 ? 2 : v,
)
const classes = { 1: 'outer', 2: 'inner' }
const strict: PredictionBudget = { maxChangedPixels: 0, maxChangedRatio: Infinity, minDice: {}, ignoreBoundary: 0 }

describe('boundaryBand', () => {
  // scipy oracle: b = pixels with a 4-neighbour (inside the image) of another label;
  // band(k) = ndimage.binary_dilation(b, structure=np.ones((2k-1, 2k-1), bool)) (b itself for k = 1)
  const BAND: Record<number, string> = {
    1: '00000000000001111100001111111000111111100011111110001111111000011111000000000000',
    2: '00111111100111111111011111111101111111110111111111011111111101111111110011111110',
    3: '11111111111111111111111111111111111111111111111111111111111111111111111111111111',
  }
  it.each([1, 2, 3])('matches scipy for k = %i', (k) => {
    expect([...boundaryBand(labelMap(W, H, STORED), k)].join('')).toBe(BAND[k])
  })
  it('is empty for k = 0', () => {
    expect(boundaryBand(labelMap(W, H, STORED), 0).every((v) => v === 0)).toBe(true)
  })
})

describe('comparePredictions', () => {
  it('counts pixels gained and lost per class, the changed pixels and the Dice against the stored prediction', () => {
    const c = comparePredictions(labelMap(W, H, STORED), labelMap(W, H, NOW), classes, strict)
    expect(c.compared).toBe(80)
    expect(c.changed).toBe(4)
    // Dice: inner 2*2/(4+4) = 0.5; outer 2*14/(16+16) = 0.875
    expect(c.classes).toEqual([
      { className: 'outer', gained: 2, lost: 2, dice: 0.875 },
      { className: 'inner', gained: 2, lost: 2, dice: 0.5 },
    ])
    expect(c.pass).toBe(false)
    expect(c.allowed).toBe(0)
  })

  it('identical maps pass the strict budget; a class in neither has Dice 1', () => {
    const c = comparePredictions(labelMap(W, H, STORED), labelMap(W, H, STORED), { ...classes, 3: 'absent' }, strict)
    expect(c).toMatchObject({ changed: 0, pass: true })
    expect(c.classes[2]).toEqual({ className: 'absent', gained: 0, lost: 0, dice: 1 })
  })

  it('the stricter of the pixel count and the ratio applies', () => {
    const run = (b: Partial<PredictionBudget>) =>
      comparePredictions(labelMap(W, H, STORED), labelMap(W, H, NOW), classes, {
        ...strict,
        maxChangedPixels: Infinity,
        ...b,
      })
    expect(run({ maxChangedPixels: 3 }).pass).toBe(false)
    expect(run({ maxChangedPixels: 4 }).pass).toBe(true)
    expect(run({ maxChangedRatio: 0.04 })).toMatchObject({ allowed: 3, pass: false }) // floor(0.04 * 80)
    expect(run({ maxChangedRatio: 0.05 })).toMatchObject({ allowed: 4, pass: true })
    expect(run({ maxChangedPixels: 10, maxChangedRatio: 0.04 })).toMatchObject({ allowed: 3, pass: false })
    expect(run({ maxChangedPixels: 3, maxChangedRatio: 0.5 })).toMatchObject({ allowed: 3, pass: false })
  })

  it('minDice fails only the classes named and below it', () => {
    const run = (minDice: Record<string, number>) =>
      comparePredictions(labelMap(W, H, STORED), labelMap(W, H, NOW), classes, {
        ...strict,
        maxChangedPixels: Infinity,
        minDice,
      })
    expect(run({ outer: 0.8 }).pass).toBe(true)
    expect(run({ outer: 0.8, inner: 0.6 }).diceFailures.map((c) => c.className)).toEqual(['inner'])
    expect(run({ inner: 0.5 }).pass).toBe(true)
  })

  it('leaves the boundary band of the stored prediction out of every count', () => {
    const c = comparePredictions(labelMap(W, H, STORED), labelMap(W, H, NOW), classes, { ...strict, ignoreBoundary: 1 })
    // every moved pixel lies on a class edge of the stored map; 80 - 38 band pixels (BAND[1].count('1')) are compared
    expect(c).toMatchObject({ compared: 42, changed: 0, pass: true })
  })
})

describe('labelMapHash', () => {
  it('is equal for equal maps and differs with any id or the size', () => {
    expect(labelMapHash(labelMap(W, H, STORED))).toBe(labelMapHash(labelMap(W, H, [...STORED])))
    expect(labelMapHash(labelMap(W, H, NOW))).not.toBe(labelMapHash(labelMap(W, H, STORED)))
    expect(labelMapHash(labelMap(2, 8, new Uint8Array(16)))).not.toBe(labelMapHash(labelMap(4, 4, new Uint8Array(16))))
    expect(labelMapHash(labelMap(4, 4, new Uint8Array(16)))).not.toBe(labelMapHash(labelMap(4, 4, new Uint16Array(16))))
  })
})

describe('resolveBudget', () => {
  const cls = { 1: 'RV', 3: 'LV' }
  it('is strict without any budget, and leaves the unset budgets open when one is given', () => {
    expect(resolveBudget({}, cls)).toEqual({
      maxChangedPixels: 0,
      maxChangedRatio: Infinity,
      minDice: {},
      ignoreBoundary: 0,
    })
    expect(resolveBudget({ minDice: { LV: 0.98 } }, cls)).toEqual({
      maxChangedPixels: Infinity,
      maxChangedRatio: Infinity,
      minDice: { LV: 0.98 },
      ignoreBoundary: 0,
    })
    expect(resolveBudget({ maxChangedRatio: 0.01, minDice: 0.9 }, cls)).toEqual({
      maxChangedPixels: Infinity,
      maxChangedRatio: 0.01,
      minDice: { RV: 0.9, LV: 0.9 },
      ignoreBoundary: 0,
    })
    expect(resolveBudget({ ignoreBoundary: 2 }, cls).maxChangedPixels).toBe(0)
    expect(resolveBudget({ minDice: {} }, cls).maxChangedPixels).toBe(0)
  })
  it('rejects bad budgets, naming the value and what was expected', () => {
    expectThrow(
      () => resolveBudget({ maxChangedPixels: 2.5 }, cls),
      'E_OUT_OF_RANGE',
      'maxChangedPixels must be an integer >= 0',
      '2.5',
    )
    expectThrow(
      () => resolveBudget({ maxChangedRatio: 5 }, cls),
      'E_OUT_OF_RANGE',
      'maxChangedRatio must be a fraction in [0, 1]',
    )
    expectThrow(
      () => resolveBudget({ minDice: { MYO: 0.9 } }, cls),
      'E_OUT_OF_RANGE',
      'minDice names class "MYO", which the model does not have (its classes: RV, LV)',
    )
    expectThrow(
      () => resolveBudget({ minDice: { LV: 1.5 } }, cls),
      'E_OUT_OF_RANGE',
      'minDice for LV must be a Dice in [0, 1]',
    )
    expectThrow(() => resolveBudget({ ignoreBoundary: -1 }, cls), 'E_OUT_OF_RANGE', 'ignoreBoundary must be an integer')
  })
})

describe('toMatchPredictionSnapshot input checks', () => {
  const model = functionModel('m', { 1: 'fg' }, (img) => labelMap(img.width, img.height))
  const call = (...args: unknown[]) =>
    (toMatchPredictionSnapshot as (...a: unknown[]) => Promise<unknown>).call({}, ...args)
  const samples = [{ id: 'a', image: { width: 2, height: 2, channels: 1, data: new Float32Array(4) } }]
  it('rejects unknown option keys with the nearest known one', async () => {
    await expectRejection(
      call(model, samples, { maxChangedPixel: 3 }),
      'E_UNKNOWN_OPTION',
      'unknown key "maxChangedPixel"',
      "did you mean 'maxChangedPixels'?",
    )
  })
  it('rejects values without a transform, a transform without values, and a non-model', async () => {
    await expectRejection(call(model, samples, { values: [1] }), 'E_INCOMPATIBLE_OPTIONS', 'values needs a transform')
    await expectRejection(
      call(model, samples, { transform: { name: 'rotate', image: () => undefined, parameter: {} } }),
      'E_WRONG_TYPE',
      'values must list the rotate values',
    )
    await expectRejection(call({}, samples), 'E_WRONG_TYPE', 'expect(model) needs a SegmentationModel')
    await expectRejection(call(model, samples, { attach: 'sometimes' }), 'E_OUT_OF_RANGE', 'attach must be')
  })
})
