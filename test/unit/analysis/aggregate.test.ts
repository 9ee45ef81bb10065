import { describe, expect, it } from 'vitest'
import { aggregate } from '../../../src/analysis/aggregate.js'
import type { Score, SweepParameter, SweepResult } from '../../../src/results/sweep-result.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { createRng } from '../../../src/transforms/random.js'
import { expectThrow } from '../../support/helpers.js'

const shift: SweepParameter = {
  name: 'shift',
  unit: 'px',
  neutral: 0,
  scale: 'linear',
  defaultRange: [-2, 2],
  defaultStep: 1,
}
const dihedral: SweepParameter = {
  name: 'k',
  unit: '',
  neutral: 0,
  scale: 'categorical',
  defaultRange: [0, 7],
  defaultStep: 1,
}

/** A hand-written result: class LV (and more), dice only, `curves[i]` is sample i's curve; the mean as the sweep computes it. */
function result(values: number[], curves: Record<string, Score[][]>, parameter: SweepParameter = shift): SweepResult {
  const classes = Object.keys(curves)
  const n = (curves[classes[0] as string] as Score[][]).length
  const mean: Record<string, Score[]> = {}
  for (const c of classes) {
    mean[c] = values.map((_, k) => {
      const defined = (curves[c] as Score[][]).map((s) => s[k] ?? null).filter((v): v is number => v !== null)
      return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null
    })
  }
  return {
    schemaVersion: 1,
    model: 'hand',
    transform: { name: 't', parameter, options: {} },
    values,
    classes,
    metrics: ['dice'],
    reference: 'truth',
    samples: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      scores: { dice: Object.fromEntries(classes.map((c) => [c, (curves[c] as Score[][])[i] as Score[]])) },
    })),
    mean: { dice: mean },
    timing: { totalMs: 0, predictMs: 0, transformMs: 0, scoreMs: 0, predictions: 0 },
  }
}

const values = [-2, -1, 0, 1, 2]
const lv = [
  [0.5, 0.8, 0.95, 0.85, 0.6],
  [0.7, 0.9, 0.97, 0.9, 0.8],
  [0.3, 0.75, 0.9, 0.7, 0.4],
  [0.6, 0.85, 0.96, 0.88, 0.7],
  [0.55, 0.8, 0.93, 0.8, 0.65],
  [0.65, 0.82, 0.94, 0.86, 0.75],
]

describe('aggregate', () => {
  it('is deterministic for a seed, and the band contains the mean', () => {
    const r = result(values, { LV: lv })
    const a = aggregate(r, { min: 0.8, seed: 3, resamples: 1000 })
    expect(aggregate(r, { min: 0.8, seed: 3, resamples: 1000 })).toEqual(a)
    const lvA = a.classes.LV
    expect(lvA).toBeDefined()
    if (!lvA) return
    expect(aggregate(r, { min: 0.8, seed: 4, resamples: 1000 }).classes.LV?.lower).not.toEqual(lvA.lower)
    lvA.mean.forEach((m, k) => {
      expect(m).toBeCloseTo(r.mean.dice?.LV?.[k] as number, 12)
      expect(lvA.lower[k] as number).toBeLessThanOrEqual(m as number)
      expect(lvA.upper[k] as number).toBeGreaterThanOrEqual(m as number)
      expect(lvA.lower[k] as number).toBeLessThan(lvA.upper[k] as number)
    })
    expect(a).toMatchObject({ confidence: 0.95, resamples: 1000, seed: 3, samples: 6, metric: 'dice', values })
    expect(lvA.count).toEqual([6, 6, 6, 6, 6])
  })

  it('computes the robustness curve, the per-sample intervals and their width spread', () => {
    const a = aggregate(result(values, { LV: lv }), { min: 0.8, seed: 1, resamples: 200 }).classes.LV
    if (!a) throw new Error('no LV')
    // Samples >= 0.8 per value: none; all but 0.75; all; all but 0.7; only 0.8 (>= counts).
    expect(a.robustness).toEqual([0, 5 / 6, 1, 5 / 6, 1 / 6])
    expect(a.samples.map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5'])
    for (const s of a.samples)
      expect(s.interval).toEqual(
        stableInterval(result(values, { LV: lv }), { className: 'LV', min: 0.8, sample: s.id }),
      )
    const widths = a.samples
      .map((s) => (s.interval && s.interval.kind === 'interval' ? s.interval.width : 0))
      .sort((x, y) => x - y)
    // numpy.percentile(widths, [25, 50, 75]) with linear interpolation.
    const q = (p: number): number => {
      const h = (widths.length - 1) * p
      const lo = Math.floor(h)
      return (
        (widths[lo] as number) +
        (h - lo) * ((widths[Math.min(lo + 1, widths.length - 1)] as number) - (widths[lo] as number))
      )
    }
    expect(a.widths).toEqual({
      count: 6,
      median: q(0.5),
      q1: q(0.25),
      q3: q(0.75),
      iqr: q(0.75) - q(0.25),
      censored: 1,
    })
    expect(a.interval).toEqual(stableInterval(result(values, { LV: lv }), { className: 'LV', min: 0.8 }))
    // The lower bound lies below the mean, so its interval is inside the mean's.
    const mean = a.interval
    const lower = a.lowerInterval
    if (mean?.kind !== 'interval' || lower?.kind !== 'interval') throw new Error('expected intervals')
    expect(lower.from).toBeGreaterThanOrEqual(mean.from)
    expect(lower.to).toBeLessThanOrEqual(mean.to)
    expect(lower.width).toBeLessThan(mean.width)
  })

  it('does not count a range edge at the neutral value as censoring a width', () => {
    // Neutral 0 at the left edge (as noise std): every interval starts there, which says nothing about its width.
    const oneSided = [
      [1, 0.9, 0.5],
      [1, 0.95, 0.9],
      [1, 0.85, 0.85],
    ]
    const a = aggregate(result([0, 1, 2], { LV: oneSided }, { ...shift, defaultRange: [0, 2] }), {
      min: 0.8,
      resamples: 200,
    }).classes.LV
    expect(a?.samples.map((s) => s.interval?.kind === 'interval' && s.interval.censoredLow)).toEqual([true, true, true])
    expect(a?.widths?.censored).toBe(2)
  })

  it('collapses the band for identical samples', () => {
    const same = Array.from({ length: 5 }, () => [0.6, 0.9, 1, 0.9, 0.7])
    const a = aggregate(result(values, { LV: same }), { min: 0.8, resamples: 200 }).classes.LV
    if (!a) throw new Error('no LV')
    a.mean.forEach((m, k) => {
      expect(a.lower[k]).toBeCloseTo(m as number, 12)
      expect(a.upper[k]).toBeCloseTo(m as number, 12)
    })
    expect(a.lowerInterval).toEqual(a.interval)
    expect(a.widths?.iqr).toBe(0)
  })

  it('leaves unscored samples out and keeps undefined scores undefined', () => {
    const r = result(values, {
      LV: [
        [0.9, 0.9, 0.9, null, 0.9],
        [null, null, null, null, null],
        [0.8, 0.9, 1, null, 0.7],
      ],
    })
    const withWarning: SweepResult = {
      ...r,
      warnings: [
        {
          sample: 's1',
          className: 'LV',
          reason: 'empty-reference',
          message: 'sample "s1": the truth has no LV; not scored',
        },
      ],
    }
    const a = aggregate(withWarning, { min: 0.85, resamples: 200 }).classes.LV
    if (!a) throw new Error('no LV')
    expect(a.samples.map((s) => s.id)).toEqual(['s0', 's2'])
    expect(a.count).toEqual([2, 2, 2, 0, 2])
    expect(a.mean[3]).toBeNull()
    expect(a.lower[3]).toBeNull()
    expect(a.robustness).toEqual([0.5, 1, 1, 0, 0.5])
  })

  it('takes per-class thresholds and skips classes without one; categorical parameters have no widths', () => {
    const r = result([0, 1, 2, 3], { LV: lv.map((c) => c.slice(0, 4)), MYO: lv.map((c) => c.slice(1, 5)) }, dihedral)
    const a = aggregate(r, { min: { MYO: 0.8 }, resamples: 200 })
    expect(Object.keys(a.classes)).toEqual(['MYO'])
    expect(a.classes.MYO?.widths).toBeNull()
    expect(a.classes.MYO?.interval).toMatchObject({ kind: 'categorical' })
  })

  it('rejects bad options', () => {
    const r = result(values, { LV: lv })
    expectThrow(() => aggregate(r, { min: 0.8, resamples: 10 }), 'E_OUT_OF_RANGE', 'resamples')
    expectThrow(() => aggregate(r, { min: 0.8, confidence: 1 }), 'E_OUT_OF_RANGE', 'confidence')
    expectThrow(() => aggregate(r, { min: 0.8, metric: 'iou' }), 'E_OUT_OF_RANGE', 'iou')
    expectThrow(() => aggregate(r, { min: { RV: 0.8 } }), 'E_OUT_OF_RANGE', 'RV')
    expectThrow(() => aggregate(r, { min: 0.8, sed: 1 } as never), 'E_UNKNOWN_OPTION', 'seed')
    expectThrow(() => aggregate(r, {} as never), 'E_WRONG_TYPE', 'min')
  })

  it('covers the true mean near the nominal rate on a simulated curve (fixed seed)', () => {
    // 300 simulated suites of 20 samples; sample scores at value k are mu_k + U(-w, w) clipped to [0, 1],
    // with mu and w chosen so that clipping never happens: the true mean is mu_k.
    const mu = [0.7, 0.9, 0.97]
    const w = [0.25, 0.08, 0.03]
    const rng = createRng(2026)
    const trials = 300
    let covered = 0
    let total = 0
    for (let t = 0; t < trials; t++) {
      const curves = Array.from({ length: 20 }, () => mu.map((m, k) => m + (rng.next() * 2 - 1) * (w[k] as number)))
      const a = aggregate(result([0, 1, 2], { LV: curves }, { ...shift, defaultRange: [0, 2] }), {
        min: 0.5,
        resamples: 400,
        seed: t,
      })
      const c = a.classes.LV
      if (!c) throw new Error('no LV')
      mu.forEach((m, k) => {
        total++
        if ((c.lower[k] as number) <= m && m <= (c.upper[k] as number)) covered++
      })
    }
    // Percentile intervals of a mean of 20 run a little under nominal; 900 intervals make the rate good to +-0.015.
    const rate = covered / total
    expect(rate).toBeGreaterThan(0.9)
    expect(rate).toBeLessThan(0.98)
  })
})
