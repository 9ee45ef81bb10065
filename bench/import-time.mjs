// Benchmark: how long importing each public entry takes, and which heavy modules it loads (sharp,
// onnxruntime-node, vega, vega-lite). Every measurement is a fresh process importing the built package from a
// consumer folder (node_modules/segsense -> this repository), as an installed dependency would be.
// `segsense/vitest` can only be imported inside a vitest run, so it is measured inside one: a test file times the
// dynamic import (vitest itself already loaded), which is what every vitest worker pays on top of vitest.
// Rounds are interleaved across entries so that machine load spreads evenly; medians are reported.
//
// Usage: node bench/import-time.mjs [label]   (label defaults to "current"; results/import-time.json keeps one
// entry per label so that a "before" and an "after" run sit side by side in results/import-time.md).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const label = process.argv[2] ?? 'current'
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const HEAVY = ['sharp', 'onnxruntime-node', 'vega', 'vega-lite']
const exportsMap = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).exports
const entries = ['segsense', 'segsense/transforms', 'segsense/metrics', 'segsense/matchers', 'segsense/vitest']
  .filter((e) => e === 'segsense' || `./${e.slice('segsense/'.length)}` in exportsMap)

const root = mkdtempSync(join(tmpdir(), 'segsense-import-'))
mkdirSync(join(root, 'node_modules'))
symlinkSync(repo, join(root, 'node_modules/segsense'), 'dir')
symlinkSync(join(repo, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir')

// Records every resolved module URL (the loader hook runs on its own thread and posts them back).
writeFileSync(join(root, 'hooks.mjs'), `let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r }
`)
writeFileSync(join(root, 'measure.mjs'), `import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const seen = []
const { port1, port2 } = new MessageChannel()
port1.on('message', (u) => seen.push(u))
register('./hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] })
const t0 = performance.now()
await import(process.argv[2])
const ms = performance.now() - t0
await new Promise((r) => setTimeout(r, 50))
port1.close()
const heavy = ${JSON.stringify(HEAVY)}.filter((h) => seen.some((u) => u.includes('/node_modules/' + h + '/')))
console.log(JSON.stringify({ ms, heavy }))
`)
// The vitest entry, timed inside a real vitest run.
mkdirSync(join(root, 'vt'))
writeFileSync(join(root, 'vt/vitest.config.mjs'), `export default { test: { include: ['t.test.mjs'], pool: 'forks' } }\n`)
writeFileSync(join(root, 'vt/t.test.mjs'), `import { test } from 'vitest'
import { writeFileSync } from 'node:fs'
const t0 = performance.now()
await import('segsense/vitest')
const ms = performance.now() - t0
test('imported', () => { writeFileSync(process.env.OUT, JSON.stringify({ ms })) })
`)
symlinkSync(join(root, 'node_modules'), join(root, 'vt/node_modules'), 'dir')

function once(entry) {
  if (entry === 'segsense/vitest') {
    const out = join(root, 'vt/out.json')
    execFileSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: join(root, 'vt'), env: { ...process.env, OUT: out, CI: 'true' }, stdio: 'ignore' })
    return { ...JSON.parse(readFileSync(out, 'utf8')), heavy: null }
  }
  return JSON.parse(execFileSync(process.execPath, ['measure.mjs', entry], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop())
}

const samples = Object.fromEntries(entries.map((e) => [e, []]))
const heavy = {}
for (const e of entries) once(e) // warm the file cache
for (let r = 0; r < ROUNDS; r++) {
  for (const e of entries) {
    const m = once(e)
    samples[e].push(m.ms)
    heavy[e] = m.heavy
  }
}
rmSync(root, { recursive: true, force: true })
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const run = {
  date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, rounds: ROUNDS,
  entries: Object.fromEntries(entries.map((e) => [e, { medianMs: Number(median(samples[e]).toFixed(1)), heavyModules: heavy[e] }])),
}
const file = join(here, 'results/import-time.json')
const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
all[label] = run
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`)

const labels = Object.keys(all)
const names = [...new Set(labels.flatMap((l) => Object.keys(all[l].entries)))]
const cell = (l, e) => {
  const x = all[l].entries[e]
  if (!x) return 'n/a'
  return `${x.medianMs} ms${x.heavyModules ? (x.heavyModules.length ? ` (loads ${x.heavyModules.join(', ')})` : ' (no heavy module)') : ''}`
}
const md = `# Import time of the public entries (bench/import-time.mjs)

Median wall time of \`await import(entry)\` in a fresh Node process (${ROUNDS} interleaved rounds), from a consumer
folder that has segsense as a dependency. \`segsense/vitest\` is timed inside a vitest run (vitest already loaded).
"Heavy" modules are sharp, onnxruntime-node, vega and vega-lite, recorded by a module-resolve hook.

| entry | ${labels.map((l) => `${l} (${all[l].date.slice(0, 16)})`).join(' | ')} |
|---|${labels.map(() => '---').join('|')}|
${names.map((e) => `| \`${e}\` | ${labels.map((l) => cell(l, e)).join(' | ')} |`).join('\n')}

Node ${run.node}, ${run.cpu}. Absolute times depend on the machine's load; compare entries within one column.
`
writeFileSync(join(here, 'results/import-time.md'), md)
console.log(md)
