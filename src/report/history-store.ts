// The history folder: one `<commit>.json` per commit, written once and never rewritten (append-only), each file
// created whole or not at all.
import { execFileSync } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SegsenseError } from '../core/errors.js'
import { createFileAtomic } from '../core/fs.js'
import { type HistoryRecord, checkCommit, checkHistoryRecord, orderRecords, sameRun } from '../history/records.js'

/** A history folder's records, each with its file. */
export interface HistoryContents {
  readonly dir: string
  /** In run order (date, then commit). */
  readonly records: readonly HistoryRecord[]
  readonly files: ReadonlyMap<string, string>
}

/**
 * Reads every record of a history folder (a missing folder is an empty history). Dot files (temporary files of a
 * write in progress or killed) are skipped.
 * @throws SegsenseError `E_SCHEMA` naming the first file that is not valid JSON or not a history record, or whose name
 *   is not its commit; `E_FILE_READ` when the folder cannot be read.
 */
export async function readHistory(dir: string): Promise<HistoryContents> {
  const abs = resolve(dir)
  let names: string[]
  try {
    names = await readdir(abs)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { dir: abs, records: [], files: new Map() }
    throw new SegsenseError('E_FILE_READ', `history folder ${abs} cannot be read: ${(e as Error).message}`, {
      details: { file: abs },
    })
  }
  const records: HistoryRecord[] = []
  const files = new Map<string, string>()
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const file = join(abs, name)
    let doc: unknown
    try {
      doc = JSON.parse(await readFile(file, 'utf8'))
    } catch (e) {
      throw new SegsenseError(
        'E_SCHEMA',
        `history file ${file} is not valid JSON (${(e as Error).message}); move it out of the history folder (nothing else was changed)`,
        { details: { file } },
      )
    }
    const record = checkHistoryRecord(doc, file)
    if (`${record.commit}.json` !== name)
      throw new SegsenseError(
        'E_SCHEMA',
        `history file ${file} holds commit ${record.commit}; a record's file is named <commit>.json`,
        {
          details: { file },
        },
      )
    records.push(record)
    files.set(record.commit, file)
  }
  return { dir: abs, records: orderRecords(records), files }
}

/** What {@link addToHistory} did. */
export interface HistoryAdded {
  readonly file: string
  /** false: the commit was stored already (with the same gates, or other ones under `onConflict: 'keep'`); nothing was written. */
  readonly added: boolean
  /** With `onConflict: 'keep'`: the commit was stored already with other gates, and that run was kept. */
  readonly conflict?: boolean
  /** The folder's records before this one was added. */
  readonly before: readonly HistoryRecord[]
}

/**
 * Adds one run to a history folder (created if needed) as `<commit>.json`. The whole folder is read first, so a
 * corrupt file stops the add with an error naming it. A commit stored already is left alone: the same gates again
 * (a re-run) add nothing; different gates are an error (the history is append-only), or with `onConflict: 'keep'`
 * leave the stored run and say so (`conflict: true`; the reporter's choice, so that a local re-run after a change at
 * the same commit does not fail the test run).
 * @throws SegsenseError `E_SCHEMA` for a corrupt file in the folder, `E_FILE_WRITE` for a commit stored with other
 *   results (unless kept) or a folder that cannot be written.
 */
export async function addToHistory(
  dir: string,
  record: HistoryRecord,
  options: { readonly onConflict?: 'error' | 'keep' } = {},
): Promise<HistoryAdded> {
  checkCommit(record.commit)
  const { dir: abs, records, files } = await readHistory(dir)
  const file = join(abs, `${record.commit}.json`)
  const conflict = (): HistoryAdded => {
    if (options.onConflict === 'keep') return { file, added: false, conflict: true, before: records }
    throw new SegsenseError(
      'E_FILE_WRITE',
      `history file ${file} already holds a different run of commit ${record.commit}; the history is append-only: ` +
        `add the new run under another name (e.g. ${record.commit}-2) or remove the file yourself`,
      { details: { file } },
    )
  }
  const stored = records.find((r) => r.commit === record.commit)
  if (stored) {
    if (!sameRun(stored, record)) return conflict()
    return { file: files.get(record.commit) ?? file, added: false, before: records }
  }
  const bytes = `${JSON.stringify(record, null, 1)}\n`
  if (!(await createFileAtomic(file, bytes, { what: 'history record', makeDir: true }))) {
    // Another writer stored the commit meanwhile: the same run is fine.
    const other = checkHistoryRecord(JSON.parse(await readFile(file, 'utf8')), file)
    if (!sameRun(other, record)) return conflict()
    return { file, added: false, before: records }
  }
  return { file, added: true, before: records }
}

/**
 * The commit of a run: `--commit`, else `GITHUB_SHA` / `CI_COMMIT_SHA` (GitLab) / `BUILDKITE_COMMIT`, else
 * `git rev-parse HEAD` in the working folder; undefined when none is known.
 */
export function currentCommit(given?: string, cwd = process.cwd()): string | undefined {
  if (given) return given
  const env = process.env.GITHUB_SHA || process.env.CI_COMMIT_SHA || process.env.BUILDKITE_COMMIT
  if (env) return env
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    )
  } catch {
    return undefined
  }
}
