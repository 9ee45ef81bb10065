// Peak resident memory of a long sweep, each configuration in a fresh child process (process.resourceUsage().maxRSS
// covers onnxruntime's native allocations too). The target run: rotate over 360 values (-180..179 step 1) x 6
// samples = 2160 predictions with the default options. Shorter runs (60 values x 6) compare the model's batchSize
// (images per session.run; the sweep hands 16 per predict call) and the
// memory arena: the arena reaches its peak in the first batches, so they show its cost too. RSS is also sampled
// after each batch, to see whether it grows with the number of predictions (it must not).
// `--full` runs every configuration over the 360 values.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { baselineDir, importDist, machine, round, writeResult } from '../lib.mjs'

if (process.argv[2] === '--child') {
  const { values: n, batchSize, memoryArena, from } = JSON.parse(process.argv[3])
  const { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, sweep } = await importDist(
    'index.js',
    from,
  )
  const options = { classes: CARDIAC_CLASSES }
  if (batchSize !== undefined) options.batchSize = batchSize
  if (memoryArena !== undefined) options.memoryArena = memoryArena
  const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), options)
  const samples = (await loadFixtureSamples('cardiac')).slice(0, 6)
  const values = Array.from({ length: n }, (_, i) => -180 + (i * 360) / n)
  const rss = []
  const t0 = performance.now()
  await sweep(model, samples, rotate, { values, onProgress: (p) => rss.push([p.done, process.memoryUsage.rss()]) })
  const ms = performance.now() - t0
  await model.close()
  const at = (f) => rss[Math.min(rss.length - 1, Math.floor(f * rss.length))][1] / 2 ** 20
  const result = {
    peakMB: process.resourceUsage().maxRSS / 1024,
    rssAt25: at(0.25),
    rssAtEnd: at(1),
    predictions: samples.length * n,
    ms,
  }
  if (process.send) process.send(result)
  else console.log(JSON.stringify(result))
  process.exit(0)
}

function child(config) {
  return new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    c.on('message', resolve)
    c.on('exit', (code) => code !== 0 && reject(new Error(`memory child ${JSON.stringify(config)} exited ${code}`)))
  })
}

const full = process.argv.includes('--full')
const short = full ? 360 : 60
// The target run last: the others show the batch sizes and the arena.
const configs = [
  { label: 'batch 4, arena on', values: short, batchSize: 4, memoryArena: true },
  { label: 'batch 8, arena on', values: short, batchSize: 8, memoryArena: true },
  { label: 'batch 16, arena on', values: short, batchSize: 16, memoryArena: true },
  { label: 'batch 16, arena off', values: short, batchSize: 16, memoryArena: false },
  { label: 'the defaults (batchSize and memoryArena not given)', values: 360 },
]
if (baselineDir)
  configs.splice(4, 0, { label: `baseline ${baselineDir} (its defaults)`, values: short, from: baselineDir })
const rows = []
for (const c of configs) {
  const r = await child(c)
  rows.push({
    config: c.label,
    values: c.values,
    predictions: r.predictions,
    peakRssMB: round(r.peakMB),
    rssAfterQuarterMB: round(r.rssAt25),
    rssAtEndMB: round(r.rssAtEnd),
    seconds: round(r.ms / 1000),
  })
  console.log(rows.at(-1))
}
const out = { ...machine(), rows, targetPeakMB: 300 }
const md = [
  '# Peak memory of a sweep (bench/cases/memory.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. Rotate sweeps of cardiac-fragile over 6 samples, each in a fresh process; peak RSS from \`process.resourceUsage().maxRSS\`, RSS also sampled after a quarter of the batches and at the end (growth per prediction would show there). Target: peak <= 300 MB for 360 values x 6 samples.`,
  '',
  '| configuration | values x 6 samples | peak RSS MB | RSS after 1/4 MB | RSS at end MB | s |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.config} | ${r.values} x 6 = ${r.predictions} | ${r.peakRssMB} | ${r.rssAfterQuarterMB} | ${r.rssAtEndMB} | ${r.seconds} |`,
  ),
  '',
]
writeResult('memory', out, md.join('\n'))
