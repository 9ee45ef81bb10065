import { checkObject } from '../core/validate.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import type { MetricName } from '../metrics/overlap.js'
import type { RequirementDefaults, Threshold } from '../requirements/plan.js'

/** When a matcher attaches its chart to the test report. */
export type AttachPolicy = 'on-failure' | 'always' | 'never'

/**
 * Project-wide defaults of the segsense matchers, set with {@link configureSegsense}: every requirement option of
 * `toBeRobustTo` but the grid (`min`, `metric`, `reference`, `emptyPolicy`, `aggregate`, `nsdTolerance`,
 * `scoreClasses`, `batchSize`, `batchTimeout`, ...; applied by `planRequirement`, under the options of the call),
 * plus the samples, the chart policy and the snapshot settings.
 */
export interface SegsenseDefaults extends RequirementDefaults {
  /** Samples used when a matcher call gives none. */
  readonly samples?: readonly Sample[]
  /** Default threshold of `toBeRobustTo` on `metric` (number or per class name). */
  readonly min?: Threshold
  /** Default threshold in mm of `toBeRobustTo` when `metric` is a distance (`hd`, `hd95`, `assd`, `masd`). */
  readonly max?: Threshold
  /** @deprecated Use `min`; an alias valid only with the default metric `dice`. Removed in 1.0. */
  readonly minDice?: Threshold
  /** Metric checked by `toBeRobustTo` and stored by `toMatchSweepSnapshot`; default `dice`. */
  readonly metric?: MetricName
  /** Chart attachment policy; default `on-failure`. */
  readonly attach?: AttachPolicy
  /** Sweep snapshots: largest absolute score difference that still matches; default 0.02. */
  readonly scoreTolerance?: number
  /** @deprecated Renamed `scoreTolerance` (a score difference, not a distance); removed in 1.0. */
  readonly tolerance?: number
  /** Sweep snapshots: threshold of the stable intervals written in the header (never a gate); default 0.8. */
  readonly intervalMin?: number
  /** @deprecated Renamed `intervalMin`; removed in 1.0. */
  readonly snapshotMin?: number
}

/** The keys of {@link SegsenseDefaults}. */
const DEFAULT_KEYS = optionKeys<SegsenseDefaults>({
  samples: true,
  min: true,
  max: true,
  minDice: true,
  metric: true,
  attach: true,
  batchSize: true,
  scoreTolerance: true,
  tolerance: true,
  intervalMin: true,
  snapshotMin: true,
  nsdTolerance: true,
  scoreClasses: true,
  classes: true,
  aggregate: true,
  reference: true,
  emptyPolicy: true,
  batchTimeout: true,
  confidence: true,
  resamples: true,
  seed: true,
  repeats: true,
  confusion: true,
  refine: true,
})

let current: SegsenseDefaults = {}

/**
 * Sets defaults for every later segsense matcher call in this test worker (call it in a setup file). Merges with
 * the defaults already set; pass `{ samples: undefined }` to clear one.
 *
 * @example
 * configureSegsense({ samples: await loadFixtureSamples('cardiac'), min: 0.85, attach: 'always' })
 */
export function configureSegsense(defaults: SegsenseDefaults): void {
  checkObject('configureSegsense: defaults', defaults)
  checkKnownKeys(defaults, DEFAULT_KEYS, 'configureSegsense')
  current = { ...current, ...defaults }
}

/** The defaults set by {@link configureSegsense}. */
export function segsenseDefaults(): SegsenseDefaults {
  return current
}
