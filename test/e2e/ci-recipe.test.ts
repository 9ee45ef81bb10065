// The GitHub Actions recipe of docs/pull-requests.md, as far as it runs off GitHub: its vitest config and the shell
// of its `run:` steps, on a consumer project, for two commits, the history folder kept between them as the cache would.
import { execFile } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, repo } from './harness.js'

const doc = readFileSync(join(repo, 'docs/pull-requests.md'), 'utf8')
const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!
const config = /## The job summary\n\n```ts\n([\s\S]*?)```/.exec(doc)![1]!
/** The `run:` steps of the workflow, in order (`npm ci` aside: the workspace has its packages). */
const steps = [...yaml.matchAll(/^\s+(?:- )?run: (.+)$/gm)].map((m) => m[1]!).filter((s) => s !== 'npm ci')

let ws: ReturnType<typeof consumerWorkspace>
const project = () => join(ws.root, 'projects/recipe')

function bash(script: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const full: Record<string, string | undefined> = {
      ...process.env,
      ...env,
      PATH: `${join(ws.root, 'bin')}:${process.env.PATH}`,
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    }
    for (const k of ['VITEST', 'VITEST_MODE', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST', 'NODE_ENV']) delete full[k]
    // `npx x` runs the project's own bin x, as npx does after npm ci (never fetching anything here).
    execFile(
      'bash',
      ['-o', 'pipefail', '-e', '-c', `npx() { "$@"; }\n${script}`],
      { cwd: project(), env: full, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` })
      },
    )
  })
}

describe('the GitHub Actions recipe', () => {
  const runs: { commit: string; codes: number[]; summary: string; outputs: string[] }[] = []
  beforeAll(async () => {
    ws = consumerWorkspace()
    mkdirSync(project())
    cpSync(join(ws.root, 'projects/summary/pr.test.ts'), join(project(), 'pr.test.ts'))
    writeFileSync(
      join(project(), 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config'\n\n${config.replace(/^\/\/ vitest\.config\.ts\n/, '')}`,
    )
    mkdirSync(join(ws.root, 'bin'))
    for (const [name, target] of [
      ['segsense', join(repo, 'dist/cli/main.js')],
      ['vitest', join(repo, 'node_modules/vitest/vitest.mjs')],
    ] as const) {
      writeFileSync(join(ws.root, 'bin', name), `#!/bin/sh\nexec "${process.execPath}" "${target}" "$@"\n`)
      chmodSync(join(ws.root, 'bin', name), 0o755)
    }
    for (const [commit, narrow] of [
      ['1111111aaaa', '0'],
      ['2222222bbbb', '1'],
    ] as const) {
      const step = join(ws.root, `step-${commit}.md`)
      writeFileSync(step, '')
      const env = {
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_SHA: commit,
        GITHUB_STEP_SUMMARY: step,
        SEGSENSE_REPORT_URL: 'https://github.example/o/r/actions/runs/1',
        NARROW: narrow,
      }
      const codes: number[] = [],
        outputs: string[] = []
      // Each step in its own shell, every one run (`if: always()`) whatever the one before returned.
      for (const s of steps) {
        const r = await bash(s, env)
        codes.push(r.code)
        outputs.push(r.output)
      }
      runs.push({ commit, codes, summary: readFileSync(step, 'utf8'), outputs })
    }
  }, 480_000)
  afterAll(() => ws?.dispose())

  it('has the steps the doc describes', () => {
    expect(steps).toEqual([
      'npx vitest run',
      expect.stringMatching(
        /^npx segsense history report --dir segsense-history --out segsense-history-report --last 20 && cat segsense-history-report\/summary\.md >> "\$GITHUB_STEP_SUMMARY"$/,
      ),
    ])
  })

  it('runs them: the suite (a failing gate: exit 1), then the trend (exit 0) on both commits', () => {
    expect(
      runs.map((r) => r.codes),
      runs.flatMap((r) => r.outputs).join('\n'),
    ).toEqual([
      [1, 0],
      [1, 0],
    ])
  })

  it('leaves the artifacts, the history of both commits and a summary with the change and the trend', () => {
    expect(readdirSync(join(project(), 'segsense-history')).sort()).toEqual(['1111111aaaa.json', '2222222bbbb.json'])
    for (const f of [
      'segsense-report/index.html',
      'segsense-report/results.json',
      'segsense-history-report/index.html',
      'segsense-summary.md',
    ])
      expect(existsSync(join(project(), f)), f).toBe(true)
    const [first, second] = runs
    expect(first!.summary).toContain('### segsense: 2 of 3 gates pass · 1 failed')
    expect(first!.summary).toContain('[HTML report](https://github.example/o/r/actions/runs/1)')
    expect(first!.summary).toContain('### segsense history')
    expect(second!.summary).toContain('compared with commit 1111111aaaa')
    expect(second!.summary).toMatch(/> ⚠️ \*\*rotation &gt; right-half model within 90 degrees\*\*/)
    // The trend table of the second run flags the narrowing at its commit.
    const trend = second!.summary.slice(second!.summary.indexOf('### segsense history'))
    expect(trend).toMatch(/\| disc \| interval \(deg\) \| -?[\d.]+\.\.[\d.]+ \| ⚠️ -?[\d.]+\.\.[\d.]+ \|/)
  })
})
