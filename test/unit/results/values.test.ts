import { describe, expect, it } from 'vitest'
import { MAX_GRID_VALUES, fromWorking, sweepValues, toWorking } from '../../../src/results/values.js'
import type { TransformParameter } from '../../../src/transforms/transform.js'
import { planRequirement } from '../../../src/requirements/plan.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { expectThrow } from '../../support/helpers.js'

const linear: TransformParameter = {
  name: 'shift',
  unit: '',
  neutral: 0,
  scale: 'linear',
  defaultRange: [-1, 1],
  defaultStep: 0.5,
}
const angle: TransformParameter = {
  name: 'angle',
  unit: 'deg',
  neutral: 0,
  scale: 'circular',
  period: 360,
  defaultRange: [-180, 180],
  defaultStep: 90,
}
const factor: TransformParameter = {
  name: 'scale',
  unit: 'x',
  neutral: 1,
  scale: 'log',
  defaultRange: [0.5, 2],
  defaultStep: 0.5,
}
const dihedral: TransformParameter = {
  name: 'k',
  unit: '',
  neutral: 0,
  scale: 'categorical',
  defaultRange: [0, 7],
  defaultStep: 1,
  categories: {
    0: 'identity',
    1: 'rot90',
    2: 'rot180',
    3: 'rot270',
    4: 'flipX',
    5: 'flipY',
    6: 'transpose',
    7: 'antitranspose',
  },
}

/** A value of the right kind outside what the grid allows. */
function badParameter(fn: () => unknown, ...fragments: string[]): void {
  expectThrow(fn, 'E_OUT_OF_RANGE', ...fragments)
}

describe('sweepValues: range and step', () => {
  it('gives exact decimal values for 0.1 steps (no 0.30000000000000004)', () => {
    const v = sweepValues(linear, { range: [0, 1], step: 0.1 })
    expect(v).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
    for (const x of v) expect(String(x).length).toBeLessThanOrEqual(3)
    // What naive accumulation would give, so the test can fail:
    expect(0.1 + 0.1 + 0.1).not.toBe(0.3)
  })

  it('handles negative starts and fine steps exactly', () => {
    expect(sweepValues(linear, { range: [-0.3, 0.3], step: 0.15 })).toEqual([-0.3, -0.15, 0, 0.15, 0.3])
    expect(sweepValues(linear, { range: [1.05, 1.1], step: 0.01 })).toEqual([0, 1.05, 1.06, 1.07, 1.08, 1.09, 1.1])
  })

  it('inserts the neutral value in order, without duplicates', () => {
    expect(sweepValues(linear, { range: [-15, 15], step: 10 })).toEqual([-15, -5, 0, 5, 15])
    expect(sweepValues(linear, { range: [-10, 10], step: 5 })).toEqual([-10, -5, 0, 5, 10])
    expect(sweepValues(linear, { range: [0.2, 0.4], step: 0.1 })).toEqual([0, 0.2, 0.3, 0.4])
    expect(sweepValues(factor, { range: [1.5, 3], step: 0.5 })).toEqual([1, 1.5, 2, 2.5, 3])
  })

  it('always includes the end of the range, even when the step does not land on it', () => {
    expect(sweepValues(linear, { range: [0, 1], step: 0.3 })).toEqual([0, 0.3, 0.6, 0.9, 1])
  })

  it('keeps both ends of a full circle', () => {
    expect(sweepValues(angle, {})).toEqual([-180, -90, 0, 90, 180])
  })

  it('uses the parameter defaults', () => {
    expect(sweepValues(linear)).toEqual([-1, -0.5, 0, 0.5, 1])
    expect(sweepValues(linear, { step: 0.25 })).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1])
    expect(sweepValues(factor)).toEqual([0.5, 1, 1.5, 2])
  })
})

describe('sweepValues: steps', () => {
  it('spaces log-scale parameters geometrically', () => {
    const v = sweepValues(factor, { range: [0.5, 2], steps: 5 })
    expect(v).toHaveLength(5)
    expect(v[0]).toBe(0.5)
    expect(v[2]).toBe(1) // the neutral value, exactly, not 1.0000000000000002
    expect(v[4]).toBe(2)
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 11)
    expect(v[3]).toBeCloseTo(Math.SQRT2, 11)
    for (let i = 1; i < v.length; i++) expect((v[i] as number) / (v[i - 1] as number)).toBeCloseTo(Math.SQRT2, 10)
  })

  it('spaces linear parameters evenly with exact decimals', () => {
    expect(sweepValues(linear, { range: [0, 1], steps: 11 })).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ])
    expect(sweepValues(angle, { range: [-180, 180], steps: 5 })).toEqual([-180, -90, 0, 90, 180])
    expect(sweepValues(linear, { range: [1, 2], steps: 3 })).toEqual([0, 1, 1.5, 2])
  })
})

describe('sweepValues: explicit values', () => {
  it('sorts, removes duplicates and inserts neutral', () => {
    expect(sweepValues(linear, { values: [3, -1, 3, 2] })).toEqual([-1, 0, 2, 3])
  })

  it('keeps the given order for categorical parameters, neutral first when missing', () => {
    expect(sweepValues(dihedral, { values: [3, 1, 3] })).toEqual([0, 3, 1])
    expect(sweepValues(dihedral, { values: [2, 0, 5] })).toEqual([2, 0, 5])
    expect(sweepValues(dihedral)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })
})

describe('sweepValues: validation', () => {
  it('rejects from > to', () => badParameter(() => sweepValues(linear, { range: [1, -1] }), 'range', '[1, -1]'))
  it('rejects an empty values list (never the default grid), also through planRequirement', () => {
    badParameter(() => sweepValues(linear, { values: [] }), 'sweep option values must be a non-empty array', '[]')
    badParameter(() => sweepValues(linear, planRequirement(rotate, { values: [], min: 0.5 }).sweep), 'values', '[]')
  })
  it('rejects step <= 0', () => {
    badParameter(() => sweepValues(linear, { range: [0, 1], step: 0 }), 'step', '0')
    badParameter(() => sweepValues(linear, { range: [0, 1], step: -0.1 }), 'step', '-0.1')
  })
  it('rejects steps that are not an integer >= 2', () => {
    badParameter(() => sweepValues(linear, { range: [0, 1], steps: 1 }), 'steps', '1')
    badParameter(() => sweepValues(linear, { range: [0, 1], steps: 2.5 }), 'steps', '2.5')
  })
  it('rejects non-finite values', () => {
    badParameter(() => sweepValues(linear, { values: [0, Number.NaN] }), 'values[1]', 'NaN')
    badParameter(() => sweepValues(linear, { range: [0, Number.POSITIVE_INFINITY] }), 'range[1]', 'Infinity')
  })
  it('rejects log-scale values <= 0', () => {
    badParameter(() => sweepValues(factor, { values: [0, 1, 2] }), 'values[0]', '> 0')
    badParameter(() => sweepValues(factor, { range: [-1, 2], steps: 3 }), 'range[0]', '-1')
  })
  it('rejects categorical values outside the categories', () => {
    badParameter(() => sweepValues(dihedral, { values: [1, 8] }), 'values[1]', '8')
    badParameter(() => sweepValues(dihedral, { range: [0, 7], step: 1.5 }), 'step 1.5', '1.5')
  })
  it('rejects conflicting options', () => {
    expectThrow(() => sweepValues(linear, { values: [1], range: [0, 1] }), 'E_INCOMPATIBLE_OPTIONS', 'values')
    expectThrow(() => sweepValues(linear, { step: 0.1, steps: 3 }), 'E_INCOMPATIBLE_OPTIONS', 'step')
  })
  it('names a value of the wrong kind E_WRONG_TYPE', () => {
    expectThrow(() => sweepValues(linear, { values: '1' as never }), 'E_WRONG_TYPE', 'values')
    expectThrow(() => sweepValues(linear, { range: [0, 1], step: '1' as never }), 'E_WRONG_TYPE', 'step')
    expectThrow(() => sweepValues(linear, { values: [Number.NaN] }), 'E_OUT_OF_RANGE', 'values[0]')
  })
  it(`rejects grids of more than ${MAX_GRID_VALUES} values`, () => {
    badParameter(() => sweepValues(linear, { range: [0, 1], step: 1e-6 }), 'step', '0.000001', '1000001')
    badParameter(() => sweepValues(linear, { range: [0, 1], steps: MAX_GRID_VALUES + 1 }), 'steps')
    expect(sweepValues(linear, { range: [0, 1], step: 1e-4 })).toHaveLength(10_001)
  })
})

describe('working axis', () => {
  it('is ln for log parameters and the identity otherwise', () => {
    expect(toWorking(factor, Math.E)).toBeCloseTo(1, 14)
    expect(fromWorking(factor, Math.log(0.25))).toBeCloseTo(0.25, 14)
    expect(toWorking(angle, -170)).toBe(-170)
    expect(fromWorking(linear, 0.3)).toBe(0.3)
  })
})
