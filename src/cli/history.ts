import { deltaAgainst, historyRecord } from '../history/records.js'
import { writeHistoryReport } from '../report/history-report.js'
import { addToHistory, currentCommit, readHistory } from '../report/history-store.js'
import { changeText } from '../report/markdown-summary.js'
import { readResultsGates } from '../report/results-file.js'
import { type CommonOptions, EXIT, UsageError } from './shared.js'

/** Options of `segsense history add`. */
export interface HistoryAddOptions extends CommonOptions {
  readonly dir?: string
  readonly commit?: string
  readonly date?: string
  readonly margin?: number
  readonly aucMargin?: number
}

/** Options of `segsense history report`. */
export interface HistoryReportOptions extends CommonOptions {
  readonly dir?: string
  readonly out?: string
  readonly last?: number
  readonly margin?: number
  readonly aucMargin?: number
}

/**
 * `segsense history add RESULTS --dir DIR`: stores one run as DIR/<commit>.json (append-only, a re-run of a stored
 * commit adds nothing) and prints the change against the newest earlier run.
 */
export async function runHistoryAdd(results: string, options: HistoryAddOptions): Promise<number> {
  if (!options.dir) throw new UsageError('history add needs --dir <folder> (the history folder)')
  const commit = currentCommit(options.commit)
  if (!commit)
    throw new UsageError(
      'history add: no commit known; give --commit <sha> (or run inside a git checkout, or set GITHUB_SHA)',
    )
  const { gates } = readResultsGates(results)
  const record = historyRecord(gates, commit, options.date ?? new Date().toISOString())
  const added = await addToHistory(options.dir, record)
  const lines = [
    added.added
      ? `history: added ${record.gates.length} gate${record.gates.length === 1 ? '' : 's'} of commit ${commit} -> ${added.file}`
      : `history: commit ${commit} is stored already with the same gates (${added.file}); nothing added`,
  ]
  const delta = deltaAgainst(added.before, record, {
    ...(options.margin !== undefined ? { margin: options.margin } : {}),
    ...(options.aucMargin !== undefined ? { aucMargin: options.aucMargin } : {}),
  })
  if (delta) {
    const regressed = delta.diff.gates.flatMap((g) =>
      g.classes
        .filter((c) => c.regressions.length)
        .map((c) => `  regressed: ${g.label} ${c.className}: ${changeText(g.head, c)}`),
    )
    lines.push(
      `compared with commit ${delta.previous.commit} (${delta.previous.date}): ` +
        `${regressed.length ? `${regressed.length} class${regressed.length === 1 ? '' : 'es'} regressed` : 'no regression'}`,
      ...regressed,
    )
  }
  if (!options.quiet) process.stdout.write(`${lines.join('\n')}\n`)
  return EXIT.ok
}

/** `segsense history report --dir DIR --out OUT`: the trend of every gate (HTML charts and a markdown table). */
export async function runHistoryReport(options: HistoryReportOptions): Promise<number> {
  if (!options.dir) throw new UsageError('history report needs --dir <folder> (the history folder)')
  if (!options.out) throw new UsageError('history report needs --out <folder> (the report folder)')
  const { records } = await readHistory(options.dir)
  const written = await writeHistoryReport(records, options.out, {
    ...(options.last !== undefined ? { last: options.last } : {}),
    ...(options.margin !== undefined ? { margin: options.margin } : {}),
    ...(options.aucMargin !== undefined ? { aucMargin: options.aucMargin } : {}),
  })
  const flagged = written.trends.flatMap((t) =>
    t.points
      .filter((p) => p.narrowed || p.aucDropped)
      .map(
        (p) =>
          `  ${p.narrowed ? 'narrowed' : 'AUC fell'}: ${t.gate.test ? `${t.gate.test.file} › ${t.gate.test.name}` : t.gate.title} ` +
          `(${t.gate.transform}) ${p.className} at commit ${p.commit}`,
      ),
  )
  if (!options.quiet)
    process.stdout.write(
      [
        `history: ${records.length} commits, ${written.trends.length} gates`,
        ...flagged,
        `report: ${written.index}`,
        `markdown: ${written.markdown}`,
      ].join('\n') + '\n',
    )
  return EXIT.ok
}
