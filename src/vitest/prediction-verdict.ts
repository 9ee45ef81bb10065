/**
 * A run's predictions against a stored prediction snapshot: which moved (within or beyond the budget), which are new,
 * gone or of another size, and the failure text. Pure over plain data; the stored PNGs are read through `readStored`.
 */
import type { Classes, LabelMap, Raster } from '../core/types.js'
import { stableJson } from '../models/fingerprint.js'
import type { Transform } from '../transforms/transform.js'
import { type PredictionBudget, type PredictionComparison, comparePredictions } from './prediction-compare.js'
import type { PredictionRuntime, PredictionSidecar, StoredPrediction } from './prediction-store.js'

/** One prediction of this run. */
export interface Prediction {
  readonly sample: string
  readonly value?: number
  /** The (transformed) image the model saw, for the diff image. */
  readonly image: Raster
  readonly map: LabelMap
  readonly sha256: string
  /** Its PNG's file name. */
  readonly file: string
}

/** A prediction that moved (beyond the budget, or within it: a near miss). */
export interface Moved {
  readonly prediction: Prediction
  readonly stored: LabelMap
  readonly comparison: PredictionComparison
}

/** A run compared with its snapshot. */
export interface SnapshotVerdict {
  /** Every prediction that differs from its stored one (same size), within budget or not. */
  readonly moved: readonly Moved[]
  /** The moved ones beyond the budget. */
  readonly failing: readonly Moved[]
  /** Predictions with no stored counterpart of the same size (new, or resized): rewritten whole by `-u`. */
  readonly fresh: readonly Prediction[]
  /** Stored predictions this run no longer makes. */
  readonly gone: readonly StoredPrediction[]
  /** Size changes, one text each. */
  readonly sizes: readonly string[]
  /** Class map, new and gone predictions, one text each. */
  readonly structural: readonly string[]
  readonly pass: boolean
}

/** `sa-01 rotate=30`, or `sa-01` without a transform. */
export const predictionLabel = (
  p: { readonly sample: string; readonly value?: number },
  transform: Transform | undefined,
): string => (p.value === undefined || !transform ? p.sample : `${p.sample} ${transform.name}=${p.value}`)

/** The identity of a prediction within one call: its sample and value. */
export const predictionKey = (p: { readonly sample: string; readonly value?: number }): string =>
  `${p.sample}\u0000${p.value ?? ''}`

/** Moved predictions, most changed pixels first. */
export const worstFirst = (list: readonly Moved[]): Moved[] =>
  [...list].sort((a, b) => b.comparison.changed - a.comparison.changed)

/**
 * Compares this run's predictions with the stored snapshot: a prediction whose hash equals the stored one matches
 * without reading its PNG; the others are read and compared on class ids within `budget`.
 */
export async function compareWithSnapshot(
  stored: PredictionSidecar,
  predictions: readonly Prediction[],
  classes: Classes,
  budget: PredictionBudget,
  readStored: (file: string) => Promise<LabelMap>,
  transform: Transform | undefined,
): Promise<SnapshotVerdict> {
  const structural: string[] = []
  if (stableJson(stored.model.classes) !== stableJson(classes))
    structural.push(`class map changed: ${stableJson(stored.model.classes)} -> ${stableJson(classes)}`)
  const byKey = new Map(stored.predictions.map((p) => [predictionKey(p), p]))
  const moved: Moved[] = []
  const fresh: Prediction[] = []
  const sizes: string[] = []
  for (const p of predictions) {
    const s = byKey.get(predictionKey(p))
    byKey.delete(predictionKey(p))
    if (!s) {
      structural.push(`${predictionLabel(p, transform)} is new (not in the snapshot)`)
      fresh.push(p)
      continue
    }
    if (s.sha256 === p.sha256 && s.file === p.file) continue
    const old = await readStored(s.file)
    if (old.width !== p.map.width || old.height !== p.map.height) {
      sizes.push(
        `${predictionLabel(p, transform)}: the stored prediction is ${old.width}x${old.height}, the new one ${p.map.width}x${p.map.height}`,
      )
      fresh.push(p)
      continue
    }
    const comparison = comparePredictions(old, p.map, classes, budget)
    if (comparison.changed > 0 || !comparison.pass) moved.push({ prediction: p, stored: old, comparison })
  }
  const gone = [...byKey.values()]
  for (const s of gone) structural.push(`${predictionLabel(s, transform)} is no longer predicted`)
  const failing = moved.filter((x) => !x.comparison.pass)
  return {
    moved,
    failing,
    fresh,
    gone,
    sizes,
    structural,
    pass: !structural.length && !sizes.length && !failing.length,
  }
}

/** Text of the budgets, e.g. `changed pixels <= 50, Dice vs stored LV >= 0.98`. */
export function budgetText(b: PredictionBudget): string {
  const parts: string[] = []
  if (Number.isFinite(b.maxChangedPixels)) parts.push(`changed pixels <= ${b.maxChangedPixels}`)
  if (Number.isFinite(b.maxChangedRatio)) parts.push(`changed ratio <= ${b.maxChangedRatio}`)
  const dice = Object.entries(b.minDice)
  if (dice.length) parts.push(`Dice vs stored ${dice.map(([n, v]) => `${n} >= ${v}`).join(', ')}`)
  if (b.ignoreBoundary) parts.push(`outside a ${b.ignoreBoundary} px boundary band`)
  return parts.join(', ')
}

/** One line per moved prediction: changed pixels, the classes gained and lost with their Dice, the Dice that failed. */
export function movedLine(m: Moved, transform: Transform | undefined, budget: PredictionBudget): string {
  const c = m.comparison
  const pct = c.compared ? ((100 * c.changed) / c.compared).toFixed(2) : '0'
  const classes = c.classes
    .filter((k) => k.gained || k.lost)
    .map((k) => `${k.className} gained ${k.gained}, lost ${k.lost}, Dice ${k.dice.toFixed(4)}`)
  const below = c.diceFailures.map((k) => `${k.className} ${k.dice.toFixed(4)} < ${budget.minDice[k.className]}`)
  const dice = below.length ? `; Dice below budget: ${below.join(', ')}` : ''
  const allowed = Number.isFinite(c.allowed) ? c.allowed : 'any'
  const moved = classes.length ? `; ${classes.join('; ')}` : ''
  return `${predictionLabel(m.prediction, transform)}: ${c.changed} px changed (${pct} %, allowed ${allowed})${moved}${dice}`
}

/** What the failure text needs besides the verdict. */
export interface FailureContext {
  readonly budget: PredictionBudget
  readonly transform: Transform | undefined
  /** Predictions made in this run. */
  readonly total: number
  readonly stored: PredictionSidecar
  readonly fingerprint: string | undefined
  readonly runtime: PredictionRuntime
}

/**
 * The failure text (without the matcher hint): size changes, structural changes, each prediction that moved beyond
 * the budget (worst first) and the worst, then a note when the model's fingerprint or the runtime differ from the
 * sidecar's (predictions can differ across runtimes and platforms).
 */
export function failureLines(v: SnapshotVerdict, ctx: FailureContext): string[] {
  const lines: string[] = []
  if (v.sizes.length) lines.push('Prediction sizes changed:', ...v.sizes.map((s) => `  ${s}`), '')
  if (v.structural.length)
    lines.push('The snapshot does not cover the same predictions:', ...v.structural.map((s) => `  ${s}`), '')
  const worst = worstFirst(v.failing)
  if (worst.length) {
    lines.push(
      `${worst.length} of ${ctx.total} prediction(s) moved beyond the budget (${budgetText(ctx.budget)}):`,
      ...worst.map((x) => `  ${movedLine(x, ctx.transform, ctx.budget)}`),
    )
    const w = worst[0] as Moved
    lines.push(`Worst: ${predictionLabel(w.prediction, ctx.transform)}, ${w.comparison.changed} px changed.`, '')
  }
  const notes: string[] = []
  const { model, runtime: was } = ctx.stored
  if ((model.fingerprint ?? null) !== (ctx.fingerprint ?? null))
    notes.push(`the model changed (fingerprint ${model.fingerprint ?? 'none'} -> ${ctx.fingerprint ?? 'none'})`)
  if (was && (was.onnxruntime !== ctx.runtime.onnxruntime || was.platform !== ctx.runtime.platform)) {
    notes.push(
      `the snapshot was recorded with onnxruntime ${was.onnxruntime ?? '-'} on ${was.platform}, ` +
        `this run uses onnxruntime ${ctx.runtime.onnxruntime ?? '-'} on ${ctx.runtime.platform}: ` +
        'predictions can differ across runtimes and platforms',
    )
  }
  if (notes.length) lines.push(...notes.map((s) => `Note: ${s}.`), '')
  return lines
}
