// The reporter's pull-request outputs: the markdown job summary ($GITHUB_STEP_SUMMARY, `summary: 'path.md'`) and the
// history of runs per commit. Apart from reporter.ts so that the reporter stays the gathering of sweeps.
import { appendFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { SegsenseError } from '../core/errors.js'
import { writeFileAtomic } from '../core/fs.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { checkObject, reject } from '../core/validate.js'
import type { ResultsDiff } from '../history/diff.js'
import { DEFAULT_GATE_MIN, type GateWithResult, gatesOf } from '../history/gates.js'
import { deltaAgainst, historyRecord } from '../history/records.js'
import { addToHistory, currentCommit } from '../report/history-store.js'
import type { ReportEntry, WrittenReport } from '../report/html.js'
import { STEP_SUMMARY_LIMIT, jobSummaryMarkdown } from '../report/markdown-summary.js'

/** The reporter's options for pull requests: the job summary and the history (see `SegsenseReporterOptions`). */
export interface PullRequestOptions {
  /**
   * Also write the markdown job summary to this file (relative to the vitest root), for CI systems other than GitHub
   * Actions (GitLab, Buildkite, Jenkins). Written whole (atomically) on every run.
   */
  readonly summary?: string
  /** Append the job summary to `$GITHUB_STEP_SUMMARY` when that is set; default true. */
  readonly stepSummary?: boolean
  /** Link to the HTML report artifact in the summary; default `$SEGSENSE_REPORT_URL`. */
  readonly reportUrl?: string
  /**
   * Keep a history of runs: each run is stored as `<dir>/<commit>.json` (see `segsense history`), and the summary
   * shows the change of every gate against the newest earlier run. `commit` defaults to `$GITHUB_SHA`, else
   * `git rev-parse HEAD`; `margin` (interval width, parameter units) and `aucMargin` are the losses that still do
   * not count as a regression (default 0).
   */
  readonly history?: {
    readonly dir: string
    readonly commit?: string
    readonly date?: string
    readonly margin?: number
    readonly aucMargin?: number
  }
}

type HistoryOption = NonNullable<PullRequestOptions['history']>
const HISTORY_KEYS = optionKeys<HistoryOption>({ dir: true, commit: true, date: true, margin: true, aucMargin: true })

/** The keys of {@link PullRequestOptions} (typed so that a key added to the interface must be listed). */
export const PULL_REQUEST_KEYS: { readonly [K in keyof Required<PullRequestOptions>]: true } = {
  summary: true,
  stepSummary: true,
  reportUrl: true,
  history: true,
}

/** Checks the pull-request options and the reporter's string options at construction (a typo keeps no history). */
export function checkPullRequestOptions(
  options: PullRequestOptions & { readonly outputDir?: string; readonly title?: string },
): void {
  if (options.history !== undefined) {
    const history = checkObject('segsense/reporter: history', options.history, 'an object { dir, ... }')
    checkKnownKeys(history, HISTORY_KEYS, 'segsense/reporter history option')
    const dir = history.dir
    if (typeof dir !== 'string') reject('E_WRONG_TYPE', 'segsense/reporter: history.dir', dir, 'a folder path')
    if (dir === '') reject('E_OUT_OF_RANGE', 'segsense/reporter: history.dir', dir, 'a folder path')
  }
  for (const k of ['summary', 'reportUrl', 'outputDir', 'title'] as const) {
    const v: unknown = options[k]
    if (v === undefined) continue
    if (typeof v !== 'string') reject('E_WRONG_TYPE', `segsense/reporter: ${k}`, v, 'a non-empty string')
    if (v === '') reject('E_OUT_OF_RANGE', `segsense/reporter: ${k}`, v, 'a non-empty string')
  }
}

/** The gates of a written report: its entries with the status the report gave each. */
export function reportGates(
  entries: readonly ReportEntry[],
  written: WrittenReport,
  min: ReportEntry['min'] | undefined,
): GateWithResult[] {
  const sources = entries.map((e, i) => ({
    result: e.result,
    ...(e.title !== undefined ? { title: e.title } : {}),
    test: e.test ? { file: e.test.file, name: e.test.name } : null,
    min: e.min === undefined ? (min ?? DEFAULT_GATE_MIN) : e.min,
    ...(e.max !== undefined ? { max: e.max } : {}),
    ...(e.metric !== undefined ? { metric: e.metric } : {}),
    verdict: e.verdict ?? null,
    pass: written.sweeps[i]?.pass ?? null,
  }))
  return gatesOf(sources, 'segsense/reporter')
}

/** Stores the run in the history (with `history`), and returns its change against the newest earlier run. */
async function storeRun(
  h: HistoryOption,
  gates: readonly GateWithResult[],
  root: string,
  log: (line: string) => void,
): Promise<{ diff: ResultsDiff; against: string } | undefined> {
  const commit = currentCommit(h.commit, root)
  if (!commit) {
    log('segsense history: no commit known (set history.commit, GITHUB_SHA, or run in a git checkout); run not stored')
    return undefined
  }
  const record = historyRecord(gates, commit, h.date ?? new Date().toISOString())
  const added = await addToHistory(resolve(root, h.dir), record, { onConflict: 'keep' })
  const what = added.added
    ? `-> ${added.file}`
    : added.conflict
      ? `is stored already with other results (${added.file}); kept that run (the history is append-only)`
      : 'is stored already with the same gates'
  log(`segsense history: commit ${commit} ${what}`)
  const delta = deltaAgainst(added.before, record, {
    ...(h.margin !== undefined ? { margin: h.margin } : {}),
    ...(h.aucMargin !== undefined ? { aucMargin: h.aucMargin } : {}),
  })
  if (!delta) return undefined
  return {
    diff: delta.diff,
    against: `commit ${delta.previous.commit.slice(0, 12)} (${delta.previous.date.slice(0, 10)})`,
  }
}

/**
 * The history entry and the job summary of a run (nothing when neither is asked for). A history that fails (a
 * corrupt file) still lets the summary be written, without the change; the error then fails the run.
 */
export async function pullRequestSummary(
  options: PullRequestOptions & { readonly title?: string },
  gates: readonly GateWithResult[],
  grids: number,
  root: string,
  log: (line: string) => void,
): Promise<void> {
  let change: { diff: ResultsDiff; against: string } | undefined
  let failure: Error | undefined
  if (options.history) {
    try {
      change = await storeRun(options.history, gates, root, log)
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e))
      log(`segsense history: ${failure.message}`)
    }
  }
  const reportUrl = options.reportUrl ?? process.env.SEGSENSE_REPORT_URL
  const summary = (limit: number): string =>
    jobSummaryMarkdown(gates, {
      title: options.title ?? 'segsense',
      limit,
      ...(reportUrl ? { reportUrl } : {}),
      ...(change ? { diff: change.diff, against: change.against } : {}),
      ...(grids ? { grids } : {}),
    })
  const step = process.env.GITHUB_STEP_SUMMARY
  if (step && options.stepSummary !== false) {
    // The step's summary file may hold other reporters' summaries already (vitest's github-actions reporter).
    const used = await stat(step).then(
      (s) => s.size,
      () => 0,
    )
    await appendFile(step, `\n${summary(Math.max(0, STEP_SUMMARY_LIMIT - used - 1024))}`).catch((e: Error) => {
      const why = `cannot append the job summary to ${step} (GITHUB_STEP_SUMMARY): ${e.message}`
      throw new SegsenseError('E_FILE_WRITE', `segsense/reporter: ${why}`)
    })
  }
  if (options.summary) {
    const file = resolve(root, options.summary)
    await writeFileAtomic(file, summary(STEP_SUMMARY_LIMIT), { what: 'job summary', makeDir: true })
    log(`segsense summary: ${file}`)
  }
  if (failure) throw failure
}
