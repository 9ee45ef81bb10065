import { resolve } from 'node:path'
import { comparisonHeadline, comparisonLines } from '../report/compare.js'
import { formatInterval } from '../report/format.js'
import { writeReport } from '../report/html.js'
import { loadSpec } from '../requirements/load.js'
import { runSpec } from '../requirements/run.js'
import type { ClassVerdict, RequirementVerdict } from '../analysis/requirement.js'
import { describeBound, limitOf, thresholdKey } from '../analysis/threshold.js'
import type { SweepResult } from '../results/sweep-result.js'
import { createProgress } from './progress.js'
import { type CommonOptions, EXIT } from './shared.js'

/** Options of `segsense check`. */
export interface CheckOptions extends CommonOptions {
  readonly out?: string
  readonly json?: boolean
}

/** One class of a requirement outcome: its bound, then `passes` or where it is stable, and the failing samples. */
function classLine(verdict: RequirementVerdict, result: SweepResult, c: ClassVerdict): string {
  const bound = describeBound(verdict.metric, { direction: verdict.direction, limit: limitOf(c) }, c.className)
  const lower =
    verdict.confidence !== undefined
      ? ` (mean), ${formatInterval(result, c.lowerInterval ?? null)} ` +
        `(${Number((verdict.confidence * 100).toPrecision(3))} % lower bound)`
      : ''
  const status = c.pass ? 'passes' : `stable in ${formatInterval(result, c.interval)}${lower}`
  const failing = c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''
  return `${bound}: ${status}${failing}`
}

/**
 * `segsense check spec.json`: runs every requirement of a robustness spec; prints one line per requirement and
 * class, writes a report with `--out`, and returns exit code 1 when a requirement failed.
 */
export async function runCheck(file: string, options: CheckOptions): Promise<number> {
  const spec = loadSpec(file)
  const progress = createProgress({ quiet: Boolean(options.quiet) })
  const outcomes = await runSpec(spec, { onProgress: (name, p) => progress.update(name, p) })
  progress.end()
  const failed = outcomes.filter((o) => !o.verdict.pass)
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        outcomes.map((o) => ({
          name: o.name,
          pass: o.verdict.pass,
          required: o.required,
          verdict: o.verdict,
          result: o.result,
          ...(o.comparison ?? {}),
        })),
        null,
        2,
      )}\n`,
    )
  } else {
    const lines = [
      `${spec.name ?? spec.file}: ${outcomes.length - failed.length} of ${outcomes.length} requirements pass`,
      '',
    ]
    for (const o of outcomes) {
      lines.push(`${o.verdict.pass ? 'pass' : 'FAIL'}  ${o.name}`)
      if (o.comparison) {
        const sweeps = { candidate: o.result, ...o.comparison }
        lines.push(
          `      ${comparisonHeadline(o.comparison.comparison, o.result)}`,
          ...comparisonLines(sweeps).map((l) => `      ${l}`),
        )
        for (const w of [...(o.result.warnings ?? []), ...(o.comparison.baseline.warnings ?? [])])
          lines.push(`      warning: ${w.message}`)
        continue
      }
      for (const c of o.verdict.classes) lines.push(`      ${classLine(o.verdict, o.result, c)}`)
      for (const w of o.result.warnings ?? []) lines.push(`      warning: ${w.message}`)
    }
    process.stdout.write(`${lines.join('\n')}\n`)
  }
  if (options.out) {
    const report = await writeReport(
      outcomes.map((o) => ({
        result: o.result,
        verdict: o.verdict,
        required: o.required,
        title: o.name,
        [thresholdKey(o.verdict.metric)]: Object.fromEntries(o.verdict.classes.map((c) => [c.className, limitOf(c)])),
        metric: o.verdict.metric,
        ...(o.comparison ?? {}),
      })),
      resolve(options.out),
      { title: `segsense check: ${spec.name ?? spec.file}` },
    )
    ;(options.json ? process.stderr : process.stdout).write(`report: ${report.index}\n`)
  }
  return failed.length ? EXIT.failed : EXIT.ok
}
