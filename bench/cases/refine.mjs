// Benchmark: the stable rotation interval of the bundled fragile model to +-1 deg, by refinement (a coarse grid, then
// bisection of each threshold crossing down to a 1-deg bracket) against a 1-deg grid over [-180, 180] (361 values per
// sample). Counts predictions per sample and times both; without `--full` the 1-deg grid is not run whole: its time
// is the refine run's time per prediction times 361 per sample, and its bounds are checked on 1-deg windows around
// the refined ones (the 1-deg grid's crossing there, interpolated as stableInterval does). Runs on the built library
// (`npm run build`, then `node bench/cases/refine.mjs [--full]`); writes bench/results/refine.json and .md. Uncached
// (`cache: false`) so every prediction counts. Not a test.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CARDIAC_CLASSES,
  fixtureModelPath,
  loadFixtureSamples,
  loadOnnxModel,
  rotate,
  stableInterval,
  sweep,
} from '../../dist/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const full = process.argv.includes('--full')
const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const samples = await loadFixtureSamples('cardiac')
const MIN = 0.8
const TOLERANCE = 1
const GRID1 = 361
const cases = [
  { step: 30, min: { LV: MIN } },
  { step: 45, min: { LV: MIN } },
  { step: 30, min: MIN },
  { step: 45, min: MIN },
]

/** The 1-deg grid's crossing near a bound: the mean curve on integer angles around it, interpolated between the pass/fail pair. */
async function grid1Crossing(className, bound, side) {
  const lo = Math.floor(bound) - 2
  const values = Array.from({ length: 6 }, (_, i) => lo + i).filter((v) => v >= -180 && v <= 180)
  const r = await sweep(model, samples, rotate, { values, metrics: ['dice'], cache: false })
  const curve = r.mean.dice[className]
  const at = (v) => curve[r.values.indexOf(v)]
  for (let i = 0; i + 1 < values.length; i++) {
    const a = values[i]
    const b = values[i + 1]
    const pa = at(a) !== null && at(a) >= MIN
    const pb = at(b) !== null && at(b) >= MIN
    if (pa === pb) continue
    // side 'to': pass then fail going up; 'from': fail then pass
    if ((side === 'to') !== pa) continue
    const sa = at(a) ?? 0
    const sb = at(b) ?? 0
    return { crossing: a + ((MIN - sa) / (sb - sa)) * (b - a), predictions: r.timing.predictions }
  }
  return { crossing: null, predictions: r.timing.predictions }
}

const rows = []
for (const c of cases) {
  const t = performance.now()
  const r = await sweep(model, samples, rotate, {
    range: [-180, 180],
    step: c.step,
    cache: false,
    refine: { min: c.min, tolerance: TOLERANCE },
  })
  const ms = performance.now() - t
  const perSample = r.timing.predictions / samples.length
  const intervals = {}
  for (const className of Object.keys(r.refined.min)) {
    const iv = stableInterval(r, { className, min: MIN })
    intervals[className] =
      iv && iv.kind === 'interval'
        ? {
            from: Number(iv.from.toFixed(3)),
            to: Number(iv.to.toFixed(3)),
            gridFrom: iv.gridFrom,
            gridTo: iv.gridTo,
            censoredLow: iv.censoredLow,
            censoredHigh: iv.censoredHigh,
          }
        : null
  }
  rows.push({
    step: c.step,
    classes: Object.keys(r.refined.min),
    coarse: r.values.length - r.refined.values.length,
    refined: r.refined.values.length,
    perSample,
    ms: Number(ms.toFixed(0)),
    msPerPrediction: Number((ms / r.timing.predictions).toFixed(1)),
    grid1EstimateMs: Number(((ms / r.timing.predictions) * GRID1 * samples.length).toFixed(0)),
    intervals,
  })
}

// Each refined bound of the first case's classes against the 1-deg grid near it.
const checks = []
const first = rows[2] ?? rows[0]
for (const [className, iv] of Object.entries(first.intervals)) {
  if (!iv) continue
  for (const side of ['from', 'to']) {
    if (side === 'from' ? iv.censoredLow : iv.censoredHigh) continue
    const g = await grid1Crossing(className, iv[side], side)
    checks.push({
      className,
      side,
      refined: iv[side],
      grid1: g.crossing === null ? null : Number(g.crossing.toFixed(3)),
      difference: g.crossing === null ? null : Number(Math.abs(g.crossing - iv[side]).toFixed(3)),
    })
  }
}

let grid1
if (full) {
  const t = performance.now()
  const r = await sweep(model, samples, rotate, { range: [-180, 180], step: 1, cache: false })
  const ms = performance.now() - t
  const intervals = {}
  for (const className of r.classes) {
    const iv = stableInterval(r, { className, min: MIN })
    intervals[className] =
      iv && iv.kind === 'interval' ? { from: Number(iv.from.toFixed(3)), to: Number(iv.to.toFixed(3)) } : null
  }
  grid1 = { ms: Number(ms.toFixed(0)), perSample: r.timing.predictions / samples.length, intervals }
}
await model.close()

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  samples: samples.length,
  min: MIN,
  tolerance: TOLERANCE,
  grid1PerSample: GRID1,
  cases: rows,
  checks,
  ...(grid1 ? { grid1 } : {}),
}
mkdirSync(join(here, '..', 'results'), { recursive: true })
writeFileSync(join(here, '..', 'results/refine.json'), `${JSON.stringify(out, null, 2)}\n`)
const fmt = (iv) => (iv ? `${iv.from} .. ${iv.to}` : 'none')
const md = `# Refine benchmark (bench/cases/refine.mjs)

${out.date}, Node ${out.node}, ${out.cpu}. cardiac-fragile, rotate over [-180, 180], ${out.samples} samples, Dice >= ${MIN} on the mean curve,
tolerance ${TOLERANCE} deg. A 1-deg grid costs ${GRID1} predictions per sample.

| coarse step | refined classes | grid values | bisection values | predictions / sample | ms | 1-deg grid ms (estimated) | stable intervals |
|---:|---|---:|---:|---:|---:|---:|---|
${rows
  .map(
    (r) =>
      `| ${r.step} | ${r.classes.join(', ')} | ${r.coarse} | ${r.refined} | **${r.perSample}** | ${r.ms} | ${r.grid1EstimateMs} | ${Object.entries(
        r.intervals,
      )
        .map(([c, iv]) => `${c} ${fmt(iv)}`)
        .join('; ')} |`,
  )
  .join('\n')}

Refined bounds against the 1-deg grid's crossing on a window of integer angles around them (step ${first.step}, all classes):

| class | bound | refined | 1-deg grid | difference |
|---|---|---:|---:|---:|
${checks.map((c) => `| ${c.className} | ${c.side} | ${c.refined} | ${c.grid1 ?? 'no crossing'} | ${c.difference ?? ''} |`).join('\n')}
${
  grid1
    ? `\nFull 1-deg grid: ${grid1.ms} ms, ${grid1.perSample} predictions per sample; intervals ${Object.entries(
        grid1.intervals,
      )
        .map(([c, iv]) => `${c} ${fmt(iv)}`)
        .join('; ')}.\n`
    : ''
}`
writeFileSync(join(here, '..', 'results/refine.md'), md)
console.log(md)
