import { nameRecord } from '../core/records.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { classIds } from '../core/raster.js'
import type { Classes, LabelMap } from '../core/types.js'
import { type ClassCounts, confusionCounts } from './confusion.js'
import { type BoundaryDistances, checkTolerance, surfaceDistances } from './distance.js'

/**
 * The metrics a sweep can score. Scores in [0, 1], higher is better: the confusion-matrix metrics (`dice`, `iou`,
 * `precision`, `recall`) and `nsd`, the normalised surface distance (surface Dice) at a tolerance: the share of
 * boundary pixels of both masks within the tolerance of the other's boundary (MONAI `SurfaceDiceMetric`).
 * Distances in the truth's spacing units (mm; pixels without spacing), lower is better ({@link DistanceMetricName}):
 * `hd`, `hd95`, `assd`, `masd` (see `boundaryDistances`).
 */
export type MetricName = 'dice' | 'iou' | 'precision' | 'recall' | 'nsd' | DistanceMetricName

/** The boundary distances a sweep can score: lower is better, in the truth's spacing units (mm). */
export type DistanceMetricName = 'hd' | 'hd95' | 'assd' | 'masd'

/** Every {@link MetricName}, in a stable order. */
export const METRIC_NAMES: readonly MetricName[] = Object.freeze([
  'dice',
  'iou',
  'precision',
  'recall',
  'nsd',
  'hd',
  'hd95',
  'assd',
  'masd',
])

/** The {@link DistanceMetricName}s, in a stable order. */
export const DISTANCE_METRIC_NAMES: readonly DistanceMetricName[] = Object.freeze(['hd', 'hd95', 'assd', 'masd'])

/** Whether `metric` is a boundary distance (lower is better, unit mm), as opposed to a score in [0, 1]. */
export function isDistanceMetric(metric: string): metric is DistanceMetricName {
  return (DISTANCE_METRIC_NAMES as readonly string[]).includes(metric)
}

/**
 * Which way a metric improves: `'higher'` for the scores in [0, 1] (a threshold is a `min`), `'lower'` for the
 * distances (a threshold is a `max`, in mm).
 * @example
 * metricDirection('hd95') // 'lower'
 */
export function metricDirection(metric: MetricName): 'higher' | 'lower' {
  return isDistanceMetric(metric) ? 'lower' : 'higher'
}

/** Default NSD tolerance: 1 in the truth's spacing units (mm), or 1 pixel when the truth has no spacing. */
export const DEFAULT_NSD_TOLERANCE = 1

/**
 * What a metric is when its denominator is zero.
 * - `bothEmpty: 'best'` (default, misas and Metrics Reloaded DSC): a class absent from both prediction and
 *   truth scores 1: the model was right not to predict it. `'nan'` (MONAI `ignore_empty=False` aside,
 *   MONAI's default) scores NaN, which sweeps store as `null` and means skip.
 * - One side empty is always 0 for every overlap metric (Dice/IoU: no overlap; precision with an empty
 *   prediction and recall with an empty truth: the case is a miss, never silently dropped).
 */
export interface EmptyPolicy {
  readonly bothEmpty: 'best' | 'nan'
}

/** The default {@link EmptyPolicy}: absent from both -> 1, one side empty -> 0. */
export const DEFAULT_EMPTY_POLICY: EmptyPolicy = Object.freeze({ bothEmpty: 'best' })

/** Dice = 2TP / (2TP + FP + FN). */
export function dice(c: ClassCounts, policy: EmptyPolicy = DEFAULT_EMPTY_POLICY): number {
  const d = 2 * c.tp + c.fp + c.fn
  return d === 0 ? bothEmptyValue(policy) : (2 * c.tp) / d
}

/** IoU (Jaccard) = TP / (TP + FP + FN). */
export function iou(c: ClassCounts, policy: EmptyPolicy = DEFAULT_EMPTY_POLICY): number {
  const d = c.tp + c.fp + c.fn
  return d === 0 ? bothEmptyValue(policy) : c.tp / d
}

/** Precision = TP / (TP + FP); an empty prediction of a present class is 0. */
export function precision(c: ClassCounts, policy: EmptyPolicy = DEFAULT_EMPTY_POLICY): number {
  const d = c.tp + c.fp
  if (d > 0) return c.tp / d
  return c.fn === 0 ? bothEmptyValue(policy) : 0
}

/** Recall (sensitivity) = TP / (TP + FN); a predicted class absent from the truth is 0. */
export function recall(c: ClassCounts, policy: EmptyPolicy = DEFAULT_EMPTY_POLICY): number {
  const d = c.tp + c.fn
  if (d > 0) return c.tp / d
  return c.fp === 0 ? bothEmptyValue(policy) : 0
}

function bothEmptyValue(policy: EmptyPolicy): number {
  return policy.bothEmpty === 'nan' ? Number.NaN : 1
}

/** The confusion-count metrics, by name. */
export const COUNT_METRICS: Readonly<
  Record<Exclude<MetricName, 'nsd' | DistanceMetricName>, (c: ClassCounts, p: EmptyPolicy) => number>
> = { dice, iou, precision, recall }

/** Options of {@link scoreMasks}. */
export interface ScoreOptions {
  /** Class id -> name of the classes to score (id 0 only with `includeBackground`). */
  readonly classes: Classes
  /** Metrics to compute; default `['dice']`. */
  readonly metrics?: readonly MetricName[]
  /** Zero-denominator policy; default {@link DEFAULT_EMPTY_POLICY}. */
  readonly emptyPolicy?: EmptyPolicy
  /** Score class id 0 too when it is named in `classes`. Default false. */
  readonly includeBackground?: boolean
  /** NSD tolerance in the truth's spacing units (pixels without spacing), inclusive; default {@link DEFAULT_NSD_TOLERANCE}. */
  readonly nsdTolerance?: number
}

const SCORE_OPTION_KEYS = optionKeys<ScoreOptions>({
  classes: true,
  metrics: true,
  emptyPolicy: true,
  includeBackground: true,
  nsdTolerance: true,
})

/** Throws `E_BAD_PARAMETER` unless every entry is a known {@link MetricName}. */
export function checkMetricNames(metrics: readonly unknown[]): asserts metrics is readonly MetricName[] {
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw new SegsenseError(
      !Array.isArray(metrics) ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `metrics must be a non-empty array of ${METRIC_NAMES.join(', ')}, got ${describeValue(metrics)}`,
    )
  }
  for (const m of metrics) {
    if (!(METRIC_NAMES as readonly unknown[]).includes(m)) {
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `unknown metric ${describeValue(m)}; expected one of ${METRIC_NAMES.join(', ')}`,
        { details: { metric: m } },
      )
    }
  }
}

/**
 * Scores a predicted mask against the truth, per metric and class, from one pass over both masks (and one boundary
 * distance computation per class when `nsd` or a distance is asked for).
 *
 * @returns `{ [metric]: { [className]: score } }`, scores in [0, 1] (NaN only with `bothEmpty: 'nan'`); distances
 *   in the truth's spacing units: 0 (or NaN under `bothEmpty: 'nan'`) when neither mask holds the class, `+Infinity`
 *   when exactly one does (sweeps store it as `null`, and it never passes a `max`).
 * @throws SegsenseError `E_SIZE_MISMATCH` when the masks differ in size, `E_BAD_PARAMETER` for an unknown metric.
 * @example
 * scoreMasks(pred, truth, { classes: { 1: 'RV', 2: 'MYO', 3: 'LV' }, metrics: ['dice', 'iou'] }).dice.LV
 */
export function scoreMasks(
  prediction: LabelMap,
  truth: LabelMap,
  options: ScoreOptions,
): Record<MetricName, Record<string, number>> {
  checkKnownKeys(options, SCORE_OPTION_KEYS, 'scoreMasks options')
  const metrics = options.metrics ?? ['dice']
  checkMetricNames(metrics)
  const policy = options.emptyPolicy ?? DEFAULT_EMPTY_POLICY
  const ids = classIds(options.classes, options.includeBackground ?? false)
  const counts = confusionCounts(prediction, truth, ids)
  const out = {} as Record<MetricName, Record<string, number>>
  const surface = metrics.some((m) => m === 'nsd' || isDistanceMetric(m))
    ? surfacePerClass(prediction, truth, options, policy)
    : null
  for (const m of metrics) {
    if (m === 'nsd' || isDistanceMetric(m)) {
      const perClass: Record<string, number> = nameRecord()
      for (const [name, d] of Object.entries(surface as Record<string, BoundaryDistances>))
        perClass[name] = sweepDistance(d, m)
      out[m] = perClass
      continue
    }
    const fn = COUNT_METRICS[m]
    const perClass: Record<string, number> = nameRecord()
    for (const id of ids) perClass[options.classes[id] as string] = fn(counts.get(id) as ClassCounts, policy)
    out[m] = perClass
  }
  return out
}

/**
 * A sweep's value of `nsd` or a distance metric from a class's {@link BoundaryDistances} (computed with the empty
 * policy `{ bothEmpty, oneEmpty: 'worst' }`): NSD as computed (one side empty -> 0); a distance is `+Infinity` when
 * exactly one mask holds the class (no finite distance exists, and a cap such as the image diagonal could pass a
 * loose `max`).
 */
export function sweepDistance(d: BoundaryDistances, metric: 'nsd' | DistanceMetricName): number {
  if (metric === 'nsd') return d.nsd
  return d.case === 'predictionEmpty' || d.case === 'truthEmpty' ? Number.POSITIVE_INFINITY : d[metric]
}

// Boundary distances per class with the overlap metrics' empty policy: absent from both -> best or NaN.
function surfacePerClass(
  prediction: LabelMap,
  truth: LabelMap,
  options: ScoreOptions,
  policy: EmptyPolicy,
): Record<string, BoundaryDistances> {
  const tolerance = options.nsdTolerance ?? DEFAULT_NSD_TOLERANCE
  checkTolerance(tolerance, 'nsdTolerance')
  return surfaceDistances(prediction, truth, options.classes, {
    tolerance,
    includeBackground: options.includeBackground ?? false,
    emptyPolicy: { bothEmpty: policy.bothEmpty, oneEmpty: 'worst' },
  })
}
