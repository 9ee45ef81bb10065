// First-sweep latency of a gate: in a fresh process, import segsense, load the bundled model and predict the 8
// bundled samples once (the clean predictions every robustness test starts from), then a first small sweep.
// Median of 3 fresh processes. The import time of each entry (the vitest setup entry too) is the import-time case.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { importDist, machine, median, round, writeResult } from '../lib.mjs'

if (process.argv[2] === '--child') {
  const t0 = performance.now()
  const lib = await importDist('index.js')
  const t1 = performance.now()
  const model = await lib.loadOnnxModel(lib.fixtureModelPath('cardiac-fragile'), { classes: lib.CARDIAC_CLASSES })
  const samples = await lib.loadFixtureSamples('cardiac')
  const t2 = performance.now()
  await model.predict(samples.map((s) => s.image))
  const t3 = performance.now()
  await lib.sweep(model, samples, lib.rotate, { values: [-10, 0, 10] })
  const t4 = performance.now()
  await model.close()
  console.log(
    JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, cleanMs: t3 - t2, sweepMs: t4 - t3, totalMs: t4 - t0 }),
  )
  process.exit(0)
}
const runs = []
for (let i = 0; i < 3; i++)
  runs.push(
    JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1),
    ),
  )
const keys = ['importMs', 'loadMs', 'cleanMs', 'sweepMs', 'totalMs']
const med = Object.fromEntries(keys.map((k) => [k, round(median(runs.map((r) => r[k])))]))
const out = { ...machine(), runs: runs.length, ...med }
const md = [
  '# First-sweep latency of a gate (bench/cases/startup.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. A fresh process each time, median of ${runs.length}.`,
  '',
  '| step | ms |',
  '|---|---:|',
  `| import \`segsense\` | ${med.importMs} |`,
  `| load cardiac-fragile (onnxruntime's first load included) and the 8 bundled samples | ${med.loadMs} |`,
  `| clean predictions of the 8 samples (first run) | ${med.cleanMs} |`,
  `| a first sweep: 8 samples x 3 rotation values | ${med.sweepMs} |`,
  `| total, process start to sweep result | ${med.totalMs} |`,
  '',
]
writeResult('startup', out, md.join('\n'))
