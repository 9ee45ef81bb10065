// The code block of docs/statistics.md, kept identical to it (test/e2e/doc-examples.test.ts checks and runs it): the
// bundled models on the 8 bundled samples, a confidence band, repeated draws of a random transform and a comparison.
import { loadOnnxModel, fixtureModelPath, loadFixtureSamples, CARDIAC_CLASSES } from 'segsense'
import { sweep, rotate, noise, aggregate, compareModels } from 'segsense'

const samples = await loadFixtureSamples('cardiac')
const load = (name) => loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
const [fragile, robust] = [await load('cardiac-fragile'), await load('cardiac-robust')]
const span = (i) => (i ? `[${i.from.toFixed(1)}, ${i.to.toFixed(1)}]` : 'none')

// How sure is the mean curve? A percentile bootstrap over the samples.
const rotated = await sweep(fragile, samples, rotate, { range: [-60, 60], step: 30 })
const lv = aggregate(rotated, { min: 0.8, confidence: 0.95, seed: 0 }).classes.LV
console.log(`LV stable in ${span(lv.interval)} (mean), ${span(lv.lowerInterval)} (95 % lower bound)`)

// A random transform: 3 seeded draws per value, each sample scored by the mean of its draws.
const noisy = await sweep(fragile, samples, noise, { range: [0, 0.2], step: 0.1, repeats: 3, seed: 1 })
console.log(`noise: ${noisy.repeats.count} draws, seeds ${noisy.repeats.seeds.join(', ')}`)

// Two models, the same samples and grid: AUC difference with its paired bootstrap interval, Wilcoxon p.
const baseline = await sweep(robust, samples, rotate, { range: [-60, 60], step: 30 })
for (const c of compareModels(rotated, baseline, { margin: 0.02 }).classes) {
  const { difference, lower, upper } = c.auc
  console.log(`${c.className} AUC ${difference.toFixed(3)} [${lower.toFixed(3)}, ${upper.toFixed(3)}], p = ${c.wilcoxon.pvalue.toFixed(4)}`)
}
await Promise.all([fragile.close(), robust.close()])
