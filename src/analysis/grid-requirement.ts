import { SegsenseError, describeValue } from '../core/errors.js'
import { type MetricName, isDistanceMetric } from '../metrics/overlap.js'
import type { GridResult } from '../results/grid-result.js'
import { type Requirement, requirementThresholds } from './requirement.js'
import type { Score } from '../results/sweep-result.js'
import { type StableRegion, stableRegion } from './stable-region.js'

/** One grid cell that missed its threshold. `sample` is null for the mean grid. */
export interface GridFailure {
  readonly className: string
  readonly sample: string | null
  /** The cell's indices `[i, j]` and values `[axes[0].values[i], axes[1].values[j]]`. */
  readonly cell: readonly [number, number]
  readonly values: readonly [number, number]
  readonly score: Score
  readonly min: number
}

/** The verdict of {@link evaluateGridRequirement} for one class. */
export interface GridClassVerdict {
  readonly className: string
  readonly min: number
  readonly pass: boolean
  /** The stable region of the mean grid at `min` (null when the neutral cell fails). */
  readonly region: StableRegion | null
  /** Samples whose own grid fails somewhere (`aggregate: 'each'`; empty for `mean`). */
  readonly failingSamples: string[]
}

/** What {@link evaluateGridRequirement} returns: plain JSON. */
export interface GridVerdict {
  readonly pass: boolean
  readonly metric: MetricName
  readonly aggregate: 'mean' | 'each'
  readonly classes: GridClassVerdict[]
  /** Every failing (class, sample, cell), in class, sample, then row-major cell order. */
  readonly failures: GridFailure[]
}

/**
 * Checks a grid against a requirement: passes when every cell meets the threshold for every checked class (an
 * undefined score never passes), on the mean grid (`aggregate: 'mean'`) or on every sample's (`'each'`). Each
 * class also gets its stable region at its threshold, so that a failure can say what did hold.
 * @throws SegsenseError `E_BAD_PARAMETER` for a metric the grid lacks, an unknown class or a bad threshold.
 */
export function evaluateGridRequirement(result: GridResult, requirement: Requirement): GridVerdict {
  const metric = requirement.metric ?? 'dice'
  const aggregate = requirement.aggregate ?? 'mean'
  if (aggregate !== 'mean' && aggregate !== 'each')
    throw new SegsenseError('E_OUT_OF_RANGE', `aggregate must be 'mean' or 'each', got ${describeValue(aggregate)}`)
  if (!result.metrics.includes(metric))
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `metric ${JSON.stringify(metric)} was not computed by the grid (metrics: ${result.metrics.join(', ')})`,
    )
  if (isDistanceMetric(metric))
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `grids gate scores with min; ${metric} is a distance (max), not supported in grids yet`,
    )
  const thresholds = requirementThresholds(result, requirement)
  const [va, vb] = [result.axes[0].values, result.axes[1].values]
  const failures: GridFailure[] = []
  const classes: GridClassVerdict[] = []
  for (const [className, min] of thresholds) {
    const grids =
      aggregate === 'mean'
        ? [{ sample: null, grid: result.mean[metric]?.[className] ?? [] }]
        : result.samples.map((s) => ({ sample: s.id, grid: s.scores[metric]?.[className] ?? [] }))
    const failingSamples: string[] = []
    let pass = true
    for (const { sample, grid } of grids) {
      let fails = false
      va.forEach((a, i) =>
        vb.forEach((b, j) => {
          const score = grid[i]?.[j] ?? null
          if (score === null || !(score >= min)) {
            failures.push({ className, sample, cell: [i, j], values: [a, b], score, min })
            fails = true
          }
        }),
      )
      if (fails) {
        pass = false
        if (sample !== null) failingSamples.push(sample)
      }
    }
    classes.push({ className, min, pass, region: stableRegion(result, { className, metric, min }), failingSamples })
  }
  return { pass: classes.every((c) => c.pass), metric, aggregate, classes, failures }
}
