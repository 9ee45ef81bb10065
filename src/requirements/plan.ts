import { SegsenseError } from '../core/errors.js'
import { aliased, checkKnownKeys, optionKeys } from '../core/options.js'
import { checkChoice, checkObject, reject, rejectCombination } from '../core/validate.js'
import { DEFAULT_BATCH_SIZE } from '../models/model.js'
import { type EmptyPolicy, type MetricName, checkMetricNames, isDistanceMetric } from '../metrics/overlap.js'
import type { GridOptions } from '../results/values.js'
import { bootstrapSettings } from '../analysis/stats/bootstrap.js'
import type { RefineOptions } from '../sweep/types.js'
import type { Requirement } from '../analysis/requirement.js'
import { thresholdKey, wrongKey } from '../analysis/threshold.js'
import type { SweepOptions } from '../sweep/types.js'
import type { Transform } from '../transforms/transform.js'

/** A threshold: one for all checked classes, or per class name (`{ LV: 0.9, MYO: 0.8 }`). */
export type Threshold = number | Readonly<Record<string, number>>

/**
 * A robustness requirement in the words every entry point uses: `toBeRobustTo`, a spec file's requirement and
 * `segsense sweep --check` all take these keys (the spec schema is tested against this type).
 */
export interface RequirementOptions extends GridOptions {
  /** Threshold on a score `metric` (in [0, 1], higher is better), one for all classes or per class name. */
  readonly min?: Threshold
  /**
   * Threshold on a distance `metric` (`hd`, `hd95`, `assd`, `masd`: mm, lower is better), in place of `min`:
   * `{ metric: 'hd95', max: 5 }` or per class `{ max: { LV: 5 } }`.
   */
  readonly max?: Threshold
  /**
   * @deprecated Use `min`. Kept for one release as an alias of `min` that is valid only with `metric: 'dice'`
   * (the default): with any other metric it is an error, never a silent gate on that metric.
   */
  readonly minDice?: Threshold
  /** Metric to check; default `dice`. */
  readonly metric?: MetricName
  /** Tolerance of `metric: 'nsd'` in the truth's spacing units (pixels without spacing); default 1. */
  readonly nsdTolerance?: number
  /** Class names to check; default every class with a threshold (every scored class for a single number). */
  readonly scoreClasses?: readonly string[]
  /** @deprecated Renamed `scoreClasses` (`classes` is the model's id -> name map); removed in 1.0. */
  readonly classes?: readonly string[]
  /** `mean` (default): the mean curve over samples must pass; `each`: every sample must pass. */
  readonly aggregate?: 'mean' | 'each'
  /** Score against the truth (default) or the model's own clean prediction. */
  readonly reference?: 'truth' | 'prediction'
  /** Images per model call; default {@link DEFAULT_BATCH_SIZE}. */
  readonly batchSize?: number
  /**
   * What a score is where the reference and the prediction are both empty at a swept value: `'best'` (default) 1,
   * `'nan'` undefined (skipped by the means, never a pass). `{ bothEmpty }` as `sweep` takes it works too. A class
   * absent from the untransformed reference is never scored, whatever the policy.
   */
  readonly emptyPolicy?: EmptyPolicy['bothEmpty'] | EmptyPolicy
  /** Milliseconds one model call (one batch) may take before the sweep fails with `E_TIMEOUT`; default no limit. */
  readonly batchTimeout?: number
  /**
   * Two-sided confidence level in (0, 1), e.g. 0.95: the lower bound of the mean's percentile bootstrap band over
   * samples must meet the threshold (not the mean itself). Applies to the mean: an error with `aggregate: 'each'`.
   * Default: none (the mean curve is checked).
   */
  readonly confidence?: number
  /** Bootstrap replicates of `confidence`, an integer in 100..1000000; default 2000. */
  readonly resamples?: number
  /** Seed of the bootstrap and of the draws of `repeats`, an integer in 0..2^32-1; default 0. */
  readonly seed?: number
  /**
   * Seeded draws per swept value of a random transform (noise, elastic, the random corruptions): the score of a
   * sample is the mean over its draws. Default 1 (the transform as configured); > 1 with a deterministic transform
   * is an error when given on the requirement, and ignored when it comes from defaults.
   */
  readonly repeats?: number
  /**
   * Keep the class confusion counts per value in the result (`result.confusion`; the report draws them). Default
   * false. `toBeRobustTo` counts them anyway to name the class that takes over in its message.
   */
  readonly confusion?: boolean
  /**
   * Refine the stable interval after the grid: bisect each crossing of the threshold (`min` on `metric`, per
   * `aggregate`) until its bracket is at most `tolerance` wide (the parameter's unit). Refinement only adds values,
   * so it can only add failures: a gate that passes refined passes on its grid too.
   */
  readonly refine?: RequirementRefine
}

/** The `refine` option of a requirement: the thresholds come from the requirement itself. */
export interface RequirementRefine {
  /** Largest bracket width left around a crossing, in the parameter's unit; > 0. */
  readonly tolerance: number
}

/**
 * Defaults a planner falls back on, key by key, with the same rules: every requirement option but the grid (a
 * grid belongs to one transform). The matchers pass those of `configureSegsense`, a spec its `defaults`.
 */
export type RequirementDefaults = Omit<RequirementOptions, keyof GridOptions>

// Every key of RequirementDefaults (the compiler checks the list is complete).
const DEFAULT_KEY_SET = {
  min: true,
  max: true,
  minDice: true,
  metric: true,
  nsdTolerance: true,
  scoreClasses: true,
  classes: true,
  aggregate: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  batchTimeout: true,
  confidence: true,
  resamples: true,
  seed: true,
  repeats: true,
  confusion: true,
  refine: true,
} as const satisfies { readonly [K in keyof Required<RequirementDefaults>]: true }
const DEFAULT_KEYS = optionKeys<RequirementDefaults>(DEFAULT_KEY_SET) as readonly (keyof RequirementDefaults)[]

// Alias pairs count as one option: a threshold given as minDice hides a default min, and so on.
const ALIASES: readonly (readonly [keyof RequirementDefaults, keyof RequirementDefaults])[] = [
  ['min', 'minDice'],
  ['scoreClasses', 'classes'],
]

/** Only the requirement-default keys of `options` (e.g. of `configureSegsense`'s defaults), without undefined values. */
export function defaultsOf(options: RequirementDefaults): RequirementDefaults {
  const out: Record<string, unknown> = {}
  for (const key of DEFAULT_KEYS) if (options[key] !== undefined) out[key] = options[key]
  return out
}

/**
 * `options` with every unset requirement option taken from `defaults` (a spec's `defaults` under its requirements,
 * or one layer of defaults under another). An option given under either of its names (`min`/`minDice`,
 * `scoreClasses`/`classes`) takes neither name from the defaults.
 */
export function withDefaults<T extends RequirementDefaults>(options: T, defaults: RequirementDefaults): T {
  const out: Record<string, unknown> = { ...options }
  for (const key of DEFAULT_KEYS) {
    if (out[key] !== undefined || defaults[key] === undefined) continue
    const pair = ALIASES.find((a) => a.includes(key))
    if (pair && pair.some((k) => out[k] !== undefined)) continue
    out[key] = defaults[key]
  }
  return out as T
}

/** The keys of {@link RequirementOptions}, the only keys {@link planRequirement} accepts. */
export const REQUIREMENT_KEYS = optionKeys<RequirementOptions>({
  range: true,
  step: true,
  steps: true,
  values: true,
  ...DEFAULT_KEY_SET,
})

/** A requirement planned into what `sweep` and `evaluateRequirement` take. */
export interface RequirementPlan {
  readonly transform: Transform
  /** Options for `sweep(model, samples, transform, options)`. */
  readonly sweep: SweepOptions
  /** What `evaluateRequirement(result, requirement)` checks. */
  readonly requirement: Requirement & { readonly metric: MetricName; readonly aggregate: 'mean' | 'each' }
  /** The range the requirement holds over: `range`, else the extent of `values`, else the transform's default. */
  readonly required: readonly [number, number]
  /** The grid as the user gave it: `step 5`, `9 steps`, `values 0, 90, 180`. */
  readonly gridText: string
}

/**
 * Who plans a requirement, for the one check of its keys: a matcher hands over the requirement keys of its options
 * and names the keys it reads itself, so that a misspelt key of either kind is refused here, naming the nearest.
 */
export interface PlanCaller {
  /** Names the caller in error messages, e.g. `toBeRobustTo(rotate)`. */
  readonly where: string
  /** The requirement keys this caller takes; default every key of {@link REQUIREMENT_KEYS}. */
  readonly takes?: readonly string[]
  /** Keys the caller reads itself (a matcher's `samples`, `attach`): known, listed, never planned. */
  readonly ownKeys?: readonly string[]
}

/** The one unknown-key check of a caller's options (its own keys are known too, for the suggestion). */
function checkCallKeys(options: object, caller: PlanCaller): void {
  checkKnownKeys(options, [...(caller.takes ?? REQUIREMENT_KEYS), ...(caller.ownKeys ?? [])], caller.where)
}

/** Only the grid keys of `options`, without undefined values. */
export function gridOf(options: GridOptions): GridOptions {
  const grid: { -readonly [K in keyof GridOptions]: GridOptions[K] } = {}
  if (options.range !== undefined) grid.range = options.range
  if (options.step !== undefined) grid.step = options.step
  if (options.steps !== undefined) grid.steps = options.steps
  if (options.values !== undefined) grid.values = options.values
  return grid
}

/** The range a sweep is required over: `range`, else the extent of `values`, else the transform's default. */
export function requiredRange(transform: Transform, options: GridOptions): [number, number] {
  if (options.range) return [options.range[0], options.range[1]]
  if (options.values && options.values.length) return [Math.min(...options.values), Math.max(...options.values)]
  return [transform.parameter.defaultRange[0], transform.parameter.defaultRange[1]]
}

function describeGrid(transform: Transform, options: GridOptions): string {
  if (options.values) return `values ${options.values.join(', ')}`
  if (options.steps !== undefined) return `${options.steps} steps`
  return `step ${options.step ?? transform.parameter.defaultStep}`
}

function explicitThreshold(
  where: string,
  options: Pick<RequirementOptions, 'min' | 'minDice'>,
  metric: MetricName,
): Threshold | undefined {
  if (options.min !== undefined && options.minDice !== undefined) {
    rejectCombination(`${where}: give min, not both min and minDice (minDice is the deprecated name of min for Dice)`)
  }
  if (options.minDice !== undefined && metric !== 'dice') {
    const name = JSON.stringify(metric)
    rejectCombination(`${where}: minDice gates Dice only, but metric is ${name}; write { metric: ${name}, min: ... }`, {
      metric,
    })
  }
  return options.min ?? options.minDice
}

/**
 * Resolves the threshold of a requirement: `min`, or the deprecated alias `minDice` (Dice only), else the same from
 * the defaults; for a distance metric `max` (mm), else the defaults' `max`. Thresholds are checked to lie in
 * [0, 1] by `evaluateRequirement`.
 * @throws SegsenseError `E_INCOMPATIBLE_OPTIONS` when both are given or `minDice` meets another metric,
 *   `E_BAD_PARAMETER` when there is no threshold at all.
 */
export function resolveThreshold(
  where: string,
  options: Pick<RequirementOptions, 'min' | 'max' | 'minDice'>,
  metric: MetricName,
  defaults: Pick<RequirementOptions, 'min' | 'max' | 'minDice'> = {},
): Threshold {
  if (isDistanceMetric(metric)) {
    // A distance is gated by max (mm): a min here is a mistake, a min in the defaults belongs to score metrics.
    if (options.min !== undefined || options.minDice !== undefined) throw wrongKey(metric, where)
    const max = options.max ?? defaults.max
    if (max === undefined) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${where} needs a threshold: ${metric} is a distance in mm (lower is better), ` +
          `so { metric: '${metric}', max: 5 } (or per class { max: { LV: 5 } })`,
      )
    }
    return max
  }
  if (options.max !== undefined) throw wrongKey(metric, where)
  const min =
    explicitThreshold(where, options, metric) ?? explicitThreshold(`${where} (configured defaults)`, defaults, metric)
  if (min === undefined) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${where} needs a threshold: { min: 0.85 } (or per class { min: { LV: 0.9 } }) on metric ${metric}`,
    )
  }
  return min
}

/**
 * The sweep's {@link EmptyPolicy} from a requirement's `emptyPolicy`: `'best'`, `'nan'` or `{ bothEmpty }`.
 * @throws SegsenseError `E_OUT_OF_RANGE` naming `what` and the value.
 */
export function resolveEmptyPolicy(value: RequirementOptions['emptyPolicy'], what: string): EmptyPolicy | undefined {
  if (value === undefined) return undefined
  const bothEmpty = typeof value === 'object' && value !== null ? value.bothEmpty : value
  if (bothEmpty !== 'best' && bothEmpty !== 'nan') {
    reject('E_OUT_OF_RANGE', what, value, `'best' or 'nan' (or { bothEmpty: 'best' | 'nan' })`)
  }
  return { bothEmpty }
}

/** The sweep's `refine` of a requirement: its thresholds (a number over `scoreClasses` as a map), metric, aggregate. */
function requirementRefine(
  refine: RequirementRefine,
  min: Threshold,
  requirement: Pick<RequirementPlan['requirement'], 'metric' | 'aggregate' | 'scoreClasses'>,
  where: string,
): RefineOptions {
  const { metric, aggregate, scoreClasses } = requirement
  checkObject(`${where}: refine`, refine, '{ tolerance }')
  checkKnownKeys(refine, optionKeys<RequirementRefine>({ tolerance: true }), `${where}: refine`)
  // Refinement bisects crossings of a score's min; a distance's max (and its infinite values) is not bisected.
  if (isDistanceMetric(metric)) {
    rejectCombination(
      `${where}: refine is not supported for the distance metric ${metric}; refine a score metric or use a finer grid`,
      { metric },
    )
  }
  const thresholds =
    typeof min === 'number' && scoreClasses ? Object.fromEntries(scoreClasses.map((c) => [c, min])) : min
  return { min: thresholds, tolerance: refine.tolerance, metric, aggregate }
}

/**
 * The bootstrap part of a requirement, checked before anything is swept: `confidence` with its `resamples` and
 * `seed`, or nothing without `confidence`.
 * @throws SegsenseError for a bad level, count or seed; `E_INCOMPATIBLE_OPTIONS` for `confidence` with aggregate
 *   `each` or a distance metric.
 */
function planBootstrap(
  o: RequirementOptions,
  { metric, aggregate }: Pick<RequirementPlan['requirement'], 'metric' | 'aggregate'>,
  where: string,
): Pick<Requirement, 'confidence' | 'resamples' | 'seed'> {
  if (o.confidence === undefined) return {}
  if (aggregate === 'each') {
    rejectCombination(
      `${where}: confidence bounds the mean over samples; with aggregate 'each' every sample must pass on its own, ` +
        `so there is no mean to bound: drop confidence or use aggregate 'mean'`,
    )
  }
  if (isDistanceMetric(metric)) {
    rejectCombination(
      `${where}: confidence is not supported for the distance metric ${metric} (it bounds a score's mean from ` +
        `below); drop confidence or gate a score metric`,
      { metric },
    )
  }
  const { confidence, resamples, seed } = o
  return bootstrapSettings(
    { confidence, ...(resamples !== undefined ? { resamples } : {}), ...(seed !== undefined ? { seed } : {}) },
    where,
  )
}

/**
 * The sweep options a requirement passes through as given (the grid, `nsdTolerance`, `reference`, `batchSize`,
 * `batchTimeout`, `confusion`, `seed`; `emptyPolicy` in the sweep's form): their values are checked once, by the
 * sweep's resolver, which every error of a matcher call names the matcher in (vitest/frame.ts).
 */
export function passedSweepOptions(o: RequirementOptions, where: string): SweepOptions {
  const emptyPolicy = resolveEmptyPolicy(o.emptyPolicy, `${where}: emptyPolicy`)
  return {
    ...gridOf(o),
    ...(o.nsdTolerance !== undefined ? { nsdTolerance: o.nsdTolerance } : {}),
    ...(o.reference !== undefined ? { reference: o.reference } : {}),
    ...(emptyPolicy ? { emptyPolicy } : {}),
    ...(o.batchTimeout !== undefined ? { batchTimeout: o.batchTimeout } : {}),
    ...(o.confusion !== undefined ? { confusion: o.confusion } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    batchSize: o.batchSize ?? DEFAULT_BATCH_SIZE,
  }
}

/**
 * Plans a requirement: the sweep options, the check, and the required range, from the options as a matcher, a
 * spec or the CLI states them. The one place that maps a requirement to `sweep` (so that every option reaches
 * it from every entry point). Thresholds are checked against the sweep's classes later, by `evaluateRequirement`.
 *
 * @param where names the caller in error messages, e.g. `toBeRobustTo(rotate)`.
 * Every option but the grid falls back on `defaults` (key by key; an option given under its deprecated name hides
 * the default of the new one).
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for an unknown key (naming the nearest known one) or a missing
 *   threshold, `E_INCOMPATIBLE_OPTIONS` for an ambiguous threshold or `minDice` with another metric,
 *   `E_OUT_OF_RANGE` for an unknown metric, aggregate or emptyPolicy.
 */
export function planRequirement(
  transform: Transform,
  options: RequirementOptions,
  defaults: RequirementDefaults = {},
  where = `requirement on ${transform.name}`,
): RequirementPlan {
  return planCall(transform, options, defaults, { where })
}

/**
 * {@link planRequirement} for a caller that takes some requirement keys and reads others itself (a matcher): the
 * one check of the call's keys, then the plan.
 */
export function planCall(
  transform: Transform,
  options: RequirementOptions,
  defaults: RequirementDefaults,
  caller: PlanCaller,
): RequirementPlan {
  const { where } = caller
  checkCallKeys(options, caller)
  checkKnownKeys(defaults, DEFAULT_KEYS, `${where} (defaults)`)
  aliased(where, 'scoreClasses', options.scoreClasses, 'classes', options.classes)
  aliased(`${where} (configured defaults)`, 'scoreClasses', defaults.scoreClasses, 'classes', defaults.classes)
  // The threshold keeps its own layering (resolveThreshold), so that an error says which layer gave it.
  const { min: _min, max: _max, minDice: _minDice, ...rest } = defaults
  const o = withDefaults(options, rest)
  const metric = o.metric ?? 'dice'
  checkMetricNames([metric])
  const min = resolveThreshold(where, options, metric, defaults)
  const aggregate = o.aggregate === undefined ? 'mean' : checkChoice(`${where}: aggregate`, o.aggregate, AGGREGATES)
  const scoreClasses = o.scoreClasses ?? o.classes
  const checked = { metric, aggregate, ...(scoreClasses ? { scoreClasses } : {}) }
  const bootstrap = planBootstrap(o, checked, where)
  // repeats from the defaults applies to random transforms only (a default of 5 must not break every rotate
  // requirement); given on the requirement itself it is checked against the transform by the sweep.
  const repeats = options.repeats ?? (transform.random === true ? o.repeats : undefined)
  const { batchSize, ...passed } = passedSweepOptions(o, where)
  const sweep: SweepOptions = {
    ...passed,
    metrics: [metric],
    ...(repeats !== undefined ? { repeats } : {}),
    ...(o.refine !== undefined ? { refine: requirementRefine(o.refine, min, checked, where) } : {}),
    batchSize,
  }
  return {
    transform,
    sweep,
    requirement: { [thresholdKey(metric)]: min, ...checked, ...bootstrap },
    required: requiredRange(transform, options),
    gridText: describeGrid(transform, options),
  }
}

const AGGREGATES = ['mean', 'each'] as const

/**
 * The sweep options of a caller that sweeps without a requirement (`toMatchSweepSnapshot`): the one check of its
 * keys, then {@link passedSweepOptions}.
 */
export function planSweepCall(options: RequirementOptions, caller: PlanCaller): SweepOptions {
  checkCallKeys(options, caller)
  return passedSweepOptions(options, caller.where)
}
