// Reads the gates of a results file: a report's results.json, `segsense sweep --json` or `segsense check --json`.
import { type GateWithResult, gateSources, gatesOf } from '../history/gates.js'
import { readJsonFile } from '../requirements/json-file.js'
import { assertSweepResult } from '../results/schema/validate.js'

/**
 * The gates of a results file, each sweep result validated.
 * @throws SegsenseError `E_FILE_NOT_FOUND` / `E_FILE_READ` / `E_SCHEMA` naming the file (and the sweep).
 */
export function readResultsGates(path: string): { file: string; gates: GateWithResult[] } {
  const { file, json } = readJsonFile(path, 'results file')
  const sources = gateSources(json, `results file ${file}`)
  sources.forEach((s, i) =>
    assertSweepResult((s as { result?: unknown } | null)?.result, `results file ${file}: sweep ${i + 1}`),
  )
  return { file, gates: gatesOf(sources, `results file ${file}`) }
}
