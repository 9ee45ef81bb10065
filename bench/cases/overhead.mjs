// Overhead of a sweep over bare inference. The floor is `session.run` on tensors prepared in advance, with
// onnxruntime's default session options: what a user who wrote the loop by hand would get. The sweep does
// everything else too (transform image and truth, prepare the input, run, decode, score, bookkeeping).
// Rounds interleave bare, adapter-only (model.predict on pre-rotated images) and sweep (and the baseline's sweep
// with --baseline), after a warm-up; medians. Breakdown from the sweep's own timing plus the two floors:
//   run = bare with segsense's session options; input preparation + output decoding = adapter-only - that; transform and scoring = sweep timing;
//   bookkeeping = sweep - (transform + predict + score).
import { baselineDir, importDist, machine, median, round, writeResult } from '../lib.mjs'

const ROUNDS = 5
const BATCH = 16
const grid = { range: [-180, 180], step: 30 }
const lib = await importDist('index.js')
const { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, sweep, sweepValues } = lib
const ort = await import('onnxruntime-node')
const path = fixtureModelPath('cardiac-fragile')
const samples = await loadFixtureSamples('cardiac')
const values = sweepValues(rotate.parameter, grid)
const images = samples.flatMap((s) => values.map((v) => rotate.image(s.image, v)))

// Bare: a default session and the rotated images already in NCHW batches (the images are 256x256, the tensor size).
const [W, H] = [images[0].width, images[0].height]
/** The images as NCHW input tensors of `session`, `size` per run, prepared before any timing. */
function feedsFor(session, size) {
  const feeds = []
  for (let i = 0; i < images.length; i += size) {
    const chunk = images.slice(i, i + size)
    const data = new Float32Array(chunk.length * W * H)
    chunk.forEach((im, k) => data.set(im.data, k * W * H))
    feeds.push({ [session.inputNames[0]]: new ort.Tensor('float32', data, [chunk.length, 1, H, W]) })
  }
  return feeds
}
const session = await ort.InferenceSession.create(path)
const feeds = feedsFor(session, BATCH)
async function bare() {
  const t0 = performance.now()
  for (const f of feeds) await session.run(f)
  return performance.now() - t0
}
// The same floor with segsense's session options and run size (spinning off, arena on, 4 images per run): what is
// left between it and the sweep is JS work only.
const RUN = 4
const same = await ort.InferenceSession.create(path, {
  enableCpuMemArena: true,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
})
const sameFeeds = feedsFor(same, RUN)
async function bareSame() {
  const t0 = performance.now()
  for (const f of sameFeeds) await same.run(f)
  return performance.now() - t0
}

const model = await loadOnnxModel(path, { classes: CARDIAC_CLASSES })
let predicted = 0
const counted = {
  name: model.name,
  classes: model.classes,
  predict: (imgs) => ((predicted += imgs.length), model.predict(imgs)),
}
async function adapter() {
  const t0 = performance.now()
  for (let i = 0; i < images.length; i += BATCH) await model.predict(images.slice(i, i + BATCH))
  return performance.now() - t0
}
function sweeper(m, sweepFn) {
  return async () => {
    const t0 = performance.now()
    const r = await sweepFn(m, samples, rotate, { ...grid, batchSize: BATCH })
    return { ms: performance.now() - t0, timing: r.timing }
  }
}
let baseline
if (baselineDir) {
  const b = await importDist('index.js', baselineDir)
  const bm = await b.loadOnnxModel(path, { classes: CARDIAC_CLASSES })
  baseline = {
    model: bm,
    run: async () => {
      const t0 = performance.now()
      const r = await b.sweep(bm, samples, b.rotate, { ...grid, batchSize: BATCH })
      return { ms: performance.now() - t0, timing: r.timing }
    },
  }
}
const swept = sweeper(counted, sweep)

await bare()
await bareSame()
await adapter()
await swept()
if (baseline) await baseline.run()
const rounds = []
for (let i = 0; i < ROUNDS; i++) {
  const r = { bare: await bare(), bareSame: await bareSame(), adapter: await adapter(), sweep: await swept() }
  if (baseline) r.baseline = await baseline.run()
  rounds.push(r)
}
await model.close()
await session.release()
await same.release()
if (baseline) await baseline.model.close()

const m = (f) => median(rounds.map(f))
const bareMs = m((r) => r.bare)
const bareSameMs = m((r) => r.bareSame)
const ratiosSame = rounds.map((r) => r.sweep.ms / r.bareSame)
const adapterMs = m((r) => r.adapter)
const sweepMs = m((r) => r.sweep.ms)
const transformMs = m((r) => r.sweep.timing.transformMs)
const predictMs = m((r) => r.sweep.timing.predictMs)
const scoreMs = m((r) => r.sweep.timing.scoreMs)
const ratios = rounds.map((r) => r.sweep.ms / r.bare)
const out = {
  ...machine(),
  model: 'cardiac-fragile',
  samples: samples.length,
  values: values.length,
  images: images.length,
  batch: BATCH,
  rounds: ROUNDS,
  predictedBySweep: predicted / (ROUNDS + 1),
  bareMs: round(bareMs),
  bareSameOptionsMs: round(bareSameMs),
  adapterMs: round(adapterMs),
  sweepMs: round(sweepMs),
  ratio: round(median(ratios), 3),
  ratioPerRound: ratios.map((x) => round(x, 3)),
  ratioSameOptions: round(median(ratiosSame), 3),
  ratioSameOptionsPerRound: ratiosSame.map((x) => round(x, 3)),
  breakdownMs: {
    transform: round(transformMs),
    run: round(bareSameMs),
    inputAndDecode: round(adapterMs - bareSameMs),
    scoring: round(scoreMs),
    bookkeeping: round(sweepMs - transformMs - predictMs - scoreMs),
    predictInSweep: round(predictMs),
  },
  ...(baseline
    ? {
        baseline: baselineDir,
        baselineSweepMs: round(m((r) => r.baseline.ms)),
        baselineRatio: round(median(rounds.map((r) => r.baseline.ms / r.bare)), 3),
      }
    : {}),
}
const b = out.breakdownMs
const md = `# Sweep overhead over bare inference (bench/cases/overhead.mjs)

${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. cardiac-fragile, ${out.samples} samples x ${out.values} rotation values (-180..180 step 30) = ${out.images} images, batch ${BATCH}; median of ${ROUNDS} interleaved rounds after a warm-up.

| run | ms |
|---|---:|
| bare: \`session.run\` on prepared tensors, default session options | ${out.bareMs} |
| bare with segsense's session options (spinning off, arena on, runs of ${RUN}) | ${out.bareSameOptionsMs} |
| adapter: \`model.predict\` on the pre-rotated images (input preparation, run, decoding) | ${out.adapterMs} |
| sweep (rotate image and truth, predict, score, bookkeeping) | ${out.sweepMs} |
${baseline ? `| sweep of the baseline (${baselineDir}) | ${out.baselineSweepMs} |\n` : ''}
**Sweep / bare: ${out.ratio}** (per round: ${out.ratioPerRound.join(', ')}); **sweep / bare with the same session options: ${out.ratioSameOptions}** (per round: ${out.ratioSameOptionsPerRound.join(', ')})${baseline ? `; baseline sweep / bare: ${out.baselineRatio}` : ''}. The sweep predicted ${out.predictedBySweep} of the ${out.images} images (rotate 180 repeats -180).

| where the sweep's time goes | ms |
|---|---:|
| transform (image and truth) | ${b.transform} |
| run (= bare with the same session options) | ${b.run} |
| input preparation + output decoding (adapter - that bare) | ${b.inputAndDecode} |
| scoring | ${b.scoring} |
| bookkeeping (sweep - transform - predict - score) | ${b.bookkeeping} |
`
writeResult('overhead', out, md)
