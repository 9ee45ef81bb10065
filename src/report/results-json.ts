// results.json: every sweep's verdict and result (and each grid's), as the report judged them.
import { thresholdKey } from '../analysis/threshold.js'
import { gridJson, type PreparedGrid } from './grid-section.js'
import type { PreparedSweep } from './types.js'

/** What results.json stores per sweep. */
function sweepJson(p: PreparedSweep): object {
  const { entry } = p
  return {
    id: p.id,
    title: p.title,
    test: entry.test ?? null,
    pass: p.pass,
    ...(thresholdKey(p.metric) === 'max' ? { max: p.min } : { min: entry.min === null ? null : p.min }),
    metric: p.metric,
    required: entry.required ?? null,
    verdict: p.verdict,
    result: entry.result,
    ...(entry.baseline && entry.comparison ? { baseline: entry.baseline, comparison: entry.comparison } : {}),
  }
}

/** The text of results.json: `{ schemaVersion, title, generated, sweeps, grids? }`, indented, newline-terminated. */
export function resultsJson(
  title: string,
  date: Date,
  prepared: readonly PreparedSweep[],
  grids: readonly PreparedGrid[],
): string {
  const json = {
    schemaVersion: 1,
    title,
    generated: date.toISOString(),
    sweeps: prepared.map(sweepJson),
    ...(grids.length ? { grids: gridJson(grids) } : {}),
  }
  return `${JSON.stringify(json, null, 2)}\n`
}
