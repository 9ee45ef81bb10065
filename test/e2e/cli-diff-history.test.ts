// `segsense diff` on the bundled fragile and robust models' sweeps, and `segsense history` over 20 commits, run as
// a user runs them: child processes of the built CLI.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rotationResult } from '../support/history.js'
import { repo } from './harness.js'

const cli = join(repo, 'dist/cli/main.js')
const samples = join(repo, 'fixtures/samples/cardiac')
const model = (name: string) => join(repo, `fixtures/models/cardiac-${name}.onnx`)

interface Run {
  code: number
  stdout: string
  stderr: string
}
function segsense(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repo, env: { ...process.env, FORCE_COLOR: '0', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      },
    )
  })
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'segsense-diff-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Two samples, seven angles: small enough to run in a few seconds.
const sweepArgs = (name: string, transform = 'rotate', range = '-90:90', step = '30') => [
  'sweep',
  '-q',
  '--no-cache',
  '-m',
  model(name),
  '-c',
  '1=RV,2=MYO,3=LV',
  '-i',
  join(samples, 'sa-01.png'),
  '-i',
  join(samples, 'sa-02.png'),
  '-t',
  join(samples, 'sa-01-mask.png'),
  '-t',
  join(samples, 'sa-02-mask.png'),
  '-T',
  transform,
  '-r',
  range,
  '-s',
  step,
]

describe('segsense diff on the bundled fragile and robust sweeps', () => {
  const file = (n: string) => join(dir, n, 'results.json')
  beforeAll(async () => {
    const runs = await Promise.all([
      segsense([...sweepArgs('fragile'), '--out', join(dir, 'fragile')]),
      // One sweep, both layouts: --json on stdout, the report with --out.
      segsense([...sweepArgs('robust'), '--out', join(dir, 'robust'), '--json']),
      segsense([...sweepArgs('robust', 'zoom', '0.8:1.25', '0.15'), '--out', join(dir, 'zoom')]),
    ])
    for (const r of runs) expect(r.code, r.stderr).toBe(0)
    writeFileSync(join(dir, 'robust.json'), runs[1].stdout)
  }, 120_000)

  it('documents its flags in --help', async () => {
    const [diff, add, report] = await Promise.all(
      [['diff'], ['history', 'add'], ['history', 'report']].map((c) => segsense([...c, '--help'])),
    )
    expect([diff!.code, add!.code, report!.code]).toEqual([0, 0, 0])
    expect(diff!.stdout).toMatch(
      /<base>[\s\S]*<head>[\s\S]*--format <format>[\s\S]*--margin <width>[\s\S]*--auc-margin <d>[\s\S]*--allow-unmatched/,
    )
    expect(add!.stdout).toMatch(/<results>[\s\S]*--dir <folder>[\s\S]*--commit <sha>[\s\S]*--date <iso>/)
    expect(report!.stdout).toMatch(/--dir <folder>[\s\S]*--out <folder>[\s\S]*--last <n>/)
  })

  it('exits 0 from fragile to robust: every class gains width and AUC', async () => {
    const run = await segsense(['diff', file('fragile'), file('robust')])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^segsense diff: no regression in 1 sweep/)
    for (const c of ['RV', 'MYO', 'LV'])
      expect(run.stdout).toMatch(
        new RegExp(
          `^ok +cardiac-robust · rotate +${c} +\\[-?[\\d.]+ deg, [\\d.]+ deg\\] +\\[<= -90 deg, >= 90 deg\\] +\\+[\\d.]+ deg .* now passes$`,
          'm',
        ),
      )
  })

  it('exits 1 from robust to fragile, naming the lost width, the AUC change and its paired interval', async () => {
    const run = await segsense(['diff', file('robust'), file('fragile'), '--format', 'json'])
    expect(run.code, run.stderr).toBe(1)
    const diff = JSON.parse(run.stdout) as {
      regressed: boolean
      gates: {
        classes: {
          className: string
          widthChange: number
          aucChange: number
          aucInterval: { lower: number; upper: number; pairs: number }
          crossing: string
          regressions: string[]
        }[]
      }[]
    }
    expect(diff.regressed).toBe(true)
    const lv = diff.gates[0]!.classes.find((c) => c.className === 'LV')!
    expect(lv.widthChange).toBeLessThan(-60)
    expect(lv.aucChange).toBeLessThan(-0.2)
    expect(lv.aucInterval.pairs).toBe(2)
    expect(lv.aucInterval.lower).toBeLessThanOrEqual(lv.aucChange)
    expect(lv.aucInterval.upper).toBeGreaterThanOrEqual(lv.aucChange)
    expect(lv.crossing).toBe('fails')
    // The same files in `segsense sweep --json`'s layout, and markdown out; margins as wide as the loss: 0.
    const [md, wide] = await Promise.all([
      segsense(['diff', join(dir, 'robust.json'), file('fragile'), '--format', 'md']),
      segsense(['diff', file('robust'), file('fragile'), '--margin', '180', '--auc-margin', '1']),
    ])
    expect(md.code).toBe(1)
    expect(md.stdout).toMatch(/^### segsense diff: ⚠️ 1 of 1 sweeps regressed/)
    expect(md.stdout.split('\n').filter((l) => l.startsWith('| ⚠️ |'))).toHaveLength(3)
    expect(wide.code).toBe(0)
  })

  it('exits 2 on sweeps that do not match, naming them, and on unreadable input', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"sweeps": [{"result": {"values": "no"}}]}')
    const [run, listed, broken, missing, margin, format] = await Promise.all([
      segsense(['diff', file('robust'), file('zoom')]),
      segsense(['diff', file('robust'), file('zoom'), '--allow-unmatched']),
      segsense(['diff', file('robust'), join(dir, 'broken.json')]),
      segsense(['diff', file('robust'), join(dir, 'missing.json')]),
      segsense(['diff', file('robust'), file('fragile'), '--margin', '-1']),
      segsense(['diff', file('robust'), file('fragile'), '--format', 'html']),
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^segsense: diff: the runs do not hold the same sweeps \(only in the base: cardiac-robust · rotate; only in the head: cardiac-robust · zoom\)/,
    )
    expect(run.stdout).toBe('')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain('only in the base: cardiac-robust · rotate (rotate)')
    expect([broken.code, broken.stderr]).toEqual([
      2,
      expect.stringContaining(`results file ${join(dir, 'broken.json')}: sweep 1`),
    ])
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('results file not found')])
    expect([margin.code, margin.stderr]).toEqual([2, expect.stringContaining('margin must be a finite number >= 0')])
    expect(format.code).toBe(2)
  })
})

describe('segsense history over 20 commits', () => {
  const hist = () => join(dir, 'history')
  const commit = (i: number) => `c${String(i).padStart(2, '0')}0000`
  beforeAll(async () => {
    // Commit 13 narrows LV from ±40 to ±20 deg; everything else stays. Commits 1-12 and 14-20 are added at once:
    // concurrent writers into one folder.
    const add = (i: number) => {
      const file = join(dir, `run-${i}.json`)
      writeFileSync(
        file,
        JSON.stringify({
          sweeps: [
            {
              title: 'robustness',
              test: { file: 'model.test.ts', name: 'LV under rotation' },
              min: 0.8,
              result: rotationResult({ LV: { width: i >= 13 ? 20 : 40 }, RV: { width: 30 } }, { model: `m${i}` }),
            },
          ],
        }),
      )
      return segsense([
        'history',
        'add',
        file,
        '--dir',
        hist(),
        '--commit',
        commit(i),
        '--date',
        new Date(Date.UTC(2026, 10, i)).toISOString(),
      ])
    }
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k)
    for (const r of await Promise.all(range(1, 12).map(add))) expect(r.code, r.stderr).toBe(0)
    const narrowing = await add(13)
    expect(narrowing.code, narrowing.stderr).toBe(0)
    expect(narrowing.stdout).toMatch(
      /compared with commit c120000 .*: 1 class regressed\n {2}regressed: model\.test\.ts › LV under rotation \(rotate\) LV: \[-43\.\d deg, 43\.\d deg\] → \[-23\.\d deg, 23\.\d deg\]; width −40 deg/,
    )
    const later = await Promise.all(range(14, 20).map(add))
    for (const r of later) expect(r.code, r.stderr).toBe(0)
    expect(later.some((r) => r.stdout.includes('regressed'))).toBe(false)
  }, 120_000)

  it('stores one file per commit and adds a re-run as nothing', async () => {
    expect(readdirSync(hist())).toHaveLength(20)
    const again = await segsense(['history', 'add', join(dir, 'run-5.json'), '--dir', hist(), '--commit', commit(5)])
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining('is stored already with the same gates')])
    const other = await segsense(['history', 'add', join(dir, 'run-15.json'), '--dir', hist(), '--commit', commit(5)])
    expect(other.code).toBe(2)
    expect(other.stderr).toContain('append-only')
  })

  it('reports the trend: the chart and the list show the narrowing, the markdown table flags it', async () => {
    const out = join(dir, 'trend')
    const run = await segsense(['history', 'report', '--dir', hist(), '--out', out, '--last', '12'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('narrowed: model.test.ts › LV under rotation (rotate) LV at commit c130000')
    const html = readFileSync(join(out, 'index.html'), 'utf8')
    expect(
      html.match(
        /<li class="flag" data-commit="c130000" data-class="LV">LV: stable interval narrowed from \[-43\.\d deg, 43\.\d deg\] to \[-23\.\d deg, 23\.\d deg\]/g,
      ),
    ).toHaveLength(1)
    expect(html.match(/<li class="flag"/g)).toHaveLength(1)
    expect(html).toMatch(
      /to \[-23\.\d deg, 23\.\d deg\], AUC fell from 0\.\d{3} to 0\.\d{3} at commit <code>c130000<\/code>/,
    )
    // The chart: one vega SVG per gate, the triangle marks drawn.
    expect(html.match(/<svg/g)).toHaveLength(1)
    expect(html).toMatch(/class="mark-symbol role-mark/)
    const md = readFileSync(join(out, 'summary.md'), 'utf8')
    const lv = md.split('\n').find((l) => l.startsWith('| LV | interval'))!
    const cells = lv.split(' | ').slice(2)
    expect(cells).toHaveLength(12)
    expect(cells.filter((c) => c.startsWith('⚠️'))).toEqual([expect.stringMatching(/^⚠️ -23\.\d\.\.23\.\d/)])
    expect(md).toContain('<code>c090000</code>')
    expect(md).not.toContain('<code>c080000</code>')
  })

  it('names a corrupt history file, stores nothing, and loses nothing', async () => {
    const before = Object.fromEntries(readdirSync(hist()).map((f) => [f, readFileSync(join(hist(), f), 'utf8')]))
    writeFileSync(join(hist(), 'c070000.json'), '{ truncated')
    const add = await segsense(['history', 'add', join(dir, 'run-20.json'), '--dir', hist(), '--commit', 'c210000'])
    expect(add.code).toBe(2)
    expect(add.stderr).toContain(`history file ${join(hist(), 'c070000.json')} is not valid JSON`)
    const report = await segsense(['history', 'report', '--dir', hist(), '--out', join(dir, 'trend2')])
    expect(report.code).toBe(2)
    expect(report.stderr).toContain('c070000.json')
    expect(readdirSync(hist()).sort()).toEqual(Object.keys(before).sort())
    for (const [f, text] of Object.entries(before))
      if (f !== 'c070000.json') expect(readFileSync(join(hist(), f), 'utf8')).toBe(text)
    expect(
      (await segsense(['history', 'add', join(dir, 'run-20.json'), '--dir', hist()], { GITHUB_SHA: 'bad/sha' })).stderr,
    ).toContain('commit must be a SHA')
  })
})
