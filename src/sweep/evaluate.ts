/**
 * Evaluating a planned sweep at some values, through the result cache: cached (sample, value) scores are read,
 * the rest run through `runBatches` (samples missing the same values share one run, so batches stay full), and the
 * new scores are written back. Runs over different values of the same sweep merge into one (refinement adds values).
 */
import { nameRecord } from '../core/records.js'
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
import { cleanPhaseImages } from './reference-checks.js'
import { type RawScores, type RunControl, type RunTiming, addTiming, runBatches, zeroTiming } from './run.js'
import type { SweepFrame, SweepPlan } from './types.js'

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

/** One sample's scores: per metric and class (plan order), a curve with one score per value. */
type SampleScores = readonly (readonly Float64Array[])[]

/** The curve of metric `mi` and class `ci` in a sample's scores. */
function curveOf(table: SampleScores, mi: number, ci: number): Float64Array {
  return (table[mi] as readonly Float64Array[])[ci] as Float64Array
}

function emptyScores(plan: SweepPlan, K: number): Float64Array[][] {
  return plan.metrics.map(() => plan.classNames.map(() => new Float64Array(K)))
}

/** Copies every curve's value `from[j]` into `into[k]`. */
function copyColumn(into: SampleScores, k: number, from: SampleScores, j: number): void {
  from.forEach((row, mi) => row.forEach((curve, ci) => (curveOf(into, mi, ci)[k] = curve[j] as number)))
}

/** The JSON of one score entry: per class whether the untransformed reference has it, and the scores (null = NaN). */
interface ScorePayload {
  readonly present: Record<string, boolean>
  readonly scores: Record<string, Record<string, number | null>>
}

function encodeScores(plan: SweepPlan, table: SampleScores, k: number, present: readonly boolean[]): Uint8Array {
  const out: ScorePayload = { present: nameRecord(), scores: nameRecord() }
  plan.classNames.forEach((c, ci) => (out.present[c] = present[ci] as boolean))
  plan.metrics.forEach((m, mi) => {
    const perClass: Record<string, number | null> = nameRecord()
    plan.classNames.forEach((c, ci) => {
      const v = curveOf(table, mi, ci)[k] as number
      perClass[c] = Number.isFinite(v) ? v : null
    })
    out.scores[m] = perClass
  })
  return Buffer.from(JSON.stringify(out))
}

/** Fills `table` at index k from a payload; null (nothing trusted) unless it holds every metric and class. */
function decodeScores(plan: SweepPlan, payload: Uint8Array, table: SampleScores, k: number): boolean[] | null {
  let parsed: ScorePayload | null
  try {
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')
    parsed = JSON.parse(text) as ScorePayload | null
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

/** The sweep's and the samples' digests: the parts of every cache key. */
interface PlanDigests {
  readonly sweepKey: string
  readonly digests: readonly string[]
}

const planDigests = new WeakMap<SweepPlan, PlanDigests>()

/** The digests, hashed once per plan (refinement rounds evaluate the same plan again). */
function digestsOf(plan: SweepPlan): PlanDigests {
  let d = planDigests.get(plan)
  if (!d) {
    d = { sweepKey: sweepDigest(plan), digests: plan.samples.map((s) => sampleDigest(s, plan.reference === 'truth')) }
    planDigests.set(plan, d)
  }
  return d
}

/** Some samples (plan indices) to run at some values (indices into the evaluated values), with their references. */
interface Group {
  readonly samples: number[]
  readonly ks: readonly number[]
  /** The clean references of `samples` when all are known (`reference: 'prediction'`), else undefined. */
  given?: readonly LabelMap[] | undefined
}

/** What the cache held: every sample's scores (filled where hit), per sample the classes present, the misses. */
interface Lookup {
  readonly scores: Float64Array[][][]
  readonly present: (readonly boolean[] | undefined)[]
  /** Per sample, the value indices the cache lacks (ascending). */
  readonly missing: readonly (readonly number[])[]
  readonly hits: number
}

/** Step 1: looks up every (sample, value) score; a sample whose frames are kept is never cached, so it runs whole. */
function lookUp(plan: SweepPlan, values: readonly number[], store: CacheStore, keys: PlanDigests): Lookup {
  const K = values.length
  const scores = plan.samples.map(() => emptyScores(plan, K))
  const present: (boolean[] | undefined)[] = new Array<boolean[] | undefined>(plan.samples.length)
  let hits = 0
  const missing = plan.samples.map((sample, s) => {
    const miss: number[] = []
    const table = scores[s] as SampleScores
    const kept = plan.keepFrames?.has(sample.id) === true
    for (let k = 0; k < K; k++) {
      const payload = kept
        ? null
        : readEntry(store, scoreKey(keys.sweepKey, keys.digests[s] as string, values[k] as number))
      const got = payload && decodeScores(plan, payload, table, k)
      if (got) {
        present[s] ??= got
        hits++
      } else miss.push(k)
    }
    return miss
  })
  return { scores, present, missing, hits }
}

function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** Step 2: samples that miss the same values, grouped (in sample order) so that they share one run. */
function groupByMissing(missing: readonly (readonly number[])[]): Group[] {
  const groups: Group[] = []
  missing.forEach((ks, s) => {
    if (ks.length === 0) return
    // Few distinct miss lists exist (usually one: none cached, or a refinement round's new values).
    const group = groups.find((g) => sameIndices(g.ks, ks))
    if (group) group.samples.push(s)
    else groups.push({ samples: [s], ks })
  })
  return groups
}

function readClean(store: CacheStore, key: string): LabelMap | undefined {
  const payload = readEntry(store, key)
  return (payload && decodeLabels(payload)) || undefined
}

/**
 * Step 3 (`reference: 'prediction'`): fills `refs` with the clean predictions the cache holds and gives each group
 * whose references are all known its `given`. Returns how many clean predictions are left to make.
 */
function givenReferences(
  groups: readonly Group[],
  refs: (LabelMap | undefined)[],
  store: CacheStore,
  cleanKeys: readonly string[],
): number {
  let toPredict = 0
  for (const group of groups) {
    for (const s of group.samples) {
      if (refs[s] !== undefined) continue
      const payload = readEntry(store, cleanKeys[s] as string)
      const map = payload && decodeLabels(payload)
      if (map) refs[s] = map
    }
    const known = group.samples.every((s) => refs[s] !== undefined)
    group.given = known ? group.samples.map((s) => refs[s] as LabelMap) : undefined
    if (!known) toPredict += cleanPhaseImages(group.samples.length)
  }
  return toPredict
}

/** Runs some samples at some values, counting their predictions into the shared `counter`. */
type GroupRunner = (group: Group) => Promise<RawScores>

function groupRunner(
  plan: SweepPlan,
  values: readonly number[],
  control: RunControl,
  counter: ProgressCounter,
): GroupRunner {
  return async (group) => {
    const base = counter.done
    const subPlan: SweepPlan = {
      ...plan,
      samples: group.samples.map((s) => plan.samples[s] as SweepPlan['samples'][number]),
      values: group.ks.map((k) => values[k] as number),
    }
    const onProgress = (p: { readonly done: number }): void => {
      counter.done = base + p.done
      control.onProgress?.({ done: counter.done, total: counter.total })
    }
    const raw = await runBatches(subPlan, { signal: control.signal, references: group.given, onProgress })
    counter.done = base + raw.predictions
    return raw
  }
}

/** The empty-reference pairs of the per-sample class presence. */
function emptyReferencesOf(
  plan: SweepPlan,
  present: readonly (readonly boolean[] | undefined)[],
): RawScores['emptyReferences'] {
  const out: { sample: number; className: string }[] = []
  present.forEach((row, s) =>
    row?.forEach((has, ci) => has || out.push({ sample: s, className: plan.classNames[ci] as string })),
  )
  return out
}

/** What the cache-side evaluation shares between its steps. */
interface CacheContext {
  readonly plan: SweepPlan
  readonly values: readonly number[]
  readonly keys: PlanDigests
  /** Under `reference: 'prediction'`, per sample the key of its clean prediction; else empty. */
  readonly cleanKeys: readonly string[]
}

/**
 * Step 4: runs each group, copies its scores into place (with the classes present), and returns them (and the new
 * clean predictions, which it also puts into `refs`) as cache entries to write, with the groups' summed timing.
 */
async function runGroups(
  ctx: CacheContext,
  groups: readonly Group[],
  run: GroupRunner,
  lookup: Lookup,
  refs: (LabelMap | undefined)[],
): Promise<{ frames: (SweepFrame[] | null)[] | null; timing: RunTiming; pending: CacheEntry[] }> {
  const { plan, values, keys } = ctx
  const frames: (SweepFrame[] | null)[] | null = plan.keepFrames ? plan.samples.map(() => null) : null
  const timing = zeroTiming()
  const pending: CacheEntry[] = []
  for (const group of groups) {
    const raw = await run(group)
    addTiming(timing, raw)
    group.samples.forEach((s, gi) => {
      const has = plan.classNames.map((c) => !raw.emptyReferences.some((e) => e.sample === gi && e.className === c))
      lookup.present[s] = has
      const table = lookup.scores[s] as SampleScores
      group.ks.forEach((k, j) => {
        copyColumn(table, k, raw.scores[gi] as SampleScores, j)
        const key = scoreKey(keys.sweepKey, keys.digests[s] as string, values[k] as number)
        pending.push({ key, payload: encodeScores(plan, table, k, has) })
      })
      // A kept sample always runs whole, so its frames are in value order already.
      const kept = raw.frames?.[gi]
      if (frames && kept) frames[s] = kept as SweepFrame[]
      if (plan.reference === 'prediction' && !group.given) {
        const clean = raw.references[gi] as LabelMap
        refs[s] = clean
        pending.push({ key: ctx.cleanKeys[s] as string, payload: encodeLabels(clean) })
      }
    })
  }
  return { frames, timing, pending }
}

/** One cache entry to write. */
interface CacheEntry {
  readonly key: string
  readonly payload: Uint8Array
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
  const run = groupRunner(plan, values, control, counter)
  if (!store) {
    const known = references.length === n && references.every((r) => r !== undefined)
    const given = known ? references : undefined
    counter.total += n * K + (byPrediction && !given ? cleanPhaseImages(n) : 0)
    const raw = await run({ samples: plan.samples.map((_, s) => s), ks: values.map((_, k) => k), given })
    return { values, raw, references: raw.references, cached: 0 }
  }
  const keys = digestsOf(plan)
  const lookup = lookUp(plan, values, store, keys)
  const groups = groupByMissing(lookup.missing)
  const refs = plan.samples.map((sample, s) => (byPrediction ? references[s] : sample.truth))
  // Under reference: 'prediction' a sample's digest covers its image only: the key of its clean prediction.
  const fingerprint = plan.model.fingerprint as string
  const cleanKeys = byPrediction ? keys.digests.map((d) => cleanKey(fingerprint, d)) : []
  const cleansToPredict = byPrediction ? givenReferences(groups, refs, store, cleanKeys) : 0
  // A sample whose scores all came from the cache still reads its clean prediction: the large-class warnings need it.
  if (byPrediction)
    lookup.missing.forEach((m, s) => m.length || refs[s] || (refs[s] = readClean(store, cleanKeys[s] as string)))
  counter.total += n * K + cleansToPredict
  counter.done += lookup.hits
  if (lookup.hits > 0) control.onProgress?.({ done: counter.done, total: counter.total })
  const ctx: CacheContext = { plan, values, keys, cleanKeys }
  const { frames, timing, pending } = await runGroups(ctx, groups, run, lookup, refs)
  const written = pending.length > 0 ? await writeEntries(store, pending) : 0
  if (written > 0) maybePrune(store, written)
  const emptyReferences = emptyReferencesOf(plan, lookup.present)
  const clean = refs as LabelMap[]
  const raw: RawScores = {
    scores: lookup.scores,
    frames,
    emptyReferences,
    confusion: null,
    references: clean,
    ...timing,
  }
  return { values, raw, references: refs, cached: lookup.hits }
}

/** Where each value of `part` lands in `values`. */
function positionsIn(values: readonly number[], part: readonly number[]): number[] {
  const index = new Map(values.map((v, i) => [v, i]))
  return part.map((v) => index.get(v) as number)
}

/**
 * Two runs of one sweep as one: the values of both, ascending (refinement never merges categorical sweeps), each
 * value's scores and frames from the run that evaluated it. `b` holds only values `a` lacks.
 */
export function mergeRuns(a: Run, b: Run): Run {
  const values = [...a.values, ...b.values].sort((x, y) => x - y)
  const ia = positionsIn(values, a.values)
  const ib = positionsIn(values, b.values)
  const K = values.length
  const scores = a.raw.scores.map((table, s) =>
    table.map((row, mi) =>
      row.map((curve, ci) => {
        const out = new Float64Array(K)
        curve.forEach((v, j) => (out[ia[j] as number] = v))
        b.raw.scores[s]?.[mi]?.[ci]?.forEach((v, j) => (out[ib[j] as number] = v))
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
  const timing = zeroTiming()
  addTiming(timing, a.raw)
  addTiming(timing, b.raw)
  const raw: RawScores = {
    scores,
    frames,
    emptyReferences: a.raw.emptyReferences,
    // Runs through the cache never count confusion (sweep() bypasses the cache for it).
    confusion: null,
    references: references as LabelMap[],
    ...timing,
  }
  return { values, raw, references, cached: a.cached + b.cached }
}
