// Case study 1, model suitability (docs/case-studies/suitability.md): the bundled models given data prepared
// another way, transposed and at another size, and the sweeps that say how to prepare it.
// npm run case-study:suitability   (a full run rewrites docs/img/case-suitability-*.png and the page's tables)
import {
  CARDIAC_CLASSES,
  aggregate,
  dihedral,
  fixtureModelPath,
  loadFixtureSamples,
  loadOnnxModel,
  renderChartPng,
  resize,
  sample,
  summarize,
  sweep,
} from 'segsense'
import { caseStudyArgs, fmt, fmtInterval, log, markdownTable, writeFigure, writeNumbers, writeTable } from './lib.mjs'

const args = caseStudyArgs()
const MIN = 0.8
// 95 % percentile bootstrap bands over samples, seeded: the same run gives the same numbers.
const BAND = { confidence: 0.95, resamples: 2000, seed: 0 }
const all = await loadFixtureSamples()
const samples = all.slice(0, args.quick ? 3 : 8)
// As a volume read in the other axis order gives it (NIfTI column-major read as row-major): every slice transposed.
const TRANSPOSE = 4
const transposed = samples.map((s) =>
  sample(s.id, dihedral.image(s.image, TRANSPOSE), s.truth && dihedral.labels(s.truth, TRANSPOSE)),
)
// And resampled to a finer matrix (384 px instead of 256 px over the same field of view).
const GIVEN_SIZE = 384
const finer = transposed.map((s) =>
  sample(s.id, resize.image(s.image, GIVEN_SIZE), s.truth && resize.labels(s.truth, GIVEN_SIZE)),
)

const numbers = { min: MIN, samples: samples.length, givenSize: GIVEN_SIZE, models: {} }
const orientationRows = []
const sizeRows = []
for (const name of ['cardiac-fragile', 'cardiac-robust']) {
  const model = await loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
  try {
    log(name, 'orientation: dihedral sweep of the transposed 384 px data')
    const orientation = await sweep(model, finer, dihedral)
    const lv = orientation.mean.dice.LV
    let best = 0
    for (let k = 1; k < lv.length; k++) if ((lv[k] ?? -1) > (lv[best] ?? -1)) best = k
    const bestCode = orientation.values[best]
    const orientationBand = aggregate(orientation, { min: MIN, ...BAND }).classes.LV
    writeFigure(
      args,
      `case-suitability-orientation-${name}`,
      await renderChartPng(orientation, { ...BAND, min: MIN, title: `${name}: dihedral codes on transposed data` }),
    )

    // With the orientation fixed, which size? The resize sweep's parameter is the longer side in px.
    const oriented = finer.map((s) =>
      sample(s.id, dihedral.image(s.image, bestCode), s.truth && dihedral.labels(s.truth, bestCode)),
    )
    log(name, `size: resize sweep after dihedral ${bestCode}`)
    const sizes = await sweep(model, oriented, resize, { range: [128, 512], step: args.quick ? 128 : 32 })
    writeFigure(
      args,
      `case-suitability-size-${name}`,
      await renderChartPng(sizes, { ...BAND, min: MIN, title: `${name}: resize (longer side, px)` }),
    )
    const sizeSummary = summarize(sizes, { min: MIN })
    const at = (v) => sizes.mean.dice.LV[sizes.values.indexOf(v)]
    const sizeBand = aggregate(sizes, { min: MIN, ...BAND }).classes.LV
    const ci = (band, k) => `[${fmt(band.lower[k])}, ${fmt(band.upper[k])}]`
    const bestSize = sizes.values[sizes.mean.dice.LV.reduce((b, v, k, a) => ((v ?? -1) > (a[b] ?? -1) ? k : b), 0)]

    numbers.models[name] = {
      orientation: {
        values: orientation.values,
        lvDice: lv,
        lvLower: orientationBand.lower,
        lvUpper: orientationBand.upper,
        myoDice: orientation.mean.dice.MYO,
        rvDice: orientation.mean.dice.RV,
        best: bestCode,
        asGiven: lv[0],
        atBest: lv[best],
      },
      size: {
        values: sizes.values,
        lvDice: sizes.mean.dice.LV,
        lvLower: sizeBand.lower,
        lvUpper: sizeBand.upper,
        interval: sizeSummary.classes.LV.interval,
        lowerInterval: sizeBand.lowerInterval,
        best: bestSize,
        atGiven: at(GIVEN_SIZE),
        atBest: at(bestSize),
      },
    }
    orientationRows.push([
      name,
      ...orientation.values.map((_, k) =>
        k === best ? `**${fmt(lv[k])}** ${ci(orientationBand, k)}` : `${fmt(lv[k])} ${ci(orientationBand, k)}`,
      ),
    ])
    sizeRows.push([
      name,
      fmtInterval(sizeSummary.classes.LV.interval, 'px'),
      fmtInterval(sizeBand.lowerInterval, 'px'),
      `${bestSize} px`,
      `${fmt(at(GIVEN_SIZE))} ${ci(sizeBand, sizes.values.indexOf(GIVEN_SIZE))}`,
      `${fmt(at(bestSize))} ${ci(sizeBand, sizes.values.indexOf(bestSize))}`,
    ])
  } finally {
    await model.close?.()
  }
}

writeNumbers(args, 'suitability', numbers)
writeTable(
  args,
  'suitability.md',
  'orientation',
  markdownTable(
    ['model', ...(dihedral.parameter.categories ? Object.values(dihedral.parameter.categories) : [])],
    orientationRows,
  ),
)
writeTable(
  args,
  'suitability.md',
  'size',
  markdownTable(
    [
      'model',
      `LV Dice >= ${MIN} for sizes (mean)`,
      '(95 % lower bound)',
      'best size',
      `LV Dice at ${GIVEN_SIZE} px (as given)`,
      'LV Dice at the best size',
    ],
    sizeRows,
  ),
)
log('done')
