// A history of gates over commits: one record per commit (what `segsense history add` stores), and the trends read
// from them (what `segsense history report` draws). Pure functions; the files are written by report/history-store.
import { SegsenseError, describeValue } from '../core/errors.js'
import { reject } from '../core/validate.js'
import { type DiffOptions, type ResultsDiff, diffGates } from './diff.js'
import { type Gate, type GateWithResult, plainGate, widthOf } from './gates.js'

/** Version of the {@link HistoryRecord} layout. */
export const HISTORY_SCHEMA_VERSION = 1 as const

/** One run of a suite at one commit: the file `<commit>.json` of a history folder. */
export interface HistoryRecord {
  readonly schemaVersion: typeof HISTORY_SCHEMA_VERSION
  readonly kind: 'segsense-history'
  /** The commit (a SHA, or any name of letters, digits, `.`, `_`, `-`). */
  readonly commit: string
  /** When the run happened (ISO 8601); records are ordered by it. */
  readonly date: string
  readonly gates: readonly Gate[]
}

const COMMIT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/**
 * Checks a commit name: it becomes a file name, so letters, digits, `.`, `_` and `-` only (a SHA, a tag).
 * @throws SegsenseError `E_WRONG_TYPE` for a non-string, `E_OUT_OF_RANGE` for any other name.
 */
export function checkCommit(commit: unknown): string {
  if (typeof commit !== 'string' || !COMMIT.test(commit) || commit.includes('..')) {
    const expected = "a SHA or a name of letters, digits, '.', '_' and '-' (at most 100)"
    reject(typeof commit === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE', 'history: commit', commit, expected, {
      commit,
    })
  }
  return commit
}

/**
 * Checks an ISO 8601 date and returns it normalised (`2026-12-08T01:02:03.000Z`).
 * @throws SegsenseError `E_WRONG_TYPE` for a non-string, `E_OUT_OF_RANGE` for a string `Date` cannot read as one.
 */
export function checkDate(date: unknown): string {
  const t = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(date) ? Date.parse(date) : NaN
  if (!Number.isFinite(t)) {
    const expected = 'an ISO 8601 date such as 2026-12-08T10:00:00Z'
    reject(typeof date === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE', 'history: date', date, expected, { date })
  }
  return new Date(t).toISOString()
}

/** The record of one run (the gates without their sweep results). */
export function historyRecord(gates: readonly GateWithResult[], commit: string, date: string): HistoryRecord {
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    kind: 'segsense-history',
    commit: checkCommit(commit),
    date: checkDate(date),
    gates: gates.map(plainGate),
  }
}

/**
 * Reads a parsed history file; `file` names it in the error.
 * @throws SegsenseError `E_SCHEMA` naming the file and what is wrong.
 */
export function checkHistoryRecord(doc: unknown, file: string): HistoryRecord {
  const bad = (what: string): never => {
    throw new SegsenseError(
      'E_SCHEMA',
      `history file ${file} is not a segsense history record: ${what}; move it out of the history folder (nothing else was changed)`,
      { details: { file } },
    )
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return bad(`expected an object, got ${describeValue(doc)}`)
  const r = doc as Partial<HistoryRecord>
  if (r.kind !== 'segsense-history') bad(`kind is ${describeValue(r.kind)}, expected "segsense-history"`)
  if (r.schemaVersion !== HISTORY_SCHEMA_VERSION)
    bad(`schemaVersion is ${describeValue(r.schemaVersion)}, expected ${HISTORY_SCHEMA_VERSION}`)
  if (typeof r.commit !== 'string' || !COMMIT.test(r.commit)) bad(`commit is ${describeValue(r.commit)}`)
  if (typeof r.date !== 'string' || !Number.isFinite(Date.parse(r.date))) bad(`date is ${describeValue(r.date)}`)
  if (!Array.isArray(r.gates)) return bad(`gates is ${describeValue(r.gates)}, expected a list`)
  const gates: readonly unknown[] = r.gates
  gates.forEach((x, i) => {
    const g = x as Partial<Record<keyof Gate, unknown>> | null
    if (
      typeof g !== 'object' ||
      g === null ||
      typeof g.key !== 'string' ||
      typeof g.transform !== 'string' ||
      !Array.isArray(g.classes) ||
      typeof g.parameter !== 'object'
    )
      return bad(`gate ${i + 1} is malformed`)
    for (const c of g.classes as readonly (Partial<Record<'className' | 'auc', unknown>> | null)[]) {
      if (typeof c?.className !== 'string' || !(c.auc === null || typeof c.auc === 'number'))
        bad(`gate ${i + 1} has a malformed class`)
    }
  })
  return r as HistoryRecord
}

/** Records in run order: by date, then by commit name. */
export function orderRecords(records: readonly HistoryRecord[]): HistoryRecord[] {
  return [...records].sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.commit.localeCompare(b.commit))
}

/** Two records hold the same gates (a re-run of a commit): the same JSON, dates aside. */
export function sameRun(a: Pick<HistoryRecord, 'gates'>, b: Pick<HistoryRecord, 'gates'>): boolean {
  return JSON.stringify(a.gates) === JSON.stringify(b.gates)
}

/** The newest record before `record` (by date, another commit), or undefined. */
export function previousRecord(
  records: readonly HistoryRecord[],
  record: Pick<HistoryRecord, 'commit' | 'date'>,
): HistoryRecord | undefined {
  const t = Date.parse(record.date)
  return orderRecords(records)
    .filter((r) => r.commit !== record.commit && Date.parse(r.date) <= t)
    .pop()
}

/**
 * The change of a run against the newest earlier record (unmatched gates listed, not an error: a pull request may add
 * a gate); undefined when there is no earlier record.
 */
export function deltaAgainst(
  records: readonly HistoryRecord[],
  current: HistoryRecord,
  options: Omit<DiffOptions, 'allowUnmatched'> = {},
): { previous: HistoryRecord; diff: ResultsDiff } | undefined {
  const previous = previousRecord(records, current)
  return previous
    ? { previous, diff: diffGates(previous.gates, current.gates, { ...options, allowUnmatched: true }) }
    : undefined
}

/** One class's values at one commit of a {@link GateTrend}. */
export interface TrendPoint {
  readonly commit: string
  readonly date: string
  readonly className: string
  readonly auc: number | null
  /** Interval bounds; null without an interval (fails at the neutral value, categorical, no threshold). */
  readonly from: number | null
  readonly to: number | null
  readonly width: number | null
  readonly pass: boolean | null
  /** The width fell by more than the margin since the previous commit of this gate. */
  readonly narrowed: boolean
  /** The AUC fell by more than the AUC margin since the previous commit of this gate. */
  readonly aucDropped: boolean
}

/** The trend of one gate over the commits that ran it. */
export interface GateTrend {
  readonly key: string
  /** The gate as the newest record holds it. */
  readonly gate: Gate
  /** Commits in run order (each commit once). */
  readonly commits: readonly string[]
  readonly points: readonly TrendPoint[]
}

/**
 * The trend of every gate over `records` (in run order), the last `last` commits of each: per commit and class the
 * AUC and the interval, flagged where the width fell by more than `margin` or the AUC by more than `aucMargin` from
 * the gate's previous commit.
 */
export function historyTrends(
  records: readonly HistoryRecord[],
  options: { readonly last?: number; readonly margin?: number; readonly aucMargin?: number } = {},
): GateTrend[] {
  const margin = options.margin ?? 0,
    aucMargin = options.aucMargin ?? 0
  const ordered = orderRecords(records)
  const trends = new Map<string, { gate: Gate; commits: string[]; points: TrendPoint[] }>()
  const previous = new Map<string, { width: number | null; auc: number | null }>()
  for (const r of ordered) {
    for (const g of r.gates) {
      let t = trends.get(g.key)
      if (!t) trends.set(g.key, (t = { gate: g, commits: [], points: [] }))
      t.gate = g
      t.commits.push(r.commit)
      for (const c of g.classes) {
        const width = c.threshold === null ? null : widthOf(c.interval)
        const iv = c.interval && c.interval.kind === 'interval' ? c.interval : null
        const k = `${g.key}\u0000${c.className}`
        const before = previous.get(k)
        previous.set(k, { width, auc: c.auc })
        t.points.push({
          commit: r.commit,
          date: r.date,
          className: c.className,
          auc: c.auc,
          from: iv ? iv.from : null,
          to: iv ? iv.to : null,
          width,
          pass: c.pass,
          narrowed:
            before !== undefined && before.width !== null && width !== null && width < before.width - margin - 1e-9,
          aucDropped:
            before !== undefined && before.auc !== null && c.auc !== null && c.auc < before.auc - aucMargin - 1e-9,
        })
      }
    }
  }
  const last = options.last
  return [...trends.entries()].map(([key, t]) => {
    const commits = last !== undefined ? t.commits.slice(-last) : t.commits
    const keep = new Set(commits)
    return { key, gate: t.gate, commits, points: t.points.filter((p) => keep.has(p.commit)) }
  })
}
