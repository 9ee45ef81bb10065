/**
 * Evaluating a planned sweep at some values, through the result cache: cached (sample, value) scores are read,
 * the rest run through `runBatches` (samples missing the same values share one run, so batches stay full), and the
 * new scores are written back. Runs over different values of the same sweep merge into one (refinement adds values).
 */
import type { LabelMap } from '../core/types.js'
import {
  type CacheStore,
  cleanKey,
  decodeLabels,
  encodeLabels,
  maybePrune,
  readEntry,
  sampleDigest,
  scoreKey,
  sweepDigest,
  writeEntries,
} from './cache.js'
import type { SweepPlan } from './types.js'
import { type RawScores, type RunControl, runBatches } from './run.js'
import type { SweepFrame } from './types.js'

/** Scores of a plan at some values (ascending), with the clean references known so far (per sample, or undefined). */
export interface Run {
  readonly values: readonly number[]
  readonly raw: RawScores
  /** Per sample, the untransformed reference when it is known (always for `reference: 'truth'`). */
  readonly references: readonly (LabelMap | undefined)[]
  /** (sample, value) scores read from the cache. */
  readonly cached: number
}

/** Progress over several evaluations of one sweep: the totals grow as refinement asks for more values. */
export interface ProgressCounter {
  done: number
  total: number
}

type Table = Float64Array[][]

/** The JSON of one score entry: per class whether the untransformed reference has it, and the scores (null = NaN). */
interface ScorePayload {
  readonly present: Record<string, boolean>
  readonly scores: Record<string, Record<string, number | null>>
}

function encodeScores(plan: SweepPlan, table: Table, k: number, present: readonly boolean[]): Uint8Array {
  const out: ScorePayload = { present: {}, scores: {} }
  plan.classNames.forEach((c, ci) => (out.present[c] = present[ci] as boolean))
  plan.metrics.forEach((m, mi) => {
    const perClass: Record<string, number | null> = {}
    plan.classNames.forEach((c, ci) => {
      const v = (table[mi] as Float64Array[])[ci]?.[k] as number
      perClass[c] = Number.isFinite(v) ? v : null
    })
    out.scores[m] = perClass
  })
  return Buffer.from(JSON.stringify(out))
}

/** Fills `table` at index k from a payload; false (nothing trusted) unless it holds every metric and class. */
function decodeScores(plan: SweepPlan, payload: Buffer, table: Table, k: number): boolean[] | null {
  let parsed: ScorePayload
  try {
    parsed = JSON.parse(payload.toString('utf8')) as ScorePayload
  } catch {
    return null
  }
  if (!parsed || typeof parsed.present !== 'object' || typeof parsed.scores !== 'object') return null
  const present: boolean[] = []
  for (const c of plan.classNames) {
    const p = parsed.present[c]
    if (typeof p !== 'boolean') return null
    present.push(p)
  }
  const read: number[] = []
  for (const m of plan.metrics) {
    const perClass = parsed.scores[m]
    if (!perClass || typeof perClass !== 'object') return null
    for (const c of plan.classNames) {
      const v = perClass[c]
      if (v === null) read.push(Number.NaN)
      else if (typeof v === 'number' && Number.isFinite(v)) read.push(v)
      else return null
    }
  }
  let i = 0
  for (const row of table) for (const curve of row) curve[k] = read[i++] as number
  return present
}

function emptyTable(plan: SweepPlan, K: number): Table {
  return plan.metrics.map(() => plan.classNames.map(() => new Float64Array(K)))
}

const planDigests = new WeakMap<SweepPlan, { readonly sweepKey: string; readonly digests: readonly string[] }>()

/** The sweep's and the samples' digests, hashed once per plan (refinement rounds evaluate the same plan again). */
function digestsOf(plan: SweepPlan): { readonly sweepKey: string; readonly digests: readonly string[] } {
  let d = planDigests.get(plan)
  if (!d) {
    d = { sweepKey: sweepDigest(plan), digests: plan.samples.map((s) => sampleDigest(s, plan.reference === 'truth')) }
    planDigests.set(plan, d)
  }
  return d
}

/**
 * Scores `plan` at `values` (ascending, or the plan's categorical order): from the cache where it holds them, else
 * predicted. `references` (per sample, optional) are clean predictions already made, so `reference: 'prediction'`
 * does not predict them again. Without a cache this is one `runBatches` call.
 */
export async function evaluateValues(
  plan: SweepPlan,
  values: readonly number[],
  store: CacheStore | null,
  control: RunControl,
  counter: ProgressCounter,
  references: readonly (LabelMap | undefined)[] = [],
): Promise<Run> {
  const n = plan.samples.length
  const K = values.length
  const byPrediction = plan.reference === 'prediction'
  const report = (): void => control.onProgress?.({ done: counter.done, total: counter.total })
  const run = async (
    samples: readonly number[],
    ks: readonly number[],
    given: readonly LabelMap[] | undefined,
  ): Promise<RawScores> => {
    const base = counter.done
    const raw = await runBatches(
      {
        ...plan,
        samples: samples.map((s) => plan.samples[s] as SweepPlan['samples'][number]),
        values: ks.map((k) => values[k] as number),
      },
      {
        signal: control.signal,
        references: given,
        onProgress: (p) => {
          counter.done = base + p.done
          report()
        },
      },
    )
    counter.done = base + raw.predictions
    return raw
  }
  const all = Array.from({ length: n }, (_, s) => s)
  const allValues = Array.from({ length: K }, (_, k) => k)

  if (!store) {
    const given =
      references.length === n && references.every((r) => r !== undefined) ? (references as LabelMap[]) : undefined
    counter.total += n * K + (byPrediction && !given ? n : 0)
    const raw = await run(all, allValues, given)
    return { values, raw, references: raw.references, cached: 0 }
  }

  // Look up every (sample, value) score; the frames of kept samples are never cached, so those samples run whole.
  const { sweepKey, digests } = digestsOf(plan)
  const scores: Table[] = plan.samples.map(() => emptyTable(plan, K))
  const present: (boolean[] | undefined)[] = new Array(n)
  const missing: number[][] = plan.samples.map(() => [])
  let hits = 0
  plan.samples.forEach((sample, s) => {
    const miss = missing[s] as number[]
    if (plan.keepFrames?.has(sample.id)) {
      miss.push(...allValues)
      return
    }
    for (let k = 0; k < K; k++) {
      const payload = readEntry(store, scoreKey(sweepKey, digests[s] as string, values[k] as number))
      const got = payload && decodeScores(plan, payload, scores[s] as Table, k)
      if (got) {
        present[s] ??= got
        hits++
      } else miss.push(k)
    }
  })

  // Samples that miss the same values run together; their clean predictions come from `references` or the cache.
  const groups = new Map<string, number[]>()
  plan.samples.forEach((_, s) => {
    const miss = missing[s] as number[]
    if (miss.length === 0) return
    const key = miss.join(',')
    const list = groups.get(key)
    if (list) list.push(s)
    else groups.set(key, [s])
  })
  const refs: (LabelMap | undefined)[] = plan.samples.map((sample, s) => (byPrediction ? references[s] : sample.truth))
  // Under reference: 'prediction' a sample's digest covers its image only: the key of its clean prediction.
  const cleanKeys = byPrediction ? digests.map((d) => cleanKey(plan.model.fingerprint as string, d)) : []
  let cleansToPredict = 0
  const plans: { samples: number[]; ks: number[]; given: LabelMap[] | undefined }[] = []
  for (const [key, samples] of groups) {
    let given: LabelMap[] | undefined
    if (byPrediction) {
      for (const s of samples) {
        if (refs[s] !== undefined) continue
        const payload = readEntry(store, cleanKeys[s] as string)
        const map = payload && decodeLabels(payload)
        if (map) refs[s] = map
      }
      given = samples.every((s) => refs[s] !== undefined) ? samples.map((s) => refs[s] as LabelMap) : undefined
      if (!given) cleansToPredict += samples.length
    }
    plans.push({ samples, ks: key.split(',').map(Number), given })
  }
  counter.total += n * K + cleansToPredict
  counter.done += hits
  if (hits > 0) report()

  const frames: (SweepFrame[] | null)[] | null = plan.keepFrames ? plan.samples.map(() => null) : null
  let predictions = 0
  let predictMs = 0
  let transformMs = 0
  let scoreMs = 0
  const pending: { key: string; payload: Uint8Array }[] = []
  for (const group of plans) {
    const raw = await run(group.samples, group.ks, group.given)
    predictions += raw.predictions
    predictMs += raw.predictMs
    transformMs += raw.transformMs
    scoreMs += raw.scoreMs
    group.samples.forEach((s, gi) => {
      const has = plan.classNames.map((c) => !raw.emptyReferences.some((e) => e.sample === gi && e.className === c))
      present[s] = has
      const table = scores[s] as Table
      const sub = raw.scores[gi] as Table
      group.ks.forEach((k, j) => {
        sub.forEach((row, mi) =>
          row.forEach((curve, ci) => (((table[mi] as Float64Array[])[ci] as Float64Array)[k] = curve[j] as number)),
        )
        pending.push({
          key: scoreKey(sweepKey, digests[s] as string, values[k] as number),
          payload: encodeScores(plan, table, k, has),
        })
      })
      // A kept sample always runs whole, so its frames are in value order already.
      if (frames && raw.frames?.[gi]) frames[s] = raw.frames[gi] as SweepFrame[]
      if (byPrediction && !group.given) {
        const clean = raw.references[gi] as LabelMap
        refs[s] = clean
        pending.push({ key: cleanKeys[s] as string, payload: encodeLabels(clean) })
      }
    })
  }
  const written = pending.length > 0 ? await writeEntries(store, pending) : 0
  if (written > 0) maybePrune(store, written)
  const emptyReferences: { sample: number; className: string }[] = []
  present.forEach((row, s) =>
    row?.forEach((has, ci) => has || emptyReferences.push({ sample: s, className: plan.classNames[ci] as string })),
  )
  const raw: RawScores = {
    scores,
    frames,
    emptyReferences,
    confusion: null,
    references: refs as LabelMap[],
    predictions,
    predictMs,
    transformMs,
    scoreMs,
  }
  return { values, raw, references: refs, cached: hits }
}

/**
 * Two runs of one sweep as one: the values of both, ascending (refinement never merges categorical sweeps), each
 * value's scores and frames from the run that evaluated it. `b` holds only values `a` lacks.
 */
export function mergeRuns(a: Run, b: Run): Run {
  const values = [...a.values, ...b.values].sort((x, y) => x - y)
  const index = new Map(values.map((v, i) => [v, i]))
  const ia = a.values.map((v) => index.get(v) as number)
  const ib = b.values.map((v) => index.get(v) as number)
  const K = values.length
  const scores = a.raw.scores.map((table, s) =>
    table.map((row, mi) =>
      row.map((curve, ci) => {
        const out = new Float64Array(K)
        curve.forEach((v, j) => (out[ia[j] as number] = v))
        ;((b.raw.scores[s] as Table)[mi] as Float64Array[])[ci]?.forEach((v, j) => (out[ib[j] as number] = v))
        return out
      }),
    ),
  )
  const frames =
    a.raw.frames &&
    a.raw.frames.map((fa, s) => {
      const fb = b.raw.frames?.[s]
      if (!fa || !fb) return fa
      const out = new Array<SweepFrame>(K)
      fa.forEach((f, j) => (out[ia[j] as number] = f))
      fb.forEach((f, j) => (out[ib[j] as number] = f))
      return out
    })
  const references = a.references.map((r, s) => r ?? b.references[s])
  const raw: RawScores = {
    scores,
    frames,
    emptyReferences: a.raw.emptyReferences,
    // Runs through the cache never count confusion (sweep() bypasses the cache for it).
    confusion: null,
    references: references as LabelMap[],
    predictions: a.raw.predictions + b.raw.predictions,
    predictMs: a.raw.predictMs + b.raw.predictMs,
    transformMs: a.raw.transformMs + b.raw.transformMs,
    scoreMs: a.raw.scoreMs + b.raw.scoreMs,
  }
  return { values, raw, references, cached: a.cached + b.cached }
}
