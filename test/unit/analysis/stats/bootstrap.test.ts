import { describe, expect, it } from 'vitest'
import {
  bootstrapMean,
  bootstrapSettings,
  quantileSorted,
  resamplingPlan,
} from '../../../../src/analysis/stats/bootstrap.js'
import { codeOf } from '../../../support/helpers.js'

describe('bootstrap', () => {
  const settings = bootstrapSettings({ resamples: 4000, seed: 7 })

  it('interpolates quantiles as numpy does', () => {
    // numpy.percentile([1, 2, 4, 8], [0, 25, 50, 90, 100]) = [1, 1.75, 3, 6.8, 8]
    const sorted = [1, 2, 4, 8]
    expect([0, 0.25, 0.5, 0.9, 1].map((q) => quantileSorted(sorted, q))).toEqual([
      1,
      1.75,
      3,
      expect.closeTo(6.8, 12),
      8,
    ])
    expect(quantileSorted([], 0.5)).toBeNaN()
  })

  it('is deterministic for a seed and differs for another', () => {
    const values = [0.9, 0.8, 0.95, 0.6, 0.85, 0.7]
    const a = bootstrapMean(values, resamplingPlan(values.length, settings), settings)
    const b = bootstrapMean(values, resamplingPlan(values.length, settings), settings)
    expect(a).toEqual(b)
    const other = bootstrapSettings({ resamples: 4000, seed: 8 })
    const c = bootstrapMean(values, resamplingPlan(values.length, other), other)
    expect(c.lower).not.toBe(a.lower)
    expect(a.mean).toBeCloseTo(0.8, 12)
    expect(a.lower as number).toBeLessThan(0.8)
    expect(a.upper as number).toBeGreaterThan(0.8)
    expect(a.lower as number).toBeGreaterThanOrEqual(0.6)
    expect(a.upper as number).toBeLessThanOrEqual(0.95)
  })

  it('collapses for identical samples and skips undefined scores', () => {
    const same = [0.7, 0.7, 0.7, 0.7]
    const r = bootstrapMean(same, resamplingPlan(4, settings), settings)
    expect(r.lower).toBeCloseTo(0.7, 12)
    expect(r.upper).toBeCloseTo(0.7, 12)
    const withNull = [0.7, null, 0.7, 0.7]
    expect(bootstrapMean(withNull, resamplingPlan(4, settings), settings)).toMatchObject({
      mean: expect.closeTo(0.7, 12),
      count: 3,
    })
    expect(bootstrapMean([null, null], resamplingPlan(2, settings), settings)).toEqual({
      mean: null,
      lower: null,
      upper: null,
      count: 0,
    })
  })

  it('agrees with the normal-theory interval on many samples', () => {
    // 200 samples of a known spread: the percentile interval of the mean is close to mean +- 1.96 sd / sqrt(n).
    const values = Array.from({ length: 200 }, (_, i) => (i % 20) / 19)
    const s = bootstrapSettings({ resamples: 4000, seed: 1 })
    const r = bootstrapMean(values, resamplingPlan(values.length, s), s)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
    const half = (1.96 * sd) / Math.sqrt(values.length)
    expect(r.lower as number).toBeCloseTo(mean - half, 2)
    expect(r.upper as number).toBeCloseTo(mean + half, 2)
  })

  it('rejects bad options with the value named', () => {
    expect(codeOf(() => bootstrapSettings({ confidence: 1 }))).toBe('E_BAD_PARAMETER')
    expect(codeOf(() => bootstrapSettings({ resamples: 10 }))).toBe('E_BAD_PARAMETER')
    expect(codeOf(() => bootstrapSettings({ seed: -1 }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => bootstrapMean([0.5], new Uint32Array(3), settings))).toBe('E_SIZE_MISMATCH')
  })
})
