// GitHub-flavoured markdown for pull requests: the job summary of a run, a diff of two runs, a history table.
import type { ClassDiff, GateDiff, ResultsDiff } from '../history/diff.js'
import { type Gate, type GateClass, gateLabel } from '../history/gates.js'
import type { GateTrend } from '../history/records.js'
import { formatInterval, formatValue, roundForDisplay } from './format.js'

/** GitHub's limit on one step's summary: 1 MiB. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024

/**
 * Text for a GFM table cell: HTML-escaped (a name like `<img onerror>` stays text), markdown punctuation escaped (a
 * `|` would split the cell, a `*` start emphasis), on one line.
 */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
    .replace(/\s*[\r\n]+\s*/g, ' ')
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')
const asResult = (g: Pick<Gate, 'transform' | 'parameter' | 'options'>) => ({
  transform: { name: g.transform, parameter: g.parameter, options: g.options },
})
const fmtAuc = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(3) : '-')
const signed = (x: number, text: string): string => (x > 0 ? `+${text}` : x < 0 ? `−${text.replace(/^-/, '')}` : text)

/** A class's interval as text (`-` without a threshold). */
export function intervalText(
  gate: Pick<Gate, 'transform' | 'parameter' | 'options'>,
  c: Pick<GateClass, 'threshold' | 'interval'>,
): string {
  return c.threshold === null ? '-' : formatInterval(asResult(gate), c.interval)
}

function thresholdText(gate: Gate, c: GateClass): string {
  if (c.threshold === null) return '-'
  return gate.metric === 'hd' || gate.metric === 'hd95' || gate.metric === 'assd' || gate.metric === 'masd'
    ? `${gate.metric} <= ${c.threshold} mm`
    : `${gate.metric} >= ${c.threshold}`
}

// The word beside the emoji: readable where no emoji font is (and searchable).
const icon = (pass: boolean | null): string => (pass === null ? '➖' : pass ? '✅ pass' : '❌ fail')

/** The change of one class as text: interval base -> head with the width change, and the AUC change. */
export function changeText(gate: Gate, d: ClassDiff): string {
  const parts: string[] = []
  const b = intervalText(gate, d.base),
    h = intervalText(gate, d.head)
  if (b !== h) parts.push(`${b} → ${h}`)
  if (d.widthChange !== null && Math.abs(d.widthChange) > 1e-9)
    parts.push(`width ${signed(d.widthChange, formatValue(asResult(gate), Math.abs(d.widthChange)))}`)
  if (d.aucChange !== null && Math.abs(d.aucChange) >= 0.0005) {
    const band =
      d.aucInterval && d.aucInterval.lower !== null && d.aucInterval.upper !== null
        ? ` [${d.aucInterval.lower.toFixed(3)}, ${d.aucInterval.upper.toFixed(3)}]`
        : ''
    parts.push(`AUC ${signed(d.aucChange, Math.abs(d.aucChange).toFixed(3))}${band}`)
  }
  if (d.crossing) parts.push(d.crossing === 'fails' ? 'now fails' : 'now passes')
  return parts.length ? parts.join('; ') : 'no change'
}

/** Options of {@link jobSummaryMarkdown}. */
export interface JobSummaryOptions {
  /** Heading; default `segsense`. */
  readonly title?: string
  /** Link to the HTML report (an artifact URL). */
  readonly reportUrl?: string
  /** The change against an earlier run (the history's newest earlier entry, or a baseline run). */
  readonly diff?: ResultsDiff
  /** What the diff compares with, e.g. `commit abc1234 (2026-12-07)`. */
  readonly against?: string
  /** Largest size in bytes (UTF-8); rows past it are left out, between rows, with a note. Default 1 MiB. */
  readonly limit?: number
  /** Grids in the run (they are in the report, not in the table). */
  readonly grids?: number
}

const HEAD = '| | test | model | transform | class | threshold | stable interval | AUC |'
const RULE = '|:-:|---|---|---|---|---|---|--:|'

/**
 * The markdown job summary of a run: a headline, a link to the report, the regressions against the earlier run,
 * then one row per gate and class (failing or regressed gates first, the passing ones collapsed in a `<details>`).
 * Stays under `limit` bytes: rows that do not fit are left out whole, the tables closed, and a note says how many.
 */
export function jobSummaryMarkdown(gates: readonly Gate[], options: JobSummaryOptions = {}): string {
  const limit = options.limit ?? STEP_SUMMARY_LIMIT
  const diffs = new Map<string, GateDiff>((options.diff?.gates ?? []).map((d) => [d.key, d]))
  const known = options.diff !== undefined
  // The change column only when there is something to compare with.
  const head = known ? `${HEAD} change |\n${RULE}---|\n` : `${HEAD}\n${RULE}\n`
  const row = (g: Gate, c: GateClass): string => summaryRow(g, c, known ? diffs : undefined)
  const first = gates.filter((g) => g.pass === false || diffs.get(g.key)?.regressed)
  const rows = (gs: readonly Gate[]): string => {
    const n = gs.reduce((k, g) => k + g.classes.length, 0)
    return `${n} row${n === 1 ? '' : 's'}`
  }
  const rest = gates.filter((g) => !first.includes(g))
  const sections = [
    { open: '', close: '\n', rows: first.flatMap((g) => g.classes.map((c) => row(g, c))) },
    {
      open:
        `<details><summary>${rest.length} ${first.length ? 'other ' : ''}${rest.length === 1 ? 'gate' : 'gates'} ` +
        `(${rows(rest)})</summary>\n\n`,
      close: '\n</details>\n',
      rows: rest.flatMap((g) => g.classes.map((c) => row(g, c))),
    },
  ]
  const top = `${summaryHeader(gates, options, diffs).join('\n')}\n`
  return fitSections(top, head, sections, limit, Boolean(options.reportUrl))
}

/** The headline, the links, the flagged regressions and the count of new gates, as lines. */
function summaryHeader(
  gates: readonly Gate[],
  options: JobSummaryOptions,
  diffs: ReadonlyMap<string, GateDiff>,
): string[] {
  const known = options.diff !== undefined
  const failed = gates.filter((g) => g.pass === false)
  const judged = gates.filter((g) => g.pass !== null)
  const regressed = gates.filter((g) => diffs.get(g.key)?.regressed)
  const lines: string[] = []
  const counts = judged.length
    ? `${judged.length - failed.length} of ${judged.length} gate${judged.length === 1 ? '' : 's'} pass`
    : `${gates.length} gate${gates.length === 1 ? '' : 's'}`
  lines.push(
    `### ${mdCell(options.title ?? 'segsense')}: ${counts}` +
      `${failed.length ? ` · ${failed.length} failed` : ''}${regressed.length ? ` · ${regressed.length} regressed` : ''}`,
    '',
  )
  const meta = [
    options.reportUrl
      ? `[HTML report](${encodeURI(options.reportUrl).replace(/\(/g, '%28').replace(/\)/g, '%29')})`
      : '',
    known && options.against ? `compared with ${mdCell(options.against)}` : '',
    options.grids ? `${options.grids} grid${options.grids === 1 ? '' : 's'}: see the report` : '',
  ].filter(Boolean)
  if (meta.length) lines.push(meta.join(' · '), '')
  const flagged = regressed.flatMap((g) =>
    (diffs.get(g.key)?.classes ?? [])
      .filter((c) => c.regressions.length)
      .map(
        (c) =>
          `> ⚠️ **${mdCell(g.test?.name ?? g.title)}** (${mdCell(g.transform)}) ` +
          `${mdCell(c.className)}: ${mdCell(changeText(g, c))}`,
      ),
  )
  if (flagged.length)
    lines.push(
      ...flagged
        .slice(0, 20)
        .flatMap((l) => [l, '>'])
        .slice(0, -1),
      ...(flagged.length > 20 ? [`> … and ${flagged.length - 20} more`] : []),
      '',
    )
  const added = options.diff?.onlyInHead.length ?? 0
  if (added) lines.push(`${added} new gate${added === 1 ? '' : 's'} (not in the earlier run).`, '')
  return lines
}

/** One table row of a gate's class; `diffs` (when there is an earlier run) adds the change column. */
function summaryRow(g: Gate, c: GateClass, diffs: ReadonlyMap<string, GateDiff> | undefined): string {
  const d = diffs?.get(g.key)?.classes.find((x) => x.className === c.className)
  const change = !diffs ? '' : ` ${d ? `${d.regressions.length ? '⚠️ ' : ''}${mdCell(changeText(g, d))}` : 'new'} |`
  const test = g.test ? `<code>${mdCell(g.test.file)}</code> › ${mdCell(g.test.name)}` : mdCell(g.title)
  const cells = [
    icon(c.pass ?? g.pass),
    test,
    mdCell(g.model),
    mdCell(g.transform),
    mdCell(c.className),
    mdCell(thresholdText(g, c)),
  ]
  return `| ${cells.join(' | ')} | ${mdCell(intervalText(g, c))} | ${fmtAuc(c.auc)} |${change}\n`
}

/** `top`, then the sections' tables as far as `limit` bytes allow, cut between rows, with a note on what was left. */
function fitSections(
  top: string,
  head: string,
  sections: readonly { readonly open: string; readonly close: string; readonly rows: readonly string[] }[],
  limit: number,
  linked: boolean,
): string {
  let out = top
  const total = sections.reduce((n, s) => n + s.rows.length, 0)
  let shown = 0
  const noteFor = (left: number): string =>
    `\n> **Truncated:** ${left} of ${total} rows are not shown (a job summary holds at most ${Math.floor(limit / 1024)} KiB); ` +
    `every row is in the HTML report${linked ? '' : ' (segsense/reporter outputDir)'}.\n`
  const reserve = bytes(noteFor(total))
  let budget = limit - bytes(out) - reserve
  for (const s of sections) {
    if (!s.rows.length) continue
    const frame = bytes(s.open) + bytes(head) + bytes(s.close)
    if (budget < frame + bytes(s.rows[0] as string)) break
    let body = ''
    let used = frame
    for (const r of s.rows) {
      const n = bytes(r)
      if (used + n > budget) break
      body += r
      used += n
      shown++
    }
    out += `${s.open}${head}${body}${s.close}`
    budget -= used
    if (shown < sections.slice(0, sections.indexOf(s) + 1).reduce((n, x) => n + x.rows.length, 0)) break
  }
  if (shown < total) out += noteFor(total - shown)
  return out
}

/** ` [lower, upper]` of the paired bootstrap interval of the AUC change, when there is one. */
function bandText(c: ClassDiff): string {
  const b = c.aucInterval
  return b && b.lower !== null && b.upper !== null ? ` [${b.lower.toFixed(3)}, ${b.upper.toFixed(3)}]` : ''
}

/** `segsense diff --format md`: one table row per gate and class that changed, then the unchanged count. */
export function diffMarkdown(diff: ResultsDiff): string {
  const changed = diff.gates.flatMap((g) => g.classes.map((c) => ({ g, c })))
  const n = diff.gates.length
  const headline = diff.regressed
    ? `⚠️ ${diff.gates.filter((g) => g.regressed).length} of ${n} sweeps regressed`
    : `no regression in ${n} sweep${n === 1 ? '' : 's'}`
  const lines = [
    `### segsense diff: ${headline}`,
    '',
    `Margins: interval width ${diff.margin}, AUC ${diff.aucMargin}.`,
    '',
    '| | sweep | class | base interval | head interval | width change | base AUC | head AUC | AUC change | crossing |',
    '|:-:|---|---|---|---|--:|--:|--:|--:|---|',
  ]
  for (const { g, c } of changed) {
    const w =
      c.widthChange === null
        ? '-'
        : Math.abs(c.widthChange) < 1e-9
          ? '0'
          : signed(c.widthChange, formatValue(asResult(g.head), Math.abs(c.widthChange)))
    const a = c.aucChange === null ? '-' : `${signed(c.aucChange, Math.abs(c.aucChange).toFixed(3))}${bandText(c)}`
    lines.push(
      `| ${c.regressions.length ? '⚠️' : '✅'} | ${mdCell(g.label)} | ${mdCell(c.className)} | ` +
        `${mdCell(intervalText(g.base, c.base))} | ` +
        `${mdCell(intervalText(g.head, c.head))} | ${mdCell(w)} | ${fmtAuc(c.base.auc)} | ${fmtAuc(c.head.auc)} | ${mdCell(a)} | ` +
        `${c.crossing === 'fails' ? 'now fails' : c.crossing === 'passes' ? 'now passes' : ''} |`,
    )
  }
  for (const [list, where] of [
    [diff.onlyInBase, 'base'],
    [diff.onlyInHead, 'head'],
  ] as const) {
    if (list.length) lines.push('', `Only in the ${where}: ${list.map((g) => mdCell(gateLabel(g))).join(', ')}`)
  }
  return `${lines.join('\n')}\n`
}

/** The last `last` values of every gate of a history, one row per gate and class (newest last), narrowings flagged. */
export function historyMarkdown(trends: readonly GateTrend[], options: { readonly last?: number } = {}): string {
  const last = options.last ?? 10
  const lines = [
    '### segsense history',
    '',
    `The last ${last} commits of each gate (oldest first). ⚠️ the stable interval narrowed (or the AUC fell) at that commit.`,
    '',
  ]
  for (const t of trends) {
    const commits = t.commits.slice(-last)
    const g = t.gate
    lines.push(`#### ${mdCell(g.test ? `${g.test.file} › ${g.test.name}` : g.title)} · ${mdCell(g.transform)}`, '')
    lines.push(
      `| class | | ${commits.map((c) => `<code>${mdCell(c.slice(0, 7))}</code>`).join(' | ')} |`,
      `|---|---|${commits.map(() => '--:').join('|')}|`,
    )
    for (const className of [...new Set(t.points.map((p) => p.className))]) {
      const at = (commit: string) => t.points.find((p) => p.commit === commit && p.className === className)
      const flag = (b: boolean): string => (b ? '⚠️ ' : '')
      const range = commits.map((c) => {
        const p = at(c)
        if (!p) return ''
        const text =
          p.from === null || p.to === null
            ? p.width === 0
              ? 'none'
              : '-'
            : `${roundForDisplay(p.from)}..${roundForDisplay(p.to)}`
        return `${flag(p.narrowed)}${mdCell(text)}`
      })
      const auc = commits.map((c) => {
        const p = at(c)
        return p ? `${flag(p.aucDropped)}${fmtAuc(p.auc)}` : ''
      })
      lines.push(
        `| ${mdCell(className)} | interval (${mdCell(g.parameter.unit || g.parameter.name)}) | ${range.join(' | ')} |`,
        `| ${mdCell(className)} | AUC | ${auc.join(' | ')} |`,
      )
    }
    lines.push('')
  }
  return `${lines.join('\n')}`
}
