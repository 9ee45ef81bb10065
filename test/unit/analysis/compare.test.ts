import { describe, expect, it } from 'vitest'
import { compareModels } from '../../../src/analysis/compare.js'
import type { Score, SweepParameter, SweepResult } from '../../../src/results/sweep-result.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { codeOf, messageOf } from '../../support/helpers.js'

const angle: SweepParameter = {
  name: 'angle',
  unit: 'deg',
  neutral: 0,
  scale: 'circular',
  period: 360,
  defaultRange: [-180, 180],
  defaultStep: 30,
}
const values = [-30, -20, -10, 0, 10, 20, 30]

/** A result written by hand: class LV, dice, one curve per sample (the mean is their mean). */
function result(model: string, curves: Record<string, Score[]>, over: number[] = values): SweepResult {
  const ids = Object.keys(curves)
  const mean = over.map((_, k) => ids.reduce((s, id) => s + ((curves[id] as Score[])[k] as number), 0) / ids.length)
  return {
    schemaVersion: 1,
    model,
    transform: { name: 'rotate', parameter: angle, options: {} },
    values: over,
    classes: ['LV'],
    metrics: ['dice'],
    reference: 'truth',
    samples: ids.map((id) => ({ id, scores: { dice: { LV: curves[id] as Score[] } } })),
    mean: { dice: { LV: mean } },
    timing: { totalMs: 0, predictMs: 0, transformMs: 0, scoreMs: 0, predictions: 0 },
  }
}
const flat = (scores: number[], over: number[] = values): Record<string, Score[]> =>
  Object.fromEntries(scores.map((s, i) => [`s${i + 1}`, over.map(() => s)]))

// Flat curves: each sample's AUC is its score, so the AUC differences are known.
const a = [0.62, 0.55, 0.48, 0.71, 0.5, 0.66, 0.58, 0.45]
const b = [0.9, 0.88, 0.91, 0.93, 0.85, 0.89, 0.92, 0.87]

describe('compareModels', () => {
  it('a constant difference gives that difference and a collapsed interval', () => {
    const c = compareModels(result('cand', flat(b.map((v) => v - 0.1))), result('base', flat(b)))
    const lv = c.classes[0]!
    expect(lv.auc.difference).toBeCloseTo(-0.1, 12)
    expect(lv.auc.lower).toBeCloseTo(-0.1, 12)
    expect(lv.auc.upper).toBeCloseTo(-0.1, 12)
    expect(lv.curve.difference.every((d) => Math.abs((d as number) + 0.1) < 1e-12)).toBe(true)
    expect(c.pass).toBe(false)
    // within the margin: passes
    expect(
      compareModels(result('cand', flat(b.map((v) => v - 0.1))), result('base', flat(b)), { margin: 0.1 }).pass,
    ).toBe(true)
    expect(compareModels(result('cand', flat(b)), result('base', flat(b))).pass).toBe(true)
  })

  it('agrees with scipy: percentile bootstrap of the paired difference, Wilcoxon p-value', () => {
    // import numpy as np; from scipy.stats import bootstrap, wilcoxon
    // d = np.array(a) - np.array(b); d.mean() = -0.325
    // bootstrap((d,), np.mean, method='percentile', n_resamples=200000, rng=np.random.default_rng(0)).confidence_interval
    //   = (-0.375, -0.275); with rng seed 1: (-0.375, -0.27499999999999997)
    // wilcoxon(a, b) = (statistic 0.0, pvalue 0.0078125)
    // numpy's random stream cannot be reproduced: the intervals must agree within 0.005 (the atoms of a mean of
    // 8 values lie 0.00125 apart here) at 20000 resamples.
    const c = compareModels(result('cand', flat(a)), result('base', flat(b)), { resamples: 20000, seed: 3 })
    const lv = c.classes[0]!
    expect(lv.auc.difference).toBeCloseTo(-0.325, 12)
    expect(Math.abs(lv.auc.lower! - -0.375)).toBeLessThan(0.005)
    expect(Math.abs(lv.auc.upper! - -0.275)).toBeLessThan(0.005)
    expect(lv.wilcoxon).toMatchObject({ statistic: 0, method: 'exact' })
    expect(lv.wilcoxon!.pvalue).toBeCloseTo(0.0078125, 12)
    expect(lv.pairs).toBe(8)
    // paired=True at 90 %: bootstrap((a, b), lambda x, y: np.mean(x - y), paired=True, confidence_level=0.9,
    //   n_resamples=20000, method='percentile', rng=np.random.default_rng(0)) = (-0.36625, -0.2825)
    const c90 = compareModels(result('cand', flat(a)), result('base', flat(b)), { resamples: 20000, confidence: 0.9 })
    expect(Math.abs(c90.classes[0]!.auc.lower! - -0.36625)).toBeLessThan(0.005)
    expect(Math.abs(c90.classes[0]!.auc.upper! - -0.2825)).toBeLessThan(0.005)
  })

  it('is deterministic for a seed; the interval decides when confidence is given', () => {
    const cand = result('cand', flat(b.map((v, i) => v + (i % 2 ? -0.03 : 0.02))))
    const base = result('base', flat(b))
    expect(compareModels(cand, base, { seed: 5 })).toEqual(compareModels(cand, base, { seed: 5 }))
    const estimate = compareModels(cand, base, { margin: 0.01 })
    expect(estimate.decision).toBe('estimate')
    expect(estimate.classes[0]!.auc.difference).toBeCloseTo(-0.005, 12)
    expect(estimate.pass).toBe(true)
    const bound = compareModels(cand, base, { margin: 0.01, confidence: 0.95 })
    expect(bound.decision).toBe('lower-bound')
    expect(bound.classes[0]!.auc.lower!).toBeLessThan(-0.01)
    expect(bound.pass).toBe(false)
  })

  it('reports the stable intervals, their widths and the mean-curve AUCs', () => {
    // candidate collapses beyond +-10 deg, baseline holds the range
    const cand = result('cand', { s1: [0.2, 0.5, 0.9, 0.95, 0.9, 0.5, 0.2], s2: [0.3, 0.6, 0.85, 0.9, 0.85, 0.6, 0.3] })
    const base = result('base', {
      s1: [0.9, 0.9, 0.92, 0.95, 0.92, 0.9, 0.9],
      s2: [0.88, 0.9, 0.9, 0.9, 0.9, 0.9, 0.88],
    })
    const c = compareModels(cand, base, { min: 0.8 })
    const lv = c.classes[0]!
    expect(lv.candidate.auc).toBeCloseTo(summarize(cand, { min: 0.8 }).classes.LV!.auc!, 12)
    expect(lv.baseline.interval).toMatchObject({ censoredLow: true, censoredHigh: true, width: 60 })
    expect(lv.candidate.width).toBeGreaterThan(20)
    expect(lv.candidate.width).toBeLessThan(40)
    expect(lv.widthDifference).toBeCloseTo(lv.candidate.width! - 60, 12)
    expect(lv.wilcoxon!.method).toBe('exact')
    expect(c).toMatchObject({
      pass: false,
      candidate: 'cand',
      baseline: 'base',
      transform: 'rotate',
      metric: 'dice',
      margin: 0,
    })
  })

  it('pairs samples by id, whatever their order', () => {
    const cand = result('cand', flat(a))
    const base = result('base', flat(b))
    const reversed = { ...base, samples: [...base.samples].reverse() }
    expect(compareModels(cand, reversed).classes[0]!.auc).toEqual(compareModels(cand, base).classes[0]!.auc)
  })

  it('leaves out unscored samples; a class with no pair fails', () => {
    const cand = result('cand', { s1: values.map(() => 0.9), s2: values.map(() => null) })
    const base = result('base', { s1: values.map(() => 0.8), s2: values.map(() => 0.8) })
    const c = compareModels(cand, base)
    expect(c.classes[0]).toMatchObject({ pairs: 1, pass: true })
    const none = compareModels(
      result('cand', { s1: values.map(() => null) }),
      result('base', { s1: values.map(() => 0.8) }),
    )
    expect(none.classes[0]).toMatchObject({ pairs: 0, pass: false, wilcoxon: null, auc: { difference: null } })
  })

  it('refuses results that are not paired, naming what differs', () => {
    const base = result('base', flat(b))
    expect(codeOf(() => compareModels(result('c', flat(a.slice(0, 7))), base))).toBe('E_SIZE_MISMATCH')
    const six = [-30, -20, -10, 0, 10, 20]
    expect(codeOf(() => compareModels(result('c', flat(a, six), six), base))).toBe('E_SIZE_MISMATCH')
    const moved = [-30, -20, -10, 0, 10, 20, 40]
    expect(messageOf(() => compareModels(result('c', flat(a, moved), moved), base))).toContain(
      'swept value 7 differs: 40 (candidate) vs 30 (baseline)',
    )
    const renamed = {
      ...result('c', flat(a)),
      samples: result('c', flat(a)).samples.map((s, i) => (i === 2 ? { ...s, id: 'other' } : s)),
    }
    expect(messageOf(() => compareModels(renamed, base))).toContain(
      'sample "other" of the candidate is not among the baseline\'s',
    )
    const zoomed = { ...result('c', flat(a)), transform: { name: 'zoom', parameter: angle, options: {} } }
    expect(codeOf(() => compareModels(zoomed, base))).toBe('E_BAD_PARAMETER')
    expect(messageOf(() => compareModels(result('c', flat(a)), base, { marign: 0.1 } as never))).toContain(
      "did you mean 'margin'?",
    )
    expect(codeOf(() => compareModels(result('c', flat(a)), base, { margin: -0.1 }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => compareModels(result('c', flat(a)), base, { metric: 'iou' }))).toBe('E_BAD_PARAMETER')
    expect(messageOf(() => compareModels(result('c', flat(a)), base, { metric: 'hd95' }))).toContain(
      'compareModels compares score metrics (higher is better: dice, iou, precision, recall, nsd), not the distance hd95',
    )
    expect(codeOf(() => compareModels(result('c', flat(a)), base, { scoreClasses: ['RV'] }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => compareModels(result('c', flat(a)), base, { resamples: 5 }))).toBe('E_OUT_OF_RANGE')
  })
})
