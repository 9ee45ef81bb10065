// Synthetic sweep results for the diff and history tests: a rotation sweep whose classes pass within ±width deg.
import type { SweepResult } from '../../src/results/sweep-result.js'

/** Per class: the half-width (deg) inside which the score is high, and that score. */
export type ClassShape = Readonly<
  Record<string, { readonly width: number; readonly high?: number; readonly low?: number }>
>

/**
 * A rotate sweep over -60..60 deg in 10 deg steps on `samples` samples: each class scores `high` (0.95) within
 * ±width and `low` (0.5) outside, sample i shifted by i * 0.01 (so the bootstrap has spread).
 */
export function rotationResult(
  shape: ClassShape,
  options: { readonly model?: string; readonly samples?: number; readonly values?: number[] } = {},
): SweepResult {
  const values = options.values ?? [-60, -50, -40, -30, -20, -10, 0, 10, 20, 30, 40, 50, 60]
  const classes = Object.keys(shape)
  const n = options.samples ?? 3
  const curve = (c: string, i: number) =>
    values.map((v) => {
      const s = shape[c]!
      return Math.abs(v) <= s.width ? (s.high ?? 0.95) - i * 0.01 : (s.low ?? 0.5) - i * 0.01
    })
  const samples = Array.from({ length: n }, (_, i) => ({
    id: `s${i + 1}`,
    scores: { dice: Object.fromEntries(classes.map((c) => [c, curve(c, i)])) },
  }))
  const mean = Object.fromEntries(
    classes.map((c) => [
      c,
      values.map((_, k) => samples.reduce((a, s) => a + (s.scores.dice[c]![k] as number), 0) / n),
    ]),
  )
  return {
    schemaVersion: 1,
    model: options.model ?? 'model',
    transform: {
      name: 'rotate',
      parameter: { name: 'angle', unit: 'deg', neutral: 0, scale: 'linear', defaultRange: [-90, 90], defaultStep: 15 },
      options: {},
    },
    values,
    classes,
    metrics: ['dice'],
    reference: 'truth',
    samples,
    mean: { dice: mean },
    meanCounts: { dice: Object.fromEntries(classes.map((c) => [c, values.map(() => n)])) },
    timing: { totalMs: 1, predictMs: 1, transformMs: 0, scoreMs: 0, predictions: n * values.length },
  }
}
