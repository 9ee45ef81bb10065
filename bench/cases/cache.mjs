// Benchmark: the result cache, cold against warm, and what the cache costs a cold run (hashing, keys, writes).
// A rotation sweep of the bundled fragile model over [-180, 180] step 10 on the 8 bundled samples (296 score
// entries). Runs on the built library (`npm run build`, then `node bench/cases/cache.mjs`); writes bench/results/cache.json
// and .md. Uses a fresh temp cache folder, removed at the end. `--uncached` also times the cold sweep with
// `cache: false` (one more full sweep) for a direct comparison. Not a test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CARDIAC_CLASSES,
  fixtureModelPath,
  loadFixtureSamples,
  loadOnnxModel,
  rotate,
  sweep,
} from '../../dist/index.js'
import { resolveSweep } from '../../dist/sweep/resolve.js'
import { readEntry, sampleDigest, scoreKey, sweepDigest, writeEntries } from '../../dist/sweep/cache.js'
import { medianMs } from '../timing.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const uncached = process.argv.includes('--uncached')
const dir = mkdtempSync(join(tmpdir(), 'segsense-bench-cache-'))
const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const samples = await loadFixtureSamples('cardiac')
const grid = { range: [-180, 180], step: 10 }
delete process.env.SEGSENSE_CACHE

try {
  let t = performance.now()
  const cold = await sweep(model, samples, rotate, { ...grid, cache: { dir } })
  const coldMs = performance.now() - t
  const warm = []
  let last
  for (let i = 0; i < 7; i++) {
    t = performance.now()
    last = await sweep(model, samples, rotate, { ...grid, cache: { dir } })
    warm.push(performance.now() - t)
  }
  if (last.timing.predictions !== 0) throw new Error('the warm sweep predicted')
  const firstWarmMs = warm[0]
  const warmMs = warm.slice().sort((a, b) => a - b)[Math.floor(warm.length / 2)]
  let uncachedMs
  if (uncached) {
    t = performance.now()
    await sweep(model, samples, rotate, { ...grid, cache: false })
    uncachedMs = performance.now() - t
  }

  // The parts of the cold run the cache adds, timed alone (resolveSweep as sweep calls it; internal modules of dist/).
  const plan = resolveSweep(model, samples, rotate, grid)
  const entries = samples.length * plan.values.length
  const hashSamplesMs = medianMs(() => samples.map((s) => sampleDigest(s, true)), { warmup: 2, rounds: 7 })
  const digests = samples.map((s) => sampleDigest(s, true))
  const keysMs = medianMs(
    () => {
      const sweepKey = sweepDigest(plan)
      for (const d of digests) for (const v of plan.values) scoreKey(sweepKey, d, v)
    },
    { warmup: 2, rounds: 7 },
  )
  const scratch = { dir: join(dir, 'scratch'), maxBytes: 1e9 }
  const payload = Buffer.from(
    JSON.stringify({
      present: { RV: true, MYO: true, LV: true },
      scores: { dice: { RV: 0.9123456789012345, MYO: 0.8123456789012345, LV: 0.9523456789012345 } },
    }),
  )
  const sweepKey = sweepDigest(plan)
  const keys = digests.flatMap((d) => plan.values.map((v) => scoreKey(sweepKey, d, v)))
  t = performance.now()
  for (const k of keys) readEntry(scratch, k)
  const missesMs = performance.now() - t
  t = performance.now()
  await writeEntries(
    scratch,
    keys.map((key) => ({ key, payload })),
  )
  const writesMs = performance.now() - t
  const overheadMs = hashSamplesMs + keysMs + missesMs + writesMs

  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    samples: samples.length,
    values: plan.values.length,
    entries,
    coldMs: Number(coldMs.toFixed(1)),
    coldPredictMs: Number(cold.timing.predictMs.toFixed(1)),
    firstWarmMs: Number(firstWarmMs.toFixed(1)),
    warmMs: Number(warmMs.toFixed(1)),
    speedup: Number((coldMs / warmMs).toFixed(1)),
    ...(uncachedMs !== undefined ? { uncachedColdMs: Number(uncachedMs.toFixed(1)) } : {}),
    coldOverhead: {
      hashSamplesMs: Number(hashSamplesMs.toFixed(2)),
      keysMs: Number(keysMs.toFixed(2)),
      missesMs: Number(missesMs.toFixed(2)),
      writesMs: Number(writesMs.toFixed(2)),
      totalMs: Number(overheadMs.toFixed(2)),
      percentOfCold: Number(((100 * overheadMs) / coldMs).toFixed(2)),
    },
  }
  mkdirSync(join(here, '..', 'results'), { recursive: true })
  writeFileSync(join(here, '..', 'results/cache.json'), `${JSON.stringify(out, null, 2)}\n`)
  const md = `# Result cache benchmark (bench/cases/cache.mjs)

${out.date}, Node ${out.node}, ${out.cpu}. cardiac-fragile, rotate [-180, 180] step 10: ${out.samples} samples x ${out.values} values = ${out.entries} score entries.

| run | ms |
|---|---:|
| cold (empty cache: predict, score, write every entry) | ${out.coldMs} |
${uncachedMs !== undefined ? `| cold with cache: false | ${out.uncachedColdMs} |\n` : ''}| first warm run in the process | ${out.firstWarmMs} |
| warm (median of the other runs; nothing predicted) | ${out.warmMs} |

Cold / warm: **${out.speedup}x**.

What the cache adds to a cold run, timed alone: hashing the ${out.samples} samples ${out.coldOverhead.hashSamplesMs} ms, ${out.entries} keys ${out.coldOverhead.keysMs} ms,
${out.entries} lookups that miss ${out.coldOverhead.missesMs} ms, ${out.entries} entry writes (temp file + rename, 16 at a time) ${out.coldOverhead.writesMs} ms:
${out.coldOverhead.totalMs} ms, **${out.coldOverhead.percentOfCold}%** of the cold run.
`
  writeFileSync(join(here, '..', 'results/cache.md'), md)
  console.log(md)
} finally {
  await model.close()
  rmSync(dir, { recursive: true, force: true })
}
