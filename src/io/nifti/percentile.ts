/** Percentiles of a volume for the NIfTI window: exact by counting for integer types, by quickselect otherwise. */
import type { NumericArray } from './decode.js'

/**
 * Percentiles (numpy's linear interpolation) of integer values from a histogram: exact, O(n), no copy. Undefined
 * when the values span more than 2^20 integers (then {@link percentile} selects on a copy).
 */
export function integerPercentiles(values: NumericArray, qs: readonly number[]): number[] | undefined {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v < min) min = v
    if (v > max) max = v
  }
  if (!(max - min < 1 << 20)) return undefined
  const counts = new Float64Array(max - min + 1)
  for (let i = 0; i < values.length; i++) {
    const b = (values[i] as number) - min
    counts[b] = (counts[b] as number) + 1
  }
  // The value of order statistic r (0-based): walk the cumulative counts.
  const orderStat = (r: number): number => {
    let seen = 0
    for (let b = 0; b < counts.length; b++) {
      seen += counts[b] as number
      if (seen > r) return b + min
    }
    return max
  }
  return qs.map((q) => {
    const pos = (values.length - 1) * q
    const lo = Math.floor(pos)
    const a = orderStat(lo)
    return pos === lo ? a : a + (orderStat(lo + 1) - a) * (pos - lo)
  })
}

/** The k-th smallest value of `values` (0-based), by quickselect; reorders `values`. */
function select(values: Float32Array, k: number): number {
  let lo = 0
  let hi = values.length - 1
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1] as number
    let i = lo
    let j = hi
    while (i <= j) {
      while ((values[i] as number) < pivot) i++
      while ((values[j] as number) > pivot) j--
      if (i <= j) {
        const t = values[i] as number
        values[i++] = values[j] as number
        values[j--] = t
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return values[k] as number
  }
  return values[k] as number
}

/** Percentile q (0..1) with linear interpolation between order statistics, as numpy's default; reorders `values`. */
export function percentile(values: Float32Array, q: number): number {
  const pos = (values.length - 1) * q
  const lo = Math.floor(pos)
  const a = select(values, lo)
  if (pos === lo) return a
  // After selecting lo, every value above index lo is >= a: the next order statistic is their minimum.
  let b = Infinity
  for (let i = lo + 1; i < values.length; i++) if ((values[i] as number) < b) b = values[i] as number
  return a + (b - a) * (pos - lo)
}
