import { assertSameSize, classIds, withData } from '../core/raster.js'
import type { LabelMap, Raster, Sample } from '../core/types.js'
import { addConfusion } from '../metrics/confusion.js'
import { scoreMasks } from '../metrics/overlap.js'
import type { Transform } from '../transforms/transform.js'
import { aborted, batchPredictor } from './predict-batch.js'
import { repeatedValues, samePixels } from './duplicates.js'
import { checkFilledReferences, checkInputDependence, cleanPhaseBatch, cleanPhaseImages } from './reference-checks.js'
import type { SweepPlan } from './types.js'
import type { SweepControl, SweepFrame } from './types.js'

/** Where a run's time went, and how many images it predicted; summed over the runs of one sweep by {@link addTiming}. */
export interface RunTiming {
  readonly predictions: number
  readonly predictMs: number
  readonly transformMs: number
  readonly scoreMs: number
}

/** A timing accumulator at zero. */
export function zeroTiming(): { -readonly [K in keyof RunTiming]: number } {
  return { predictions: 0, predictMs: 0, transformMs: 0, scoreMs: 0 }
}

/** Adds `from`'s counts and times to `into`. */
export function addTiming(into: { -readonly [K in keyof RunTiming]: number }, from: RunTiming): void {
  into.predictions += from.predictions
  into.predictMs += from.predictMs
  into.transformMs += from.transformMs
  into.scoreMs += from.scoreMs
}

/**
 * What the runner measured: per sample, metric and class, one score per swept value (NaN = undefined), the kept
 * frames, and where the time went.
 */
export interface RawScores extends RunTiming {
  /** `scores[sample][metric][class][value]`, in the plan's orders. */
  readonly scores: readonly (readonly (readonly Float64Array[])[])[]
  /** Per sample, its frames, or null when they were not kept (the whole list is null when none were). */
  readonly frames: readonly (readonly SweepFrame[] | null)[] | null
  /**
   * The (sample index, class name) pairs with nothing to score: the untransformed reference (the truth, or the
   * clean prediction) holds no pixel of the class. Their curves are NaN at every value.
   */
  readonly emptyReferences: readonly { readonly sample: number; readonly className: string }[]
  /** With `confusion`: per value, the row-major confusion matrix summed over samples; else null. */
  readonly confusion: readonly Float64Array[] | null
  /** Per sample, the untransformed reference mask: its truth, or the model's clean prediction. */
  readonly references: readonly LabelMap[]
}

/** How a run reports progress and can be stopped. */
export interface RunControl extends SweepControl {
  /**
   * `reference: 'prediction'`: the clean predictions of the plan's samples, already made (a cache, an earlier run
   * of the same sweep); they are not predicted again.
   */
  readonly references?: readonly LabelMap[] | undefined
}

/** A copy of a caller's raster: a model may write into what it is handed, and the caller's samples must survive it. */
function copyRaster(img: Raster): Raster {
  return withData(img, img.data.slice())
}

/**
 * Per scored class (plan order), whether `mask` holds at least one pixel of it: one pass over the mask.
 * `seen` is scratch space indexed by class id, reset here.
 */
function classesPresent(mask: LabelMap, ids: readonly number[], seen: Uint8Array): boolean[] {
  seen.fill(0)
  const max = seen.length - 1
  const data = mask.data
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number
    if (v <= max) seen[v] = 1
  }
  return ids.map((id) => seen[id] === 1)
}

/**
 * Runs a planned sweep: pairs (sample, value) go to `model.predict` in batches of `batchSize`; only one batch of
 * transformed images is alive at a time, and each transformed reference is computed once, when its pair is scored.
 */
export async function runBatches(plan: SweepPlan, control: RunControl = {}): Promise<RawScores> {
  const { model, transform, samples: list, values, metrics, classNames, reference, batchSize, what } = plan
  const n = list.length
  const K = values.length
  const given = reference === 'prediction' && control.references?.length === n ? control.references : undefined
  // Clean predictions are made with two probes per sample (blank, shuffled) that reveal a model ignoring its input.
  const cleans = reference === 'prediction' && !given ? cleanPhaseImages(n) : 0
  const total = n * K + cleans
  let done = 0
  let transformMs = 0
  let scoreMs = 0
  const { signal } = control
  const batches = Math.ceil((n * K) / batchSize) + Math.ceil(cleans / batchSize)

  const predictor = batchPredictor({
    model,
    batchTimeout: plan.batchTimeout,
    what,
    batches,
    unit: 'image',
    signal,
    progress: () => ({ done, total }),
  })
  const predict = (images: Raster[]): Promise<LabelMap[]> => predictor.predict(images)
  const progress = (): void => control.onProgress?.({ done, total })

  // Reference masks before any transform: the truth, or the model's own clean predictions (batched too).
  const refs: LabelMap[] = new Array<LabelMap>(n)
  const checks = { what, modelClasses: model.classes, includeBackground: plan.includeBackground }
  const ids0 = list.map((s) => s.id)
  if (reference === 'truth') list.forEach((s, i) => (refs[i] = s.truth as LabelMap))
  else if (given) given.forEach((r, i) => (refs[i] = r))
  else {
    const probes = list.map(() => [] as LabelMap[])
    refs.length = 0
    for (let start = 0; start < cleans; start += batchSize) {
      if (signal?.aborted) throw aborted(what, done, total, signal)
      const end = Math.min(cleans, start + batchSize)
      const preds = await predict(cleanPhaseBatch(list, start, end, copyRaster))
      preds.forEach((p, i) => ((start + i < n ? refs : probes[Math.floor((start + i - n) / 2)]) as LabelMap[]).push(p))
      done += end - start
      progress()
    }
    checkFilledReferences(checks, ids0, refs)
    checkInputDependence({ ...checks, model: model.name }, refs, probes)
  }
  if (given) checkFilledReferences(checks, ids0, refs)

  // Nothing to score: a class the untransformed reference lacks scores only 1 (both empty) or 0 (a stray pixel),
  // never how well it is segmented; the pair is undefined at every value and reported (docs/design.md).
  const ids = classIds(plan.classes, plan.includeBackground)
  const seen = new Uint8Array(Math.max(...ids) + 1)
  const present = refs.map((ref) => classesPresent(ref, ids, seen))
  const emptyReferences: { sample: number; className: string }[] = []
  present.forEach((row, s) =>
    row.forEach((has, ci) => has || emptyReferences.push({ sample: s, className: classNames[ci] as string })),
  )

  const scores: Float64Array[][][] = list.map(() => metrics.map(() => classNames.map(() => new Float64Array(K))))
  const keep = plan.keepFrames
  const kept: (SweepFrame[] | null)[] | null = keep
    ? list.map((s) => (keep.has(s.id) ? new Array<SweepFrame>(K) : null))
    : null
  const labels = plan.confusion
  const confusion = labels ? values.map(() => new Float64Array(labels.ids.length * labels.ids.length)) : null
  const scoreOptions = {
    classes: plan.classes,
    metrics,
    emptyPolicy: plan.emptyPolicy,
    includeBackground: plan.includeBackground,
    nsdTolerance: plan.nsdTolerance,
  }
  const pairs = n * K
  // A circular parameter's repeated value (rotate's 180 after -180) is predicted once per sample when its image is
  // bit-identical to the first one's: the first's image and prediction are held until the repeat is scored.
  const repeats = repeatedValues(values, transform.parameter)
  const lastRepeat = new Int32Array(K).fill(-1)
  repeats.forEach((first, k) => first >= 0 && (lastRepeat[first] = k))
  const held = new Map<number, { image: Raster; prediction: LabelMap }>()
  for (let start = 0; start < pairs; start += batchSize) {
    if (signal?.aborted) throw aborted(what, done, total, signal)
    const end = Math.min(pairs, start + batchSize)
    let t = performance.now()
    const images: Raster[] = []
    // Per batch slot: the held prediction it reuses, or the slot of this batch whose prediction it copies.
    const reused: (LabelMap | number | undefined)[] = []
    for (let p = start; p < end; p++) {
      const source = (list[Math.floor(p / K)] as Sample).image
      const image = transform.image(source, values[p % K] as number)
      // An identity transform may hand back the caller's pixels: copy those only (fresh images are the sweep's own).
      images.push(image.data === source.data ? copyRaster(image) : image)
      // Without truth the neutral value's image is the clean one, whose prediction is the reference: not predicted again.
      if (reference === 'prediction' && values[p % K] === transform.parameter.neutral && samePixels(image, source)) {
        reused[p - start] = refs[Math.floor(p / K)]
        continue
      }
      const first = repeats[p % K] as number
      if (first < 0) continue
      const at = p - (p % K) + first
      const h = at >= start ? { image: images[at - start] as Raster, prediction: at - start } : held.get(at)
      if (h && samePixels(h.image, image)) reused[p - start] = h.prediction
    }
    transformMs += performance.now() - t
    const toPredict = images.filter((_, i) => reused[i] === undefined)
    const fresh = toPredict.length > 0 ? await predict(toPredict) : []
    let next = 0
    const preds: LabelMap[] = []
    images.forEach((_, i) => {
      const r = reused[i]
      const from = typeof r === 'number' ? (preds[r] as LabelMap) : r
      preds.push(from ? { ...from, data: from.data.slice() } : (fresh[next++] as LabelMap))
    })
    for (let p = start; p < end; p++) {
      const k = p % K
      if ((lastRepeat[k] as number) >= 0)
        held.set(p, { image: images[p - start] as Raster, prediction: preds[p - start] as LabelMap })
      const first = repeats[k] as number
      if (first >= 0 && lastRepeat[first] === k) held.delete(p - k + first)
    }
    for (let p = start; p < end; p++) {
      const s = Math.floor(p / K)
      const k = p % K
      const value = values[k] as number
      const image = images[p - start] as Raster
      t = performance.now()
      let ref = refs[s] as LabelMap
      if (transform.spatial) ref = (transform.labels as NonNullable<Transform['labels']>)(ref, value)
      transformMs += performance.now() - t
      const at =
        `transform ${JSON.stringify(transform.name)} at ${transform.parameter.name}=${value} on sample ` +
        `${JSON.stringify((list[s] as Sample).id)}`
      assertSameSize(
        image,
        ref,
        `${at}: transformed image and ${reference === 'truth' ? 'truth' : 'reference prediction'}`,
      )
      t = performance.now()
      const prediction = preds[p - start] as LabelMap
      const keptFrames = kept?.[s]
      if (keptFrames) keptFrames[k] = { value, image, reference: ref, prediction }
      const scored = scoreMasks(prediction, ref, scoreOptions)
      if (labels && confusion)
        addConfusion(prediction, ref, labels.index, labels.ids.length, confusion[k] as Float64Array)
      const table = scores[s] as Float64Array[][]
      const has = present[s] as boolean[]
      metrics.forEach((m, mi) => {
        const perClass = scored[m]
        classNames.forEach(
          (c, ci) =>
            (((table[mi] as Float64Array[])[ci] as Float64Array)[k] = has[ci] ? (perClass[c] as number) : Number.NaN),
        )
      })
      scoreMs += performance.now() - t
    }
    done += end - start
    progress()
  }
  return {
    scores,
    frames: kept,
    emptyReferences,
    confusion,
    references: refs,
    predictions: done,
    predictMs: predictor.ms,
    transformMs,
    scoreMs,
  }
}
