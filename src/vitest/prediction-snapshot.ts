import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Classes, LabelMap, Raster, Sample } from '../core/types.js'
import { DEFAULT_BATCH_SIZE, type SegmentationModel } from '../models/model.js'
import { predictionDiffPng } from '../report/prediction-diff.js'
import { classPalette } from '../report/palette.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { type MatcherOutcome, annotateIfRunning } from './meta.js'
import { tracked } from './pending.js'
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
import { resolveSamples } from './robust.js'
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
const bad = (what: string, value: unknown): SegsenseError =>
  new SegsenseError('E_BAD_PARAMETER', `${where}: ${what}, got ${describeValue(value)}`)

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
  const dice: Record<string, number> = {}
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
      if (!names.includes(name))
        throw bad(
          `minDice names class ${JSON.stringify(name)}, which the model does not have (its classes: ${names.join(', ')})`,
          minDice,
        )
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
  if (
    transform !== undefined &&
    (typeof transform !== 'object' || typeof transform.image !== 'function' || !transform.parameter)
  )
    throw bad('transform must be a segsense Transform (e.g. rotate)', transform)
  if (transform && (!Array.isArray(values) || values.length === 0))
    throw bad(`values must list the ${transform.name} values to predict at (e.g. [-10, 0, 10])`, values)
  if (!transform && values !== undefined) throw bad('values needs a transform to apply them', values)
  for (const v of values ?? [])
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('values must be finite numbers', v)
  const attach = options.attach ?? segsenseDefaults().attach ?? 'on-failure'
  if (!['on-failure', 'always', 'never'].includes(attach))
    throw bad("attach must be 'on-failure', 'always' or 'never'", attach)
  const batchSize = options.batchSize ?? segsenseDefaults().batchSize ?? DEFAULT_BATCH_SIZE
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw bad('batchSize must be an integer >= 1', batchSize)
  return {
    transform,
    values: transform ? (values as readonly number[]) : [undefined],
    attach,
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
    if (!Array.isArray(maps) || maps.length !== batch.length)
      throw new SegsenseError(
        'E_MODEL_OUTPUT',
        `${where}: model ${model.name} returned ${Array.isArray(maps) ? maps.length : describeValue(maps)} predictions for ${batch.length} images`,
      )
    batch.forEach((j, k) => {
      const map = maps[k] as LabelMap
      if (map.width !== j.image.width || map.height !== j.image.height)
        throw new SegsenseError(
          'E_MODEL_OUTPUT',
          `${where}: model ${model.name} predicted ${map.width}x${map.height} for the ${j.image.width}x${j.image.height} image ${label(j, transform)}`,
        )
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
  const seen = new Set<string>()
  for (const p of out) {
    if (seen.has(predictionKey(p)))
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `${where}: two samples are both named ${JSON.stringify(p.sample)} (sample ids name the snapshot files)`,
      )
    seen.add(predictionKey(p))
  }
  return out
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
  const task = this.task as (MatcherState['task'] & { result?: { retryCount?: number } }) | undefined
  const key = nextKey(task)
  return tracked(`${where}(samples)`, task?.id, Boolean(this.soft), async () => {
    const model = received as Partial<SegmentationModel> | null
    if (
      !model ||
      typeof model !== 'object' ||
      typeof model.predict !== 'function' ||
      typeof model.classes !== 'object'
    ) {
      throw bad('expect(model) needs a SegmentationModel (from loadOnnxModel or functionModel)', received)
    }
    if (this.isNot) throw new SegsenseError('E_BAD_PARAMETER', `${where} cannot be used with .not`)
    const m = model as SegmentationModel
    const list = resolveSamples(where, samples)
    const { transform, values, attach, batchSize, budget } = resolveOptions(options, m.classes)
    if (!this.testPath)
      throw new SegsenseError('E_BAD_PARAMETER', `${where}: no test file (call it inside a vitest test)`)

    const dir = predictionDir(this.testPath)
    const sidecarName = snapshotFileName([key], '.json')
    const sidecarPath = join(dir, sidecarName)
    const predictions = await predictAll(m, list, transform, values, batchSize, key)
    const runtime = currentRuntime(m)
    const sidecar: PredictionSidecar = {
      segsense: 'prediction-snapshot',
      version: 1,
      test: key,
      model: { name: m.name, fingerprint: m.fingerprint ?? null, classes: m.classes },
      runtime,
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
    const state = this.snapshotState
    const mode = state.snapshotUpdateState
    const count = (kind: 'added' | 'updated' | 'matched' | 'unmatched'): void => {
      if (task) (state[kind] as unknown as { increment(id: string): void }).increment(task.id)
    }
    const hint = this.utils.matcherHint(where, 'model', 'samples', { promise: this.promise })
    const writeAll = async (files: readonly Prediction[]): Promise<void> => {
      for (const p of files) await writeAtomic(join(dir, p.file), await predictionPng(p.map))
      await writeAtomic(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`)
    }
    const stored = await readSidecar(sidecarPath)
    markTouched(dir, [sidecarName, ...predictions.map((p) => p.file)])

    if (!stored) {
      if (mode === 'new' || mode === 'all') {
        await writeAll(predictions)
        count('added')
        return { pass: true, message: () => `${hint}\n\nPrediction snapshot written.` }
      }
      count('unmatched')
      let attached = ''
      if (task) {
        const tmp = await mkdtemp(join(tmpdir(), 'segsense-'))
        for (const p of predictions) {
          const file = join(tmp, p.file)
          await writeAtomic(file, await predictionPng(p.map))
          const a = await annotateIfRunning(task, `received prediction ${label(p, transform)}`, 'error', {
            path: file,
            contentType: 'image/png',
          })
          if (p === predictions[0])
            attached = `\nThe received predictions were attached to the test (the first at ${a?.attachment?.path ?? file}).`
        }
      }
      const text = [
        hint,
        '',
        `New prediction snapshot "${key}" was not written: the update mode is ${JSON.stringify(mode)}.`,
        `Snapshots are not written in CI by default. Run \`vitest -u\` (or \`vitest --update=new\`) locally and commit ${dir}.${attached}`,
      ].join('\n')
      return { pass: false, message: () => text }
    }

    const verdict = await compareWithSnapshot(
      stored,
      predictions,
      m.classes,
      budget,
      (file) => readPredictionPng(join(dir, file)),
      transform,
    )
    const { moved, failing, fresh, gone, pass } = verdict
    const palette = classPalette(m.classes)
    const diffRows = (list: readonly Moved[]) =>
      list.slice(0, 8).map((x) => ({
        image: x.prediction.image,
        stored: x.stored,
        now: x.prediction.map,
        ...(budget.ignoreBoundary ? { ignore: boundaryBand(x.stored, budget.ignoreBoundary) } : {}),
      }))

    // The diff image, written to a temporary file and attached by path (vitest copies it to its attachments folder).
    const attachDiff = async (
      list: readonly Moved[],
      note: string,
      type: 'error' | 'notice',
    ): Promise<string | undefined> => {
      if (!task) return undefined
      const file = join(await mkdtemp(join(tmpdir(), 'segsense-')), snapshotFileName([key, 'diff'], '.png'))
      await writeAtomic(file, await predictionDiffPng(diffRows(list), palette))
      return (
        (await annotateIfRunning(task, note, type, { contentType: 'image/png', path: file }))?.attachment?.path ?? file
      )
    }
    const legend = 'stored | new | diff: pixels gained in magenta, lost in cyan'

    if (pass) {
      count('matched')
      if (moved.length && attach === 'always') {
        const w = worstFirst(moved)[0]!
        await attachDiff(
          worstFirst(moved),
          `${key}: ${moved.length} prediction(s) moved within budget, worst ${label(w.prediction, transform)} ${w.comparison.changed} px (${legend})`,
          'notice',
        )
      }
      return { pass: true, message: () => `${hint}\n\nPredictions match the snapshot.` }
    }
    if (mode === 'all') {
      // -u: rewrite only what moved beyond budget (or is new, or changed size); what stayed within budget stays.
      const rewrite = [...failing.map((x) => x.prediction), ...fresh]
      const kept = new Map(stored.predictions.map((p) => [predictionKey(p), p]))
      const merged = predictions.map(
        (p, k) => (rewrite.includes(p) ? sidecar.predictions[k] : kept.get(predictionKey(p))) as StoredPrediction,
      )
      await removeFiles(
        dir,
        gone.map((s) => s.file),
      )
      for (const p of rewrite) await writeAtomic(join(dir, p.file), await predictionPng(p.map))
      await writeAtomic(sidecarPath, `${JSON.stringify({ ...sidecar, predictions: merged }, null, 2)}\n`)
      count('updated')
      return { pass: true, message: () => `${hint}\n\nPrediction snapshot updated.` }
    }

    count('unmatched')
    const lines = [
      hint,
      '',
      ...failureLines(verdict, {
        budget,
        transform,
        total: predictions.length,
        stored,
        fingerprint: m.fingerprint,
        runtime,
      }),
    ]
    const worst = worstFirst(failing)
    if (worst.length && attach !== 'never') {
      const path = await attachDiff(
        worst,
        `${key}: ${worst.length} prediction(s) moved, worst ${label(worst[0]!.prediction, transform)} ${worst[0]!.comparison.changed} px (${legend})`,
        'error',
      )
      if (path) lines.push(`Diff image (${legend}): ${path}`, '')
    }
    lines.push('Run `vitest -u` to accept the new predictions.')
    const text = lines.join('\n')
    return { pass: false, message: () => text }
  })
}
