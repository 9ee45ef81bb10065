/**
 * The comparison core of `toMatchPredictionSnapshot`: two label maps of one sample compared exactly on class ids
 * (confusion counts, never a colour distance), then judged against the budgets. Pure functions over plain data.
 */
import { createHash } from 'node:crypto'
import type { Classes, LabelMap } from '../core/types.js'

/** The budgets of one prediction snapshot (resolved: every field set). */
export interface PredictionBudget {
  /** Largest number of changed pixels (after the boundary band is left out); Infinity when not limited. */
  readonly maxChangedPixels: number
  /** Largest fraction of the compared pixels that may change, 0..1; Infinity when not limited. */
  readonly maxChangedRatio: number
  /** Smallest Dice per class name between the stored and the new prediction (classes not named: not checked). */
  readonly minDice: Readonly<Record<string, number>>
  /** Half width k of the boundary band left out of the comparison; 0 compares every pixel. */
  readonly ignoreBoundary: number
}

/** One class's change between the stored and the new prediction. */
export interface ClassChange {
  readonly className: string
  /** Pixels of the class in the new prediction that were another label in the stored one. */
  readonly gained: number
  /** Pixels of the class in the stored prediction that are another label in the new one. */
  readonly lost: number
  /** Dice of the class between the stored and the new prediction (1 when the class is in neither). */
  readonly dice: number
}

/** The comparison of one new prediction with its stored one. */
export interface PredictionComparison {
  /** Pixels compared (all, or those outside the boundary band). */
  readonly compared: number
  /** Compared pixels whose class id differs. */
  readonly changed: number
  /** The changed-pixel budget that applied: the stricter of the count and the ratio. */
  readonly allowed: number
  /** Per class of the model's map (background included when it has a name), in id order. */
  readonly classes: readonly ClassChange[]
  /** Classes below their `minDice`. */
  readonly diceFailures: readonly ClassChange[]
  readonly pass: boolean
}

/** SHA-256 (hex) of a label map's size and ids: equal hashes mean identical predictions, with no per-pixel work. */
export function labelMapHash(map: LabelMap): string {
  const h = createHash('sha256')
  h.update(`${map.width}x${map.height}:${map.data.BYTES_PER_ELEMENT}:`)
  h.update(new Uint8Array(map.data.buffer, map.data.byteOffset, map.data.byteLength))
  return h.digest('hex')
}

/**
 * The boundary band of a stored prediction: 1 for every pixel within Chebyshev distance `k - 1` of a boundary pixel,
 * a boundary pixel being one with a 4-neighbour of another label (so the band is k pixels deep on each side of a
 * class edge). `k = 0` gives no band. A square dilation done as a row pass then a column pass, O(pixels).
 */
export function boundaryBand(map: LabelMap, k: number): Uint8Array {
  const { width: w, height: h, data } = map
  const band = new Uint8Array(w * h)
  if (k <= 0) return band
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const v = data[i]
      if (
        (x > 0 && data[i - 1] !== v) ||
        (x < w - 1 && data[i + 1] !== v) ||
        (y > 0 && data[i - w] !== v) ||
        (y < h - 1 && data[i + w] !== v)
      )
        band[i] = 1
    }
  }
  const r = k - 1
  if (r === 0) return band
  const rows = dilate1d(band, w, h, r, 1, w)
  return dilate1d(rows, h, w, r, w, 1)
}

// One-dimensional dilation by radius r along lines of `len` pixels (stride `step`), `lines` lines `next` apart:
// the distance to the last marked pixel from each side, in two passes.
function dilate1d(src: Uint8Array, len: number, lines: number, r: number, step: number, next: number): Uint8Array {
  const out = new Uint8Array(src.length)
  for (let l = 0; l < lines; l++) {
    const base = l * next
    let last = -Infinity
    for (let t = 0; t < len; t++) {
      const i = base + t * step
      if (src[i]) last = t
      if (t - last <= r) out[i] = 1
    }
    last = Infinity
    for (let t = len - 1; t >= 0; t--) {
      const i = base + t * step
      if (src[i]) last = t
      if (last - t <= r) out[i] = 1
    }
  }
  return out
}

/**
 * Per class id, the pixels of the stored and the new prediction and those kept (both the id), outside `band`: one
 * pass over the pixels, histograms sized by the largest id seen.
 */
function histograms(
  s: LabelMap['data'],
  p: LabelMap['data'],
  classes: Classes,
  band: Uint8Array | undefined,
): { inStored: Float64Array; inNew: Float64Array; kept: Float64Array; compared: number } {
  let maxId = 0
  for (const id of Object.keys(classes)) maxId = Math.max(maxId, Number(id))
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) > maxId) maxId = s[i] as number
    if ((p[i] as number) > maxId) maxId = p[i] as number
  }
  const inStored = new Float64Array(maxId + 1)
  const inNew = new Float64Array(maxId + 1)
  const kept = new Float64Array(maxId + 1)
  let compared = 0
  for (let i = 0; i < s.length; i++) {
    if (band && band[i]) continue
    const a = s[i] as number
    const b = p[i] as number
    compared++
    inStored[a]!++
    inNew[b]!++
    if (a === b) kept[a]!++
  }
  return { inStored, inNew, kept, compared }
}

/**
 * Compares a new prediction with the stored one (same size: the caller checks) on class ids: per class the pixels
 * gained and lost and the Dice against the stored prediction, the changed pixels, and the verdict against `budget`.
 * Pixels in the stored prediction's boundary band (`budget.ignoreBoundary`) count nowhere.
 */
export function comparePredictions(
  stored: LabelMap,
  now: LabelMap,
  classes: Classes,
  budget: PredictionBudget,
): PredictionComparison {
  const band = budget.ignoreBoundary > 0 ? boundaryBand(stored, budget.ignoreBoundary) : undefined
  const { inStored, inNew, kept, compared } = histograms(stored.data, now.data, classes, band)
  let same = 0
  for (const k of kept) same += k
  const changed = compared - same
  const ids = Object.keys(classes)
    .map(Number)
    .filter((id) => Number.isInteger(id) && id >= 0)
    .sort((a, b) => a - b)
  const changes: ClassChange[] = ids.map((id) => {
    const tp = kept[id] as number
    const total = (inStored[id] as number) + (inNew[id] as number)
    return {
      className: classes[id] as string,
      gained: (inNew[id] as number) - tp,
      lost: (inStored[id] as number) - tp,
      dice: total === 0 ? 1 : (2 * tp) / total,
    }
  })
  const byRatio = Number.isFinite(budget.maxChangedRatio) ? Math.floor(budget.maxChangedRatio * compared) : Infinity
  const allowed = Math.min(budget.maxChangedPixels, byRatio)
  const diceFailures = changes.filter(
    (c) => budget.minDice[c.className] !== undefined && c.dice < (budget.minDice[c.className] as number),
  )
  return {
    compared,
    changed,
    allowed,
    classes: changes,
    diceFailures,
    pass: changed <= allowed && diceFailures.length === 0,
  }
}
