import { SegsenseError, describeValue } from '../core/errors.js'
import { aliased, checkKnownKeys, nearest, optionKeys } from '../core/options.js'
import { assertSameSize, classIds } from '../core/raster.js'
import type { Classes, Sample } from '../core/types.js'
import { checkChoice, checkInteger, checkObject, reject, rejectCombination } from '../core/validate.js'
import { checkTolerance } from '../metrics/distance.js'
import { DEFAULT_EMPTY_POLICY, DEFAULT_NSD_TOLERANCE, type EmptyPolicy, checkMetricNames } from '../metrics/overlap.js'
import { DEFAULT_BATCH_SIZE, type SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import { checkConfusionOption, confusionLabels } from './confusion.js'
import { sweepValues } from '../results/values.js'
import { checkRepeats } from './repeats.js'
import type {
  KeepFrames,
  RunPlan,
  SliceSelection,
  SweepControl,
  SweepOptions,
  SweepPlan,
  VolumeSweepOptions,
} from './types.js'
import { resolveCacheOption } from './cache.js'
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
        const what = `sweep option scoreClasses: ${describeValue(c)} is not a class of model ${JSON.stringify(model.name)}`
        throw new SegsenseError('E_OUT_OF_RANGE', `${what} (${describeValue(model.classes)})`, {
          details: { class: c },
        })
      }
      classes[id] = name
    }
  } else if (option !== null && typeof option === 'object') {
    classes = {}
    for (const [k, name] of Object.entries(option)) {
      const id = Number(k)
      if (!Number.isInteger(id) || id < 0 || typeof name !== 'string' || name === '') {
        const code = typeof name === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
        const entry = `sweep option scoreClasses: entry ${JSON.stringify(k)}: ${describeValue(name)}`
        throw new SegsenseError(code, `${entry} must map an integer id >= 0 to a non-empty name`)
      }
      classes[id] = name
    }
  } else {
    return reject(
      'E_WRONG_TYPE',
      'sweep option scoreClasses',
      option,
      'a { id: name } map or an array of class names/ids',
    )
  }
  const names = classIds(classes, includeBackground).map((id) => classes[id] as string)
  if (names.length === 0) {
    const has = `model ${JSON.stringify(model.name)} has classes ${describeValue(model.classes)}`
    const background = 'background id 0 is scored only when named in the scoreClasses option'
    throw new SegsenseError('E_OUT_OF_RANGE', `sweep: no classes to score (${has}; ${background})`)
  }
  if (new Set(names).size !== names.length)
    reject('E_OUT_OF_RANGE', 'sweep option scoreClasses: class names', names, 'unique (they key the results)')
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
  const dims = [img.width, img.height, img.channels]
  if (!dims.every(positiveInteger)) {
    const code = dims.every((d) => typeof d === 'number') ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
    const got = dims.map(describeValue).join('x')
    throw new SegsenseError(code, `${at}: image width, height and channels must be positive integers, got ${got}`, {
      details: { sample: s.id },
    })
  }
  if (!(img.data instanceof Float32Array)) {
    const expected = 'a Float32Array of intensities (the loaders scale them to [0, 1])'
    reject('E_WRONG_TYPE', `${at}: image data`, img.data, expected, { sample: s.id })
  }
  const n = img.width * img.height * img.channels
  if (img.data.length !== n) {
    const expected = `width x height x channels = ${img.width}x${img.height}x${img.channels} = ${n}`
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `${at}: image data has ${img.data.length} values, expected ${expected}`,
      {
        details: { sample: s.id, length: img.data.length, expected: n },
      },
    )
  }
  const bad = nonFinite(img.data)
  if (bad.count > 0) {
    const pixel = Math.floor(bad.first / img.channels)
    const where =
      `x=${pixel % img.width}, ` +
      `y=${Math.floor(pixel / img.width)}${img.channels > 1 ? `, channel ${bad.first % img.channels}` : ''}`
    const count = `${bad.count === n ? 'only' : bad.count} non-finite value${bad.count === 1 ? '' : 's'}`
    const first = `${String(img.data[bad.first])} at ${where}`
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `${at}: image has ${count} (${first}); intensities must be finite numbers`,
      {
        details: { sample: s.id, count: bad.count, index: bad.first },
      },
    )
  }
  const truth = s.truth
  if (truth) {
    if (!(truth.data instanceof Uint8Array || truth.data instanceof Uint16Array))
      reject('E_WRONG_TYPE', `${at}: truth data`, truth.data, 'a Uint8Array or Uint16Array of class ids', {
        sample: s.id,
      })
    assertSameSize(img, truth, `${at}: image and truth`)
    const pixels = img.width * img.height
    if (truth.data.length !== pixels) {
      const expected = `width x height = ${img.width}x${img.height} = ${pixels}`
      throw new SegsenseError(
        'E_SIZE_MISMATCH',
        `${at}: truth data has ${truth.data.length} ids, expected ${expected}`,
        {
          details: { sample: s.id, length: truth.data.length, expected: pixels },
        },
      )
    }
  }
}

function checkSamples(list: readonly Sample[], reference: 'truth' | 'prediction'): void {
  if (list.length === 0) throw new SegsenseError('E_OUT_OF_RANGE', 'sweep: samples must hold at least one sample')
  const ids = new Set<string>()
  for (const [i, s] of list.entries()) {
    // A caller's array may hold anything, whatever its type says.
    const entry = s as Sample | null | undefined
    if (!entry || typeof entry.id !== 'string' || typeof entry.image !== 'object')
      reject('E_WRONG_TYPE', `sweep: samples[${i}]`, s, 'a Sample { id, image, truth? }')
    if (ids.has(s.id))
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
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
  // Typed as the three shapes; a caller's value may be anything.
  const given = keep as unknown
  if (given === null || typeof given !== 'object' || !Array.isArray((given as KeepFrames).frames)) {
    const code = typeof given === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
    reject(code, 'sweep option keep', given, "'none', 'frames' or { frames: [sample ids] }")
  }
  const ids = samples.map((s) => s.id)
  for (const id of keep.frames as readonly unknown[]) {
    if (typeof id !== 'string' || !ids.includes(id)) {
      const guess = typeof id === 'string' ? nearest(id, ids) : undefined
      const hint = guess ? ` (did you mean '${guess}'?)` : ''
      const message = `sweep option keep.frames: ${describeValue(id)} is not a sample id${hint}; the samples are ${describeValue(ids)}`
      throw new SegsenseError('E_OUT_OF_RANGE', message, { details: { value: id } })
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
 * Checks a sweep's arguments and resolves its options into a {@link SweepPlan}, cache and refinement included: no
 * later stage reads an option.
 * @throws SegsenseError `E_BAD_PARAMETER` kinds (`E_WRONG_TYPE`, `E_OUT_OF_RANGE`, `E_INCOMPATIBLE_OPTIONS`; bad
 *   model, transform, options or grid; a sample's image data that is not a Float32Array of finite values, or truth
 *   data that is not Uint8Array/Uint16Array), `E_MISSING_TRUTH`, `E_SIZE_MISMATCH` (a sample's image and truth
 *   differ, or its data length does not match its size).
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
  const reference = checkChoice('sweep option reference', options.reference ?? 'truth', ['truth', 'prediction'])
  checkSamples(list, reference)
  const keepFrames = resolveKeep(options.keep, list)
  const run = resolveRun(model, transform, options)
  const cache = resolveCacheOption(options.cache)
  const plan: SweepPlan = { ...run, samples: list, reference, keepFrames, cache, refine: null }
  if (options.refine === undefined) return plan
  // Repeated draws and confusion counts run uncached and unrefined: a cache entry holds one draw's scores and no
  // confusion counts, and a refined run would merge scores without their counts.
  if (plan.repeats > 1 || plan.confusion) {
    const other = plan.repeats > 1 ? 'repeats > 1' : 'confusion'
    rejectCombination(
      `sweep option refine cannot be combined with ${other}: refine the interval without them, or sweep a finer grid`,
      { options: ['refine', plan.repeats > 1 ? 'repeats' : 'confusion'] },
    )
  }
  return { ...plan, refine: resolveRefine(options.refine, plan) }
}

function checkRunArguments(model: SegmentationModel, transform: Transform, options: object): void {
  // Typed as a model and a transform; a JavaScript caller's values may be anything.
  const m = model as Partial<SegmentationModel> | null
  const t = transform as Partial<Transform> | null
  if (!m || typeof m.predict !== 'function')
    reject('E_WRONG_TYPE', 'sweep: model', model, 'a SegmentationModel with predict(images)')
  if (!t || typeof t.image !== 'function' || !t.parameter)
    reject('E_WRONG_TYPE', 'sweep: transform', transform, 'a Transform (see defineTransform)')
  if (transform.spatial && typeof transform.labels !== 'function') {
    const message = `transform ${JSON.stringify(transform.name)} is spatial but has no labels(mask, value) function`
    throw new SegsenseError('E_WRONG_TYPE', message)
  }
  checkObject('sweep: options', options)
}

/** The `onProgress` and `signal` options, checked. */
function resolveControl(options: SweepControl): SweepControl {
  const { onProgress, signal } = options
  if (onProgress !== undefined && typeof onProgress !== 'function')
    reject('E_WRONG_TYPE', 'sweep option onProgress', onProgress, 'a function ({ done, total }) => void')
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean'))
    reject('E_WRONG_TYPE', 'sweep option signal', signal, 'an AbortSignal')
  return { onProgress, signal }
}

/** The `emptyPolicy` option with its default, checked. */
function resolveEmptyPolicy(option: EmptyPolicy | undefined): EmptyPolicy {
  const emptyPolicy = option ?? DEFAULT_EMPTY_POLICY
  checkKnownKeys(emptyPolicy, optionKeys<EmptyPolicy>({ bothEmpty: true }), 'sweep option emptyPolicy')
  // Typed as a policy; a caller's value may be null.
  const policy = emptyPolicy as EmptyPolicy | null
  if (!policy) return reject('E_WRONG_TYPE', 'sweep option emptyPolicy', policy, "{ bothEmpty: 'best' | 'nan' }")
  checkChoice('sweep option emptyPolicy.bothEmpty', policy.bothEmpty, ['best', 'nan'])
  return emptyPolicy
}

/** The `batchTimeout` option: undefined (no limit) or a timer Node can schedule. */
function resolveBatchTimeout(batchTimeout: unknown): number | undefined {
  if (batchTimeout === undefined) return undefined
  if (typeof batchTimeout !== 'number' || !(batchTimeout > 0 && batchTimeout <= MAX_TIMEOUT_MS)) {
    const code = typeof batchTimeout === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
    const expected = `a number of milliseconds in (0, ${MAX_TIMEOUT_MS}]`
    reject(code, 'sweep option batchTimeout', batchTimeout, expected, { batchTimeout })
  }
  return batchTimeout
}

/**
 * The part of a {@link SweepPlan} that does not depend on the samples: grid, metrics, classes, batching, policies.
 * The image sweep and the volume sweep (`sweepVolumes`) both resolve their options with it; the caller checks the
 * option keys (each has its own list).
 * @throws SegsenseError `E_BAD_PARAMETER` kinds for a bad model, transform, option or grid.
 */
export function resolveRun(
  model: SegmentationModel,
  transform: Transform,
  options: Omit<SweepOptions, 'keep' | 'reference'>,
): RunPlan {
  checkRunArguments(model, transform, options)
  const batchSize = checkInteger('sweep option batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE, 1)
  const metrics = options.metrics ?? ['dice']
  checkMetricNames(metrics)
  if (new Set(metrics).size !== metrics.length)
    throw new SegsenseError('E_OUT_OF_RANGE', `sweep option metrics lists a metric twice: ${describeValue(metrics)}`)
  const nsdTolerance = options.nsdTolerance ?? DEFAULT_NSD_TOLERANCE
  checkTolerance(nsdTolerance, 'sweep option nsdTolerance')
  const emptyPolicy = resolveEmptyPolicy(options.emptyPolicy)
  const batchTimeout = resolveBatchTimeout(options.batchTimeout)
  const scoreClasses = aliased('sweep', 'scoreClasses', options.scoreClasses, 'classes', options.classes)
  const { classes, includeBackground } = resolveClasses(model, scoreClasses)
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
    control: resolveControl(options),
  }
}

/** The keys a volume sweep takes (the compiler keeps the list in step with {@link VolumeSweepOptions}). */
export const VOLUME_SWEEP_OPTION_KEYS = optionKeys<VolumeSweepOptions>({
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
  batchTimeout: true,
  slices: true,
})

/**
 * Checks a volume sweep's options and resolves them into the run plan plus the slice selection (each volume's
 * indices are checked against its size when it is planned).
 * @throws SegsenseError `E_BAD_PARAMETER` kinds for a bad option, as {@link resolveRun}.
 */
export function resolveVolumeRun(
  model: SegmentationModel,
  transform: Transform,
  options: VolumeSweepOptions,
): RunPlan & { readonly slices: SliceSelection } {
  checkObject('sweep: options', options)
  checkKnownKeys(options, VOLUME_SWEEP_OPTION_KEYS, 'sweep options (volumes)')
  const { slices = 'axial', reference = 'truth', ...rest } = options
  if (reference !== 'truth') {
    const message = `sweep option reference: volumes are scored against their truth only, got ${describeValue(reference)}`
    throw new SegsenseError('E_OUT_OF_RANGE', message)
  }
  if (typeof slices === 'object' && slices !== null) {
    checkKnownKeys(slices, ['axis', 'indices'], 'sweep option slices')
    if (![0, 1, 2].includes(slices.axis))
      reject('E_OUT_OF_RANGE', 'sweep option slices.axis', slices.axis, '0 (i), 1 (j) or 2 (k)')
    if (slices.indices !== undefined && !Array.isArray(slices.indices))
      reject('E_WRONG_TYPE', 'sweep option slices.indices', slices.indices, 'an array of slice indices')
  }
  return { ...resolveRun(model, transform, rest), slices }
}
