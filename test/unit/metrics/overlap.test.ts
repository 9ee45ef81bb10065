import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import { SegsenseError } from '../../../src/core/errors.js'
import { confusionCounts } from '../../../src/metrics/confusion.js'
import { scoreMasks } from '../../../src/metrics/overlap.js'

/** Builds a mask of the given size where `inside(row, col)` marks class `id`. */
function maskOf(w: number, h: number, inside: (r: number, c: number) => boolean, id = 1) {
  const data = new Uint8Array(w * h)
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (inside(r, c)) data[r * w + c] = id
  return labelMap(w, h, data)
}
const classes = { 1: 'fg' }

// Reference values: algorithms.md §4.8 (MONAI 1.5.0 / Metrics Reloaded).
describe('overlap metrics against the reference vectors', () => {
  it('case A: 10x10 square shifted 2 px right', () => {
    const g = maskOf(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 10 && c <= 19)
    const p = maskOf(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 12 && c <= 21)
    const s = scoreMasks(p, g, { classes, metrics: ['dice', 'iou', 'precision', 'recall'] })
    expect(s.dice.fg).toBeCloseTo(0.8, 6)
    expect(s.iou.fg).toBeCloseTo(0.666667, 6)
    expect(s.precision.fg).toBeCloseTo(0.8, 6)
    expect(s.recall.fg).toBeCloseTo(0.8, 6)
  })

  it('case B: disc against ellipse (709 and 739 px, TP 641)', () => {
    const g = maskOf(64, 64, (y, x) => (y - 32) ** 2 + (x - 32) ** 2 <= 15 ** 2)
    const p = maskOf(64, 64, (y, x) => ((y - 34) / 14) ** 2 + ((x - 31) / 17) ** 2 <= 1)
    const counts = confusionCounts(p, g, [1]).get(1)!
    expect(counts.tp + counts.fn).toBe(709)
    expect(counts.tp + counts.fp).toBe(739)
    expect(counts.tp).toBe(641)
    const s = scoreMasks(p, g, { classes, metrics: ['dice', 'iou'] })
    expect(s.dice.fg).toBeCloseTo(0.885359, 6)
    expect(s.iou.fg).toBeCloseTo(0.7943, 6)
  })

  it('case C: 42 px rectangle against 39 px prediction', () => {
    const g = maskOf(12, 12, (r, c) => r >= 3 && r <= 8 && c >= 2 && c <= 8)
    const p = maskOf(12, 12, (r, c) => (r >= 3 && r <= 8 && c >= 3 && c <= 8) || (r <= 2 && c === 9))
    expect(scoreMasks(p, g, { classes }).dice.fg).toBeCloseTo(0.888889, 6)
  })

  it('IoU = Dice / (2 - Dice) for every class of a multi-class pair', () => {
    const w = 40,
      h = 30
    const t = new Uint8Array(w * h),
      q = new Uint8Array(w * h)
    for (let i = 0; i < w * h; i++) {
      t[i] = (i * 7) % 4
      q[i] = (i * 7 + (i % 5 === 0 ? 1 : 0)) % 4
    }
    const s = scoreMasks(labelMap(w, h, q), labelMap(w, h, t), {
      classes: { 1: 'a', 2: 'b', 3: 'c' },
      metrics: ['dice', 'iou'],
    })
    for (const name of ['a', 'b', 'c']) {
      const d = s.dice[name]!
      expect(d).toBeGreaterThan(0)
      expect(d).toBeLessThan(1)
      expect(s.iou[name]).toBeCloseTo(d / (2 - d), 12)
    }
  })
})

// Empty cases: algorithms.md §4.4; segsense's default policy is misas' (both empty -> 1), one empty -> 0.
describe('empty-mask policy', () => {
  const empty = maskOf(8, 8, () => false)
  const some = maskOf(8, 8, (r, c) => r < 2 && c < 2)
  const all = ['dice', 'iou', 'precision', 'recall'] as const

  it('absent from both scores 1 by default, NaN with bothEmpty nan', () => {
    const best = scoreMasks(empty, empty, { classes, metrics: all })
    for (const m of all) expect(best[m].fg).toBe(1)
    const nan = scoreMasks(empty, empty, { classes, metrics: all, emptyPolicy: { bothEmpty: 'nan' } })
    for (const m of all) expect(nan[m].fg).toBeNaN()
  })

  it('predicted but absent from truth scores 0 (never NaN)', () => {
    const s = scoreMasks(some, empty, { classes, metrics: all, emptyPolicy: { bothEmpty: 'nan' } })
    expect(s).toEqual({ dice: { fg: 0 }, iou: { fg: 0 }, precision: { fg: 0 }, recall: { fg: 0 } })
  })

  it('present in truth but not predicted scores 0', () => {
    const s = scoreMasks(empty, some, { classes, metrics: all })
    expect(s).toEqual({ dice: { fg: 0 }, iou: { fg: 0 }, precision: { fg: 0 }, recall: { fg: 0 } })
  })

  it('background is scored only when asked', () => {
    const s = scoreMasks(some, some, { classes: { 0: 'bg', 1: 'fg' } })
    expect(Object.keys(s.dice)).toEqual(['fg'])
    expect(scoreMasks(some, some, { classes: { 0: 'bg', 1: 'fg' }, includeBackground: true }).dice).toEqual({
      bg: 1,
      fg: 1,
    })
  })
})

describe('errors', () => {
  it('masks of different sizes are E_SIZE_MISMATCH naming both sizes', () => {
    const err = (() => {
      try {
        scoreMasks(labelMap(4, 4), labelMap(4, 5), { classes })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(SegsenseError)
    expect((err as SegsenseError).code).toBe('E_SIZE_MISMATCH')
    expect((err as SegsenseError).message).toMatch(/4x4 vs 4x5/)
  })
  it('an unknown metric is E_BAD_PARAMETER', () => {
    expect(() => scoreMasks(labelMap(2, 2), labelMap(2, 2), { classes, metrics: ['hd99' as 'dice'] })).toThrow(
      /unknown metric "hd99"/,
    )
  })
  it('16-bit masks with large ids are counted', () => {
    const a = labelMap(3, 1, Uint16Array.from([1000, 1000, 0]))
    const b = labelMap(3, 1, Uint16Array.from([1000, 0, 0]))
    expect(scoreMasks(a, b, { classes: { 1000: 'big' } }).dice.big).toBeCloseTo(2 / 3, 12)
  })
})

// NSD as a scoreMasks metric: the boundaryDistances value (reference: algorithms.md §4.8 case A) with the overlap
// metrics' empty policy.
describe('nsd', () => {
  const g = maskOf(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 10 && c <= 19)
  const p = maskOf(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 12 && c <= 21)

  it('matches the reference at tolerance 1 (default) and 2', () => {
    expect(scoreMasks(p, g, { classes, metrics: ['nsd'] }).nsd.fg).toBeCloseTo(0.555556, 6)
    expect(scoreMasks(p, g, { classes, metrics: ['dice', 'nsd'], nsdTolerance: 2 })).toEqual({
      dice: { fg: expect.closeTo(0.8, 9) },
      nsd: { fg: 1 },
    })
  })

  it("measures the tolerance in the truth's spacing", () => {
    const mm = labelMap(32, 32, g.data, [2, 2])
    // 2 mm pixels: a 2 px shift is 4 mm; at 2 mm tolerance NSD is the 1 px reference value.
    expect(scoreMasks(p, mm, { classes, metrics: ['nsd'], nsdTolerance: 2 }).nsd.fg).toBeCloseTo(0.555556, 6)
  })

  it('follows the empty policy: both empty 1 (NaN with bothEmpty nan), one side empty 0', () => {
    const empty = maskOf(8, 8, () => false)
    const some = maskOf(8, 8, (r, c) => r < 2 && c < 2)
    expect(scoreMasks(empty, empty, { classes, metrics: ['nsd'] }).nsd.fg).toBe(1)
    expect(scoreMasks(empty, empty, { classes, metrics: ['nsd'], emptyPolicy: { bothEmpty: 'nan' } }).nsd.fg).toBeNaN()
    expect(scoreMasks(some, empty, { classes, metrics: ['nsd'] }).nsd.fg).toBe(0)
    expect(scoreMasks(empty, some, { classes, metrics: ['nsd'] }).nsd.fg).toBe(0)
  })

  it('rejects a bad tolerance with E_BAD_PARAMETER', () => {
    expect(() => scoreMasks(p, g, { classes, metrics: ['nsd'], nsdTolerance: -1 })).toThrow(
      /nsdTolerance must be a finite number >= 0.*got -1/,
    )
  })
})
