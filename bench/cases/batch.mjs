// Batch size: the same rotate sweep (8 samples x 13 values) through models loaded with batchSize (images per
// session.run) 1, 4, 8, 16 and 32; the sweep hands max(16, batchSize) images per predict call. Rounds interleaved,
// medians. Memory per batch size is in the memory case (each run needs its own process for a peak).
import { importDist, machine, median, round, writeResult } from '../lib.mjs'

const ROUNDS = 3
const SIZES = [1, 4, 8, 16, 32]
const { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, sweep } =
  await importDist('index.js')
const samples = await loadFixtureSamples('cardiac')
const models = []
for (const batchSize of SIZES)
  models.push(await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES, batchSize }))
const grid = { range: [-180, 180], step: 30 }
async function run(i) {
  const t0 = performance.now()
  await sweep(models[i], samples, rotate, { ...grid, batchSize: Math.max(16, SIZES[i]) })
  return performance.now() - t0
}
await run(SIZES.indexOf(16)) // warm-up
const times = SIZES.map(() => [])
for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < SIZES.length; i++) times[i].push(await run(i))
for (const m of models) await m.close()
const rows = SIZES.map((b, i) => ({ batchSize: b, sweepMs: round(median(times[i])) }))
const ref = rows.find((r) => r.batchSize === 16).sweepMs
const out = { ...machine(), rounds: ROUNDS, rows: rows.map((r) => ({ ...r, relativeTo16: round(r.sweepMs / ref, 3) })) }
const md = [
  '# Batch size (bench/cases/batch.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. Rotate sweep of cardiac-fragile, 8 samples x 13 values, the model's batchSize varied (the other options at their defaults); median of ${ROUNDS} interleaved rounds.`,
  '',
  '| batchSize | sweep ms | / batch 16 |',
  '|---:|---:|---:|',
  ...out.rows.map((r) => `| ${r.batchSize} | ${r.sweepMs} | ${r.relativeTo16} |`),
  '',
]
writeResult('batch', out, md.join('\n'))
