// onnxruntime's intra-op spin-waiting and memory arena: model.predict on the same pre-rotated images with
// `spinning` on and off (arena on and off), rounds interleaved, wall time and the process's CPU time (user + system,
// all threads). Two conditions: the machine as it is, and contended (two busy-looping child processes, as on a CI
// machine whose cores other jobs use). Decides the defaults of the ONNX model options (docs/performance.md).
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { importDist, machine, median, round, writeResult } from '../lib.mjs'

if (process.argv[2] === '--busy') {
  // A competing process: spins until killed.
  for (;;) Math.sqrt(Math.random())
}
const ROUNDS = 3
const BATCH = 16
const { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate } = await importDist('index.js')
const samples = await loadFixtureSamples('cardiac')
const images = samples.flatMap((s) => [-60, -20, 20, 60, 100, 140].map((v) => rotate.image(s.image, v)))
const configs = [
  { name: 'spinning off, arena off', options: { spinning: false, memoryArena: false } },
  { name: 'spinning on, arena off', options: { spinning: true, memoryArena: false } },
  { name: 'spinning off, arena on (segsense default)', options: { spinning: false, memoryArena: true } },
  { name: 'spinning on, arena on (onnxruntime default)', options: { spinning: true, memoryArena: true } },
]
const models = []
for (const c of configs)
  models.push(await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES, ...c.options }))

async function measure(model) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < images.length; i += BATCH) await model.predict(images.slice(i, i + BATCH))
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  return { wall, cpu: (cpu.user + cpu.system) / 1000 }
}

const conditions = {}
for (const condition of ['as is', 'contended (2 busy processes)']) {
  const busy = condition.startsWith('contended')
    ? [0, 1].map(() => fork(fileURLToPath(import.meta.url), ['--busy'], { stdio: 'ignore' }))
    : []
  for (const m of models) await measure(m) // warm-up
  const rounds = configs.map(() => [])
  for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < models.length; i++) rounds[i].push(await measure(models[i]))
  for (const b of busy) b.kill()
  conditions[condition] = configs.map((c, i) => ({
    config: c.name,
    wallMs: round(median(rounds[i].map((x) => x.wall))),
    cpuMs: round(median(rounds[i].map((x) => x.cpu))),
  }))
}
for (const m of models) await m.close()
const out = { ...machine(), images: images.length, batch: BATCH, rounds: ROUNDS, conditions }
const md = [
  '# Spin-waiting and memory arena (bench/cases/spinning.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. \`model.predict\` on ${out.images} pre-rotated 256x256 images, batch ${BATCH}; median of ${ROUNDS} interleaved rounds. CPU = user + system time of the whole process.`,
  '',
  '| condition | session options | wall ms | CPU ms |',
  '|---|---|---:|---:|',
  ...Object.entries(conditions).flatMap(([cond, rows]) =>
    rows.map((r) => `| ${cond} | ${r.config} | ${r.wallMs} | ${r.cpuMs} |`),
  ),
  '',
]
writeResult('spinning', out, md.join('\n'))
