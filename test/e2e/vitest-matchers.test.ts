import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, repo, reportedTests, runVitest } from './harness.js'

// Real vitest runs on small consumer projects (test/e2e/projects) that use `segsense/vitest` as a user would.
let ws: ReturnType<typeof consumerWorkspace>
beforeAll(() => {
  ws = consumerWorkspace()
})
afterAll(() => ws?.dispose())

describe('toBeRobustTo in a real vitest run', () => {
  let output = ''
  let code = 0
  let tests: ReturnType<typeof reportedTests> = []
  beforeAll(async () => {
    const cwd = join(ws.root, 'projects/gate')
    ;({ output, code } = await runVitest(cwd, [], { ci: false, env: { SEGSENSE_PROGRESS: '0.1' } }))
    tests = reportedTests(cwd)
  }, 120_000)
  const byName = (name: string) => tests.find((t) => t.name === name)!

  it('passes a robust model and fails a fragile one; .not works', () => {
    expect(code).toBe(1)
    expect(byName('robust model passes the full circle').state).toBe('passed')
    expect(byName('fragile model fails beyond 60 degrees').state).toBe('failed')
    expect(byName('not: the fragile model is not robust').state).toBe('passed')
  })

  it('fails with the stable interval found beside the one required, and the failing values', () => {
    const message = byName('fragile model fails beyond 60 degrees').errors[0]!
    expect(message).toContain('expect(model).toBeRobustTo(transform)')
    expect(message).toMatch(
      /disc stable for rotate in \[-\d+(\.\d)? deg, \d+(\.\d)? deg\], required \[-120 deg, 120 deg\]/,
    )
    expect(message).toMatch(/Values that failed \(\d+\):/)
    expect(message).toMatch(/disc\s+-120 deg\s+0\.0000\s+0\.8/)
    // The diff marks only failing rows: a passing row appears once, unmarked, in the reporter's diff.
    expect(output).toMatch(/-\s+"rotate\(120 deg\): disc >= 0\.8",/)
    expect(output).toMatch(/\+\s+"rotate\(120 deg\): disc 0\.0000",/)
    expect(output).toMatch(/^\s+"rotate\(-75 deg\): disc 0\.\d{4}",$/m)
  })

  it('with aggregate each names the failing samples', () => {
    const message = byName('each: every sample must pass').errors[0]!
    expect(message).toContain('failing samples: centred')
    expect(message).not.toContain('failing samples: off-centre')
    expect(message).toMatch(/disc\s+centred\s+0 deg\s+0\.6667/)
  })

  it('attaches a PNG chart to failing tests only (default on-failure)', () => {
    const failing = byName('fragile model fails beyond 60 degrees').annotations
    expect(failing).toHaveLength(1)
    expect(failing[0]).toMatchObject({ type: 'error', contentType: 'image/png' })
    expect(failing[0]!.bodyLength).toBeGreaterThan(1000)
    expect(byName('robust model passes the full circle').annotations).toEqual([])
  })

  it('puts the structured sweep in task.meta', () => {
    const sweeps = byName('robust model passes the full circle').meta.segsense!.sweeps
    expect(sweeps).toHaveLength(1)
    expect(sweeps[0]).toMatchObject({ matcher: 'toBeRobustTo', pass: true })
    expect(sweeps[0]!.result.values).toEqual([-180, -150, -120, -90, -60, -30, 0, 30, 60, 90, 120, 150, 180])
  })

  it('shows the progress of a slow sweep in the terminal, under the test name', () => {
    expect(byName('a slow sweep shows progress').state).toBe('passed')
    // each console.error reaches the terminal as its own block headed by the test's name
    const block = output
      .split(/\n(?=std(?:out|err) \| )/)
      .filter((b) => b.startsWith('stderr | gate.test.ts > a slow sweep shows progress'))
      .join('\n')
    expect(block).toMatch(/^segsense: toBeRobustTo\(rotate\) \d+\/13 predictions \(\d+%\), \d+\.\d s$/m)
    expect(block).toMatch(/^segsense: toBeRobustTo\(rotate\) 13\/13 predictions \(100%\), \d+\.\d s, done$/m)
  })

  it('refuses minDice with another metric (it would gate nsd silently), naming the fix', () => {
    expect(byName('minDice with another metric is refused').state).toBe('failed')
    expect(byName('minDice with another metric is refused').errors[0]).toContain(
      'toBeRobustTo(rotate): minDice gates Dice only, but metric is "nsd"; write { metric: "nsd", min: ... }',
    )
  })

  it('refuses a misspelt option (naming the nearest key) and a bad sweep option, each naming the matcher call', () => {
    const misspelt = byName('a misspelt option is refused, naming the matcher and the nearest key')
    expect(misspelt.state).toBe('failed')
    expect(misspelt.errors[0]).toContain(`toBeRobustTo(rotate): unknown key "sampels" (did you mean 'samples'?)`)
    const bad = byName('a bad sweep option is refused by the sweep, naming the matcher')
    expect(bad.state).toBe('failed')
    expect(bad.errors[0]).toContain('toBeRobustTo(rotate): sweep option batchSize must be an integer')
  })

  it('fails an un-awaited call inside its own test, whatever the timing, with no unhandled rejection', () => {
    const fast = byName('not awaited: a fast failing sweep, then the test awaits something else')
    expect(fast.state).toBe('failed')
    expect(fast.errors[0]).toMatch(/toBeRobustTo\(rotate\) was not awaited/)
    // the matcher's own failure travels with it
    expect(fast.errors[0]).toContain('expect(model).toBeRobustTo(transform)')
    const slow = byName('not awaited: a slow failing sweep')
    expect(slow.state).toBe('failed')
    expect(slow.errors[0]).toMatch(/toBeRobustTo\(rotate\) was not awaited/)
    expect(slow.errors[0]).toContain('Values that failed')
    const passing = byName('not awaited: a passing call')
    expect(passing.state).toBe('failed')
    expect(passing.errors[0]).toMatch(/toBeRobustTo\(rotate\) was not awaited/)
    expect(output).not.toMatch(/Unhandled/)
  })

  it('does not blame a call awaited late, or through Promise.all', () => {
    expect(byName('awaited after other work: passes').state).toBe('passed')
    const all = byName('awaited through Promise.all: fails with the matcher message only')
    expect(all.state).toBe('failed')
    expect(all.errors).toHaveLength(1)
    expect(all.errors[0]).not.toMatch(/not awaited/)
    expect(all.errors[0]).toContain('expect(model).toBeRobustTo(transform)')
  })

  it('an un-awaited failing call fails the run even with --dangerouslyIgnoreUnhandledErrors', async () => {
    const cwd = join(ws.root, 'projects/gate')
    const run = await runVitest(
      cwd,
      ['unawaited.test.ts', '--dangerouslyIgnoreUnhandledErrors', '-t', 'fast failing'],
      { ci: false },
    )
    expect(run.code, run.output).not.toBe(0)
    expect(reportedTests(cwd).find((t) => t.state !== 'skipped')).toMatchObject({
      name: 'not awaited: a fast failing sweep, then the test awaits something else',
      state: 'failed',
    })
  })
})

describe('toMatchSweepSnapshot in real vitest runs', () => {
  const cwd = () => join(ws.root, 'projects/snapshot')
  const snapFile = () => join(cwd(), '__snapshots__/snapshot.test.ts.snap')
  const snap = () => readFileSync(snapFile(), 'utf8')

  it('writes the snapshot on the first local run, readable with one line per value', async () => {
    const run = await runVitest(cwd(), ['snapshot.test.ts'], { ci: false })
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/Snapshots\s+1 written/)
    const text = snap()
    expect(text).toContain('rotate angle (deg) · model threshold · 1 sample · truth')
    expect(text).toContain('tolerance ± 0.02 · stable at dice >= 0.8: disc')
    expect(text).toMatch(/^dice: disc$/m)
    expect(text).toMatch(/^recorded: model none · rotate \{.*"padding":"zeros".*\}$/m)
    for (const v of [-90, -60, -30, 0, 30, 60, 90]) expect(text).toMatch(new RegExp(`^${v}: [01]\\.\\d{4}$`, 'm'))
  })

  it('passes a drift within tolerance, and -u does not rewrite it', async () => {
    const before = snap()
    const run = await runVitest(cwd(), ['snapshot.test.ts'], { ci: false, env: { SEGSENSE_DROP: '5' } })
    expect(run.code, run.output).toBe(0)
    const update = await runVitest(cwd(), ['snapshot.test.ts', '-u'], { ci: false, env: { SEGSENSE_DROP: '5' } })
    expect(update.code, update.output).toBe(0)
    expect(update.output).not.toMatch(/updated/)
    expect(snap()).toBe(before)
  })

  it('fails a drift beyond tolerance with a diff of only the moved values', async () => {
    const before = snap()
    const run = await runVitest(cwd(), ['snapshot.test.ts'], { ci: false, env: { SEGSENSE_DROP: '40' } })
    expect(run.code).toBe(1)
    expect(run.output).toMatch(/Sweep of rotate moved beyond ± 0\.02 at \d+ value\(s\)/)
    expect(run.output).toMatch(/dice at 0: disc 1\.0000 -> 0\.9\d+/)
    const removed = run.output.split('\n').filter((l) => /^\s*-\s+-?\d+: /.test(l))
    const added = run.output.split('\n').filter((l) => /^\s*\+\s+-?\d+: /.test(l))
    expect(removed.length).toBeGreaterThan(0)
    expect(added.length).toBe(removed.length)
    expect(snap()).toBe(before)
  })

  it('updates with -u', async () => {
    const before = snap()
    const run = await runVitest(cwd(), ['snapshot.test.ts', '-u'], { ci: false, env: { SEGSENSE_DROP: '40' } })
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/Snapshots\s+1 updated/)
    expect(snap()).not.toBe(before)
    expect((await runVitest(cwd(), ['snapshot.test.ts'], { ci: false, env: { SEGSENSE_DROP: '40' } })).code).toBe(0)
  })

  it('fails when the transform settings changed, though the curve is within tolerance, naming the setting; -u accepts them', async () => {
    const padded = { SEGSENSE_DROP: '40', SEGSENSE_PADDING: 'border' }
    const run = await runVitest(cwd(), ['snapshot.test.ts'], { ci: false, env: padded })
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain('Sweep of rotate was recorded with other settings')
    expect(run.output).toContain('rotate option padding: "zeros" -> "border"')
    const update = await runVitest(cwd(), ['snapshot.test.ts', '-u'], { ci: false, env: padded })
    expect(update.code, update.output).toBe(0)
    expect(update.output).toMatch(/Snapshots\s+1 updated/)
    expect(snap()).toMatch(/^recorded: model none · rotate \{.*"padding":"border".*\}$/m)
  })

  it('-u adds the record to a snapshot stored before settings were recorded', async () => {
    // (that such a snapshot still passes without -u is pinned by test/unit/vitest/snapshot-record.test.ts)
    const padded = { SEGSENSE_DROP: '40', SEGSENSE_PADDING: 'border' }
    writeFileSync(snapFile(), snap().replace(/^recorded: .*\n/m, ''))
    expect(snap()).not.toContain('recorded:')
    const update = await runVitest(cwd(), ['snapshot.test.ts', '-u'], { ci: false, env: padded })
    expect(update.code, update.output).toBe(0)
    expect(snap()).toMatch(/^recorded: model none · rotate \{.*"padding":"border".*\}$/m)
  })

  it('refuses to write a missing snapshot under CI, says how to create it and attaches the received one', async () => {
    rmSync(snapFile())
    const run = await runVitest(cwd(), ['snapshot.test.ts'], { ci: true })
    expect(run.code).toBe(1)
    expect(run.output).toContain('New sweep snapshot for rotate was not written')
    expect(run.output).toContain('vitest -u')
    expect(existsSync(snapFile())).toBe(false)
    const [t] = reportedTests(cwd())
    expect(t!.annotations[0]).toMatchObject({ type: 'error', contentType: 'text/plain' })
    expect(readFileSync(t!.annotations[0]!.path!, 'utf8')).toMatch(/^0: 1\.0000$/m)
  })

  it('reports obsolete snapshots as vitest does, and fails on them under CI', async () => {
    expect((await runVitest(cwd(), ['snapshot.test.ts'], { ci: false })).code).toBe(0)
    const renamed = { SEGSENSE_TEST_NAME: 'renamed curve' }
    const local = await runVitest(cwd(), ['snapshot.test.ts'], { ci: false, env: renamed })
    expect(local.output).toMatch(/1 obsolete/)
    const ci = await runVitest(cwd(), ['snapshot.test.ts'], { ci: true, env: { ...renamed } })
    expect(ci.code).toBe(1)
    expect(ci.output).toMatch(/Obsolete snapshots found/)
  })

  it('several calls in one test keep the key of their call, whichever finishes first; so do test.concurrent tests', async () => {
    const run = await runVitest(cwd(), ['order.test.ts'], { ci: false })
    expect(run.code, run.output).toBe(0)
    const text = readFileSync(join(cwd(), '__snapshots__/order.test.ts.snap'), 'utf8')
    const entry = (key: string) => text.split('exports[`').find((e) => e.startsWith(`${key}\``)) ?? ''
    const transformOf = (key: string) => /^(rotate|brightness) /m.exec(entry(key))?.[1]
    expect(transformOf('two curves in one Promise.all 1')).toBe('rotate')
    expect(transformOf('two curves in one Promise.all 2')).toBe('brightness')
    expect(transformOf('concurrent rotate 1')).toBe('rotate')
    expect(transformOf('concurrent rotate 2')).toBe('brightness')
    expect(transformOf('concurrent brightness 1')).toBe('brightness')
    expect(transformOf('concurrent brightness 2')).toBe('rotate')
    // the other model slow now: the calls finish in the other order and still match their own snapshots
    const swapped = await runVitest(cwd(), ['order.test.ts'], { ci: true, env: { SEGSENSE_SWAP: '1' } })
    expect(swapped.code, swapped.output).toBe(0)
  })

  it('sanitises a transform name that becomes a file name on the CI refusal path', async () => {
    const tmp = join(ws.root, 'tmp/a/b')
    mkdirSync(tmp, { recursive: true })
    const run = await runVitest(cwd(), ['names.test.ts'], { ci: true, env: { TMPDIR: tmp } })
    expect(run.code).toBe(1)
    const tests = reportedTests(cwd())
    expect(tests.map((t) => t.errors[0]?.match(/New sweep snapshot for (.*) was not written/)?.[1])).toEqual([
      '../../escaped',
      'a/b',
    ])
    for (const t of tests) expect(readFileSync(t.annotations[0]!.path!, 'utf8')).toMatch(/^0: 1\.0000$/m)
    // nothing written outside the temporary folder (before: tmp/a/escaped.received.snap.txt)
    expect(readdirSync(join(ws.root, 'tmp/a'))).toEqual(['b'])
  })
})

describe('typings of segsense/vitest', () => {
  const tsc = (project: string) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project],
        { cwd: join(ws.root, 'projects/types') },
        (error, stdout, stderr) => {
          resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` })
        },
      )
    })

  it('type-check a consumer test using the matchers, with @ts-expect-error on wrong options', async () => {
    const run = await tsc('tsconfig.json')
    expect(run.output).toBe('')
    expect(run.code).toBe(0)
  })

  it('reject an unknown option', async () => {
    const run = await tsc('tsconfig.negative.json')
    expect(run.code).toBe(1)
    // Two overloads (one transform, or the grid's two axes): tsc lists each one's error on its own line.
    expect(run.output).toMatch(
      /negative\.ts\(6,\d+\): error TS\d+: [\s\S]*'rnage' does not exist in type 'RobustOptions'/,
    )
  })
})

describe('robustness specs in real vitest runs', () => {
  const cwd = () => join(ws.root, 'projects/spec')

  it('the robust fixture model meets a rotation requirement that the fragile one fails', async () => {
    const robust = await runVitest(cwd(), [], { ci: true, env: { SEGSENSE_SPEC: 'robust.json' } })
    expect(robust.code, robust.output).toBe(0)
    expect(reportedTests(cwd())).toMatchObject([{ name: 'LV survives any rotation', state: 'passed' }])
    const fragile = await runVitest(cwd(), [], { ci: true, env: { SEGSENSE_SPEC: 'fragile.json' } })
    expect(fragile.code).toBe(1)
    const [t] = reportedTests(cwd())
    expect(t).toMatchObject({ name: 'LV survives any rotation', state: 'failed' })
    expect(t!.errors[0]).toMatch(/LV stable for rotate in \[.*\], required \[-180 deg, 180 deg\]/)
  })

  it('an invalid spec fails the file with the JSON path of each problem (spec given as a URL, in a folder with a space)', async () => {
    const spaced = join(ws.root, 'projects/spec with space')
    cpSync(cwd(), spaced, { recursive: true })
    const run = await runVitest(spaced, [], { ci: true, env: { SEGSENSE_SPEC: 'invalid.json' } })
    expect(run.code).toBe(1)
    expect(run.output).toContain('invalid.json is invalid')
    expect(run.output).toContain('/requirements/0/minDice must be number')
  })
})
