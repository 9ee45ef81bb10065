// Benchmark: a rotation sweep against bare inference of the same images with the same model, in one run, so the
// ratio (segsense's overhead: transforms, scoring, bookkeeping) is meaningful on a shared, noisy machine.
// Runs on the built library: `npm run bench` (writes bench/results/sweep.json and .md). Not a test.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, sweep, sweepValues } from '../dist/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const samples = await loadFixtureSamples('cardiac')
const grid = { range: [-180, 180], step: 30 }
const values = sweepValues(rotate.parameter, grid)
const images = samples.flatMap((s) => values.map((v) => rotate.image(s.image, v)))
const BATCH = 16

async function bare() {
  const t0 = performance.now()
  for (let i = 0; i < images.length; i += BATCH) await model.predict(images.slice(i, i + BATCH))
  return performance.now() - t0
}
async function swept() {
  const t0 = performance.now()
  const r = await sweep(model, samples, rotate, { ...grid, batchSize: BATCH })
  return { ms: performance.now() - t0, timing: r.timing }
}

await bare() // warm-up
const rounds = []
for (let i = 0; i < 3; i++) rounds.push({ bare: await bare(), sweep: await swept() })
await model.close()
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const bareMs = median(rounds.map((r) => r.bare))
const sweepMs = median(rounds.map((r) => r.sweep.ms))
const last = rounds[rounds.length - 1].sweep.timing
const out = {
  date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, images: images.length, values: values.length, samples: samples.length,
  bareInferenceMs: Number(bareMs.toFixed(1)), sweepMs: Number(sweepMs.toFixed(1)), ratio: Number((sweepMs / bareMs).toFixed(3)),
  sweepTiming: last,
}
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results/sweep.json'), `${JSON.stringify(out, null, 2)}\n`)
const md = `# Sweep overhead benchmark (bench/sweep.mjs)

${out.date}, Node ${out.node}, ${out.cpu}. cardiac-fragile, ${out.samples} samples x ${out.values} rotation values = ${out.images} images, batch ${BATCH}; median of 3 rounds.

| run | ms |
|---|---:|
| bare inference of the pre-rotated images (model.predict only) | ${out.bareInferenceMs} |
| sweep (rotate image + truth, predict, score, bookkeeping) | ${out.sweepMs} |

Sweep / bare inference: **${out.ratio}x**. Inside the last sweep: predict ${last.predictMs.toFixed(0)} ms, transform ${last.transformMs.toFixed(0)} ms, score ${last.scoreMs.toFixed(0)} ms.
`
writeFileSync(join(here, 'results/sweep.md'), md)
console.log(md)
