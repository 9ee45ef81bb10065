#!/usr/bin/env node
// The segsense/vitest e2e on the vitest 5 line: vitest 5.1.1 on Node 22 (both from this folder's package.json,
// installed by `npm run test:vitest5`), running the same consumer projects as test/e2e/vitest-matchers.test.ts
// (vitest 4). segsense is installed into a temporary workspace as a copy of dist/ (so that its `vitest` import
// resolves to vitest 5), beside links to the root's other dependencies. Prints `N passed, N failed`.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '../../..')
const node22 = join(here, 'node_modules/.bin/node')
const vitest5 = join(here, 'node_modules/vitest/vitest.mjs')
if (!existsSync(node22) || !existsSync(vitest5)) {
  console.error('vitest 5 / Node 22 are not installed: run `npm run test:vitest5` from the repository root')
  process.exit(2)
}
if (!existsSync(join(repo, 'dist/vitest/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first')
  process.exit(2)
}

const root = mkdtempSync(join(tmpdir(), 'segsense-vitest5-'))
const modules = join(root, 'node_modules')
mkdirSync(modules)
// Vitest 5 and its own dependencies first, then everything else segsense needs from the root.
const link = (from) => {
  for (const name of readdirSync(from)) {
    if (name === '.bin' || name === '.package-lock.json') continue
    if (name.startsWith('@')) {
      mkdirSync(join(modules, name), { recursive: true })
      for (const sub of readdirSync(join(from, name))) if (!existsSync(join(modules, name, sub))) symlinkSync(join(from, name, sub), join(modules, name, sub))
    } else if (!existsSync(join(modules, name))) symlinkSync(join(from, name), join(modules, name))
  }
}
link(join(here, 'node_modules'))
link(join(repo, 'node_modules'))
mkdirSync(join(modules, 'segsense'))
cpSync(join(repo, 'package.json'), join(modules, 'segsense/package.json'))
cpSync(join(repo, 'dist'), join(modules, 'segsense/dist'), { recursive: true })
symlinkSync(join(repo, 'fixtures'), join(modules, 'segsense/fixtures'))
cpSync(join(repo, 'test/e2e/projects'), join(root, 'projects'), { recursive: true })

const env = (extra = {}, ci = false) => {
  const e = { ...process.env, ...extra, FORCE_COLOR: '0', NO_COLOR: '1' }
  for (const k of ['CI', 'GITHUB_ACTIONS', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'VITEST', 'VITEST_MODE', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST', 'NODE_ENV']) delete e[k]
  if (ci) e.CI = 'true'
  return e
}
const vitest = (project, args = [], extra = {}, ci = false) => {
  const r = spawnSync(node22, [vitest5, 'run', ...args], { cwd: join(root, 'projects', project), env: env(extra, ci), encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20 })
  return { code: r.status, output: `${r.stdout}\n${r.stderr}` }
}
const reported = (project) => JSON.parse(readFileSync(join(root, 'projects', project, 'annotations.json'), 'utf8'))

let passed = 0
let failed = 0
const check = (name, fn) => {
  try {
    fn()
    passed++
    console.log(`  ✓ ${name}`)
  } catch (e) {
    failed++
    console.log(`  × ${name}\n    ${String(e.message).split('\n').join('\n    ')}`)
  }
}
const assert = (cond, message) => { if (!cond) throw new Error(message) }

console.log(`segsense/vitest on vitest ${JSON.parse(readFileSync(join(here, 'node_modules/vitest/package.json'), 'utf8')).version}, Node ${execFileSync(node22, ['--version'], { encoding: 'utf8' }).trim()}`)
try {
  const gate = vitest('gate')
  const tests = Object.fromEntries(reported('gate').map((t) => [t.name, t]))
  check('toBeRobustTo passes a robust model, fails a fragile one, .not works', () => {
    assert(gate.code === 1, `exit code ${gate.code}`)
    assert(tests['robust model passes the full circle']?.state === 'passed', 'robust model did not pass')
    assert(tests['fragile model fails beyond 60 degrees']?.state === 'failed', 'fragile model did not fail')
    assert(tests['not: the fragile model is not robust']?.state === 'passed', '.not did not pass')
  })
  check('the failure names the stable interval and the failing values, with a PNG annotation', () => {
    const t = tests['fragile model fails beyond 60 degrees']
    assert(/disc stable for rotate in \[-\d+(\.\d)? deg, \d+(\.\d)? deg\], required \[-120 deg, 120 deg\]/.test(t.errors[0]), t.errors[0])
    assert(/disc\s+-120 deg\s+0\.0000\s+0\.8/.test(t.errors[0]), 'no failing-values table')
    assert(t.annotations.length === 1 && t.annotations[0].contentType === 'image/png' && t.annotations[0].type === 'error', JSON.stringify(t.annotations))
    assert(tests['robust model passes the full circle'].meta.segsense.sweeps[0].pass === true, 'no task meta')
  })
  check('an un-awaited call fails its own test whatever the timing, with no unhandled rejection', () => {
    for (const name of ['not awaited: a fast failing sweep, then the test awaits something else', 'not awaited: a slow failing sweep', 'not awaited: a passing call']) {
      assert(tests[name]?.state === 'failed' && /toBeRobustTo\(rotate\) was not awaited/.test(tests[name].errors[0]), `${name}: ${JSON.stringify(tests[name]?.errors)}`)
    }
    assert(tests['awaited after other work: passes']?.state === 'passed', 'a call awaited late was blamed')
    assert(!/Unhandled/.test(gate.output), 'an unhandled rejection was reported')
  })

  const snapFile = join(root, 'projects/snapshot/__snapshots__/snapshot.test.ts.snap')
  check('toMatchSweepSnapshot: written, tolerant, failing beyond tolerance, updated with -u', () => {
    const first = vitest('snapshot', ['snapshot.test.ts'])
    assert(first.code === 0 && /Snapshots\s+1 written/.test(first.output), first.output)
    const stored = readFileSync(snapFile, 'utf8')
    assert(vitest('snapshot', ['snapshot.test.ts'], { SEGSENSE_DROP: '5' }).code === 0, 'a drift within tolerance failed')
    assert(vitest('snapshot', ['snapshot.test.ts', '-u'], { SEGSENSE_DROP: '5' }).code === 0 && readFileSync(snapFile, 'utf8') === stored, '-u rewrote a snapshot within tolerance')
    const drift = vitest('snapshot', ['snapshot.test.ts'], { SEGSENSE_DROP: '40' })
    assert(drift.code === 1 && /Sweep of rotate moved beyond ± 0\.02/.test(drift.output), drift.output)
    const update = vitest('snapshot', ['snapshot.test.ts', '-u'], { SEGSENSE_DROP: '40' })
    assert(update.code === 0 && readFileSync(snapFile, 'utf8') !== stored, update.output)
  })
  check('toMatchSweepSnapshot refuses to write a missing snapshot under CI', () => {
    rmSync(snapFile)
    const ci = vitest('snapshot', ['snapshot.test.ts'], {}, true)
    assert(ci.code === 1 && ci.output.includes('New sweep snapshot for rotate was not written'), ci.output)
    assert(!existsSync(snapFile), 'the snapshot was written under CI')
  })
  check('toMatchSweepSnapshot keeps the key of each call in one Promise.all and in test.concurrent', () => {
    const first = vitest('snapshot', ['order.test.ts'])
    assert(first.code === 0, first.output)
    const text = readFileSync(join(root, 'projects/snapshot/__snapshots__/order.test.ts.snap'), 'utf8')
    assert(/exports\[`two curves in one Promise\.all 1`\] = `\nrotate /.test(text) && /exports\[`concurrent brightness 1`\] = `\nbrightness /.test(text), text)
    const swapped = vitest('snapshot', ['order.test.ts'], { SEGSENSE_SWAP: '1' }, true)
    assert(swapped.code === 0, swapped.output)
  })
  check('toMatchPredictionSnapshot: written locally, fails when the model changes, obsolete files fail under CI', () => {
    const first = vitest('predictions')
    assert(first.code === 0 && /Snapshots\s+1 written/.test(first.output), first.output)
    const moved = vitest('predictions', [], { SEGSENSE_MODEL: 'robust' }, true)
    assert(moved.code === 1 && /4 of 4 prediction\(s\) moved beyond the budget/.test(moved.output), moved.output)
    // the obsolete check reads the file's suite from the setup entry's afterAll
    const renamed = vitest('predictions', [], { SEGSENSE_TEST_NAME: 'renamed' }, true)
    assert(renamed.code === 1 && renamed.output.includes('Obsolete prediction snapshots found'), renamed.output)
  })
  check('the typings type-check with skipLibCheck false, and reject an unknown option', () => {
    const tsc = join(repo, 'node_modules/typescript/bin/tsc')
    const ok = spawnSync(node22, [tsc, '-p', 'tsconfig.json'], { cwd: join(root, 'projects/types'), encoding: 'utf8' })
    assert(ok.status === 0, ok.stdout + ok.stderr)
    const bad = spawnSync(node22, [tsc, '-p', 'tsconfig.negative.json'], { cwd: join(root, 'projects/types'), encoding: 'utf8' })
    assert(bad.status !== 0 && /'rnage' does not exist in type 'RobustOptions'/.test(bad.stdout), bad.stdout)
  })
} finally {
  rmSync(root, { recursive: true, force: true })
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
