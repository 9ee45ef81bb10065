#!/usr/bin/env node
// `npm run demo`: the main job on the bundled default: sweeps rotate, zoom, brightness and contrast on the bundled
// cardiac samples with the fragile fixture model and prints, per transform and class, the stable interval, AUC and
// worst case. Uses the public API only.
import {
  CARDIAC_CLASSES, brightness, contrast, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, summarize, sweep, zoom,
} from 'segsense'

const MIN_DICE = 0.8
const modelName = process.argv[2] ?? 'cardiac-fragile'
const model = await loadOnnxModel(fixtureModelPath(modelName), { classes: CARDIAC_CLASSES })
const samples = await loadFixtureSamples('cardiac')
const plans = [
  [rotate, { range: [-180, 180], step: 15 }],
  [zoom, { range: [0.5, 2], steps: 9 }],
  [brightness, { range: [0.25, 4], steps: 9 }],
  [contrast, { range: [0.25, 4], steps: 9 }],
]

const fmt = (v) => (v === null || v === undefined ? '-' : Math.abs(v) >= 10 ? v.toFixed(1) : String(Number(v.toPrecision(3))))
function interval(i) {
  if (i === null) return 'fails at neutral'
  if (i.full) return 'full circle'
  return `[${i.censoredLow ? '<=' : ''}${fmt(i.from)}, ${i.censoredHigh ? '>=' : ''}${fmt(i.to)}]${i.wraps ? ' (wraps)' : ''}`
}

console.log(`segsense demo: ${model.name} on ${samples.length} samples, stable interval at Dice >= ${MIN_DICE}\n`)
const rows = [['transform', 'class', 'stable interval', 'AUC', 'worst Dice', 'at']]
const started = performance.now()
for (const [transform, grid] of plans) {
  const result = await sweep(model, samples, transform, {
    ...grid,
    // A live counter on a terminal; nothing in logs.
    ...(process.stderr.isTTY ? { onProgress: ({ done, total }) => process.stderr.write(`\r${transform.name}: ${done}/${total} images`) } : {}),
  })
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
  const summary = summarize(result, { min: MIN_DICE })
  for (const c of Object.values(summary.classes)) {
    const unit = transform.parameter.unit
    rows.push([`${transform.name} (${transform.parameter.name}${unit ? `, ${unit}` : ''})`, c.className, interval(c.interval), fmt(c.auc), fmt(c.worst?.score), fmt(c.worst?.value)])
  }
}
await model.close()
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, j) => cell.padEnd(widths[j])).join('  ').trimEnd())
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
}
console.log(`\n${plans.length} sweeps in ${((performance.now() - started) / 1000).toFixed(1)} s`)
