import type { MetricName } from '../metrics/overlap.js'
import type { Sample } from '../core/types.js'

/** When a matcher attaches its chart to the test report. */
export type AttachPolicy = 'on-failure' | 'always' | 'never'

/** Project-wide defaults of the segsense matchers, set with {@link configureSegsense}. */
export interface SegsenseDefaults {
  /** Samples used when a matcher call gives none. */
  readonly samples?: readonly Sample[]
  /** Default threshold for `toBeRobustTo` (number or per class name). */
  readonly minDice?: number | Readonly<Record<string, number>>
  /** Metric checked by `toBeRobustTo` and stored by `toMatchSweepSnapshot`; default `dice`. */
  readonly metric?: MetricName
  /** Chart attachment policy; default `on-failure`. */
  readonly attach?: AttachPolicy
  /** Images per model call; default 16. */
  readonly batchSize?: number
  /** Snapshot tolerance (absolute score difference); default 0.02. */
  readonly tolerance?: number
  /** Threshold of the stable intervals recorded in sweep snapshots; default 0.8. */
  readonly snapshotMin?: number
}

let current: SegsenseDefaults = {}

/**
 * Sets defaults for every later segsense matcher call in this test worker (call it in a setup file). Merges with
 * the defaults already set; pass `{ samples: undefined }` to clear one.
 *
 * @example
 * configureSegsense({ samples: await loadFixtureSamples('cardiac'), minDice: 0.85, attach: 'always' })
 */
export function configureSegsense(defaults: SegsenseDefaults): void {
  current = { ...current, ...defaults }
}

/** The defaults set by {@link configureSegsense}. */
export function segsenseDefaults(): SegsenseDefaults {
  return current
}
