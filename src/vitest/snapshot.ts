import { checkContextExpect } from './concurrent.js'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Snapshots } from 'vitest'
import { aliased, optionKeys } from '../core/options.js'
import { reject } from '../core/validate.js'
import type { Sample } from '../core/types.js'
import { METRIC_NAMES, type MetricName, isDistanceMetric } from '../metrics/overlap.js'
import type { GridOptions } from '../results/values.js'
import type { Score, SweepResult } from '../results/sweep-result.js'
import type { SegmentationModel } from '../models/model.js'
import { type RequirementOptions, planSweepCall } from '../requirements/plan.js'
import { stableInterval } from '../analysis/stability.js'
import { sweep } from '../sweep/sweep.js'
import type { SweepOptions } from '../sweep/types.js'
import type { Transform } from '../transforms/transform.js'
import { formatInterval } from '../report/format.js'
import type { MatcherOutcome } from './meta.js'
import { safeFileName } from '../io/file-name.js'
import { type Frame, checkTransform, defineMatcher, transformName } from './frame.js'
import { reserveSnapshotSlot } from './snapshot-key.js'
import {
  type StoredRecord,
  type SweepSettings,
  isRecordLine,
  parseRecordLine,
  recordLine,
  settingsChanges,
} from './snapshot-record.js'

/**
 * Options of `toMatchSweepSnapshot`: the sweep grid and the sweep keys of a requirement (`nsdTolerance`,
 * `scoreClasses` = the classes stored, `reference`, `batchSize`, as `toBeRobustTo`), the samples and the comparison.
 */
export interface SweepSnapshotOptions
  extends
    GridOptions,
    Pick<RequirementOptions, 'nsdTolerance' | 'scoreClasses' | 'classes' | 'reference' | 'batchSize'> {
  /** Samples to sweep; default the `samples` set with `configureSegsense`. */
  readonly samples?: readonly Sample[]
  /**
   * Largest absolute score difference that still matches (a score, not a distance); default 0.02. A stored row
   * may override it with `± t`.
   */
  readonly scoreTolerance?: number
  /** @deprecated Renamed `scoreTolerance`; removed in 1.0. */
  readonly tolerance?: number
  /** Metrics to store; default `['dice']`. */
  readonly metrics?: readonly MetricName[]
  /** Threshold of the stable intervals written in the snapshot header (information only, never a gate); default 0.8. */
  readonly intervalMin?: number
  /** @deprecated Renamed `intervalMin` (it only sets the header's intervals); removed in 1.0. */
  readonly min?: number
}

// The keys toMatchSweepSnapshot reads itself; the sweep keys go to the planner, which checks every key once.
const OWN_KEYS = optionKeys<Omit<SweepSnapshotOptions, keyof SweptKeys>>({
  samples: true,
  scoreTolerance: true,
  tolerance: true,
  metrics: true,
  intervalMin: true,
  min: true,
  scoreClasses: true,
  classes: true,
})
type SweptKeys = GridOptions & Pick<RequirementOptions, 'nsdTolerance' | 'reference' | 'batchSize'>
const TAKES = optionKeys<SweptKeys>({
  range: true,
  step: true,
  steps: true,
  values: true,
  nsdTolerance: true,
  reference: true,
  batchSize: true,
})

/** What the snapshot adapter captures from a sweep. */
export interface SweepCapture {
  readonly result: SweepResult
  readonly tolerance: number
  readonly min: number
  /** What produced the sweep, written as the record line. */
  readonly settings: SweepSettings
}

interface StoredRow {
  readonly line: string
  readonly scores: Score[]
  readonly tolerance?: number
}
interface StoredBlock {
  readonly classes: string[]
  readonly rows: Map<string, StoredRow>
}
/**
 * A parsed snapshot: header lines verbatim, the record line read (none in snapshots written before it existed),
 * and per metric the rows keyed by their value text.
 */
export interface StoredSweep {
  readonly header: string[]
  readonly record?: StoredRecord
  readonly blocks: Map<string, StoredBlock>
}

/** Canonical text of a swept value (the row key). */
const valueKey = (v: number): string => String(v)
const scoreText = (s: Score | undefined): string => (typeof s === 'number' ? s.toFixed(4) : '-')

function headerLines(c: SweepCapture): string[] {
  const { result } = c
  const p = result.transform.parameter
  const metric = result.metrics[0] as MetricName
  // A distance (mm, lower is better) has no interval at intervalMin, a score threshold: the header says so instead.
  const intervals = result.classes.map(
    (className) => `${className} ${formatInterval(result, stableInterval(result, { className, metric, min: c.min }))}`,
  )
  const stable = isDistanceMetric(metric)
    ? `${metric} in mm, lower is better`
    : `stable at ${metric} >= ${c.min}: ${intervals.join(' · ')}`
  const n = result.samples.length
  const parameter = `${p.name}${p.unit ? ` (${p.unit})` : ''}`
  return [
    `${result.transform.name} ${parameter} · model ${result.model} · ${n} sample${n === 1 ? '' : 's'} · ${result.reference}`,
    `tolerance ± ${c.tolerance} · ${stable}`,
    recordLine(c.settings),
  ]
}

function rowLine(value: number, scores: readonly Score[], tolerance?: number): string {
  return `${valueKey(value)}: ${scores.map(scoreText).join(' ')}${tolerance === undefined ? '' : ` ± ${tolerance}`}`
}

const ROW = /^(-?\d[\d.e+-]*|-?Infinity):\s+(.*?)(?:\s+±\s+(\d*\.?\d+))?\s*$/
const BLOCK = /^([a-z0-9]+):\s+(.+)$/

/**
 * Parses the stored snapshot text. Rows are `value: score score ...` with an optional ` ± t` per-row tolerance
 * (hand edits are honoured and kept by `-u`); `-` is an undefined score.
 */
export function parseSweepSnapshot(input: string): StoredSweep {
  const header: string[] = []
  const blocks = new Map<string, StoredBlock>()
  let block: StoredBlock | undefined
  let record: StoredRecord | undefined
  for (const raw of input.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const row = ROW.exec(line)
    if (row && block) {
      const scores = (row[2] as string).split(/\s+/).map((t) => (t === '-' ? null : Number(t)))
      block.rows.set(valueKey(Number(row[1])), { line, scores, ...(row[3] ? { tolerance: Number(row[3]) } : {}) })
      continue
    }
    const head = BLOCK.exec(line)
    if (head && (METRIC_NAMES as readonly string[]).includes(head[1] as string)) {
      block = { classes: (head[2] as string).split(/\s+/), rows: new Map() }
      blocks.set(head[1] as string, block)
      continue
    }
    if (isRecordLine(line)) record ??= parseRecordLine(line)
    header.push(line)
  }
  return { header, blocks, ...(record ? { record } : {}) }
}

/**
 * Renders a capture as snapshot text: three header lines (the last the record line), then per metric a class line
 * and one line per value.
 */
export function renderSweepSnapshot(c: SweepCapture): string {
  const lines = headerLines(c)
  for (const metric of c.result.metrics) {
    lines.push(`${metric}: ${c.result.classes.join(' ')}`)
    c.result.values.forEach((v, k) =>
      lines.push(
        rowLine(
          v,
          c.result.classes.map((name) => c.result.mean[metric]?.[name]?.[k] ?? null),
        ),
      ),
    )
  }
  return `\n${lines.join('\n')}\n`
}

/** One moved value, for the failure message. */
export interface MovedValue {
  readonly metric: string
  readonly value: number
  readonly detail: string
}

/** The outcome of comparing a capture with a stored snapshot. */
export interface SweepSnapshotMatch {
  readonly pass: boolean
  /** The text to store: matching stored lines verbatim, new lines where something changed. */
  readonly resolved: string
  readonly moved: MovedValue[]
  /** Grid, class or metric changes. */
  readonly structural: string[]
  /** Settings that differ from the stored record (model fingerprint, transform options). */
  readonly settings: string[]
}

/**
 * The classes of a row that moved beyond the tolerance (the row's own `± t` first): `LV 0.9000 -> 0.7000`. An
 * undefined score matches only an undefined one.
 */
function rowDiffs(classes: readonly string[], now: readonly Score[], row: StoredRow, tolerance: number): string[] {
  const tol = row.tolerance ?? tolerance
  const diffs: string[] = []
  now.forEach((s, i) => {
    const old = row.scores[i]
    const same =
      s === null || old === null || old === undefined ? s === (old ?? null) : Math.abs(s - old) <= tol + 1e-12
    if (!same) diffs.push(`${classes[i]} ${scoreText(old)} -> ${scoreText(s)}`)
  })
  return diffs
}

/**
 * Compares a capture with a stored snapshot: each row matches when every class score is within the tolerance
 * (the row's own `± t` first) and undefined scores stay undefined, and the stored record (if any) names the same
 * model fingerprint and transform options. The resolved text keeps every matching stored line verbatim, so
 * `vitest -u` rewrites only what moved (no churn) and the diff shows only that. `update` (vitest's `-u`): a stored
 * snapshot without a record (written before records existed) does not match, so that `-u` adds the record;
 * otherwise it matches as before.
 */
export function matchSweepSnapshot(
  c: SweepCapture,
  stored: StoredSweep,
  options: { readonly update?: boolean } = {},
): SweepSnapshotMatch {
  const moved: MovedValue[] = []
  const structural: string[] = []
  const body: string[] = []
  for (const metric of c.result.metrics) {
    const block = stored.blocks.get(metric)
    const classes = c.result.classes
    body.push(`${metric}: ${classes.join(' ')}`)
    if (!block) structural.push(`metric ${metric} is not in the snapshot`)
    else if (block.classes.join(' ') !== classes.join(' '))
      structural.push(`${metric}: classes changed from ${block.classes.join(', ')} to ${classes.join(', ')}`)
    const seen = new Set<string>()
    c.result.values.forEach((value, k) => {
      const key = valueKey(value)
      seen.add(key)
      const now = classes.map((name) => c.result.mean[metric]?.[name]?.[k] ?? null)
      const row = structural.length ? undefined : block?.rows.get(key)
      if (!row) {
        if (block && !structural.length) structural.push(`${metric}: value ${key} is new`)
        body.push(rowLine(value, now))
        return
      }
      const diffs = rowDiffs(classes, now, row, c.tolerance)
      if (diffs.length) {
        moved.push({ metric, value, detail: diffs.join(', ') })
        body.push(rowLine(value, now, row.tolerance))
      } else {
        body.push(row.line)
      }
    })
    if (block)
      for (const key of block.rows.keys())
        if (!seen.has(key)) structural.push(`${metric}: value ${key} is no longer swept`)
  }
  const settings = stored.record ? settingsChanges(stored.record, c.settings) : []
  const pass =
    moved.length === 0 &&
    structural.length === 0 &&
    settings.length === 0 &&
    (stored.record !== undefined || !options.update)
  const header = pass && stored.header.length ? stored.header : headerLines(c)
  return { pass, resolved: `\n${[...header, ...body].join('\n')}\n`, moved, structural, settings }
}

/**
 * The `toMatchSweepSnapshot` matcher: sweeps, then compares the mean curves (per class and metric) and the stable
 * intervals with the snapshot stored in `__snapshots__/<file>.snap`, within `tolerance`. The first local run
 * writes it; `vitest -u` updates it (only the moved values); under CI a missing snapshot fails and the received
 * one is attached to the test. **Must be awaited.**
 */
export const toMatchSweepSnapshot = defineMatcher({
  name: 'toMatchSweepSnapshot',
  label: (transform: Transform, _options?: SweepSnapshotOptions) => `toMatchSweepSnapshot(${transformName(transform)})`,
  noNot: true,
  async run(f, model, transform, options = {}) {
    checkContextExpect('toMatchSweepSnapshot', f.task)
    checkTransform('toMatchSweepSnapshot(transform, options)', transform)
    const { sweepOptions, tolerance, min } = snapshotOptions(f, options)
    const samples = f.samples(options.samples)
    const state = f.state
    const slot = reserveSnapshotSlot(state.snapshotState, f.task)
    const onProgress = f.progress()
    let result: SweepResult
    try {
      result = await sweep(model, samples, transform, { ...sweepOptions, ...(onProgress ? { onProgress } : {}) })
    } catch (error) {
      slot.release()
      throw error
    }
    const capture: SweepCapture = { result, tolerance, min, settings: sweepSettings(model, transform) }
    const mode = state.snapshotState.snapshotUpdateState
    let last: SweepSnapshotMatch | undefined
    const adapter = {
      name: 'segsense-sweep',
      capture: (value: unknown) => value as SweepCapture,
      render: renderSweepSnapshot,
      parseExpected: parseSweepSnapshot,
      match: (captured: SweepCapture, expected: StoredSweep) => {
        last = matchSweepSnapshot(captured, expected, { update: mode === 'all' })
        return { pass: last.pass, resolved: last.resolved }
      },
    }
    const compare = (): unknown => Snapshots.toMatchDomainSnapshot.call(state, adapter, capture)
    const outcome = (await slot.match(compare)) as MatcherOutcome
    const sweepRecord = { matcher: 'toMatchSweepSnapshot', result } as const
    if (outcome.pass) return f.assert({ ...outcome, sweep: sweepRecord })
    const hint = f.hint('transform')
    const text = last
      ? movedMessage(hint, transform, tolerance, last)
      : await notWrittenMessage(f, hint, transform, capture, mode)
    return f.assert({ ...outcome, message: () => text, sweep: sweepRecord })
  },
})

/** The sweep options and the comparison settings of a call, each checked once. */
function snapshotOptions(
  f: Frame,
  options: SweepSnapshotOptions,
): { sweepOptions: SweepOptions; tolerance: number; min: number } {
  const { label: where, defaults } = f
  const { samples: _s, scoreTolerance, tolerance: oldTolerance, metrics, intervalMin, min: oldMin, ...rest } = options
  const { scoreClasses: given, classes, ...swept } = rest
  const batchSize = swept.batchSize ?? defaults.batchSize
  const planned = planSweepCall(
    { ...swept, ...(batchSize !== undefined ? { batchSize } : {}) },
    { where, takes: TAKES, ownKeys: OWN_KEYS },
  )
  const tolerance =
    aliased(where, 'scoreTolerance', scoreTolerance, 'tolerance', oldTolerance) ??
    aliased('configureSegsense', 'scoreTolerance', defaults.scoreTolerance, 'tolerance', defaults.tolerance) ??
    0.02
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance)) {
    const kind = typeof tolerance === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
    reject(kind, `${where}: scoreTolerance`, tolerance, 'a finite number >= 0 (an absolute score difference)')
  }
  const min =
    aliased(where, 'intervalMin', intervalMin, 'min', oldMin) ??
    aliased('configureSegsense', 'intervalMin', defaults.intervalMin, 'snapshotMin', defaults.snapshotMin) ??
    0.8
  if (typeof min !== 'number' || !(min >= 0 && min <= 1)) {
    reject(
      typeof min === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `${where}: intervalMin`,
      min,
      'a score in [0, 1]',
    )
  }
  const scoreClasses = aliased(where, 'scoreClasses', given, 'classes', classes)
  const sweepOptions = {
    ...planned,
    metrics: metrics ?? [defaults.metric ?? 'dice'],
    ...(scoreClasses ? { scoreClasses } : {}),
  }
  return { sweepOptions, tolerance, min }
}

/** What produced the sweep, written as the record line. */
function sweepSettings(model: SegmentationModel, transform: Transform): SweepSettings {
  return {
    model: model.fingerprint,
    transform: transform.name,
    options: transform.options as Readonly<Record<string, unknown>>,
  }
}

/** No stored snapshot to compare with: only happens when writing is not allowed (CI / --update=none). */
async function notWrittenMessage(
  f: Frame,
  hint: string,
  transform: Transform,
  capture: SweepCapture,
  mode: string,
): Promise<string> {
  let where = ''
  if (f.task) {
    const dir = await mkdtemp(join(tmpdir(), 'segsense-'))
    const file = join(dir, `${safeFileName(transform.name, 'transform')}.received.snap.txt`)
    await writeFile(file, renderSweepSnapshot(capture))
    const note = `received sweep snapshot for ${transform.name}`
    const annotation = await f.annotate(note, 'error', { path: file, contentType: 'text/plain' })
    where = `\nThe received snapshot was written to ${annotation?.attachment?.path ?? file}.`
  }
  return [
    hint,
    '',
    `New sweep snapshot for ${transform.name} was not written: the update mode is ${JSON.stringify(mode)}.`,
    'Snapshots are not written in CI by default. Run `vitest -u` (or `vitest --update=new`) locally and commit ' +
      `__snapshots__.${where}`,
  ].join('\n')
}

/** The sweep moved, or its grid, classes or settings changed. */
function movedMessage(hint: string, transform: Transform, tolerance: number, last: SweepSnapshotMatch): string {
  const lines = [hint, '']
  if (last.settings.length) {
    lines.push(
      `Sweep of ${transform.name} was recorded with other settings ` +
        '(the snapshot would not describe this model and transform):',
      ...last.settings.map((d) => `  ${d}`),
      '',
    )
  }
  const details = [...last.structural, ...last.moved.map((m) => `${m.metric} at ${m.value}: ${m.detail}`)]
  if (details.length) {
    const changed = last.structural.length ? ' and the grid or classes changed' : ''
    lines.push(
      `Sweep of ${transform.name} moved beyond ± ${tolerance} at ${last.moved.length} value(s)${changed}:`,
      ...details.map((d) => `  ${d}`),
      '',
    )
  }
  lines.push(`Run \`vitest -u\` to accept the new ${last.settings.length && !details.length ? 'settings' : 'curve'}.`)
  return lines.join('\n')
}
