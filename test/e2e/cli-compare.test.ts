// `segsense compare` as a user runs it: a child process of the built CLI on the bundled models (npm test builds first).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repo } from './harness.js'

const cli = join(repo, 'dist/cli/main.js')
const samples = join(repo, 'fixtures/samples/cardiac')
const fragile = join(repo, 'fixtures/models/cardiac-fragile.onnx')
const robust = join(repo, 'fixtures/models/cardiac-robust.onnx')

function segsense(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repo, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      },
    )
  })
}

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

// Two samples, three angles: 12 predictions per run.
const images = [
  '--image',
  join(samples, 'sa-01.png'),
  '--truth',
  join(samples, 'sa-01-mask.png'),
  '--image',
  join(samples, 'sa-02.png'),
  '--truth',
  join(samples, 'sa-02-mask.png'),
]
const common = [
  '--model-classes',
  '1=RV,2=MYO,3=LV',
  ...images,
  '--transform',
  'rotate',
  '--values',
  '-90,0,90',
  '--quiet',
]

describe('segsense compare', () => {
  it('exits 1 when the candidate is less robust, naming each class; 0 the other way round', async () => {
    const worse = await segsense([
      'compare',
      '--model',
      fragile,
      '--baseline',
      robust,
      ...common,
      '--score-classes',
      'LV',
    ])
    expect(worse.code, worse.stderr).toBe(1)
    expect(worse.stdout).toContain(
      'cardiac-fragile is less robust to rotate than cardiac-robust (dice over [-90 deg, 90 deg], 3 values, 2 samples; required: AUC difference >= 0)',
    )
    expect(worse.stdout).toMatch(/^LV AUC -0\.\d{3} \[-0\.\d{3}, -0\.\d{3}\], p = 0\.5; stable .+ vs .+ \(fails\)$/m)
    expect(worse.stdout).toMatch(/^model settings of cardiac-robust: input "image" NCHW, 1 channel/m)
    const better = await segsense(['compare', '--model', robust, '--baseline', fragile, ...common, '--margin', '0.02'])
    expect(better.code, better.stderr).toBe(0)
    expect(better.stdout).toMatch(/^RV\s+0\.\d{3}\s+0\.\d{3}\s+0\.5\s+pass$/m)
  })

  it('--json prints the comparison and both sweeps; --out writes the side-by-side report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'segsense-cli-compare-')), 'report')
    dirs.push(out)
    const run = await segsense([
      'compare',
      '--model',
      fragile,
      '--baseline',
      robust,
      ...common,
      '--json',
      '--confidence',
      '0.9',
      '--out',
      out,
    ])
    expect(run.code, run.stderr).toBe(1)
    const json = JSON.parse(run.stdout) as {
      pass: boolean
      comparison: { decision: string; confidence: number; classes: unknown[] }
      candidate: { model: string; values: number[] }
      baseline: { model: string }
    }
    expect(json).toMatchObject({
      pass: false,
      comparison: { decision: 'lower-bound', confidence: 0.9 },
      candidate: { model: 'cardiac-fragile', values: [-90, 0, 90] },
      baseline: { model: 'cardiac-robust' },
    })
    expect(json.comparison.classes).toHaveLength(3)
    expect(run.stderr).toContain(`report: ${join(out, 'index.html')}`)
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<table class="comparison">')
  })

  it('usage errors exit 2 in one line', async () => {
    const missing = await segsense(['compare', '--model', fragile, ...common])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("required option '-b, --baseline <file>' not specified")
    const margin = await segsense(['compare', '--model', fragile, '--baseline', robust, ...common, '--margin', '2'])
    expect(margin.code).toBe(2)
    expect(margin.stderr.trim()).toBe(
      'segsense: segsense compare option margin must be a score difference in [0, 1] such as 0.02, got 2',
    )
  })
})
