import { nameRecord } from '../core/records.js'
import { checkContextExpect } from './concurrent.js'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MatcherState } from 'vitest'
import { SegsenseError, type SegsenseErrorCode, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Classes, LabelMap, Raster, Sample } from '../core/types.js'
import { DEFAULT_BATCH_SIZE, type SegmentationModel } from '../models/model.js'
import { predictionDiffPng } from '../report/prediction-diff.js'
import { classPalette } from '../report/palette.js'
import type { Transform } from '../transforms/transform.js'
import type { AttachPolicy } from './config.js'
import { type Assertion, type Frame, checkTransform, defineMatcher } from './frame.js'
import type { MatcherOutcome } from './meta.js'
import { type PredictionBudget, boundaryBand, labelMapHash } from './prediction-compare.js'
import {
  type Moved,
  type Prediction,
  compareWithSnapshot,
  failureLines,
  predictionKey,
  predictionLabel as label,
  worstFirst,
} from './prediction-verdict.js'
import {
  type PredictionSidecar,
  type StoredPrediction,
  currentRuntime,
  predictionDir,
  predictionPng,
  readPredictionPng,
  readSidecar,
  removeFiles,
  snapshotFileName,
  writeAtomic,
} from './prediction-store.js'
import { markTouched } from './prediction-obsolete.js'
import { snapshotTestName } from './snapshot-key.js'

/**
 * Options of `toMatchPredictionSnapshot`. With no budget at all the comparison is exact (0 changed pixels); give
 * any budget and the others are unlimited unless given too.
 */
export interface PredictionSnapshotOptions {
  /** Predict on the samples transformed by this transform at each of `values` (default: on the samples as they are). */
  readonly transform?: Transform
  /** The transform's values (required with `transform`), e.g. `[-10, 0, 10]`. */
  readonly values?: readonly number[]
  /** Largest number of pixels (per prediction) whose class id may differ from the stored prediction. */
  readonly maxChangedPixels?: number
  /** Largest fraction (0..1) of a prediction's compared pixels that may change; with `maxChangedPixels` the stricter wins. */
  readonly maxChangedRatio?: number
  /**
   * Smallest Dice of each class between the stored and the new prediction (per prediction): one number for every
   * class of the model, or per class name. Agreement with the stored prediction, not with the truth.
   */
  readonly minDice?: number | Readonly<Record<string, number>>
  /** Leave out a band of `k` px on each side of every class edge of the stored prediction (default 0: none). */
  readonly ignoreBoundary?: number
  /** When to attach the diff image: `on-failure` (default), `always` (also a near miss that passed within budget), `never`. */
  readonly attach?: AttachPolicy
  /** Images per `predict` call; default the `configureSegsense` batch size, else 16. */
  readonly batchSize?: number
}

const PREDICTION_OPTION_KEYS = optionKeys<PredictionSnapshotOptions>({
  transform: true,
  values: true,
  maxChangedPixels: true,
  maxChangedRatio: true,
  minDice: true,
  ignoreBoundary: true,
  attach: true,
  batchSize: true,
})

const where = 'toMatchPredictionSnapshot'
/** An input error of the call: a number out of its range, else a value of the wrong kind, unless `code` says. */
const bad = (what: string, value: unknown, code?: SegsenseErrorCode): SegsenseError =>
  new SegsenseError(
    code ?? (typeof value === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'),
    `${where}: ${what}, got ${describeValue(value)}`,
    { details: { value } },
  )

/** Checks the options and resolves the budgets (strict when none is given). */
export function resolveBudget(options: PredictionSnapshotOptions, classes: Classes): PredictionBudget {
  const { maxChangedPixels: pixels, maxChangedRatio: ratio, minDice, ignoreBoundary = 0 } = options
  if (pixels !== undefined && !(Number.isInteger(pixels) && pixels >= 0))
    throw bad('maxChangedPixels must be an integer >= 0 (a pixel count per prediction)', pixels)
  if (ratio !== undefined && !(typeof ratio === 'number' && ratio >= 0 && ratio <= 1))
    throw bad('maxChangedRatio must be a fraction in [0, 1] of the compared pixels (0.01 = 1 %)', ratio)
  if (!(Number.isInteger(ignoreBoundary) && ignoreBoundary >= 0 && ignoreBoundary <= 64))
    throw bad('ignoreBoundary must be an integer number of pixels in [0, 64]', ignoreBoundary)
  const names = Object.values(classes)
  // No prototype: a class may be called `toString`, and a lookup of another class must not find a function.
  const dice: Record<string, number> = nameRecord()
  const checkDice = (v: unknown, name: string): number => {
    if (!(typeof v === 'number' && v >= 0 && v <= 1))
      throw bad(`minDice${name ? ` for ${name}` : ''} must be a Dice in [0, 1]`, v)
    return v
  }
  if (typeof minDice === 'number') for (const n of names) dice[n] = checkDice(minDice, '')
  else if (minDice !== undefined) {
    if (minDice === null || typeof minDice !== 'object')
      throw bad('minDice must be a number or { className: number }', minDice)
    for (const [name, v] of Object.entries(minDice)) {
      if (!names.includes(name)) {
        const which = `minDice names class ${JSON.stringify(name)}, which the model does not have`
        throw bad(`${which} (its classes: ${names.join(', ')})`, minDice, 'E_OUT_OF_RANGE')
      }
      dice[name] = checkDice(v, name)
    }
  }
  // An empty per-class map sets no budget: it must not open the changed-pixel budget either.
  const none = pixels === undefined && ratio === undefined && Object.keys(dice).length === 0
  return {
    maxChangedPixels: pixels ?? (none ? 0 : Infinity),
    maxChangedRatio: ratio ?? Infinity,
    minDice: dice,
    ignoreBoundary,
  }
}

/** The checked options of one call: unknown keys, a transform without values (or the reverse), bad budgets refused. */
function resolveOptions(
  f: Frame,
  options: PredictionSnapshotOptions,
  classes: Classes,
): {
  transform: Transform | undefined
  values: readonly (number | undefined)[]
  attach: AttachPolicy
  batchSize: number
  budget: PredictionBudget
} {
  if (options === null || typeof options !== 'object') throw bad('options must be an object', options)
  checkKnownKeys(options, PREDICTION_OPTION_KEYS, `${where} options`)
  const { transform, values } = options
  if (transform !== undefined) checkTransform(`${where}: options`, transform)
  if (transform && (!Array.isArray(values) || values.length === 0))
    throw bad(`values must list the ${transform.name} values to predict at (e.g. [-10, 0, 10])`, values)
  if (!transform && values !== undefined)
    throw bad('values needs a transform to apply them', values, 'E_INCOMPATIBLE_OPTIONS')
  for (const v of values ?? [])
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('values must be finite numbers', v)
  const batchSize = options.batchSize ?? f.defaults.batchSize ?? DEFAULT_BATCH_SIZE
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw bad('batchSize must be an integer >= 1', batchSize)
  return {
    transform,
    values: transform ? (values as readonly number[]) : [undefined],
    attach: f.attachPolicy(options.attach),
    batchSize,
    budget: resolveBudget(options, classes),
  }
}

// Call numbers per test (and retry): the snapshot key of a call is taken when it is made, so calls in one
// Promise.all keep their files whichever finishes first.
const calls = new Map<string, number>()
function nextKey(
  task: { id: string; name: string; suite?: unknown; result?: { retryCount?: number } } | undefined,
): string {
  if (!task) return 'prediction 1'
  const id = `${task.id}:${task.result?.retryCount ?? 0}`
  const n = (calls.get(id) ?? 0) + 1
  calls.set(id, n)
  return `${snapshotTestName(task as Parameters<typeof snapshotTestName>[0])} ${n}`
}

async function predictAll(
  model: SegmentationModel,
  samples: readonly Sample[],
  transform: Transform | undefined,
  values: readonly (number | undefined)[],
  batchSize: number,
  key: string,
): Promise<Prediction[]> {
  const jobs = values.flatMap((value) =>
    samples.map((s) => ({
      sample: s.id,
      value,
      image: transform && value !== undefined ? transform.image(s.image, value) : s.image,
    })),
  )
  const out: Prediction[] = []
  for (let i = 0; i < jobs.length; i += batchSize) {
    const batch = jobs.slice(i, i + batchSize)
    const maps = await model.predict(batch.map((j) => j.image))
    if (!Array.isArray(maps) || maps.length !== batch.length) {
      const got = Array.isArray(maps) ? maps.length : describeValue(maps)
      throw new SegsenseError(
        'E_MODEL_OUTPUT',
        `${where}: model ${model.name} returned ${got} predictions for ${batch.length} images`,
      )
    }
    batch.forEach((j, k) => {
      const map = maps[k] as LabelMap
      checkSize(model, map, j, transform)
      const parts = [key, j.sample, ...(transform && j.value !== undefined ? [`${transform.name}=${j.value}`] : [])]
      out.push({
        sample: j.sample,
        ...(j.value !== undefined ? { value: j.value } : {}),
        image: j.image,
        map,
        sha256: labelMapHash(map),
        file: snapshotFileName(parts, '.png'),
      })
    })
  }
  checkUnique(out)
  return out
}

/** A prediction of another size than its image is the model's fault, named with the image. */
function checkSize(
  model: SegmentationModel,
  map: LabelMap,
  job: { readonly sample: string; readonly value: number | undefined; readonly image: Raster },
  transform: Transform | undefined,
): void {
  if (map.width === job.image.width && map.height === job.image.height) return
  const size = `${job.image.width}x${job.image.height}`
  throw new SegsenseError(
    'E_MODEL_OUTPUT',
    `${where}: model ${model.name} predicted ${map.width}x${map.height} for the ${size} image ${label(job, transform)}`,
  )
}

/** Sample ids name the snapshot files: two predictions of one name would overwrite each other. */
function checkUnique(predictions: readonly Prediction[]): void {
  const seen = new Set<string>()
  for (const p of predictions) {
    if (seen.has(predictionKey(p)))
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${where}: two samples are both named ${JSON.stringify(p.sample)} (sample ids name the snapshot files)`,
      )
    seen.add(predictionKey(p))
  }
}

/**
 * The `toMatchPredictionSnapshot` matcher: predicts on the samples (transformed at each value), compares every
 * label map with the one stored in `__snapshots__/<file>.predictions/` on class ids, within the budgets. The first
 * local run writes the snapshot; `vitest -u` rewrites what moved; under CI a missing snapshot fails and the
 * received PNGs are attached. **Must be awaited.**
 */
export function toMatchPredictionSnapshot(
  this: MatcherState,
  received: unknown,
  samples?: readonly Sample[],
  options: PredictionSnapshotOptions = {},
): Promise<MatcherOutcome> {
  // The snapshot key of a call is taken when it is made (see nextKey).
  checkContextExpect(where, this.task)
  return predictionMatcher.call(this, received, nextKey(this.task), samples, options)
}

const predictionMatcher = defineMatcher({
  name: where,
  label: (_key: string, _samples?: readonly Sample[], _options?: PredictionSnapshotOptions) => `${where}(samples)`,
  noNot: true,
  async run(f, model, key, samples, options = {}) {
    const list = f.samples(samples)
    const { transform, values, attach, batchSize, budget } = resolveOptions(f, options, model.classes)
    if (!f.state.testPath)
      throw new SegsenseError('E_BAD_PARAMETER', `${where}: no test file (call it inside a vitest test)`)
    const predictions = await predictAll(model, list, transform, values, batchSize, key)
    const call: Call = {
      f,
      model,
      key,
      transform,
      budget,
      attach,
      predictions,
      ...store(f, key, model, transform, predictions),
    }
    const stored = await readSidecar(call.sidecarPath)
    markTouched(call.dir, [call.sidecarName, ...predictions.map((p) => p.file)])
    return f.assert(stored ? await compareRun(call, stored) : await firstRun(call))
  },
})

/** One call of the matcher, as its steps share it. */
interface Call {
  readonly f: Frame
  readonly model: SegmentationModel
  readonly key: string
  readonly transform: Transform | undefined
  readonly budget: PredictionBudget
  readonly attach: AttachPolicy
  readonly predictions: readonly Prediction[]
  readonly dir: string
  readonly sidecarName: string
  readonly sidecarPath: string
  readonly sidecar: PredictionSidecar
  /** Counts the call in vitest's snapshot summary. */
  readonly count: (kind: 'added' | 'updated' | 'matched' | 'unmatched') => void
}

/** Where the call's snapshot lives and what it would store. */
function store(
  f: Frame,
  key: string,
  m: SegmentationModel,
  transform: Transform | undefined,
  predictions: readonly Prediction[],
): Pick<Call, 'dir' | 'sidecarName' | 'sidecarPath' | 'sidecar' | 'count'> {
  const dir = predictionDir(f.state.testPath as string)
  const sidecarName = snapshotFileName([key], '.json')
  const sidecar: PredictionSidecar = {
    segsense: 'prediction-snapshot',
    version: 1,
    test: key,
    model: { name: m.name, fingerprint: m.fingerprint ?? null, classes: m.classes },
    runtime: currentRuntime(m),
    transform: transform
      ? { name: transform.name, options: (transform.options ?? {}) as Readonly<Record<string, unknown>> }
      : null,
    predictions: predictions.map((p): StoredPrediction => ({
      sample: p.sample,
      ...(p.value !== undefined ? { value: p.value } : {}),
      file: p.file,
      width: p.map.width,
      height: p.map.height,
      sha256: p.sha256,
    })),
  }
  const state = f.state.snapshotState
  const task = f.task
  const count = (kind: 'added' | 'updated' | 'matched' | 'unmatched'): void => {
    if (task) (state[kind] as unknown as { increment(id: string): void }).increment(task.id)
  }
  return { dir, sidecarName, sidecarPath: join(dir, sidecarName), sidecar, count }
}

/** No stored snapshot: written when the update mode allows it, else a failure with the received PNGs attached. */
async function firstRun(call: Call): Promise<Assertion> {
  const { f, key, dir, predictions, transform } = call
  const hint = f.hint('samples')
  const mode = f.state.snapshotState.snapshotUpdateState
  if (mode === 'new' || mode === 'all') {
    for (const p of predictions) await writeAtomic(join(dir, p.file), await predictionPng(p.map))
    await writeAtomic(call.sidecarPath, `${JSON.stringify(call.sidecar, null, 2)}\n`)
    call.count('added')
    return { pass: true, message: () => `${hint}\n\nPrediction snapshot written.` }
  }
  call.count('unmatched')
  let attached = ''
  if (f.task) {
    const tmp = await mkdtemp(join(tmpdir(), 'segsense-'))
    for (const p of predictions) {
      const file = join(tmp, p.file)
      await writeAtomic(file, await predictionPng(p.map))
      const note = `received prediction ${label(p, transform)}`
      const a = await f.annotate(note, 'error', { path: file, contentType: 'image/png' })
      if (p === predictions[0]) {
        attached = `\nThe received predictions were attached to the test (the first at ${a?.attachment?.path ?? file}).`
      }
    }
  }
  const text = [
    hint,
    '',
    `New prediction snapshot "${key}" was not written: the update mode is ${JSON.stringify(mode)}.`,
    'Snapshots are not written in CI by default. Run `vitest -u` (or `vitest --update=new`) locally and commit ' +
      `${dir}.${attached}`,
  ].join('\n')
  return { pass: false, message: () => text }
}

/** A stored snapshot: compared within the budgets; `-u` rewrites what moved beyond them. */
async function compareRun(call: Call, stored: PredictionSidecar): Promise<Assertion> {
  const { f, model, dir, predictions, budget, transform, key } = call
  const verdict = await compareWithSnapshot(
    stored,
    predictions,
    model.classes,
    budget,
    (file) => readPredictionPng(join(dir, file)),
    transform,
  )
  const hint = f.hint('samples')
  const { moved, failing, pass } = verdict
  if (pass) {
    call.count('matched')
    if (moved.length && call.attach === 'always') {
      const w = worstFirst(moved)[0]!
      const worst = `worst ${label(w.prediction, transform)} ${w.comparison.changed} px`
      await attachDiff(
        call,
        worstFirst(moved),
        `${key}: ${moved.length} prediction(s) moved within budget, ${worst}`,
        'notice',
      )
    }
    return { pass: true, message: () => `${hint}\n\nPredictions match the snapshot.` }
  }
  if (f.state.snapshotState.snapshotUpdateState === 'all') {
    await rewrite(call, stored, verdict)
    return { pass: true, message: () => `${hint}\n\nPrediction snapshot updated.` }
  }
  call.count('unmatched')
  const runtime = call.sidecar.runtime
  const total = predictions.length
  const lines = [
    hint,
    '',
    ...failureLines(verdict, { budget, transform, total, stored, fingerprint: model.fingerprint, runtime }),
  ]
  const worst = worstFirst(failing)
  if (worst.length && call.attach !== 'never') {
    const w = worst[0]!
    const note = `${key}: ${worst.length} prediction(s) moved, worst ${label(w.prediction, transform)} ${w.comparison.changed} px`
    const path = await attachDiff(call, worst, note, 'error')
    if (path) lines.push(`Diff image (${DIFF_LEGEND}): ${path}`, '')
  }
  lines.push('Run `vitest -u` to accept the new predictions.')
  const text = lines.join('\n')
  return { pass: false, message: () => text }
}

/** `-u`: rewrites only what moved beyond budget (or is new, or changed size); what stayed within budget stays. */
async function rewrite(
  call: Call,
  stored: PredictionSidecar,
  verdict: { failing: readonly Moved[]; fresh: readonly Prediction[]; gone: readonly StoredPrediction[] },
): Promise<void> {
  const { dir, predictions, sidecar } = call
  const changed = [...verdict.failing.map((x) => x.prediction), ...verdict.fresh]
  const kept = new Map(stored.predictions.map((p) => [predictionKey(p), p]))
  const merged = predictions.map(
    (p, k) => (changed.includes(p) ? sidecar.predictions[k] : kept.get(predictionKey(p))) as StoredPrediction,
  )
  await removeFiles(
    dir,
    verdict.gone.map((s) => s.file),
  )
  for (const p of changed) await writeAtomic(join(dir, p.file), await predictionPng(p.map))
  await writeAtomic(call.sidecarPath, `${JSON.stringify({ ...sidecar, predictions: merged }, null, 2)}\n`)
  call.count('updated')
}

const DIFF_LEGEND = 'stored | new | diff: pixels gained in magenta, lost in cyan'

/** The diff image, written to a temporary file and attached by path (vitest copies it to its attachments folder). */
async function attachDiff(
  call: Call,
  list: readonly Moved[],
  note: string,
  type: 'error' | 'notice',
): Promise<string | undefined> {
  const { f, key, budget, model } = call
  if (!f.task) return undefined
  const rows = list.slice(0, 8).map((x) => ({
    image: x.prediction.image,
    stored: x.stored,
    now: x.prediction.map,
    ...(budget.ignoreBoundary ? { ignore: boundaryBand(x.stored, budget.ignoreBoundary) } : {}),
  }))
  const file = join(await mkdtemp(join(tmpdir(), 'segsense-')), snapshotFileName([key, 'diff'], '.png'))
  await writeAtomic(file, await predictionDiffPng(rows, classPalette(model.classes)))
  const annotation = await f.annotate(`${note} (${DIFF_LEGEND})`, type, { contentType: 'image/png', path: file })
  return annotation?.attachment?.path ?? file
}
