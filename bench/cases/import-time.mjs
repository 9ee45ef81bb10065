// Benchmark: how long importing each public entry takes, and which heavy modules it loads (sharp,
// onnxruntime-node, vega, vega-lite). Every measurement is a fresh process importing the built package from a
// consumer folder (node_modules/segsense -> this repository), as an installed dependency would be.
// `segsense/vitest` can only be imported inside a vitest run, so it is measured inside one: a test file times the
// dynamic import (vitest itself already loaded), which is what every vitest worker pays on top of vitest.
// Rounds are interleaved across entries so that machine load spreads evenly; medians are reported.
//
// Usage: node bench/cases/import-time.mjs [baseline-checkout]
// With a baseline (another checkout of segsense with its dist/ built, e.g. a git worktree of an older commit), both
// are measured in the same run, rounds interleaved, so the two columns of results/import-time.md compare fairly
// on a shared machine. `npm run bench` measures this checkout alone.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '../..')
const baseline = process.argv[2] ?? process.env.SEGSENSE_BENCH_BASELINE
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const HEAVY = ['sharp', 'onnxruntime-node', 'vega', 'vega-lite']
const repos = [
  { label: 'this checkout', dir: repo },
  ...(baseline ? [{ label: `baseline ${commitOf(baseline)}`, dir: baseline }] : []),
]

function commitOf(dir) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim()
  } catch {
    return dir
  }
}

/** A consumer folder with node_modules/segsense -> `dir`, the resolve-logging script, and a vitest project. */
function workspace(dir) {
  const root = mkdtempSync(join(tmpdir(), 'segsense-import-'))
  // An installed copy (dist and package.json), not a link: through a link vitest would see segsense's files
  // outside node_modules and transform them as source, which an installed package never is.
  mkdirSync(join(root, 'node_modules/segsense'), { recursive: true })
  cpSync(join(dir, 'dist'), join(root, 'node_modules/segsense/dist'), { recursive: true })
  cpSync(join(dir, 'package.json'), join(root, 'node_modules/segsense/package.json'))
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (!name.startsWith('.')) symlinkSync(join(repo, 'node_modules', name), join(root, 'node_modules', name))
  }
  // Records every resolved module URL (the loader hook runs on its own thread and posts them back).
  writeFileSync(
    join(root, 'hooks.mjs'),
    `let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r }
`,
  )
  writeFileSync(
    join(root, 'measure.mjs'),
    `import { register } from 'node:module'
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
`,
  )
  // The vitest entry, timed inside a real vitest run.
  mkdirSync(join(root, 'vt'))
  writeFileSync(
    join(root, 'vt/vitest.config.mjs'),
    `export default { test: { include: ['t.test.mjs'], pool: 'forks' } }\n`,
  )
  writeFileSync(
    join(root, 'vt/t.test.mjs'),
    `import { test } from 'vitest'
import { writeFileSync } from 'node:fs'
const t0 = performance.now()
await import('segsense/vitest')
const ms = performance.now() - t0
test('imported', () => { writeFileSync(process.env.OUT, JSON.stringify({ ms })) })
`,
  )
  symlinkSync(join(root, 'node_modules'), join(root, 'vt/node_modules'), 'dir')
  const exportsMap = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports
  const entries = ['segsense', 'segsense/transforms', 'segsense/metrics', 'segsense/matchers', 'segsense/vitest']
  // A checkout without a subpath entry (a baseline from before it existed) is measured on the module that entry
  // now names, imported by file: what the same code cost to load then.
  const files = {}
  for (const e of entries) {
    const sub = e.slice('segsense/'.length)
    if (e !== 'segsense' && !(`./${sub}` in exportsMap))
      files[e] = join(root, 'node_modules/segsense/dist', sub, 'index.js')
  }
  return { root, entries, files }
}

function once(root, entry, file) {
  if (entry === 'segsense/vitest') {
    const out = join(root, 'vt/out.json')
    execFileSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: join(root, 'vt'),
      env: { ...process.env, OUT: out, CI: 'true' },
      stdio: 'ignore',
    })
    return { ...JSON.parse(readFileSync(out, 'utf8')), heavy: null }
  }
  return JSON.parse(
    execFileSync(process.execPath, ['measure.mjs', file ?? entry], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop(),
  )
}

const spaces = repos.map((r) => ({ ...r, ...workspace(r.dir), samples: {}, heavy: {} }))
for (const s of spaces)
  for (const e of s.entries) {
    s.samples[e] = []
    once(s.root, e, s.files[e])
  } // warm the file cache
for (let r = 0; r < ROUNDS; r++) {
  for (const e of ['segsense', 'segsense/transforms', 'segsense/metrics', 'segsense/matchers', 'segsense/vitest']) {
    for (const s of spaces) {
      if (!s.entries.includes(e)) continue
      const m = once(s.root, e, s.files[e])
      s.samples[e].push(m.ms)
      s.heavy[e] = m.heavy
    }
  }
}
for (const s of spaces) rmSync(s.root, { recursive: true, force: true })
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const runs = spaces.map((s) => ({
  label: s.label,
  byFile: Object.keys(s.files),
  entries: Object.fromEntries(
    s.entries.map((e) => [e, { medianMs: Number(median(s.samples[e]).toFixed(1)), heavyModules: s.heavy[e] }]),
  ),
}))
const out = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, rounds: ROUNDS, runs }
mkdirSync(join(here, '..', 'results'), { recursive: true })
writeFileSync(join(here, '../results/import-time.json'), `${JSON.stringify(out, null, 2)}\n`)
const names = ['segsense', 'segsense/transforms', 'segsense/metrics', 'segsense/matchers', 'segsense/vitest']
const cell = (run, e) => {
  const x = run.entries[e]
  if (!x) return 'n/a (no such entry)'
  return `${x.medianMs} ms${run.byFile.includes(e) ? ' [no entry then: its module, by file]' : ''}${x.heavyModules ? (x.heavyModules.length ? ` (loads ${x.heavyModules.join(', ')})` : ' (no heavy module)') : ''}`
}
const md = `# Import time of the public entries (bench/cases/import-time.mjs)

${out.date}, Node ${out.node}, ${out.cpu}. Median wall time of \`await import(entry)\` in a fresh Node process
(${ROUNDS} rounds, interleaved across entries${runs.length > 1 ? ' and checkouts' : ''}), from a consumer folder that has segsense as a dependency.
\`segsense/vitest\` is timed inside a vitest run (vitest already loaded): what every vitest worker pays on top of
vitest. "Heavy" modules are sharp, onnxruntime-node, vega and vega-lite, recorded by a module-resolve hook.

| entry | ${runs.map((r) => r.label).join(' | ')} |
|---|${runs.map(() => '---').join('|')}|
${names.map((e) => `| \`${e}\` | ${runs.map((r) => cell(r, e)).join(' | ')} |`).join('\n')}

Absolute times depend on the machine's load; compare within one run.
`
writeFileSync(join(here, '../results/import-time.md'), md)
console.log(md)
