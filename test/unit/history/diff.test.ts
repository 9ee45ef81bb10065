import { describe, expect, it } from 'vitest'
import { diffGates } from '../../../src/history/diff.js'
import { type GateSource, gateSources, gatesOf } from '../../../src/history/gates.js'
import { expectThrow } from '../../support/helpers.js'
import { rotationResult } from '../../support/history.js'

const test = (name: string) => ({ file: 'rotation.test.ts', name })
const gates = (...sources: GateSource[]) => gatesOf(sources)

describe('gatesOf', () => {
  it('reads each class threshold, interval, AUC and status, keyed by test and transform, not by model', () => {
    const [g] = gates({
      result: rotationResult({ LV: { width: 30 }, RV: { width: 10 } }, { model: 'a' }),
      test: test('lv'),
      min: 0.8,
    })
    expect(g!.key).toBe('rotation.test.ts › lv | rotate | dice #1')
    expect(
      g!.classes.map((c) => [
        c.className,
        c.threshold,
        c.interval?.kind === 'interval' ? [c.interval.gridFrom, c.interval.gridTo] : null,
      ]),
    ).toEqual([
      ['LV', 0.8, [-30, 30]],
      ['RV', 0.8, [-10, 10]],
    ])
    const [h] = gates({
      result: rotationResult({ LV: { width: 30 }, RV: { width: 10 } }, { model: 'b' }),
      test: test('lv'),
      min: 0.8,
    })
    expect(h!.key).toBe(g!.key)
    expect(h!.classes[0]!.auc).toBeCloseTo(g!.classes[0]!.auc!, 12)
  })

  it('numbers repeated sweeps of one test, and min: null means no threshold (no interval, AUC kept)', () => {
    const r = rotationResult({ LV: { width: 30 } })
    const [a, b] = gates({ result: r, test: test('x') }, { result: r, test: test('x'), min: null })
    expect([a!.key.endsWith('#1'), b!.key.endsWith('#2')]).toEqual([true, true])
    expect(b!.classes[0]).toMatchObject({ threshold: null, interval: null, pass: null })
    expect(b!.classes[0]!.auc).toBeGreaterThan(0.5)
  })

  it('finds the sweeps in each results layout and refuses anything else, naming it', () => {
    const r = rotationResult({ LV: { width: 30 } })
    expect(gateSources({ sweeps: [{ result: r }] }, 'f')).toHaveLength(1)
    expect(gateSources([{ result: r }, { result: r }], 'f')).toHaveLength(2)
    expect(gateSources({ pass: true, result: r, verdict: null }, 'f')).toHaveLength(1)
    expect(gateSources(r, 'f')).toHaveLength(1)
    expectThrow(
      () => gateSources({ hello: 1 }, 'results file x.json'),
      'E_SCHEMA',
      'results file x.json is not a segsense results file',
    )
    expectThrow(
      () => gatesOf([{ result: null as never }], 'results file y.json'),
      'E_SCHEMA',
      'y.json: sweep 1 has no sweep result',
    )
  })
})

describe('diffGates', () => {
  const wide = rotationResult({ LV: { width: 40 }, RV: { width: 20 } }, { model: 'robust' })
  const narrow = rotationResult({ LV: { width: 20 }, RV: { width: 20 } }, { model: 'fragile' })

  it('reports the interval base -> head, the width and AUC changes, and regresses on a lost width', () => {
    const d = diffGates(gates({ result: wide, test: test('g') }), gates({ result: narrow, test: test('g') }))
    expect(d.regressed).toBe(true)
    const lv = d.gates[0]!.classes.find((c) => c.className === 'LV')!
    expect(lv.widthChange).toBeCloseTo(-40, 9)
    expect(lv.aucChange!).toBeLessThan(0)
    expect(lv.regressions.join()).toMatch(/40 deg narrower/)
    const rv = d.gates[0]!.classes.find((c) => c.className === 'RV')!
    expect([rv.widthChange, rv.aucChange, rv.regressions]).toEqual([0, 0, []])
  })

  it('passes the other way, and within the margins', () => {
    expect(
      diffGates(gates({ result: narrow, test: test('g') }), gates({ result: wide, test: test('g') })).regressed,
    ).toBe(false)
    // A loss of exactly the margin passes; a hair more does not.
    expect(
      diffGates(gates({ result: wide, test: test('g') }), gates({ result: narrow, test: test('g') }), {
        margin: 40,
        aucMargin: 1,
      }).regressed,
    ).toBe(false)
    expect(
      diffGates(gates({ result: wide, test: test('g') }), gates({ result: narrow, test: test('g') }), {
        margin: 39.99,
        aucMargin: 1,
      }).regressed,
    ).toBe(true)
    // The AUC margin gates on its own.
    const auc = diffGates(gates({ result: wide, test: test('g') }), gates({ result: narrow, test: test('g') }), {
      margin: 100,
    })
    expect(auc.regressed).toBe(true)
    expect(auc.gates[0]!.classes[0]!.regressions.join()).toMatch(/AUC .* lower/)
  })

  it('gives the paired bootstrap interval of the AUC change when both runs hold the same samples', () => {
    const d = diffGates(gates({ result: wide, test: test('g') }), gates({ result: narrow, test: test('g') }))
    const lv = d.gates[0]!.classes[0]!
    expect(lv.aucInterval).toMatchObject({ confidence: 0.95, pairs: 3 })
    expect(lv.aucInterval!.lower!).toBeLessThanOrEqual(lv.aucChange! + 1e-12)
    expect(lv.aucInterval!.upper!).toBeGreaterThanOrEqual(lv.aucChange! - 1e-12)
    // Other samples: no pairing, the plain change only.
    const other = diffGates(
      gates({ result: wide, test: test('g') }),
      gates({ result: rotationResult({ LV: { width: 20 }, RV: { width: 20 } }, { samples: 2 }), test: test('g') }),
    )
    expect(other.gates[0]!.classes[0]!.aucInterval).toBeUndefined()
  })

  it('marks status crossings', () => {
    const d = diffGates(
      gates({ result: wide, test: test('g'), pass: true, verdict: null }),
      gates({ result: narrow, test: test('g') }),
    )
    expect(d.gates[0]!.classes[0]!.crossing).toBeNull() // no class verdicts: nothing to cross
    const v = (pass: boolean) => ({
      pass,
      metric: 'dice' as const,
      direction: 'higher' as const,
      aggregate: 'mean' as const,
      failures: [],
      classes: [{ className: 'LV', min: 0.8, pass, interval: null, failingSamples: [] }],
    })
    const c = diffGates(
      gates({ result: wide, test: test('g'), verdict: v(true) }),
      gates({ result: narrow, test: test('g'), verdict: v(false) }),
    )
    expect(c.gates[0]!.classes[0]!.crossing).toBe('fails')
  })

  it('names the sweeps found in one run only (an error unless allowed), never skipping them silently', () => {
    const base = gates({ result: wide, test: test('a') }, { result: wide, test: test('b') })
    const head = gates({ result: wide, test: test('a') }, { result: wide, test: test('c') })
    expectThrow(
      () => diffGates(base, head),
      'E_BAD_PARAMETER',
      'only in the base: rotation.test.ts › b (rotate)',
      'only in the head: rotation.test.ts › c (rotate)',
    )
    const d = diffGates(base, head, { allowUnmatched: true })
    expect([d.gates.length, d.onlyInBase.map((g) => g.test?.name), d.onlyInHead.map((g) => g.test?.name)]).toEqual([
      1,
      ['b'],
      ['c'],
    ])
  })

  it('refuses gates whose parameter or classes differ, and bad margins', () => {
    const zoomish = {
      ...narrow,
      transform: { ...narrow.transform, parameter: { ...narrow.transform.parameter, name: 'factor', unit: 'x' } },
    }
    expectThrow(
      () => diffGates(gates({ result: wide, test: test('g') }), gates({ result: zoomish, test: test('g') })),
      'E_BAD_PARAMETER',
      'sweeps angle (deg) in the base but factor (x)',
    )
    expectThrow(
      () =>
        diffGates(
          gates({ result: wide, test: test('g') }),
          gates({ result: rotationResult({ LV: { width: 1 } }), test: test('g') }),
        ),
      'E_BAD_PARAMETER',
      'judges different classes',
    )
    expectThrow(() => diffGates([], [], { margin: -1 }), 'E_OUT_OF_RANGE', 'margin must be a finite number >= 0')
    expectThrow(() => diffGates([], [], { aucMargin: Number.NaN }), 'E_OUT_OF_RANGE', 'aucMargin')
    expectThrow(() => diffGates([], [], { margin: '2' } as never), 'E_WRONG_TYPE', 'diff: margin must be')
  })

  it('counts a class that now fails at the neutral value as losing its whole width', () => {
    const dead = rotationResult({ LV: { width: -1 }, RV: { width: 20 } })
    const d = diffGates(gates({ result: wide, test: test('g') }), gates({ result: dead, test: test('g') }))
    const lv = d.gates[0]!.classes[0]!
    expect(lv.head.interval).toBeNull()
    expect(lv.widthChange).toBeLessThan(-80)
    expect(d.regressed).toBe(true)
  })

  it('does not let a gate pass by loosening its threshold, dropping its AUC, or losing categorical values', () => {
    const r = rotationResult({ LV: { width: 40 } })
    const loose = diffGates(
      gates({ result: r, test: test('g'), min: 0.8 }),
      gates({ result: r, test: test('g'), min: 0.6 }),
    )
    expect(loose.regressed).toBe(true)
    expect(loose.gates[0]!.classes[0]!.regressions).toEqual(['threshold loosened from 0.8 to 0.6'])
    expect(
      diffGates(
        gates({ result: r, test: test('g'), min: 0.6 }),
        gates({ result: r, test: test('g'), min: 0.8 }),
      ).gates[0]!.classes[0]!.regressions.some((x) => x.startsWith('threshold')),
    ).toBe(false)
    expect(
      diffGates(gates({ result: r, test: test('g'), min: 0.8 }), gates({ result: r, test: test('g'), min: null }))
        .regressed,
    ).toBe(true)
    // Every head score undefined: no AUC is a regression, not "no change".
    const blank = {
      ...r,
      mean: { dice: { LV: r.values.map(() => null) } },
      samples: r.samples.map((s) => ({ ...s, scores: { dice: { LV: r.values.map(() => null) } } })),
    }
    expect(
      diffGates(gates({ result: r, test: test('g') }), gates({ result: blank, test: test('g') })).gates[0]!.classes[0]!
        .regressions,
    ).toContain('AUC no longer defined')
    // A categorical parameter (dihedral k): one value fewer passing is a loss, whatever the width margin.
    const dihedral = (failing: number[]) => {
      const values = [0, 1, 2, 3]
      const curve = values.map((v) => (failing.includes(v) ? 0.5 : 0.95))
      return {
        ...r,
        transform: {
          name: 'dihedral',
          parameter: {
            name: 'k',
            unit: '',
            neutral: 0,
            scale: 'categorical' as const,
            defaultRange: [0, 7] as [number, number],
            defaultStep: 1,
          },
          options: {},
        },
        values,
        mean: { dice: { LV: curve } },
        meanCounts: { dice: { LV: values.map(() => 1) } },
        samples: [{ id: 's1', scores: { dice: { LV: curve } } }],
      }
    }
    const d = diffGates(
      gates({ result: dihedral([3]), test: test('k') }),
      gates({ result: dihedral([2, 3]), test: test('k') }),
      {
        margin: 1000,
        aucMargin: 1,
      },
    )
    expect(d.gates[0]!.classes[0]!.regressions).toEqual(['25 % fewer values pass'])
  })
})
