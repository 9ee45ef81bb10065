// The markdown job summary: content, order, escaping, GitHub's 1 MiB limit, truncation between rows (parsed by marked, a GFM renderer).
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { diffGates } from '../../../src/history/diff.js'
import { type Gate, gatesOf } from '../../../src/history/gates.js'
import { STEP_SUMMARY_LIMIT, diffMarkdown, jobSummaryMarkdown, mdCell } from '../../../src/report/markdown-summary.js'
import { rotationResult } from '../../support/history.js'

const evil = '<img src=x onerror=alert(1)> | *bold* `tick`'
const verdict = (pass: boolean, classes: string[]) => ({
  pass,
  metric: 'dice' as const,
  direction: 'higher' as const,
  aggregate: 'mean' as const,
  failures: [],
  classes: classes.map((className) => ({ className, min: 0.8, pass, interval: null, failingSamples: [] })),
})

function suite(n: number, long = false): Gate[] {
  const r = rotationResult(
    { LV: { width: 40 }, RV: { width: 20 }, MYO: { width: 30 } },
    { model: long ? `model-${'x'.repeat(60)}` : 'm' },
  )
  return gatesOf(
    Array.from({ length: n }, (_, i) => ({
      result: r,
      test: {
        file: `test/suite-${i % 7}.test.ts`,
        name: long ? `gate ${i} ${'a long test name '.repeat(6)}` : `gate ${i}`,
      },
      min: 0.8,
      pass: i % 50 !== 3,
      verdict: i % 50 === 3 ? { ...verdict(false, ['LV', 'RV', 'MYO']) } : null,
    })),
  )
}

/** The tables of a GFM document: per table the number of body rows, as marked parses them. */
function tables(md: string): number[] {
  const html = marked.parse(md, { async: false, gfm: true })
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => (m[1]!.match(/<tr>/g) ?? []).length - 1)
}

describe('jobSummaryMarkdown', () => {
  it('lists every gate and class, failures first, the passing gates collapsed, with the report link', () => {
    const gates = suite(5)
    const md = jobSummaryMarkdown(gates, { reportUrl: 'https://ci.example/artifacts/segsense report' })
    expect(md).toMatch(/^### segsense: 4 of 5 gates pass · 1 failed/)
    expect(md).toContain('[HTML report](https://ci.example/artifacts/segsense%20report)')
    expect(tables(md)).toEqual([3, 12])
    const [failing, passing] = md.split('<details>')
    expect(failing).toContain('gate 3')
    expect(failing).not.toContain('gate 0')
    expect(passing).toMatch(/^<summary>4 other gates \(12 rows\)<\/summary>/)
    expect(md).toContain(
      '| ❌ fail | <code>test/suite-3.test.ts</code> › gate 3 | m | rotate | LV | dice &gt;= 0.8 | none (fails at the neutral value) | 0.828 |\n',
    )
    expect(md).not.toContain('change')
  })

  it('escapes user strings: no markup, no split cells', () => {
    const [g] = gatesOf([
      {
        result: rotationResult({ [evil]: { width: 30 } }, { model: evil }),
        test: { file: `${evil}.test.ts`, name: evil },
      },
    ])
    const md = jobSummaryMarkdown([g!])
    const html = marked.parse(md, { async: false, gfm: true })
    expect(html).not.toMatch(/<img/)
    expect(html).not.toContain('<strong>bold')
    // Every row keeps its 9 cells: the pipe did not split one.
    for (const row of html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) expect((row[1]!.match(/<t[dh]/g) ?? []).length).toBe(8)
    expect(mdCell('a\nb|c')).toBe('a b\\|c')
  })

  it("stays under GitHub's 1 MiB on a suite of 500 gates with long names", () => {
    const md = jobSummaryMarkdown(suite(500, true))
    expect(Buffer.byteLength(md)).toBeLessThan(STEP_SUMMARY_LIMIT)
    expect(tables(md).reduce((a, b) => a + b, 0)).toBe(1500)
  })

  it('truncates between rows, closes its tables, and says how many rows are left out', () => {
    for (const limit of [6000, 20_000, 60_000, 200_000]) {
      const md = jobSummaryMarkdown(suite(500, true), { limit })
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(limit)
      const shown = tables(md).reduce((a, b) => a + b, 0)
      expect(shown).toBeGreaterThan(0)
      expect(shown).toBeLessThan(1500)
      expect(md).toContain(`**Truncated:** ${1500 - shown} of 1500 rows are not shown`)
      // Every table row is whole: each line of a table has its 10 pipes (9 cells).
      for (const line of md.split('\n').filter((l) => l.startsWith('| ')))
        expect(line.replace(/\\\|/g, '').split('|').length).toBe(10)
      expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length)
    }
    // The failing rows come first, so they survive the tightest limit.
    expect(jobSummaryMarkdown(suite(500, true), { limit: 6000 })).toContain('gate 3 ')
  })

  it('shows the change against an earlier run and flags a narrowing above the table', () => {
    const base = gatesOf([
      { result: rotationResult({ LV: { width: 40 } }), test: { file: 'a.test.ts', name: 'lv' } },
      { result: rotationResult({ LV: { width: 40 } }), test: { file: 'a.test.ts', name: 'same' } },
    ])
    const head = gatesOf([
      { result: rotationResult({ LV: { width: 25 } }), test: { file: 'a.test.ts', name: 'lv' } },
      { result: rotationResult({ LV: { width: 40 } }), test: { file: 'a.test.ts', name: 'same' } },
      { result: rotationResult({ LV: { width: 40 } }), test: { file: 'a.test.ts', name: 'new one' } },
    ])
    const diff = diffGates(base, head, { allowUnmatched: true })
    const md = jobSummaryMarkdown(head, { diff, against: 'commit abc1234 (2026-12-07)' })
    expect(md).toContain('compared with commit abc1234 (2026-12-07)')
    expect(md).toMatch(
      /> ⚠️ \*\*lv\*\* \(rotate\) LV: \\\[-43\.\d deg, 43\.\d deg\\\] → \\\[-23\.\d deg, 23\.\d deg\\\]; width −40 deg; AUC −0\.\d{3}/,
    )
    expect(md).toContain('1 new gate (not in the earlier run).')
    // The regressed gate is in the open table though it passes; the unchanged one says so.
    const [open, collapsed] = md.split('<details>')
    expect(open).toContain('› lv |')
    expect(collapsed).toContain('no change')
    expect(collapsed).toMatch(/new one .*\| new \|/)
  })
})

describe('diffMarkdown', () => {
  it('is a GFM table, one row per sweep and class', () => {
    const a = gatesOf([
      { result: rotationResult({ LV: { width: 40 }, RV: { width: 10 } }), test: { file: 'a.test.ts', name: 'g' } },
    ])
    const b = gatesOf([
      { result: rotationResult({ LV: { width: 20 }, RV: { width: 10 } }), test: { file: 'a.test.ts', name: 'g' } },
    ])
    const md = diffMarkdown(diffGates(a, b))
    expect(md).toMatch(/^### segsense diff: ⚠️ 1 of 1 sweeps regressed/)
    expect(tables(md)).toEqual([2])
  })
})
