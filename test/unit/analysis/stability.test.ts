import { describe, expect, it } from 'vitest'
import { isSegsenseError } from '../../../src/core/errors.js'
import type { Score, SweepParameter, SweepResult } from '../../../src/results/sweep-result.js'
import { type CategoricalStability, type Interval, stableInterval } from '../../../src/analysis/stability.js'
import { summarize } from '../../../src/analysis/summarize.js'

const linear: SweepParameter = {
  name: 'shift',
  unit: 'px',
  neutral: 0,
  scale: 'linear',
  defaultRange: [-2, 2],
  defaultStep: 1,
}
const angle: SweepParameter = {
  name: 'angle',
  unit: 'deg',
  neutral: 0,
  scale: 'circular',
  period: 360,
  defaultRange: [-180, 180],
  defaultStep: 30,
}
const factor: SweepParameter = {
  name: 'scale',
  unit: 'x',
  neutral: 1,
  scale: 'log',
  defaultRange: [0.5, 2],
  defaultStep: 0.5,
}
const dihedral: SweepParameter = {
  name: 'k',
  unit: '',
  neutral: 0,
  scale: 'categorical',
  defaultRange: [0, 7],
  defaultStep: 1,
}

/** A SweepResult written by hand: one class 'LV', dice only, one sample whose curve is also the mean. */
function result(
  parameter: SweepParameter,
  values: number[],
  curve: Score[],
  extra: Record<string, Score[]> = {},
): SweepResult {
  const curves = { LV: curve, ...extra }
  return {
    schemaVersion: 1,
    model: 'hand',
    transform: { name: 't', parameter, options: {} },
    values,
    classes: Object.keys(curves),
    metrics: ['dice'],
    reference: 'truth',
    samples: [{ id: 'a', scores: { dice: curves } }],
    mean: { dice: curves },
    timing: { totalMs: 0, predictMs: 0, transformMs: 0, scoreMs: 0, predictions: values.length },
  }
}

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step)
const angles = range(-180, 180, 30) // 13 values, both ends the same angle

function interval(r: SweepResult, min: number): Interval {
  const v = stableInterval(r, { className: 'LV', min })
  expect(v).not.toBeNull()
  expect(v?.kind).toBe('interval')
  return v as Interval
}

describe('stableInterval: linear parameters', () => {
  it('interpolates both crossings linearly (5.2 item 1)', () => {
    // Crossings at 0.8: between -2 (0.7) and -1 (0.9) -> -1.5; between 1 (0.9) and 2 (0.7) -> 1.5.
    const i = interval(result(linear, [-2, -1, 0, 1, 2], [0.7, 0.9, 0.9, 0.9, 0.7]), 0.8)
    expect(i.from).toBeCloseTo(-1.5, 12)
    expect(i.to).toBeCloseTo(1.5, 12)
    expect(i.gridFrom).toBe(-1)
    expect(i.gridTo).toBe(1)
    expect(i.width).toBeCloseTo(3, 12)
    expect(i.censoredLow).toBe(false)
    expect(i.censoredHigh).toBe(false)
    expect(i.containsNeutral).toBe(true)
  })

  it('walks from the neutral value: [0.5, 0.7, 0.9, 0.9, 0.7] at min 0.8 is [-0.5, 1.5]', () => {
    // -1 (0.7) already fails, so the low crossing lies between -1 and 0: -1 + (0.8 - 0.7) / (0.9 - 0.7) = -0.5.
    const i = interval(result(linear, [-2, -1, 0, 1, 2], [0.5, 0.7, 0.9, 0.9, 0.7]), 0.8)
    expect(i.from).toBeCloseTo(-0.5, 12)
    expect(i.to).toBeCloseTo(1.5, 12)
    expect(i.gridFrom).toBe(0)
  })

  it('censors a bound at the edge of the swept range', () => {
    const low = interval(result(linear, [-2, -1, 0, 1, 2], [0.9, 0.9, 0.9, 0.5, 0.4]), 0.8)
    expect(low).toMatchObject({ from: -2, gridFrom: -2, censoredLow: true, censoredHigh: false, gridTo: 0 })
    expect(low.to).toBeCloseTo(0.25, 12) // 0 + (0.9 - 0.8) / (0.9 - 0.5)
    const both = interval(result(linear, [-2, -1, 0, 1, 2], [0.81, 0.9, 1, 0.9, 0.8]), 0.8)
    expect(both).toMatchObject({ from: -2, to: 2, censoredLow: true, censoredHigh: true, width: 4 })
  })

  it('returns null when the neutral value fails or is undefined', () => {
    expect(stableInterval(result(linear, [-1, 0, 1], [0.9, 0.79, 0.9]), { className: 'LV', min: 0.8 })).toBeNull()
    expect(stableInterval(result(linear, [-1, 0, 1], [0.9, null, 0.9]), { className: 'LV', min: 0.8 })).toBeNull()
  })

  it('never passes an undefined (null) score', () => {
    const i = interval(result(linear, [-2, -1, 0, 1, 2], [1, null, 0.9, 0.9, null]), 0.5)
    expect(i).toMatchObject({
      from: 0,
      to: 1,
      gridFrom: 0,
      gridTo: 1,
      censoredLow: false,
      censoredHigh: false,
      undefinedLow: true,
      undefinedHigh: true,
    })
  })

  it('interpolates log-scale parameters in log space', () => {
    // u = ln θ; low crossing u = ln 0.5 · (1 − (0.8 − 0.6)/(0.9 − 0.6)) = ln 0.5 / 3 → θ = 2^(−1/3) (not 0.8333 of linear θ);
    // high crossing u = ln 2 · (1 − (0.9 − 0.8)/(0.9 − 0.7)) = ln 2 / 2 → θ = √2.
    const i = interval(result(factor, [0.5, 1, 2], [0.6, 0.9, 0.7]), 0.8)
    expect(i.from).toBeCloseTo(2 ** (-1 / 3), 12)
    expect(i.to).toBeCloseTo(Math.SQRT2, 12)
    expect(i.ratio).toBeCloseTo(2 ** (5 / 6), 12)
    expect(i.width).toBeCloseTo(Math.SQRT2 - 2 ** (-1 / 3), 12)
  })

  it('rejects unknown classes, metrics and samples by name', () => {
    const r = result(linear, [-1, 0, 1], [0.9, 0.9, 0.9])
    for (const [opts, word] of [
      [{ className: 'RV', min: 0.8 }, 'RV'],
      [{ className: 'LV', metric: 'iou' as const, min: 0.8 }, 'iou'],
      [{ className: 'LV', sample: 'zz', min: 0.8 }, 'zz'],
      [{ className: 'LV', min: Number.NaN }, 'min'],
    ] as const) {
      let error: unknown
      try {
        stableInterval(r, opts)
      } catch (e) {
        error = e
      }
      expect(isSegsenseError(error, 'E_BAD_PARAMETER')).toBe(true)
      expect((error as Error).message).toContain(word)
    }
  })

  it('reads one sample when asked', () => {
    const r = result(linear, [-1, 0, 1], [0.9, 0.9, 0.9])
    const withSample: SweepResult = {
      ...r,
      samples: [...r.samples, { id: 'b', scores: { dice: { LV: [0.5, 0.9, 0.9] } } }],
    }
    expect(interval(withSample, 0.8).censoredLow).toBe(true)
    const b = stableInterval(withSample, { className: 'LV', min: 0.8, sample: 'b' }) as Interval
    expect(b.from).toBeCloseTo(-0.25, 12)
  })
})

describe('stableInterval: circular parameters', () => {
  const curve = (fail: number[], low = 0.5): Score[] => angles.map((a) => (fail.includes(a) ? low : 0.9))

  it('wraps across ±180 when the sweep covers the circle', () => {
    // Fails at -120, -90, -60 only. Low: -60 + 0.75·30 = -37.5. High: 0 … 180 ≡ -180, -150 (= 210) pass, -120 (= 240)
    // fails → 240 − 22.5 = 217.5, reported as -142.5 (the interval -37.5 … 217.5 crosses the seam).
    const i = interval(result(angle, angles, curve([-120, -90, -60])), 0.8)
    expect(i.wraps).toBe(true)
    expect(i.full).toBe(false)
    expect(i.from).toBeCloseTo(-37.5, 10)
    expect(i.to).toBeCloseTo(-142.5, 10)
    expect(i.gridFrom).toBe(-30)
    expect(i.gridTo).toBe(-150)
    expect(i.width).toBeCloseTo(255, 10)
    expect(i.censoredLow || i.censoredHigh).toBe(false)
  })

  it('wraps on a grid that stops one step short of the seam', () => {
    const values = range(0, 330, 30)
    const i = interval(
      result(
        angle,
        values,
        values.map((a) => (a === 180 ? 0.5 : 0.9)),
      ),
      0.8,
    )
    // Low walk: 0 → 330 (= −30) … 210 (= −150), 180 (= −180) fails → −157.5 ≡ 202.5. High: 180 fails → 157.5.
    expect(i).toMatchObject({ wraps: true, full: false, gridFrom: 210, gridTo: 150 })
    expect(i.from).toBeCloseTo(202.5, 10)
    expect(i.to).toBeCloseTo(157.5, 10)
    expect(i.width).toBeCloseTo(315, 10)
  })

  it('reports the full period when every angle passes', () => {
    const i = interval(result(angle, angles, curve([])), 0.8)
    expect(i).toMatchObject({
      full: true,
      wraps: false,
      from: -180,
      to: 180,
      width: 360,
      censoredLow: false,
      censoredHigh: false,
    })
  })

  it('counts -180 and 180 as one angle, scored by the worse of the two', () => {
    const c = curve([])
    c[0] = 0.5 // -180 fails, 180 passes: the same rotation, so the seam point fails
    const i = interval(result(angle, angles, c), 0.8)
    expect(i.full).toBe(false)
    expect(i.wraps).toBe(false)
    expect(i.from).toBeCloseTo(-157.5, 10)
    expect(i.to).toBeCloseTo(157.5, 10)
  })

  it('does not wrap when the sweep covers only part of the circle', () => {
    const i = interval(
      result(
        angle,
        range(-90, 90, 30),
        range(-90, 90, 30).map(() => 0.9),
      ),
      0.8,
    )
    expect(i).toMatchObject({
      from: -90,
      to: 90,
      censoredLow: true,
      censoredHigh: true,
      wraps: false,
      full: false,
      width: 180,
    })
  })
})

describe('stableInterval: categorical parameters', () => {
  it('reports the pass fraction, the failing values and the worst one; null never passes', () => {
    const v = stableInterval(result(dihedral, [0, 1, 2, 3, 4, 5, 6, 7], [0.95, 0.5, 0.9, 0.3, 0.85, null, 0.9, 0.79]), {
      className: 'LV',
      min: 0.8,
    }) as CategoricalStability
    expect(v.kind).toBe('categorical')
    expect(v.passFraction).toBe(4 / 8)
    expect(v.failing).toEqual([1, 3, 5, 7])
    expect(v.worst).toEqual({ value: 3, score: 0.3 })
  })
})

describe('summarize', () => {
  it('normalised AUC of a linear curve equals its mean (uniform grid)', () => {
    const values = [-2, -1, 0, 1, 2]
    const curve = values.map((x) => 0.6 + 0.1 * x)
    const mean = curve.reduce((a, b) => a + b, 0) / curve.length
    const s = summarize(result(linear, values, curve), { min: 0.5 })
    expect(s.classes.LV?.auc).toBeCloseTo(mean, 12)
  })

  it('integrates log parameters in ln θ', () => {
    // Linear in u = ln θ on [ln 0.25, ln 4]: the normalised area is the midpoint value; trapezoids in θ would weigh
    // the top end (θ 2..4 is half the θ-range) and give a different number.
    const values = [0.25, 0.5, 1, 2, 4]
    const curve = values.map((x) => 0.7 + 0.1 * Math.log2(x))
    const s = summarize(result(factor, values, curve), { min: 0.5 })
    expect(s.workingAxis).toBe('log')
    expect(s.classes.LV?.auc).toBeCloseTo(0.7, 12)
  })

  it('reports worst case, breakdown distance, slopes and degradation area', () => {
    const s = summarize(result(linear, [-2, -1, 0, 1, 2], [0.8, 0.8, 0.9, 0.9, 0.2]), { min: 0.75 })
    const lv = s.classes.LV
    expect(lv?.neutralScore).toBe(0.9)
    expect(lv?.worst).toEqual({ value: 2, score: 0.2 })
    // Low side passes to the edge (censored at distance 2); high crossing 1 + (0.9 − 0.75)/(0.9 − 0.2) = 1.2142857…
    expect(lv?.breakdown?.side).toBe('high')
    expect(lv?.breakdown?.distance).toBeCloseTo(1 + 0.15 / 0.7, 12)
    expect(lv?.breakdown?.censored).toBe(false)
    expect(lv?.slopes?.minus).toBeCloseTo(0.1, 12) // (0.9 − 0.8) / 1
    expect(lv?.slopes?.plus).toBeCloseTo(0, 12)
    expect(lv?.slopes?.maxAdjacent?.slope).toBeCloseTo(0.7, 12)
    expect(lv?.slopes?.maxAdjacent?.between).toEqual([1, 2])
    // DA = trapz(max(0, 0.9 − m)) / 4 = (0.5·(0.1 + 0.1) + 0.5·(0.1 + 0) + 0 + 0.5·(0 + 0.7)) / 4
    expect(lv?.degradationArea).toBeCloseTo((0.1 + 0.05 + 0.35) / 4, 12)
  })

  it('flags a breakdown distance that may be shortened outside the range, and null when nothing fails', () => {
    const near = summarize(result(linear, [-1, 0, 1, 2, 3], [0.9, 0.9, 0.9, 0.9, 0.5]), { min: 0.8 }).classes.LV
    expect(near?.breakdown?.distance).toBeCloseTo(2.25, 12)
    expect(near?.breakdown?.censored).toBe(true) // the low side passed to its edge at distance 1 < 2.25
    const none = summarize(result(linear, [-1, 0, 1], [0.9, 0.9, 0.9]), { min: 0.8 }).classes.LV
    expect(none?.breakdown).toEqual({ distance: null, censored: true, side: null })
    const full = summarize(
      result(
        angle,
        angles,
        angles.map(() => 0.9),
      ),
      { min: 0.8 },
    ).classes.LV
    expect(full?.breakdown).toEqual({ distance: null, censored: false, side: null })
    const atNeutral = summarize(result(linear, [-1, 0, 1], [0.9, 0.7, 0.9]), { min: 0.8 }).classes.LV
    expect(atNeutral?.interval).toBeNull()
    expect(atNeutral?.breakdown).toEqual({ distance: 0, censored: false, side: 'neutral' })
  })

  it('measures circular breakdown distances across the seam', () => {
    const c = angles.map((a) => (a === -120 || a === -90 || a === -60 ? 0.5 : 0.9))
    const lv = summarize(result(angle, angles, c), { min: 0.8 }).classes.LV
    expect(lv?.breakdown?.distance).toBeCloseTo(37.5, 10)
    expect(lv?.breakdown?.side).toBe('low')
  })

  it('leaves undefined scores out of AUC and summarises every class; output is JSON without NaN', () => {
    const s = summarize(
      result(linear, [-2, -1, 0, 1, 2], [0.5, null, 0.9, 0.9, 0.7], { RV: [null, null, null, null, null] }),
      { min: 0.8 },
    )
    // Defined points -2, 0, 1, 2: trapz = 2·(0.5 + 0.9)/2 + (0.9 + 0.9)/2 + (0.9 + 0.7)/2 = 3.1, over 4.
    expect(s.classes.LV?.auc).toBeCloseTo(3.1 / 4, 12)
    expect(s.classes.RV).toMatchObject({
      auc: null,
      worst: null,
      neutralScore: null,
      interval: null,
      degradationArea: null,
    })
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('summarises categorical parameters with the plain mean and no interval', () => {
    const lv = summarize(result(dihedral, [0, 1, 2, 3], [1, 0.5, 0.9, 0.6]), { min: 0.8 }).classes.LV
    expect(lv?.auc).toBeCloseTo(0.75, 12)
    expect((lv?.interval as CategoricalStability).passFraction).toBe(0.5)
    expect(lv?.breakdown).toBeNull()
  })
})
