import { nameRecord } from '../core/records.js'
import type { MetricName } from '../metrics/overlap.js'
import type { ClassCurves, Score, ScoreCounts, ScoreTable } from './sweep-result.js'

/** A mean curve and, per value, how many scores it averaged (MONAI's reducers return this count as `not_nans`). */
export interface MeanCurve {
  readonly mean: Score[]
  readonly count: number[]
}

/**
 * The mean over curves at each index, skipping undefined (NaN) scores, with the number averaged; `null` where
 * every score is undefined (count 0). A mean over 1 of 20 samples then reads as such, not as a mean over 20.
 * An infinite score (a distance where exactly one mask holds the class) is averaged, not skipped: the mean is
 * infinite, stored as `null` with a count > 0, so a missed class can never vanish from a mean that then passes.
 */
export function meanCurve(curves: readonly Float64Array[], length: number): MeanCurve {
  const mean: Score[] = new Array<Score>(length)
  const count: number[] = new Array<number>(length)
  for (let k = 0; k < length; k++) {
    let sum = 0
    let c = 0
    for (const curve of curves) {
      const v = curve[k] as number
      if (!Number.isNaN(v)) {
        sum += v
        c++
      }
    }
    mean[k] = c > 0 && Number.isFinite(sum) ? sum / c : null
    count[k] = c
  }
  return { mean, count }
}

/** Scores of one curve as JSON (`null` for NaN). */
export function toScores(curve: Float64Array): Score[] {
  return Array.from(curve, (v) => (Number.isFinite(v) ? v : null))
}

/**
 * Reduces raw per-sample scores (`raw[sample][metric][class][value]`, NaN = undefined) to per-sample JSON
 * curves, the mean curves over samples, and how many samples each mean value averaged.
 */
export function reduceScores(
  raw: readonly (readonly (readonly Float64Array[])[])[],
  metrics: readonly MetricName[],
  classNames: readonly string[],
  length: number,
): { samples: ScoreTable[]; mean: ScoreTable; meanCounts: ScoreCounts } {
  const samples = raw.map((table) => {
    const scores: ScoreTable = nameRecord()
    metrics.forEach((m, mi) => {
      const curves: ClassCurves = nameRecord()
      classNames.forEach((c, ci) => (curves[c] = toScores(table[mi]?.[ci] as Float64Array)))
      scores[m] = curves
    })
    return scores
  })
  const mean: ScoreTable = nameRecord()
  const meanCounts: ScoreCounts = nameRecord()
  metrics.forEach((m, mi) => {
    const curves: ClassCurves = nameRecord()
    const counts: Record<string, number[]> = nameRecord()
    classNames.forEach((c, ci) => {
      const reduced = meanCurve(
        raw.map((table) => table[mi]?.[ci] as Float64Array),
        length,
      )
      curves[c] = reduced.mean
      counts[c] = reduced.count
    })
    mean[m] = curves
    meanCounts[m] = counts
  })
  return { samples, mean, meanCounts }
}
