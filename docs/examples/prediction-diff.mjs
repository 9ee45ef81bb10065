// Makes docs/img/prediction-diff.png, the figure of docs/vitest.md's toMatchPredictionSnapshot example: the bundled
// fragile model's predictions are "the snapshot", the robust model's "the new predictions", on sa-01 and sa-02 rotated
// by 30 degrees. It renders the image the matcher attaches (the same code, from the built package's internals) and
// prints the counts the matcher's failure would list. Run: npm run build && node docs/examples/prediction-diff.mjs
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate } from 'segsense'
import { predictionDiffPng } from '../../dist/report/prediction-diff.js'
import { classPalette } from '../../dist/report/palette.js'
import { comparePredictions } from '../../dist/vitest/prediction-compare.js'

const samples = (await loadFixtureSamples('cardiac')).slice(0, 2)
const images = samples.map((s) => rotate.image(s.image, 30))
const predict = async (name) => {
  const model = await loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
  const maps = await model.predict(images)
  await model.close()
  return maps
}
const stored = await predict('cardiac-fragile')
const now = await predict('cardiac-robust')
const budget = { maxChangedPixels: 50, maxChangedRatio: Infinity, minDice: { LV: 0.98 }, ignoreBoundary: 0 }
samples.forEach((s, k) => {
  const c = comparePredictions(stored[k], now[k], CARDIAC_CLASSES, budget)
  const classes = c.classes.map((x) => `${x.className} gained ${x.gained}, lost ${x.lost}, Dice ${x.dice.toFixed(4)}`).join('; ')
  console.log(`${s.id} rotate=30: ${c.changed} px changed (${c.pass ? 'within' : 'beyond'} the budget); ${classes}`)
})
const rows = samples.map((s, k) => ({ image: images[k], stored: stored[k], now: now[k] }))
const out = fileURLToPath(new URL('../img/prediction-diff.png', import.meta.url))
writeFileSync(out, await predictionDiffPng(rows, classPalette(CARDIAC_CLASSES)))
console.log(`wrote ${out}`)
