import { SegsenseError, describeValue } from '../core/errors.js'
import { classIds } from '../core/raster.js'
import type { LabelMap, LabelVolume, Raster, VolumeSample } from '../core/types.js'
import { type ClassCounts, confusionCounts } from '../metrics/confusion.js'
import { type BoundaryDistances, checkDims, checkSpacing3, volumeSurfaceDistances } from '../metrics/distance.js'
import { COUNT_METRICS, isDistanceMetric, sweepDistance } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import type { Transform } from '../transforms/transform.js'
import { aborted, batchPredictor } from './predict-batch.js'
import { resolveVolumeRun } from './resolve.js'
import type { SweepResult, SweepVolumes, VolumeSlices } from '../results/sweep-result.js'
import type { RawScores } from './run.js'
import { type AssemblyPlan, assembleResult } from './assemble.js'
import type { RunPlan, SliceSelection, VolumeSweepOptions } from './types.js'

export type { SliceSelection, VolumeSweepOptions } from './types.js'

/** Whether `samples` are volumes (`{ id, image: Volume }`) rather than images. */
export function isVolumeInput(samples: unknown): boolean {
  const first: unknown = Array.isArray(samples) ? samples[0] : samples
  return Boolean(
    first &&
    typeof first === 'object' &&
    (first as { image?: { dims?: unknown } }).image &&
    Array.isArray((first as { image: { dims?: unknown } }).image.dims),
  )
}

const WORLD_AXIS = { sagittal: 0, coronal: 1, axial: 2 } as const

/** The voxel axis whose direction in the affine is closest to world axis `world` (0 R, 1 A, 2 S). */
export function voxelAxisAlong(affine: readonly number[], world: 0 | 1 | 2): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 2
  let bestCos = -1
  for (const c of [0, 1, 2] as const) {
    const x = affine[c] as number
    const y = affine[4 + c] as number
    const z = affine[8 + c] as number
    const norm = Math.hypot(x, y, z)
    const cos = norm > 0 ? Math.abs([x, y, z][world] as number) / norm : 0
    // Ties (an oblique 45° affine) go to the higher axis, so that a plain stack keeps k as 'axial'.
    if (cos >= bestCos - 1e-12) {
      bestCos = cos
      best = c
    }
  }
  return best
}

/** One volume, checked, with where its slices lie in memory. */
interface VolumeJob {
  readonly sample: VolumeSample
  readonly truth: LabelVolume
  readonly axis: 0 | 1 | 2
  readonly slices: readonly number[]
  /** Slice width and height (pixels) and spacing. */
  readonly width: number
  readonly height: number
  readonly spacing: readonly [number, number]
  /** Voxel strides of the slice's x and y axes and of the slicing axis. */
  readonly strideX: number
  readonly strideY: number
  readonly strideS: number
}

function at(id: string): string {
  return `volume sample ${JSON.stringify(id)}`
}

function checkAffine(affine: unknown, what: string): void {
  if (
    !Array.isArray(affine) ||
    affine.length !== 16 ||
    !affine.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new SegsenseError(
      Array.isArray(affine) ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${what}: affine must be 16 finite numbers (row-major 4x4, voxel -> RAS mm), got ${describeValue(affine)}`,
    )
  }
}

/** Checks one volume sample and plans its slices. */
function planVolume(s: VolumeSample, selection: SliceSelection): VolumeJob {
  if (!s || typeof s.id !== 'string' || !s.image)
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweep: a volume sample must be { id, image: Volume, truth: LabelVolume }, got ${describeValue(s)}`,
    )
  const where = at(s.id)
  const img = s.image
  checkDims(img.dims, `${where}: image dims`)
  if (!Number.isInteger(img.channels) || img.channels < 1)
    throw new SegsenseError(
      typeof img.channels === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${where}: image channels must be an integer >= 1, got ${describeValue(img.channels)}`,
    )
  const [d0, d1, d2] = img.dims
  const voxels = d0 * d1 * d2
  if (!(img.data instanceof Float32Array))
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${where}: image data must be a Float32Array, got ${describeValue(img.data)}`,
    )
  if (img.data.length !== voxels * img.channels) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `${where}: image data has ${img.data.length} values, expected ${d0}x${d1}x${d2}x${img.channels} = ${voxels * img.channels}`,
    )
  }
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i] as number
    // v - v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `${where}: image has a non-finite value (${String(v)} at index ${i}); intensities must be finite numbers`,
      )
  }
  const spacing = checkSpacing3(img.spacing, `${where}: image spacing`)
  checkAffine(img.affine, `${where}: image`)
  const truth = s.truth
  if (!truth)
    throw new SegsenseError(
      'E_MISSING_TRUTH',
      `${where} has no truth label volume; volumes are scored against their truth`,
      { details: { sample: s.id } },
    )
  if (!(truth.data instanceof Uint8Array || truth.data instanceof Uint16Array))
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${where}: truth data must be a Uint8Array or Uint16Array of class ids, got ${describeValue(truth.data)}`,
    )
  if (
    !Array.isArray(truth.dims) ||
    truth.dims.length !== 3 ||
    truth.dims.some((d, i) => d !== img.dims[i]) ||
    truth.data.length !== voxels
  ) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `${where}: truth ${describeValue(truth.dims)} with ${truth.data.length} ids does not match the image ` +
        `${d0}x${d1}x${d2} (${voxels} voxels)`,
    )
  }
  let axis: 0 | 1 | 2
  let indices: readonly number[] | undefined
  if (typeof selection === 'string') {
    const world = WORLD_AXIS[selection]
    if (world === undefined)
      throw new SegsenseError(
        typeof selection === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
        `sweep option slices must be 'axial', 'coronal', 'sagittal' or { axis: 0 | 1 | 2, indices? }, got ${describeValue(selection)}`,
      )
    axis = voxelAxisAlong(img.affine, world)
  } else {
    axis = selection.axis
    indices = selection.indices
  }
  const n = img.dims[axis]
  const slices = indices ? [...indices] : Array.from({ length: n }, (_, i) => i)
  if (slices.length === 0)
    throw new SegsenseError('E_OUT_OF_RANGE', `sweep option slices.indices must list at least one slice`)
  const seen = new Set<number>()
  for (const k of slices) {
    if (!Number.isInteger(k) || k < 0 || k >= n)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `sweep option slices.indices: ${describeValue(k)} is not a slice of ${where} (integers 0..${n - 1} along axis ${axis})`,
      )
    if (seen.has(k)) throw new SegsenseError('E_OUT_OF_RANGE', `sweep option slices.indices lists slice ${k} twice`)
    seen.add(k)
  }
  // The slice's x axis is the lower remaining voxel axis, y the higher one.
  const strides = [1, d0, d0 * d1] as const
  const [ax, ay] = ([0, 1, 2] as const).filter((a) => a !== axis) as [0 | 1 | 2, 0 | 1 | 2]
  return {
    sample: s,
    truth,
    axis,
    slices,
    width: img.dims[ax],
    height: img.dims[ay],
    spacing: [spacing[ax], spacing[ay]],
    strideX: strides[ax],
    strideY: strides[ay],
    strideS: strides[axis],
  }
}

/** Pixel (x, y) of slice `s` is voxel `s * strideS + x * strideX + y * strideY`: slice k (contiguous) is a view. */
function sliceImage(job: VolumeJob, s: number): Raster {
  const { width, height, strideX, strideY, strideS } = job
  const { data, channels } = job.sample.image
  const base = s * strideS
  let out: Float32Array
  if (job.axis === 2) out = data.subarray(base * channels, (base + width * height) * channels)
  else {
    out = new Float32Array(width * height * channels)
    for (let y = 0, o = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = (base + x * strideX + y * strideY) * channels
        for (let c = 0; c < channels; c++) out[o++] = data[v + c] as number
      }
    }
  }
  return { width, height, channels, data: out, spacing: job.spacing }
}

function sliceLabels(job: VolumeJob, data: Uint8Array | Uint16Array, s: number): LabelMap {
  const { width, height, strideX, strideY, strideS } = job
  const base = s * strideS
  let out: Uint8Array | Uint16Array
  if (job.axis === 2) out = data.subarray(base, base + width * height)
  else {
    out = data instanceof Uint8Array ? new Uint8Array(width * height) : new Uint16Array(width * height)
    for (let y = 0, o = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[o++] = data[base + x * strideX + y * strideY] as number
  }
  return { width, height, data: out, spacing: job.spacing }
}

/** Writes a slice's labels back into a label volume of the job's grid. */
function putSlice(job: VolumeJob, target: Uint16Array, s: number, mask: LabelMap): void {
  const { width, height, strideX, strideY, strideS } = job
  const base = s * strideS
  const src = mask.data
  if (job.axis === 2) target.set(src, base)
  else
    for (let y = 0, i = 0; y < height; y++)
      for (let x = 0; x < width; x++) target[base + x * strideX + y * strideY] = src[i++] as number
}

/**
 * Sweeps a transform over volumes slice by slice: for every volume and swept value, each chosen slice is transformed
 * (a 2D transform, the truth slice with `transform.labels` when spatial), slices go to `model.predict` in batches of
 * `batchSize`, and the scores are computed on the whole stacked volume: overlap metrics from the voxel counts
 * summed over its slices (3D Dice, not a mean of slice Dice), `nsd` and the distances (`hd`, `hd95`, `assd`, `masd`)
 * in 3D with the volume's spacing (mm). One score per volume and value; the result's `volumes` says so.
 *
 * Memory: one batch of slice images at a time; the predicted label volume (and the transformed truth for spatial
 * transforms) is kept, in one buffer reused for every value, only when `nsd` or a distance is asked for.
 * A class absent from a volume's truth (over the swept slices) is not scored (null, in `warnings`); a class the
 * transform moves out of both truth and prediction scores by `emptyPolicy`; a distance where exactly one of them
 * holds it is infinite (`null` in JSON, never a pass).
 *
 * @throws SegsenseError `E_BAD_PARAMETER` (bad options, slices, volume data), `E_MISSING_TRUTH`, `E_SIZE_MISMATCH`,
 *   `E_MODEL_OUTPUT`, `E_ABORTED`, `E_TIMEOUT`, as {@link sweep} does.
 * @example
 * const result = await sweepVolumes(model, [{ id: 'p01', image, truth }], rotate, { range: [-20, 20], step: 5, metrics: ['dice', 'hd95'] })
 */
export async function sweepVolumes(
  model: SegmentationModel,
  volumes: VolumeSample | readonly VolumeSample[],
  transform: Transform,
  options: VolumeSweepOptions = {},
): Promise<SweepResult> {
  const t0 = performance.now()
  const run = resolveVolumeRun(model, transform, options)
  const selection = run.slices
  const list: readonly VolumeSample[] = Array.isArray(volumes) ? volumes : [volumes as VolumeSample]
  if (list.length === 0)
    throw new SegsenseError('E_OUT_OF_RANGE', 'sweep: volumes must hold at least one volume sample')
  const ids = new Set<string>()
  const jobs = list.map((s) => {
    const job = planVolume(s, selection)
    if (ids.has(s.id))
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `sweep: sample id ${JSON.stringify(s.id)} is used twice; ids key the results`,
      )
    ids.add(s.id)
    return job
  })
  const raw = await runVolumes(run, jobs)
  const plan: AssemblyPlan = { ...run, samples: list, reference: 'truth', keepFrames: null }
  const result = assembleResult(plan, raw, performance.now() - t0)
  const volumesJson: SweepVolumes = {
    slicing: typeof selection === 'string' ? selection : 'axis',
    samples: jobs.map((j): VolumeSlices => ({
      id: j.sample.id,
      dims: [...j.sample.image.dims],
      spacing: [...j.sample.image.spacing],
      axis: j.axis,
      slices: [...j.slices],
    })),
  }
  return { ...result, volumes: volumesJson }
}

/** Counts of one class summed over slices. */
interface Sums {
  tp: number
  fp: number
  fn: number
}

/** What the streaming loop shares between its steps: the plan, the predictor, the progress and the timing. */
interface VolumeRun {
  readonly plan: RunPlan
  readonly ids: readonly number[]
  readonly total: number
  predict: (images: Raster[]) => Promise<LabelMap[]>
  done: number
  transformMs: number
  scoreMs: number
}

/**
 * One volume at one value: its slices in batches (transformed, predicted, counted per class); the prediction and
 * the moved truth written into `pred`/`ref` when distances need the label volumes.
 */
async function predictVolumeAt(
  run: VolumeRun,
  job: VolumeJob,
  value: number,
  clean: readonly LabelMap[],
  pred: Uint16Array | null,
  ref: Uint16Array | Uint8Array | null,
  refIsBuffer: boolean,
): Promise<Sums[]> {
  const { transform, batchSize, what } = run.plan
  const { signal, onProgress } = run.plan.control
  const { sample, slices } = job
  const sums = run.ids.map(() => ({ tp: 0, fp: 0, fn: 0 }))
  if (pred) pred.fill(0)
  if (ref && refIsBuffer) ref.fill(0)
  for (let start = 0; start < slices.length; start += batchSize) {
    if (signal?.aborted) throw aborted(what, run.done, run.total, signal)
    const chunk = slices.slice(start, start + batchSize)
    let t = performance.now()
    const images = chunk.map((s) => {
      const source = sliceImage(job, s)
      const image = transform.image(source, value)
      // An identity transform may hand back the volume's own pixels: a model may write into what it gets.
      return image.data === source.data || image.data.buffer === sample.image.data.buffer
        ? { ...image, data: image.data.slice() }
        : image
    })
    run.transformMs += performance.now() - t
    const preds = await run.predict(images)
    for (const [c, s] of chunk.entries()) {
      t = performance.now()
      let truthSlice = clean[start + c] as LabelMap
      if (transform.spatial) truthSlice = (transform.labels as NonNullable<Transform['labels']>)(truthSlice, value)
      run.transformMs += performance.now() - t
      const image = images[c] as Raster
      if (truthSlice.width !== image.width || truthSlice.height !== image.height) {
        throw new SegsenseError(
          'E_SIZE_MISMATCH',
          `transform ${JSON.stringify(transform.name)} at ${transform.parameter.name}=${value} on slice ${s} of ` +
            `${at(sample.id)}: transformed image ${image.width}x${image.height} and truth ` +
            `${truthSlice.width}x${truthSlice.height} differ; a volume sweep keeps the slice size`,
        )
      }
      t = performance.now()
      const p = preds[c] as LabelMap
      const counts = confusionCounts(p, truthSlice, run.ids)
      run.ids.forEach((id, ci) => {
        const got = counts.get(id) as ClassCounts
        const acc = sums[ci] as Sums
        acc.tp += got.tp
        acc.fp += got.fp
        acc.fn += got.fn
      })
      if (pred) putSlice(job, pred, s, p)
      if (ref && refIsBuffer) putSlice(job, ref as Uint16Array, s, truthSlice)
      run.scoreMs += performance.now() - t
    }
    run.done += chunk.length
    onProgress?.({ done: run.done, total: run.total })
  }
  return sums
}

/** Writes one volume's scores at value index k: counts metrics from `sums`, distances from the label volumes. */
function scoreVolumeAt(
  plan: RunPlan,
  job: VolumeJob,
  table: readonly (readonly Float64Array[])[],
  k: number,
  sums: readonly Sums[],
  present: readonly boolean[],
  labels: { readonly pred: Uint16Array; readonly ref: Uint16Array | Uint8Array } | null,
): void {
  const { sample, truth } = job
  let surface: Record<string, BoundaryDistances> | null = null
  if (labels) {
    const grid = { dims: truth.dims, spacing: sample.image.spacing, affine: truth.affine }
    const policy = { bothEmpty: plan.emptyPolicy.bothEmpty, oneEmpty: 'worst' } as const
    surface = volumeSurfaceDistances({ ...grid, data: labels.pred }, { ...grid, data: labels.ref }, plan.classes, {
      tolerance: plan.nsdTolerance,
      emptyPolicy: policy,
      includeBackground: plan.includeBackground,
    })
  }
  plan.metrics.forEach((m, mi) => {
    plan.classNames.forEach((name, ci) => {
      let score: number
      if (!present[ci]) score = Number.NaN
      else if (m === 'nsd' || isDistanceMetric(m))
        score = sweepDistance((surface as Record<string, BoundaryDistances>)[name] as BoundaryDistances, m)
      else score = COUNT_METRICS[m](sums[ci] as ClassCounts, plan.emptyPolicy)
      ;((table[mi] as Float64Array[])[ci] as Float64Array)[k] = score
    })
  })
}

/** The streaming loop: per volume and value, slices in batches; counts summed, label volumes only for distances. */
async function runVolumes(plan: RunPlan, jobs: readonly VolumeJob[]): Promise<RawScores> {
  const { model, transform, values, metrics, classNames, batchSize, what } = plan
  const K = values.length
  const total = jobs.reduce((n, j) => n + j.slices.length * K, 0)
  const batches = jobs.reduce((n, j) => n + Math.ceil(j.slices.length / batchSize) * K, 0)
  const ids = classIds(plan.classes, plan.includeBackground)
  const needVolumes = metrics.some((m) => m === 'nsd' || isDistanceMetric(m))
  const { signal } = plan.control
  const run: VolumeRun = { plan, ids, total, predict: () => Promise.resolve([]), done: 0, transformMs: 0, scoreMs: 0 }
  const predictor = batchPredictor({
    model,
    batchTimeout: plan.batchTimeout,
    what,
    batches,
    unit: 'slice',
    signal,
    progress: () => ({ done: run.done, total }),
  })
  run.predict = (images) => predictor.predict(images)

  const scores = jobs.map(() => metrics.map(() => classNames.map(() => new Float64Array(K))))
  const emptyReferences: { sample: number; className: string }[] = []
  // One prediction buffer (and one reference buffer) for the largest volume, reused for every volume and value.
  const largest = needVolumes ? Math.max(...jobs.map((j) => j.truth.data.length)) : 0
  const predBuffer = new Uint16Array(largest)
  const refBuffer =
    needVolumes && (transform.spatial || jobs.some((j) => j.slices.length !== j.sample.image.dims[j.axis]))
      ? new Uint16Array(largest)
      : null

  for (const [v, job] of jobs.entries()) {
    const { truth, slices } = job
    const voxels = truth.data.length
    // Classes present in the untransformed truth over the swept slices: the others are never scored (as for images).
    const clean = slices.map((s) => sliceLabels(job, truth.data, s))
    const present = ids.map((id) => clean.some((m) => m.data.includes(id)))
    present.forEach((has, ci) => has || emptyReferences.push({ sample: v, className: classNames[ci] as string }))
    const pred = needVolumes ? predBuffer.subarray(0, voxels) : null
    const ref = needVolumes ? (refBuffer ? refBuffer.subarray(0, voxels) : truth.data) : null
    for (let k = 0; k < K; k++) {
      const sums = await predictVolumeAt(run, job, values[k] as number, clean, pred, ref, refBuffer !== null)
      const t = performance.now()
      const labels = pred && ref ? { pred, ref } : null
      scoreVolumeAt(plan, job, scores[v] as Float64Array[][], k, sums, present, labels)
      run.scoreMs += performance.now() - t
    }
  }
  return {
    scores,
    frames: null,
    confusion: null,
    references: [],
    emptyReferences,
    predictions: run.done,
    predictMs: predictor.ms,
    transformMs: run.transformMs,
    scoreMs: run.scoreMs,
  }
}
