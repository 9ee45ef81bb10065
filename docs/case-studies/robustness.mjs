// Case study 2, model robustness (docs/case-studies/robustness.md): the bundled fragile model (trained without
// augmentation) against the robust one (rotation/zoom/intensity/noise augmentation) under the paper's transforms.
// npm run case-study:robustness   (a full run rewrites docs/img/case-robustness-*.png and the page's tables)
import sharp from 'sharp'
import { CARDIAC_CLASSES, brightness, contrast, fixtureModelPath, ghosting, loadFixtureSamples, loadOnnxModel, motion, renderChartPng, rotate, spike, summarize, sweep } from 'segsense'
import { caseStudyArgs, fmt, fmtInterval, log, markdownTable, writeFigure, writeNumbers, writeTable } from './lib.mjs'

const args = caseStudyArgs()
const MIN = 0.8
const samples = (await loadFixtureSamples()).slice(0, args.quick ? 2 : 8)
const coarse = args.quick ? 3 : 1
// One row per question of the paper: the transform, its grid, and the unit its interval is read in.
const studies = [
  { transform: rotate, range: [-180, 180], step: 10 * coarse, unit: 'deg' },
  { transform: brightness, range: [0.25, 4], step: 0.25 * coarse, unit: 'x' },
  { transform: contrast, range: [0.25, 4], step: 0.25 * coarse, unit: 'x' },
  { transform: spike, range: [0, 2.5], step: 0.1 * coarse, unit: '' },
  { transform: motion, range: [-10, 10], step: 1 * coarse, unit: 'deg' },
  { transform: ghosting, range: [0, 1], step: 0.05 * coarse, unit: '' },
]

const models = {}
for (const name of ['cardiac-fragile', 'cardiac-robust']) models[name] = await loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
const numbers = { min: MIN, samples: samples.length, transforms: {} }
const rows = []
try {
  for (const { transform, range, step, unit } of studies) {
    const entry = {}
    const charts = []
    for (const [name, model] of Object.entries(models)) {
      log(name, transform.name)
      const result = await sweep(model, samples, transform, { range, step })
      const s = summarize(result, { min: MIN })
      entry[name] = Object.fromEntries(Object.entries(s.classes).map(([c, v]) => [c, { interval: v.interval, auc: v.auc, worst: v.worst }]))
      entry[name].values = result.values
      entry[name].lvDice = result.mean.dice.LV
      charts.push(await renderChartPng(result, { min: MIN, title: `${name}: ${transform.name}`, width: 480, height: 260 }))
    }
    numbers.transforms[transform.name] = entry
    // Both models side by side in one figure.
    const metas = await Promise.all(charts.map((c) => sharp(c).metadata()))
    const height = Math.max(...metas.map((m) => m.height))
    const figure = await sharp({ create: { width: metas[0].width + metas[1].width, height, channels: 4, background: '#ffffff' } })
      .composite([{ input: Buffer.from(charts[0]), left: 0, top: 0 }, { input: Buffer.from(charts[1]), left: metas[0].width, top: 0 }])
      .png()
      .toBuffer()
    writeFigure(args, `case-robustness-${transform.name}`, figure)
    const f = entry['cardiac-fragile'].LV
    const r = entry['cardiac-robust'].LV
    rows.push([transform.name, fmtInterval(f.interval, unit), fmt(f.auc), fmtInterval(r.interval, unit), fmt(r.auc)])
  }
} finally {
  for (const model of Object.values(models)) await model.close?.()
}

writeNumbers(args, 'robustness', numbers)
writeTable(args, 'robustness.md', 'summary', markdownTable(['transform', `fragile: LV Dice >= ${MIN}`, 'fragile LV AUC', `robust: LV Dice >= ${MIN}`, 'robust LV AUC'], rows))
log('done')
