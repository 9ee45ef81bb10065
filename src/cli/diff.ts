import { resolve } from 'node:path'
import { type ResultsDiff, diffGates } from '../history/diff.js'
import { writeFileAtomic } from '../core/fs.js'
import { diffMarkdown, intervalText } from '../report/markdown-summary.js'
import { formatValue, table } from '../report/format.js'
import { readResultsGates } from '../report/results-file.js'
import { type CommonOptions, EXIT, UsageError } from './shared.js'

/** Options of `segsense diff`, as commander parses them. */
export interface DiffCommandOptions extends CommonOptions {
  readonly format?: string
  readonly margin?: number
  readonly aucMargin?: number
  readonly allowUnmatched?: boolean
  readonly out?: string
}

/** The diff as a text table (`--format text`). */
export function diffText(diff: ResultsDiff): string {
  const rows = [
    [
      '',
      'sweep',
      'class',
      'base interval',
      'head interval',
      'width change',
      'base AUC',
      'head AUC',
      'AUC change',
      'crossing',
    ],
  ]
  const auc = (x: number | null): string => (x === null ? '-' : x.toFixed(3))
  for (const g of diff.gates) {
    for (const c of g.classes) {
      const unit = { transform: { name: g.head.transform, parameter: g.head.parameter, options: g.head.options } }
      const w =
        c.widthChange === null
          ? '-'
          : `${c.widthChange > 0 ? '+' : c.widthChange < 0 ? '-' : ''}${formatValue(unit, Math.abs(c.widthChange))}`
      const band =
        c.aucInterval && c.aucInterval.lower !== null && c.aucInterval.upper !== null
          ? ` [${c.aucInterval.lower.toFixed(3)}, ${c.aucInterval.upper.toFixed(3)}]`
          : ''
      const a = c.aucChange === null ? '-' : `${c.aucChange >= 0 ? '+' : ''}${c.aucChange.toFixed(3)}${band}`
      rows.push([
        c.regressions.length ? 'REGRESSED' : 'ok',
        g.label,
        c.className,
        intervalText(g.base, c.base),
        intervalText(g.head, c.head),
        w,
        auc(c.base.auc),
        auc(c.head.auc),
        a,
        c.crossing === 'fails' ? 'now fails' : c.crossing === 'passes' ? 'now passes' : '',
      ])
    }
  }
  const lines = table(rows)
  const head = diff.regressed
    ? `segsense diff: ${diff.gates.filter((g) => g.regressed).length} of ${diff.gates.length} sweeps regressed`
    : `segsense diff: no regression in ${diff.gates.length} sweep${diff.gates.length === 1 ? '' : 's'}`
  const only = [
    ...diff.onlyInBase.map((g) => `only in the base: ${g.title} (${g.transform})`),
    ...diff.onlyInHead.map((g) => `only in the head: ${g.title} (${g.transform})`),
  ]
  const margins = ` (margins: width ${diff.margin}, AUC ${diff.aucMargin})`
  return [`${head}${margins}`, '', ...lines, ...(only.length ? ['', ...only] : [])].join('\n')
}

/**
 * `segsense diff BASE HEAD`: compares two results files gate by gate; exit 1 when a class lost more than `--margin`
 * of interval width or `--auc-margin` of AUC, 2 for unreadable files or sweeps that do not match.
 */
export async function runDiff(base: string, head: string, options: DiffCommandOptions): Promise<number> {
  const format = options.format ?? 'text'
  if (!['md', 'json', 'text'].includes(format))
    throw new UsageError(`--format must be md, json or text, got ${JSON.stringify(format)}`)
  const a = readResultsGates(base)
  const b = readResultsGates(head)
  const diff = diffGates(a.gates, b.gates, {
    ...(options.margin !== undefined ? { margin: options.margin } : {}),
    ...(options.aucMargin !== undefined ? { aucMargin: options.aucMargin } : {}),
    ...(options.allowUnmatched ? { allowUnmatched: true } : {}),
  })
  const text =
    format === 'json'
      ? `${JSON.stringify({ base: a.file, head: b.file, ...diff }, null, 2)}\n`
      : format === 'md'
        ? diffMarkdown(diff)
        : `${diffText(diff)}\n`
  if (options.out) await writeFileAtomic(resolve(options.out), text, { what: 'diff' })
  else process.stdout.write(text)
  return diff.regressed ? EXIT.failed : EXIT.ok
}
