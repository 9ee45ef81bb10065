/**
 * `segsense/reporter`: a vitest reporter that gathers every sweep the segsense matchers ran in a test run (they keep
 * them in `task.meta.segsense`) and writes one HTML report, so that CI keeps a single artifact.
 *
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', ['segsense/reporter', { outputDir: 'segsense-report' }]] } })
 * ```
 *
 * Sharded runs: run each shard with `--reporter=blob` (the sweeps travel in the blob reports' task meta), then
 * `vitest --merge-reports` with this reporter in the config writes the report of the whole run.
 *
 * In a pull request: with `GITHUB_STEP_SUMMARY` set (GitHub Actions) it appends a markdown job summary (one row per
 * gate and class), `summary: 'path.md'` writes the same file anywhere, and `history: { dir }` stores each run per
 * commit and puts the change against the newest earlier run into the summary.
 * @packageDocumentation
 */
import { appendFile, mkdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { DEFAULT_GATE_MIN, type GateWithResult, gatesOf } from '../history/gates.js'
import type { ResultsDiff } from '../history/diff.js'
import { deltaAgainst, historyRecord } from '../history/records.js'
import { writeFileAtomic } from '../report/atomic-write.js'
import { addToHistory, currentCommit } from '../report/history-store.js'
import { STEP_SUMMARY_LIMIT, jobSummaryMarkdown } from '../report/markdown-summary.js'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { type ReportEntry, type ReportOptions, writeReport } from '../report/html.js'
import type { GridReportEntry } from '../report/grid-section.js'
import { gridReportEntries, reportEntries } from './report-entries.js'

/** Options of the reporter (the second element of `['segsense/reporter', { ... }]`). */
export interface SegsenseReporterOptions extends Pick<ReportOptions, 'min' | 'columns' | 'cell' | 'delay'> {
  /** Report folder, relative to the vitest root; default `segsense-report`. */
  readonly outputDir?: string
  /** Page title; default `segsense report`. */
  readonly title?: string
  /** A run without sweeps writes no report; `silent: false` also logs a line saying so (default true: nothing). */
  readonly silent?: boolean
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

const REPORTER_KEYS = optionKeys<SegsenseReporterOptions>({
  outputDir: true, title: true, silent: true, min: true, columns: true, cell: true, delay: true,
  summary: true, stepSummary: true, reportUrl: true, history: true,
})
type HistoryOption = NonNullable<SegsenseReporterOptions['history']>
const HISTORY_KEYS = optionKeys<HistoryOption>({ dir: true, commit: true, date: true, margin: true, aucMargin: true })

/** The vitest reporter; `segsense/reporter`'s default export. */
export default class SegsenseReporter implements Reporter {
  private readonly options: SegsenseReporterOptions
  private vitest: Vitest | undefined

  constructor(options: SegsenseReporterOptions = {}) {
    // A misspelt option (`histroy`) would silently keep no history: name it instead.
    checkKnownKeys(options, REPORTER_KEYS, 'segsense/reporter options')
    if (options.history !== undefined) {
      checkKnownKeys(options.history, HISTORY_KEYS, 'segsense/reporter history option')
      if (typeof options.history.dir !== 'string' || options.history.dir === '') {
        const got = describeValue(options.history.dir)
        throw new SegsenseError('E_BAD_PARAMETER', `segsense/reporter: history.dir must be a folder path, got ${got}`)
      }
    }
    for (const k of ['summary', 'reportUrl', 'outputDir', 'title'] as const) {
      const v = options[k]
      if (v !== undefined && (typeof v !== 'string' || v === '')) {
        throw new SegsenseError('E_BAD_PARAMETER', `segsense/reporter: ${k} must be a non-empty string, got ${describeValue(v)}`)
      }
    }
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    // Files in path order, tests in declaration order: the same report for the same run, sharded or not.
    const modules = [...testModules].sort((a, b) => a.relativeModuleId.localeCompare(b.relativeModuleId))
    const entries: ReportEntry[] = []
    const grids: GridReportEntry[] = []
    for (const m of modules) for (const t of m.children.allTests()) {
      entries.push(...reportEntries(t))
      grids.push(...gridReportEntries(t))
    }
    const log = (line: string): void => (this.vitest ? this.vitest.logger.log(line) : void process.stdout.write(`${line}\n`))
    if (entries.length === 0 && grids.length === 0) {
      if (this.options.silent === false) log('segsense report: no sweeps in this run')
      return
    }
    const root = this.vitest?.config.root ?? process.cwd()
    const dir = resolve(root, this.options.outputDir ?? 'segsense-report')
    const { outputDir: _o, title, silent: _s, summary: _m, stepSummary: _ss, reportUrl: _u, history: _h, ...report } = this.options
    const written = await writeReport(entries, dir, { title: title ?? 'segsense report', ...report, ...(grids.length ? { grids } : {}) })
    const failed = written.sweeps.filter((s) => s.pass === false).length
    const gridText = grids.length ? `, ${grids.length} grid${grids.length === 1 ? '' : 's'}` : ''
    log(`segsense report: ${entries.length} sweep${entries.length === 1 ? '' : 's'}${failed ? ` (${failed} failed)` : ''}${gridText} -> ${written.index}`)
    const gates = gatesOf(entries.map((e, i) => ({
      result: e.result,
      ...(e.title !== undefined ? { title: e.title } : {}),
      test: e.test ? { file: e.test.file, name: e.test.name } : null,
      min: e.min === undefined ? this.options.min ?? DEFAULT_GATE_MIN : e.min,
      ...(e.max !== undefined ? { max: e.max } : {}),
      ...(e.metric !== undefined ? { metric: e.metric } : {}),
      verdict: e.verdict ?? null,
      pass: written.sweeps[i]?.pass ?? null,
    })), 'segsense/reporter')
    await this.pullRequestSummary(gates, grids.length, root, log)
  }

  /** The history entry and the job summary of a run (nothing when neither is asked for). */
  private async pullRequestSummary(
    gates: readonly GateWithResult[],
    grids: number,
    root: string,
    log: (line: string) => void,
  ): Promise<void> {
    let diff: ResultsDiff | undefined
    let against: string | undefined
    let failure: unknown
    const h = this.options.history
    if (h) {
      try {
        const commit = currentCommit(h.commit, root)
        if (!commit) log('segsense history: no commit known (set history.commit, GITHUB_SHA, or run in a git checkout); run not stored')
        else {
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
          if (delta) {
            diff = delta.diff
            against = `commit ${delta.previous.commit.slice(0, 12)} (${delta.previous.date.slice(0, 10)})`
          }
        }
      } catch (e) {
        // The summary is still written (without the change); the error then fails the run.
        failure = e
        log(`segsense history: ${(e as Error).message}`)
      }
    }
    const reportUrl = this.options.reportUrl ?? process.env.SEGSENSE_REPORT_URL
    const summary = (limit: number): string => jobSummaryMarkdown(gates, {
      title: this.options.title ?? 'segsense',
      limit,
      ...(reportUrl ? { reportUrl } : {}),
      ...(diff ? { diff } : {}),
      ...(against ? { against } : {}),
      ...(grids ? { grids } : {}),
    })
    const step = process.env.GITHUB_STEP_SUMMARY
    if (step && this.options.stepSummary !== false) {
      // The step's summary file may hold other reporters' summaries already (vitest's github-actions reporter).
      const used = await stat(step).then((s) => s.size, () => 0)
      await appendFile(step, `\n${summary(Math.max(0, STEP_SUMMARY_LIMIT - used - 1024))}`).catch((e: Error) => {
        const why = `cannot append the job summary to ${step} (GITHUB_STEP_SUMMARY): ${e.message}`
        throw new SegsenseError('E_FILE_WRITE', `segsense/reporter: ${why}`)
      })
    }
    if (this.options.summary) {
      const file = resolve(root, this.options.summary)
      await mkdir(dirname(file), { recursive: true })
      await writeFileAtomic(file, summary(STEP_SUMMARY_LIMIT))
      log(`segsense summary: ${file}`)
    }
    if (failure) throw failure
  }
}
