// Batch size: the same rotate sweep (8 samples x 13 values) with batchSize 1, 8, 16 and 32, rounds interleaved,
// medians. Memory per batch size is in the memory case (each run needs its own process for a peak).
import { importDist, machine, median, round, writeResult } from '../lib.mjs'

const ROUNDS = 3
const SIZES = [1, 8, 16, 32]
const { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, sweep } = await importDist('index.js')
const samples = await loadFixtureSamples('cardiac')
const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const grid = { range: [-180, 180], step: 30 }
async function run(batchSize) {
  const t0 = performance.now()
  await sweep(model, samples, rotate, { ...grid, batchSize })
  return performance.now() - t0
}
await run(16)
const times = SIZES.map(() => [])
for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < SIZES.length; i++) times[i].push(await run(SIZES[i]))
await model.close()
const rows = SIZES.map((b, i) => ({ batchSize: b, sweepMs: round(median(times[i])) }))
const ref = rows.find((r) => r.batchSize === 16).sweepMs
const out = { ...machine(), rounds: ROUNDS, rows: rows.map((r) => ({ ...r, relativeTo16: round(r.sweepMs / ref, 3) })) }
const md = [
  '# Batch size (bench/cases/batch.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. Rotate sweep of cardiac-fragile, 8 samples x 13 values; median of ${ROUNDS} interleaved rounds.`,
  '',
  '| batchSize | sweep ms | / batch 16 |',
  '|---:|---:|---:|',
  ...out.rows.map((r) => `| ${r.batchSize} | ${r.sweepMs} | ${r.relativeTo16} |`),
  '',
]
writeResult('batch', out, md.join('\n'))
