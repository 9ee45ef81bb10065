import { SegsenseError, assertInteger, describeValue } from '../core/errors.js'
import { assertSameSize, classIds } from '../core/raster.js'
import type { Classes, LabelMap, Raster, Sample } from '../core/types.js'
import { DEFAULT_EMPTY_POLICY, DEFAULT_NSD_TOLERANCE, type EmptyPolicy, type MetricName, checkMetricNames, scoreMasks } from '../metrics/overlap.js'
import { checkTolerance } from '../metrics/distance.js'
import { type SegmentationModel, checkPrediction } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import { type GridOptions, sweepValues } from './grid.js'
import { type ClassCurves, SWEEP_SCHEMA_VERSION, type SampleScores, type Score, type ScoreTable, type SweepParameter, type SweepResult } from './result.js'

/** Progress of a sweep, counted in predicted images (with `reference: 'prediction'`, the clean predictions count too). */
export interface SweepProgress {
  readonly done: number
  readonly total: number
}

/** Options of {@link sweep}: the grid (see {@link GridOptions}) plus what to score and how to run. */
export interface SweepOptions extends GridOptions {
  /** Metrics to compute; default `['dice']`. */
  readonly metrics?: readonly MetricName[]
  /** Tolerance of the `nsd` metric in the truth's spacing units (pixels without spacing); default 1. */
  readonly nsdTolerance?: number
  /**
   * Classes to score: a `Classes` map (id -> name), or names/ids picked from the model's classes.
   * Default: the model's classes without id 0. Id 0 is scored when named here explicitly.
   */
  readonly classes?: Classes | readonly (string | number)[]
  /**
   * `'truth'` (default): score against the (transformed) ground truth; every sample needs one.
   * `'prediction'`: no ground truth needed; score against the model's prediction on the untransformed image,
   * moved with `transform.labels` for spatial transforms (an equivariance check).
   */
  readonly reference?: 'truth' | 'prediction'
  /** Images per `model.predict` call; default 16. */
  readonly batchSize?: number
  /** Zero-denominator policy for the metrics; default `{ bothEmpty: 'best' }`. */
  readonly emptyPolicy?: EmptyPolicy
  /** Called after every batch. */
  readonly onProgress?: (progress: SweepProgress) => void
  /** Aborts the sweep between batches with `E_ABORTED`. */
  readonly signal?: AbortSignal
  /**
   * `'frames'`: also keep, per sample and swept value, the transformed image, the transformed reference mask and
   * the prediction (for overlays, frame strips and GIFs). They are attached to the result as the non-enumerable
   * property `frames` (read it with {@link framesOf}), so the result stays plain JSON: `JSON.stringify` and
   * `validateSweepResult` never see them. Default `'none'`: nothing is kept and memory stays flat.
   */
  readonly keep?: 'none' | 'frames'
}

/** One kept frame of a sweep: what the model saw at one value, what it predicted and what it was scored against. */
export interface SweepFrame {
  /** The swept value. */
  readonly value: number
  /** The transformed image. */
  readonly image: Raster
  /** The transformed reference mask (the truth, or the clean prediction under `reference: 'prediction'`). */
  readonly reference: LabelMap
  /** The model's prediction on `image`. */
  readonly prediction: LabelMap
}

/** The frames a sweep kept with `keep: 'frames'`: per sample, one {@link SweepFrame} per swept value (in `values` order). */
export interface SweepFrames {
  /** The scored classes, id -> name (the overlays colour a label id by its name's position in `result.classes`). */
  readonly classes: Classes
  readonly samples: readonly { readonly id: string; readonly frames: readonly SweepFrame[] }[]
}

/** A sweep result with its kept frames (`keep: 'frames'`); `frames` is non-enumerable, so JSON leaves it out. */
export type SweepResultWithFrames = SweepResult & { readonly frames: SweepFrames }

/**
 * The frames a result kept (`sweep(..., { keep: 'frames' })`), or `undefined` for a result without them (one
 * parsed from JSON, or swept without `keep`).
 */
export function framesOf(result: SweepResult): SweepFrames | undefined {
  const frames = (result as Partial<SweepResultWithFrames>).frames
  return frames && Array.isArray(frames.samples) ? frames : undefined
}

/** Default number of images per `model.predict` call. */
export const DEFAULT_BATCH_SIZE = 16

function resolveClasses(model: SegmentationModel, option: SweepOptions['classes']): { classes: Classes; includeBackground: boolean } {
  let classes: Record<number, string>
  let includeBackground = true
  if (option === undefined) {
    includeBackground = false
    classes = {}
    for (const id of classIds(model.classes)) classes[id] = model.classes[id] as string
  } else if (Array.isArray(option)) {
    classes = {}
    for (const c of option as readonly unknown[]) {
      const id = typeof c === 'number' ? c : Number(Object.keys(model.classes).find((k) => model.classes[Number(k)] === c))
      const name = model.classes[id]
      if (!Number.isInteger(id) || typeof name !== 'string') {
        throw new SegsenseError('E_BAD_PARAMETER', `sweep option classes: ${describeValue(c)} is not a class of model ${JSON.stringify(model.name)} (${describeValue(model.classes)})`, { details: { class: c } })
      }
      classes[id] = name
    }
  } else if (option !== null && typeof option === 'object') {
    classes = {}
    for (const [k, name] of Object.entries(option)) {
      const id = Number(k)
      if (!Number.isInteger(id) || id < 0 || typeof name !== 'string' || name === '') {
        throw new SegsenseError('E_BAD_PARAMETER', `sweep option classes: entry ${JSON.stringify(k)}: ${describeValue(name)} must map an integer id >= 0 to a non-empty name`)
      }
      classes[id] = name
    }
  } else {
    throw new SegsenseError('E_BAD_PARAMETER', `sweep option classes must be a { id: name } map or an array of class names/ids, got ${describeValue(option)}`)
  }
  const names = classIds(classes, includeBackground).map((id) => classes[id] as string)
  if (names.length === 0) {
    throw new SegsenseError('E_BAD_PARAMETER', `sweep: no classes to score (model ${JSON.stringify(model.name)} has classes ${describeValue(model.classes)}; background id 0 is scored only when named in the classes option)`)
  }
  if (new Set(names).size !== names.length) {
    throw new SegsenseError('E_BAD_PARAMETER', `sweep option classes: class names must be unique (they key the results), got ${describeValue(names)}`)
  }
  return { classes, includeBackground }
}

function parameterJson(t: Transform): SweepParameter {
  const p = t.parameter
  const out: { -readonly [K in keyof SweepParameter]: SweepParameter[K] } = {
    name: p.name,
    unit: p.unit,
    neutral: p.neutral,
    scale: p.scale,
    defaultRange: [p.defaultRange[0], p.defaultRange[1]],
    defaultStep: p.defaultStep,
  }
  if (p.period !== undefined) out.period = p.period
  if (p.categories !== undefined) out.categories = Object.fromEntries(Object.entries(p.categories).map(([k, v]) => [k, String(v)]))
  return out
}

function optionsJson(t: Transform): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(t.options ?? {})) as Record<string, unknown>
  } catch (cause) {
    throw new SegsenseError('E_BAD_PARAMETER', `transform ${JSON.stringify(t.name)}: options must be plain JSON to be stored in a sweep result`, { cause })
  }
}

function aborted(what: string, done: number, total: number, signal: AbortSignal): SegsenseError {
  return new SegsenseError('E_ABORTED', `${what} aborted after ${done} of ${total} predictions`, { cause: signal.reason, details: { done, total } })
}

/**
 * Sweeps a transform's parameter: for every sample and swept value, transforms the image, predicts, and scores
 * the prediction against the reference mask (the truth, or the clean prediction) transformed the same way.
 *
 * Pairs (sample, value) go to `model.predict` in batches of `batchSize`; only one batch of transformed images is
 * alive at a time, and each transformed reference is computed once, when its pair is scored.
 *
 * @returns a {@link SweepResult}: plain JSON, scores `number | null` (`null` only under `bothEmpty: 'nan'`).
 * @throws SegsenseError `E_MISSING_TRUTH` (a sample without truth under `reference: 'truth'`, naming it),
 *   `E_SIZE_MISMATCH` (truth and image of a sample differ, or a transform returns a mask of another size than
 *   the image), `E_MODEL_OUTPUT` (wrong prediction count or size), `E_BAD_PARAMETER` (bad options or grid),
 *   `E_ABORTED` (signal aborted, checked between batches).
 * @example
 * const result = await sweep(model, samples, rotate, { range: [-30, 30], step: 5, metrics: ['dice'] })
 */
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[], transform: Transform, options: SweepOptions & { readonly keep: 'frames' }): Promise<SweepResultWithFrames>
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[], transform: Transform, options?: SweepOptions): Promise<SweepResult>
export async function sweep(model: SegmentationModel, samples: Sample | readonly Sample[], transform: Transform, options: SweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now()
  if (!model || typeof model.predict !== 'function') throw new SegsenseError('E_BAD_PARAMETER', `sweep: model must be a SegmentationModel with predict(images), got ${describeValue(model)}`)
  if (!transform || typeof transform.image !== 'function' || !transform.parameter) {
    throw new SegsenseError('E_BAD_PARAMETER', `sweep: transform must be a Transform (see defineTransform), got ${describeValue(transform)}`)
  }
  if (transform.spatial && typeof transform.labels !== 'function') {
    throw new SegsenseError('E_BAD_PARAMETER', `transform ${JSON.stringify(transform.name)} is spatial but has no labels(mask, value) function`)
  }
  const list: readonly Sample[] = Array.isArray(samples) ? samples : [samples as Sample]
  if (list.length === 0) throw new SegsenseError('E_BAD_PARAMETER', 'sweep: samples must hold at least one sample')
  const reference = options.reference ?? 'truth'
  if (reference !== 'truth' && reference !== 'prediction') throw new SegsenseError('E_BAD_PARAMETER', `sweep option reference must be 'truth' or 'prediction', got ${describeValue(reference)}`)
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  assertInteger(batchSize, 'sweep option batchSize', 1)
  const metrics = options.metrics ?? ['dice']
  checkMetricNames(metrics)
  if (new Set(metrics).size !== metrics.length) throw new SegsenseError('E_BAD_PARAMETER', `sweep option metrics lists a metric twice: ${describeValue(metrics)}`)
  const nsdTolerance = options.nsdTolerance ?? DEFAULT_NSD_TOLERANCE
  checkTolerance(nsdTolerance, 'sweep option nsdTolerance')
  const emptyPolicy = options.emptyPolicy ?? DEFAULT_EMPTY_POLICY
  if (!emptyPolicy || (emptyPolicy.bothEmpty !== 'best' && emptyPolicy.bothEmpty !== 'nan')) {
    throw new SegsenseError('E_BAD_PARAMETER', `sweep option emptyPolicy.bothEmpty must be 'best' or 'nan', got ${describeValue(emptyPolicy?.bothEmpty)}`)
  }
  const keep = options.keep ?? 'none'
  if (keep !== 'none' && keep !== 'frames') throw new SegsenseError('E_BAD_PARAMETER', `sweep option keep must be 'none' or 'frames', got ${describeValue(keep)}`)
  const { classes, includeBackground } = resolveClasses(model, options.classes)
  const classNames = classIds(classes, includeBackground).map((id) => classes[id] as string)
  const values = sweepValues(transform.parameter, options)

  const ids = new Set<string>()
  for (const [i, s] of list.entries()) {
    if (!s || typeof s.id !== 'string' || !s.image) throw new SegsenseError('E_BAD_PARAMETER', `sweep: samples[${i}] must be a Sample { id, image, truth? }, got ${describeValue(s)}`)
    if (ids.has(s.id)) throw new SegsenseError('E_BAD_PARAMETER', `sweep: sample id ${JSON.stringify(s.id)} is used twice; ids key the results`)
    ids.add(s.id)
    if (s.truth) assertSameSize(s.image, s.truth, `sample ${JSON.stringify(s.id)}: image and truth`)
    else if (reference === 'truth') {
      throw new SegsenseError('E_MISSING_TRUTH', `sample ${JSON.stringify(s.id)} has no truth mask; give one or sweep with reference: 'prediction'`, { details: { sample: s.id } })
    }
  }

  const n = list.length
  const K = values.length
  const what = `sweep of ${JSON.stringify(transform.name)} on model ${JSON.stringify(model.name)}`
  const total = n * K + (reference === 'prediction' ? n : 0)
  let done = 0
  let predictMs = 0
  let transformMs = 0
  let scoreMs = 0
  const signal = options.signal

  const predict = async (images: Raster[]): Promise<LabelMap[]> => {
    const t = performance.now()
    const out = await model.predict(images)
    predictMs += performance.now() - t
    if (!Array.isArray(out) || out.length !== images.length) {
      throw new SegsenseError('E_MODEL_OUTPUT', `model ${JSON.stringify(model.name)} returned ${Array.isArray(out) ? out.length : describeValue(out)} predictions for a batch of ${images.length} images`)
    }
    return out.map((p, i) => checkPrediction(model.name, images[i] as Raster, p))
  }
  const progress = (): void => options.onProgress?.({ done, total })

  // Reference masks before any transform: the truth, or the model's own clean predictions (batched too).
  const refs: LabelMap[] = new Array<LabelMap>(n)
  if (reference === 'truth') list.forEach((s, i) => (refs[i] = s.truth as LabelMap))
  else {
    for (let start = 0; start < n; start += batchSize) {
      if (signal?.aborted) throw aborted(what, done, total, signal)
      const batch = list.slice(start, start + batchSize)
      const preds = await predict(batch.map((s) => s.image))
      preds.forEach((p, i) => (refs[start + i] = p))
      done += batch.length
      progress()
    }
  }

  // Scores per sample/metric/class as Float64Array (NaN = undefined) until the end, then JSON arrays.
  const raw: Float64Array[][][] = list.map(() => metrics.map(() => classNames.map(() => new Float64Array(K))))
  const kept: SweepFrame[][] | null = keep === 'frames' ? list.map(() => new Array<SweepFrame>(K)) : null
  const pairs = n * K
  for (let start = 0; start < pairs; start += batchSize) {
    if (signal?.aborted) throw aborted(what, done, total, signal)
    const end = Math.min(pairs, start + batchSize)
    let t = performance.now()
    const images: Raster[] = []
    for (let p = start; p < end; p++) images.push(transform.image((list[Math.floor(p / K)] as Sample).image, values[p % K] as number))
    transformMs += performance.now() - t
    const preds = await predict(images)
    for (let p = start; p < end; p++) {
      const s = Math.floor(p / K)
      const k = p % K
      const value = values[k] as number
      const image = images[p - start] as Raster
      t = performance.now()
      let ref = refs[s] as LabelMap
      if (transform.spatial) ref = (transform.labels as NonNullable<Transform['labels']>)(ref, value)
      transformMs += performance.now() - t
      const at = `transform ${JSON.stringify(transform.name)} at ${transform.parameter.name}=${value} on sample ${JSON.stringify((list[s] as Sample).id)}`
      assertSameSize(image, ref, `${at}: transformed image and ${reference === 'truth' ? 'truth' : 'reference prediction'}`)
      t = performance.now()
      const prediction = preds[p - start] as LabelMap
      if (kept) (kept[s] as SweepFrame[])[k] = { value, image, reference: ref, prediction }
      const scores = scoreMasks(prediction, ref, { classes, metrics, emptyPolicy, includeBackground, nsdTolerance })
      const table = raw[s] as Float64Array[][]
      metrics.forEach((m, mi) => {
        const perClass = scores[m]
        classNames.forEach((c, ci) => ((table[mi] as Float64Array[])[ci] as Float64Array)[k] = perClass[c] as number)
      })
      scoreMs += performance.now() - t
    }
    done += end - start
    progress()
  }

  const toScores = (a: Float64Array): Score[] => Array.from(a, (v) => (Number.isFinite(v) ? v : null))
  const sampleScores: SampleScores[] = list.map((s, si) => {
    const scores: ScoreTable = {}
    metrics.forEach((m, mi) => {
      const curves: ClassCurves = {}
      classNames.forEach((c, ci) => (curves[c] = toScores((raw[si] as Float64Array[][])[mi]?.[ci] as Float64Array)))
      scores[m] = curves
    })
    return { id: s.id, scores }
  })
  const mean: ScoreTable = {}
  metrics.forEach((m, mi) => {
    const curves: ClassCurves = {}
    classNames.forEach((c, ci) => {
      const curve: Score[] = new Array<Score>(K)
      for (let k = 0; k < K; k++) {
        let sum = 0
        let count = 0
        for (let si = 0; si < n; si++) {
          const v = ((raw[si] as Float64Array[][])[mi]?.[ci] as Float64Array)[k] as number
          if (Number.isFinite(v)) {
            sum += v
            count++
          }
        }
        curve[k] = count > 0 ? sum / count : null
      }
      curves[c] = curve
    })
    mean[m] = curves
  })

  const result: SweepResult = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    model: model.name,
    transform: { name: transform.name, parameter: parameterJson(transform), options: optionsJson(transform) },
    values,
    classes: classNames,
    metrics: [...metrics],
    reference,
    emptyPolicy: { bothEmpty: emptyPolicy.bothEmpty },
    ...(metrics.includes('nsd') ? { nsdTolerance } : {}),
    samples: sampleScores,
    mean,
    timing: { totalMs: performance.now() - t0, predictMs, transformMs, scoreMs, predictions: done },
  }
  if (kept) {
    const frames: SweepFrames = { classes: { ...classes }, samples: list.map((s, i) => ({ id: s.id, frames: kept[i] as SweepFrame[] })) }
    // Non-enumerable: JSON.stringify, spreads and structuredClone skip it, so the result stays plain JSON data.
    Object.defineProperty(result, 'frames', { value: frames, enumerable: false, writable: false, configurable: true })
  }
  return result
}
