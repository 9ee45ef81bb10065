// segsense/reporter in real vitest runs of a consumer project (test/e2e/projects/reporter), plain and sharded.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateSweepResult } from '../../src/results/schema/validate.js'
import { consumerWorkspace, runVitest } from './harness.js'

interface ReportJson {
  sweeps: {
    id: string
    title: string
    pass: boolean
    required: [number, number] | null
    test: { file: string; name: string; state: string; matcher: string }
    result: unknown
  }[]
}

let ws: ReturnType<typeof consumerWorkspace>
const cwd = () => join(ws.root, 'projects/reporter')
const out = () => join(cwd(), 'report-out')
const readReport = (): ReportJson => JSON.parse(readFileSync(join(out(), 'results.json'), 'utf8')) as ReportJson
const summary = (r: ReportJson) =>
  r.sweeps.map((s) => [
    s.test.file,
    s.test.name,
    s.test.state,
    s.pass,
    s.result && (s.result as { transform: { name: string } }).transform.name,
  ])

const expected = [
  ['brightness.test.ts', 'brightness in its own file', 'passed', true, 'brightness'],
  ['rotation.test.ts', 'rotation > threshold model is rotation invariant', 'passed', true, 'rotate'],
  ['rotation.test.ts', 'rotation > right-half model <fails> beyond 60 degrees', 'failed', false, 'rotate'],
  ['rotation.test.ts', 'two sweeps in one test', 'passed', true, 'rotate'],
  ['rotation.test.ts', 'two sweeps in one test', 'passed', true, 'zoom'],
]

beforeAll(() => {
  ws = consumerWorkspace()
})
afterAll(() => ws?.dispose())

describe('segsense/reporter', () => {
  let run: Awaited<ReturnType<typeof runVitest>>
  beforeAll(async () => {
    run = await runVitest(cwd(), [], { ci: true })
  }, 240_000)

  it('writes one report with every sweep of the run, linked to its test file, name and status', () => {
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain(`segsense report: 5 sweeps (1 failed) -> ${join(out(), 'index.html')}`)
    const report = readReport()
    expect(summary(report)).toEqual(expected)
    for (const s of report.sweeps) expect(validateSweepResult(s.result).valid).toBe(true)
    expect(report.sweeps.every((s) => s.test.matcher === 'toBeRobustTo')).toBe(true)
    expect(report.sweeps[2]!.required).toEqual([-120, 120])
  })

  it('shows the tests in the page, escaped, with the summary rows', () => {
    const html = readFileSync(join(out(), 'index.html'), 'utf8')
    expect(html).toContain('<title>consumer robustness</title>')
    expect(html).toContain('rotation &gt; right-half model &lt;fails&gt; beyond 60 degrees')
    expect(html).not.toContain('<fails>')
    expect(html.match(/<tr class="[^"]*" data-sweep=/g)).toHaveLength(5)
    expect(html).toContain('<code>brightness.test.ts</code>')
  })

  it('joins sharded runs: shards write blobs only, --merge-reports writes the report of the whole run', async () => {
    rmSync(out(), { recursive: true, force: true })
    const shards = await Promise.all(
      [1, 2].map((i) => runVitest(cwd(), [`--shard=${i}/2`, '--reporter=blob'], { ci: true })),
    )
    expect(shards.map((s) => s.output).join('\n')).toMatch(/blob report written/)
    expect(existsSync(out())).toBe(false)
    const merged = await runVitest(cwd(), ['--merge-reports'], { ci: true })
    expect(merged.output).toContain('segsense report: 5 sweeps (1 failed)')
    expect(summary(readReport())).toEqual(expected)
  }, 240_000)
})
