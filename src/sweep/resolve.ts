import { SegsenseError, describeValue } from '../core/errors.js'
import { checkInteger } from '../core/validate.js'
import { aliased, checkKnownKeys, nearest, optionKeys } from '../core/options.js'
import { assertSameSize, classIds } from '../core/raster.js'
import type { Classes, Sample } from '../core/types.js'
import { checkTolerance } from '../metrics/distance.js'
import {
  DEFAULT_EMPTY_POLICY,
  DEFAULT_NSD_TOLERANCE,
  type EmptyPolicy,
  type MetricName,
  checkMetricNames,
} from '../metrics/overlap.js'
import { DEFAULT_BATCH_SIZE, type SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import { type ConfusionLabels, checkConfusionOption, confusionLabels } from './confusion.js'
import { sweepValues } from '../results/values.js'
import { checkRepeats } from './repeats.js'
import type { RunPlan, SweepOptions, SweepPlan } from './types.js'
import { checkCacheOption } from './cache.js'
import { resolveRefine } from './refine.js'

function resolveClasses(
  model: SegmentationModel,
  option: SweepOptions['scoreClasses'],
): { classes: Classes; includeBackground: boolean } {
  let classes: Record<number, string>
  let includeBackground = true
  if (option === undefined) {
    includeBackground = false
    classes = {}
    for (const id of classIds(model.classes)) classes[id] = model.classes[id] as string
  } else if (Array.isArray(option)) {
    classes = {}
    for (const c of option as readonly unknown[]) {
      const id =
        typeof c === 'number' ? c : Number(Object.keys(model.classes).find((k) => model.classes[Number(k)] === c))
      const name = model.classes[id]
      if (!Number.isInteger(id) || typeof name !== 'string') {
        throw new SegsenseError(
          'E_BAD_PARAMETER',
          `sweep option scoreClasses: ${describeValue(c)} is not a class of model ${JSON.stringify(model.name)} (${describeValue(model.classes)})`,
          { details: { class: c } },
        )
      }
      classes[id] = name
    }
  } else if (option !== null && typeof option === 'object') {
    classes = {}
    for (const [k, name] of Object.entries(option)) {
      const id = Number(k)
      if (!Number.isInteger(id) || id < 0 || typeof name !== 'string' || name === '') {
        throw new SegsenseError(
          'E_BAD_PARAMETER',
          `sweep option scoreClasses: entry ${JSON.stringify(k)}: ${describeValue(name)} must map an integer id >= 0 to a non-empty name`,
        )
      }
      classes[id] = name
    }
  } else {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option scoreClasses must be a { id: name } map or an array of class names/ids, got ${describeValue(option)}`,
    )
  }
  const names = classIds(classes, includeBackground).map((id) => classes[id] as string)
  if (names.length === 0) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep: no classes to score (model ${JSON.stringify(model.name)} has classes ${describeValue(model.classes)}; background id 0 is scored only when named in the scoreClasses option)`,
    )
  }
  if (new Set(names).size !== names.length) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option scoreClasses: class names must be unique (they key the results), got ${describeValue(names)}`,
    )
  }
  return { classes, includeBackground }
}

/** Longest timer Node schedules (2^31 - 1 ms); a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647

// Where the first non-finite value of an image lies, and how many there are: a hot loop, run once per sample.
function nonFinite(data: Float32Array): { first: number; count: number } {
  let first = -1
  let count = 0
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number
    // v - v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) {
      if (first < 0) first = i
      count++
    }
  }
  return { first, count }
}

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
}

/**
 * Checks a hand-built sample once, before anything reads it: an image of positive integer size, Float32Array data of
 * exactly width*height*channels finite values; a truth of Uint8Array/Uint16Array data of exactly width*height ids.
 * (Read unchecked, a short array is read out of bounds, an Infinity becomes NaN pixels after a transform, and NaN
 * input reaches the model and is blamed on its output.)
 */
function checkSampleData(s: Sample): void {
  const at = `sample ${JSON.stringify(s.id)}`
  const img = s.image
  if (!positiveInteger(img.width) || !positiveInteger(img.height) || !positiveInteger(img.channels)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${at}: image width, height and channels must be positive integers, got ${describeValue(img.width)}x${describeValue(img.height)}x${describeValue(img.channels)}`,
      { details: { sample: s.id } },
    )
  }
  if (!(img.data instanceof Float32Array)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${at}: image data must be a Float32Array of intensities (the loaders scale them to [0, 1]), got ${describeValue(img.data)}`,
      { details: { sample: s.id } },
    )
  }
  const n = img.width * img.height * img.channels
  if (img.data.length !== n) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `${at}: image data has ${img.data.length} values, expected width x height x channels = ${img.width}x${img.height}x${img.channels} = ${n}`,
      {
        details: { sample: s.id, length: img.data.length, expected: n },
      },
    )
  }
  const bad = nonFinite(img.data)
  if (bad.count > 0) {
    const pixel = Math.floor(bad.first / img.channels)
    const where = `x=${pixel % img.width}, y=${Math.floor(pixel / img.width)}${img.channels > 1 ? `, channel ${bad.first % img.channels}` : ''}`
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${at}: image has ${bad.count === n ? 'only' : bad.count} non-finite value${bad.count === 1 ? '' : 's'} (${String(img.data[bad.first])} at ${where}); intensities must be finite numbers`,
      {
        details: { sample: s.id, count: bad.count, index: bad.first },
      },
    )
  }
  const truth = s.truth
  if (truth) {
    if (!(truth.data instanceof Uint8Array || truth.data instanceof Uint16Array)) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${at}: truth data must be a Uint8Array or Uint16Array of class ids, got ${describeValue(truth.data)}`,
        { details: { sample: s.id } },
      )
    }
    assertSameSize(img, truth, `${at}: image and truth`)
    if (truth.data.length !== img.width * img.height) {
      throw new SegsenseError(
        'E_SIZE_MISMATCH',
        `${at}: truth data has ${truth.data.length} ids, expected width x height = ${img.width}x${img.height} = ${img.width * img.height}`,
        {
          details: { sample: s.id, length: truth.data.length, expected: img.width * img.height },
        },
      )
    }
  }
}

function checkSamples(list: readonly Sample[], reference: 'truth' | 'prediction'): void {
  if (list.length === 0) throw new SegsenseError('E_BAD_PARAMETER', 'sweep: samples must hold at least one sample')
  const ids = new Set<string>()
  for (const [i, s] of list.entries()) {
    if (!s || typeof s.id !== 'string' || !s.image)
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `sweep: samples[${i}] must be a Sample { id, image, truth? }, got ${describeValue(s)}`,
      )
    if (ids.has(s.id))
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `sweep: sample id ${JSON.stringify(s.id)} is used twice; ids key the results`,
      )
    ids.add(s.id)
    checkSampleData(s)
    if (!s.truth && reference === 'truth') {
      throw new SegsenseError(
        'E_MISSING_TRUTH',
        `sample ${JSON.stringify(s.id)} has no truth mask; give one or sweep with reference: 'prediction'`,
        { details: { sample: s.id } },
      )
    }
  }
}

/** The sample ids whose frames `keep` asks for (every sample for `'frames'`), or null. */
function resolveKeep(keep: SweepOptions['keep'], samples: readonly Sample[]): ReadonlySet<string> | null {
  if (keep === undefined || keep === 'none') return null
  if (keep === 'frames') return new Set(samples.map((s) => s.id))
  checkKnownKeys(keep, ['frames'], 'sweep option keep')
  if (keep === null || typeof keep !== 'object' || !Array.isArray(keep.frames)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option keep must be 'none', 'frames' or { frames: [sample ids] }, got ${describeValue(keep)}`,
      { details: { value: keep } },
    )
  }
  const ids = samples.map((s) => s.id)
  for (const id of keep.frames as readonly unknown[]) {
    if (typeof id !== 'string' || !ids.includes(id)) {
      const guess = typeof id === 'string' ? nearest(id, ids) : undefined
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `sweep option keep.frames: ${describeValue(id)} is not a sample id${guess ? ` (did you mean '${guess}'?)` : ''}; the samples are ${describeValue(ids)}`,
        { details: { value: id } },
      )
    }
  }
  return new Set(keep.frames)
}

/** The keys `sweep` takes (the compiler keeps the list in step with {@link SweepOptions}). */
export const SWEEP_OPTION_KEYS = optionKeys<SweepOptions>({
  range: true,
  step: true,
  steps: true,
  values: true,
  metrics: true,
  nsdTolerance: true,
  scoreClasses: true,
  classes: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  onProgress: true,
  signal: true,
  keep: true,
  batchTimeout: true,
  repeats: true,
  seed: true,
  confusion: true,
  cache: true,
  refine: true,
})

/**
 * Checks a sweep's arguments and resolves its options into a {@link SweepPlan}.
 * @throws SegsenseError `E_BAD_PARAMETER` (bad model, transform, options or grid; a sample's image data that is not
 *   a Float32Array of finite values, or truth data that is not Uint8Array/Uint16Array), `E_MISSING_TRUTH`,
 *   `E_SIZE_MISMATCH` (a sample's image and truth differ, or its data length does not match its size).
 */
export function resolveSweep(
  model: SegmentationModel,
  samples: Sample | readonly Sample[],
  transform: Transform,
  options: SweepOptions,
): SweepPlan {
  checkRunArguments(model, transform, options)
  checkKnownKeys(options, SWEEP_OPTION_KEYS, 'sweep options')
  const list: readonly Sample[] = Array.isArray(samples) ? samples : [samples as Sample]
  const reference = options.reference ?? 'truth'
  if (reference !== 'truth' && reference !== 'prediction')
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option reference must be 'truth' or 'prediction', got ${describeValue(reference)}`,
    )
  checkSamples(list, reference)
  const keepFrames = resolveKeep(options.keep, list)
  const plan = {
    ...resolveRun(model, transform, options),
    samples: list,
    reference,
    keepFrames,
    cache: options.cache,
    refine: null,
  }
  checkCacheOption(options.cache)
  if (options.refine === undefined) return plan
  // Repeated draws and confusion counts run uncached and unrefined: a cache entry holds one draw's scores and no
  // confusion counts, and a refined run would merge scores without their counts.
  if (plan.repeats > 1 || plan.confusion) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option refine cannot be combined with ${plan.repeats > 1 ? 'repeats > 1' : 'confusion'}: refine the interval without them, or sweep a finer grid`,
    )
  }
  return { ...plan, refine: resolveRefine(options.refine, plan) }
}

function checkRunArguments(model: SegmentationModel, transform: Transform, options: object): void {
  if (!model || typeof model.predict !== 'function')
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep: model must be a SegmentationModel with predict(images), got ${describeValue(model)}`,
    )
  if (!transform || typeof transform.image !== 'function' || !transform.parameter) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep: transform must be a Transform (see defineTransform), got ${describeValue(transform)}`,
    )
  }
  if (transform.spatial && typeof transform.labels !== 'function') {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `transform ${JSON.stringify(transform.name)} is spatial but has no labels(mask, value) function`,
    )
  }
  if (options === null || typeof options !== 'object')
    throw new SegsenseError('E_BAD_PARAMETER', `sweep: options must be an object, got ${describeValue(options)}`)
}

/**
 * The part of a {@link SweepPlan} that does not depend on the samples: grid, metrics, classes, batching, policies.
 * The image sweep and the volume sweep (`sweepVolumes`) both resolve their options with it; the caller checks the
 * option keys (each has its own list).
 * @throws SegsenseError `E_BAD_PARAMETER` for a bad model, transform, option or grid.
 */
export function resolveRun(
  model: SegmentationModel,
  transform: Transform,
  options: Omit<SweepOptions, 'keep' | 'reference'>,
): RunPlan {
  checkRunArguments(model, transform, options)
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  checkInteger('sweep option batchSize', batchSize, 1)
  const metrics = options.metrics ?? ['dice']
  checkMetricNames(metrics)
  if (new Set(metrics).size !== metrics.length)
    throw new SegsenseError('E_BAD_PARAMETER', `sweep option metrics lists a metric twice: ${describeValue(metrics)}`)
  const nsdTolerance = options.nsdTolerance ?? DEFAULT_NSD_TOLERANCE
  checkTolerance(nsdTolerance, 'sweep option nsdTolerance')
  const emptyPolicy = options.emptyPolicy ?? DEFAULT_EMPTY_POLICY
  checkKnownKeys(emptyPolicy, optionKeys<EmptyPolicy>({ bothEmpty: true }), 'sweep option emptyPolicy')
  if (!emptyPolicy || (emptyPolicy.bothEmpty !== 'best' && emptyPolicy.bothEmpty !== 'nan')) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option emptyPolicy.bothEmpty must be 'best' or 'nan', got ${describeValue(emptyPolicy?.bothEmpty)}`,
    )
  }
  const batchTimeout = options.batchTimeout
  if (
    batchTimeout !== undefined &&
    (typeof batchTimeout !== 'number' || !(batchTimeout > 0 && batchTimeout <= MAX_TIMEOUT_MS))
  ) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `sweep option batchTimeout must be a number of milliseconds in (0, ${MAX_TIMEOUT_MS}], got ${describeValue(batchTimeout)}`,
      { details: { batchTimeout } },
    )
  }
  const { classes, includeBackground } = resolveClasses(
    model,
    aliased('sweep', 'scoreClasses', options.scoreClasses, 'classes', options.classes),
  )
  return {
    model,
    transform,
    values: sweepValues(transform.parameter, options),
    metrics: [...metrics],
    classes,
    classNames: classIds(classes, includeBackground).map((id) => classes[id] as string),
    includeBackground,
    batchSize,
    nsdTolerance,
    emptyPolicy,
    batchTimeout,
    what: `sweep of ${JSON.stringify(transform.name)} on model ${JSON.stringify(model.name)}`,
    ...checkRepeats(transform, options.repeats, options.seed),
    confusion: checkConfusionOption(options.confusion) ? confusionLabels(model.classes) : null,
  }
}
