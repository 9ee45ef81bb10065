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
import { resolve } from 'node:path'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { type ReportEntry, type ReportOptions, writeReport } from '../report/html.js'
import type { GridReportEntry } from '../report/grid-section.js'
import {
  PULL_REQUEST_KEYS,
  type PullRequestOptions,
  checkPullRequestOptions,
  pullRequestSummary,
  reportGates,
} from './pull-request.js'
import { gridReportEntries, reportEntries } from './report-entries.js'

/** Options of the reporter (the second element of `['segsense/reporter', { ... }]`). */
export interface SegsenseReporterOptions
  extends Pick<ReportOptions, 'min' | 'columns' | 'cell' | 'delay'>, PullRequestOptions {
  /** Report folder, relative to the vitest root; default `segsense-report`. */
  readonly outputDir?: string
  /** Page title; default `segsense report`. */
  readonly title?: string
  /** A run without sweeps writes no report; `silent: false` also logs a line saying so (default true: nothing). */
  readonly silent?: boolean
}

const REPORTER_KEYS = optionKeys<SegsenseReporterOptions>({
  ...PULL_REQUEST_KEYS,
  outputDir: true,
  title: true,
  silent: true,
  min: true,
  columns: true,
  cell: true,
  delay: true,
})

/** The vitest reporter; `segsense/reporter`'s default export. */
export default class SegsenseReporter implements Reporter {
  private readonly options: SegsenseReporterOptions
  private vitest: Vitest | undefined

  constructor(options: SegsenseReporterOptions = {}) {
    // A misspelt option (`histroy`) would silently keep no history: name it instead.
    checkKnownKeys(options, REPORTER_KEYS, 'segsense/reporter options')
    checkPullRequestOptions(options)
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
    for (const m of modules)
      for (const t of m.children.allTests()) {
        entries.push(...reportEntries(t))
        grids.push(...gridReportEntries(t))
      }
    const log = (line: string): void =>
      this.vitest ? this.vitest.logger.log(line) : void process.stdout.write(`${line}\n`)
    if (entries.length === 0 && grids.length === 0) {
      if (this.options.silent === false) log('segsense report: no sweeps in this run')
      return
    }
    const root = this.vitest?.config.root ?? process.cwd()
    const dir = resolve(root, this.options.outputDir ?? 'segsense-report')
    const {
      outputDir: _o,
      title,
      silent: _s,
      summary: _m,
      stepSummary: _t,
      reportUrl: _u,
      history: _h,
      ...report
    } = this.options
    const written = await writeReport(entries, dir, {
      title: title ?? 'segsense report',
      ...report,
      ...(grids.length ? { grids } : {}),
    })
    const failed = written.sweeps.filter((s) => s.pass === false).length
    const gridText = grids.length ? `, ${grids.length} grid${grids.length === 1 ? '' : 's'}` : ''
    const sweeps = `${entries.length} sweep${entries.length === 1 ? '' : 's'}${failed ? ` (${failed} failed)` : ''}`
    log(`segsense report: ${sweeps}${gridText} -> ${written.index}`)
    const gates = reportGates(entries, written, this.options.min)
    await pullRequestSummary(this.options, gates, grids.length, root, log)
  }
}
