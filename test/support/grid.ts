// A hand-made GridResult drawn as a picture, for the stable-region, schema and chart tests.
import type { GridAxisRecord, GridResult } from '../../src/results/grid-result.js'

/**
 * A grid result from a picture: one string per row (first axis), one character per column (second axis);
 * '#' scores 1, '.' scores 0, '?' is undefined (null). Axis values are 0..n-1 unless given.
 */
export function gridOf(
  rows: readonly string[],
  neutral: [number, number],
  axes?: { a?: Partial<GridAxisRecord>; b?: Partial<GridAxisRecord> },
): GridResult {
  const grid = rows.map((r) => [...r].map((ch) => (ch === '#' ? 1 : ch === '?' ? null : 0)))
  const axis = (n: number, over: Partial<GridAxisRecord> | undefined, name: string): GridAxisRecord => ({
    role: 'transform',
    transform: name,
    options: {},
    parameter: { name, unit: '', neutral: 0, scale: 'linear', defaultRange: [0, n - 1], defaultStep: 1 },
    values: Array.from({ length: n }, (_, k) => k),
    ...over,
  })
  const n = rows.length
  const m = (rows[0] as string).length
  return {
    schemaVersion: 1,
    kind: 'grid',
    model: 'crafted',
    axes: [axis(n, axes?.a, 'a'), axis(m, axes?.b, 'b')],
    neutral,
    classes: ['LV'],
    metrics: ['dice'],
    reference: 'truth',
    emptyPolicy: { bothEmpty: 'best' },
    samples: [{ id: 's', scores: { dice: { LV: grid.map((r) => r.map((v) => (v === null ? null : v * 0.5))) } } }],
    mean: { dice: { LV: grid } },
    meanCounts: { dice: { LV: grid.map((r) => r.map((v) => (v === null ? 0 : 1))) } },
    timing: { totalMs: 0, predictMs: 0, transformMs: 0, scoreMs: 0, predictions: 0 },
  }
}
