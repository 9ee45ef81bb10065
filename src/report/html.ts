// writeReport: the HTML report of sweeps and grids, written whole into a folder. The render functions live in files
// named after what they draw (page, summary-table, sweep-section, figures, results-json); the verdicts come from
// analysis/ (prepare.ts asks it), so this file only checks its arguments and writes what those return.
import { resolve, join } from 'node:path'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { reject } from '../core/validate.js'
import type { SweepResult } from '../results/sweep-result.js'
import { stageFolder } from './folder.js'
import { type PreparedGrid, gridSections, prepareGrids } from './grid-section.js'
import { countsText, pageHtml } from './page.js'
import { prepareSweep } from './prepare.js'
import { resultsJson } from './results-json.js'
import { summaryTable } from './summary-table.js'
import type { WriteFile } from './figures.js'
import { sweepSection } from './sweep-section.js'
import type { PreparedSweep, ReportEntry, ReportOptions, SummaryRow, WrittenReport } from './types.js'

export type { ReportEntry, ReportOptions, SummaryRow, WrittenReport } from './types.js'

/** The summary rows of a report (as {@link writeReport} tabulates them), without writing anything. */
export function reportRows(inputs: readonly (SweepResult | ReportEntry)[], options: ReportOptions = {}): SummaryRow[] {
  return inputs.flatMap((x, i) => prepareSweep(x, i, options).rows)
}

const REPORT_KEYS = optionKeys<ReportOptions>({
  title: true,
  subtitle: true,
  min: true,
  columns: true,
  cell: true,
  delay: true,
  gif: true,
  date: true,
  grids: true,
})

/** Checks writeReport's arguments: at least one sweep (or grid), a folder path, known option keys. */
function checkArguments(inputs: unknown, dir: unknown, options: ReportOptions): void {
  const none = (): string => `writeReport needs at least one sweep result, got ${describeValue(inputs)}`
  if (!Array.isArray(inputs)) throw new SegsenseError('E_WRONG_TYPE', none())
  if (inputs.length === 0 && !options.grids?.length) throw new SegsenseError('E_OUT_OF_RANGE', none())
  if (typeof dir !== 'string') reject('E_WRONG_TYPE', 'writeReport: dir', dir, 'a folder path')
  if (dir === '') reject('E_OUT_OF_RANGE', 'writeReport: dir', dir, 'a folder path')
  checkKnownKeys(options, REPORT_KEYS, 'writeReport options')
}

/**
 * Writes an HTML report of one or more sweeps to `dir` (created if needed):
 * - `index.html`: self-contained (inline CSS and SVG charts, no script, no network request: a Content-Security-Policy
 *   forbids any), with a summary table (per sweep and class: threshold, stable interval, AUC, worst case, pass/fail),
 *   then per sweep its test (when known), the chart, the frame strip and the animated GIF (when frames were kept).
 *   Every user-supplied string (model, class, sample, test and file names) is HTML-escaped.
 * - `results.json`: `{ schemaVersion, title, generated, sweeps: [{ id, title, test, pass, min, required, verdict,
 *   result }] }` (`verdict`: per class its threshold, stable interval and pass, null without a threshold);
 *   each result is validated with `validateSweepResult` before anything is written.
 * - `sweep-NN-strip.png` and `sweep-NN.gif` beside it.
 * The whole folder is written beside `dir` (`.<name>.segsense-tmp-*`) and swapped in at the end, so a reader (or a
 * killed write) finds the old report or the new one, never a mix, and no file of an earlier, larger report stays.
 * An existing `dir` must hold only a report's files (it is replaced whole).
 *
 * @throws SegsenseError `E_SCHEMA` for an invalid result; `E_WRONG_TYPE` / `E_OUT_OF_RANGE` (kinds of
 *   `E_BAD_PARAMETER`) for no sweeps or no folder path; `E_FILE_WRITE` when the folder cannot be written or holds
 *   other files.
 */
export async function writeReport(
  inputs: readonly (SweepResult | ReportEntry)[],
  dir: string,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  checkArguments(inputs, dir, options)
  const prepared = inputs.map((x, i) => prepareSweep(x, i, options))
  const grids = prepareGrids(options.grids ?? [], options.min ?? 0.8)
  const out = resolve(dir)
  const stage = await stageFolder(out)
  const files: string[] = []
  const write: WriteFile = async (name, bytes) => {
    files.push(await stage.write(name, bytes))
  }
  try {
    const sweeps = await writeFiles(prepared, grids, write, options)
    await stage.commit()
    return { dir: out, index: join(out, 'index.html'), files, rows: prepared.flatMap((p) => p.rows), sweeps }
  } catch (e) {
    await stage.discard().catch(() => undefined)
    throw e
  }
}

/** Writes every file of the report through `write`: each sweep's strip and GIF, results.json, index.html last. */
async function writeFiles(
  prepared: readonly PreparedSweep[],
  grids: readonly PreparedGrid[],
  write: WriteFile,
  options: ReportOptions,
): Promise<WrittenReport['sweeps']> {
  const date = options.date ?? new Date()
  const title = options.title ?? 'segsense report'
  const sections: string[] = []
  for (const p of prepared) sections.push(await sweepSection(p, write, options))
  sections.push(...(await gridSections(grids)))
  const counts = countsText(prepared, grids)
  const html = pageHtml({ title, subtitle: options.subtitle, counts, date, summary: summaryTable(prepared), sections })
  await write('results.json', resultsJson(title, date, prepared, grids))
  await write('index.html', html)
  return prepared.map((p) => ({ id: p.id, title: p.title, pass: p.pass }))
}
