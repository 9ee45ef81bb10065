// The benchmark runner: `npm run bench` (builds first) runs every case of bench/cases/ in order, each in a fresh Node
// process; `npm run bench -- --case overhead` (repeatable, or comma-separated) runs some. A case is one file,
// bench/cases/NAME.mjs, a script that measures and writes bench/results/NAME.{json,md} (see bench/lib.mjs).
// `--baseline DIR`: another checkout with its dist/ built (e.g. a git worktree of an older commit); cases that can
// measure it beside this one do so, in the same run (import-time, overhead, kernels).
// The figures are explained in docs/performance.md. Not a test: timings depend on the machine and its load.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { benchDir } from './lib.mjs'

const all = readdirSync(join(benchDir, 'cases'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort()
// The usual order: the long runs first would leave the kernels measured on a warm, busy machine; keep it fixed.
const ORDER = ['import-time', 'startup', 'kernels', 'metrics', 'mri', 'overhead', 'batch', 'spinning', 'memory']
const ordered = [...ORDER.filter((c) => all.includes(c)), ...all.filter((c) => !ORDER.includes(c))]

const wanted = []
let baseline
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]
  if (a === '--case') wanted.push(...(process.argv[++i] ?? '').split(',').filter(Boolean))
  else if (a === '--baseline') baseline = resolve(process.argv[++i] ?? '')
  else {
    console.error(
      `bench/run.mjs: unknown argument ${JSON.stringify(a)}; use --case NAME (one of ${all.join(', ')}) and --baseline DIR`,
    )
    process.exit(2)
  }
}
const unknown = wanted.filter((c) => !all.includes(c))
if (unknown.length) {
  console.error(
    `bench/run.mjs: no case ${unknown.map((c) => JSON.stringify(c)).join(', ')}; the cases are ${all.join(', ')}`,
  )
  process.exit(2)
}
const cases = wanted.length ? ordered.filter((c) => wanted.includes(c)) : ordered
// The result cache is off for every case (a warm re-run would time the cache, not the sweep); the cache case turns
// it on for its own runs.
const env = { ...process.env, SEGSENSE_CACHE: '0', ...(baseline ? { SEGSENSE_BENCH_BASELINE: baseline } : {}) }
const t0 = performance.now()
let failed = 0
for (const c of cases) {
  const t = performance.now()
  console.log(`\n== bench case ${c} (load average ${loadavg()[0].toFixed(2)})`)
  const r = spawnSync(process.execPath, ['--expose-gc', join(benchDir, 'cases', `${c}.mjs`)], { stdio: 'inherit', env })
  if (r.status !== 0) failed++
  console.log(
    `== ${c}: ${r.status === 0 ? 'done' : `failed (exit ${r.status})`} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
}
console.log(
  `\n${cases.length} case(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s${failed ? `, ${failed} failed` : ''}`,
)
process.exit(failed ? 1 : 0)
