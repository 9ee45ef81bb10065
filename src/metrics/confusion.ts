import { assertSameSize } from '../core/raster.js'
import type { LabelMap } from '../core/types.js'

/**
 * Per-class pixel counts from one pass over a prediction/truth pair. For class c:
 * TP = |P ∩ G|, FP = |P \ G|, FN = |G \ P| with P = (prediction == c), G = (truth == c).
 */
export interface ClassCounts {
  readonly tp: number
  readonly fp: number
  readonly fn: number
}

/**
 * Counts TP/FP/FN for every class id in `ids` in a single pass over both masks (a confusion matrix
 * restricted to the diagonal and its row/column sums, so memory is O(max id), not O(ids²)).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when the masks differ in size.
 */
export function confusionCounts(
  prediction: LabelMap,
  truth: LabelMap,
  ids: readonly number[],
): Map<number, ClassCounts> {
  assertSameSize(prediction, truth, 'prediction and truth')
  const p = prediction.data
  const g = truth.data
  // Histograms indexed by id: sized by the largest id seen so 16-bit masks stay cheap.
  let maxId = 0
  for (const id of ids) if (id > maxId) maxId = id
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number
    const b = g[i] as number
    if (a > maxId) maxId = a
    if (b > maxId) maxId = b
  }
  const predCount = new Float64Array(maxId + 1)
  const truthCount = new Float64Array(maxId + 1)
  const hits = new Float64Array(maxId + 1)
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number
    const b = g[i] as number
    predCount[a]!++
    truthCount[b]!++
    if (a === b) hits[a]!++
  }
  const out = new Map<number, ClassCounts>()
  for (const id of ids) {
    const tp = hits[id] as number
    out.set(id, { tp, fp: (predCount[id] as number) - tp, fn: (truthCount[id] as number) - tp })
  }
  return out
}

/**
 * Adds the class confusion counts of one prediction/truth pair to `into`, a row-major `size x size` matrix (row:
 * the truth's class, column: the predicted class). `index[id]` is the row/column of class id `id`, or -1; pixels
 * whose truth or predicted id has no row (an id `index` does not list) are not counted. One pass, no allocation.
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when the masks differ in size.
 */
export function addConfusion(
  prediction: LabelMap,
  truth: LabelMap,
  index: Int32Array,
  size: number,
  into: Float64Array,
): void {
  assertSameSize(prediction, truth, 'prediction and truth')
  const p = prediction.data
  const g = truth.data
  const n = index.length
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number
    const b = g[i] as number
    if (a >= n || b >= n) continue
    const col = index[a] as number
    const row = index[b] as number
    if (row >= 0 && col >= 0) into[row * size + col]!++
  }
}
