// Case study 4, a newly trained model on real scans (docs/case-studies/real-trained.md): the paper's second case study
// redone on real MRI. The two fixture models trained on 4 Sunnybrook patients (fixtures/README.md), without and with
// augmentation, swept on the held-out patient SCD0000501, read from ../shared/data/sunnybrook-lv (never copied).
// npm run case-study:real-trained   (a full run rewrites docs/img/case-real-trained-*.png and the page's tables)
import sharp from 'sharp'
import {
  SUNNYBROOK_CLASSES,
  aggregate,
  brightness,
  compareModels,
  contrast,
  fixtureModelPath,
  loadOnnxModel,
  motion,
  renderChartPng,
  rotate,
  spike,
  summarize,
  sweep,
  zoom,
} from 'segsense'
import {
  caseStudyArgs,
  fmt,
  fmtInterval,
  log,
  markdownTable,
  sunnybrookData,
  writeFigure,
  writeNumbers,
  writeTable,
} from './lib.mjs'

const args = caseStudyArgs()
const sunnybrook = sunnybrookData()
const MIN = 0.8
// 95 % percentile bootstrap bands over the slices, seeded: the same run gives the same numbers.
const BAND = { confidence: 0.95, resamples: 2000, seed: 0 }
const HELD_OUT = 'SCD0000501'
const NAMES = ['sunnybrook-fragile', 'sunnybrook-robust']
// The held-out patient only: 22 slices, all with the LV cavity contour, the 9 end-diastole ones with the myocardium.
const meta = sunnybrook.meta.filter((m) => m.patient === HELD_OUT)
// Quick form: 3 end-diastole and 3 end-systole slices.
const chosen = args.quick
  ? [
      ...meta.filter((m) => m.myocardium_annotated).slice(0, 3),
      ...meta.filter((m) => !m.myocardium_annotated).slice(0, 3),
    ]
  : meta
const all = await Promise.all(chosen.map(sunnybrook.load))
const ed = all.filter((_, i) => chosen[i].myocardium_annotated)
const coarse = args.quick ? 3 : 1
// The paper's transforms (as case study 2) plus zoom; the slices go in as loaded (no window: the models normalise).
const studies = [
  { transform: rotate, range: [-180, 180], step: 10 * coarse, unit: 'deg' },
  { transform: zoom, range: [0.5, 2], step: 0.1 * coarse, unit: 'x' },
  { transform: brightness, range: [0.25, 4], step: 0.25 * coarse, unit: 'x' },
  { transform: contrast, range: [0.25, 4], step: 0.25 * coarse, unit: 'x' },
  { transform: spike, range: [0, 2.5], step: 0.1 * coarse, unit: '' },
  { transform: motion, range: [-10, 10], step: 1 * coarse, unit: 'deg' },
]

const models = {}
for (const name of NAMES) models[name] = await loadOnnxModel(fixtureModelPath(name), { classes: SUNNYBROOK_CLASSES })
const numbers = { min: MIN, heldOut: HELD_OUT, slices: all.length, edSlices: ed.length, neutral: {}, transforms: {} }
const neutralRows = []
const rows = []
const comparisonRows = []
try {
  // 1. Held-out Dice at the neutral value: LV on every slice, MYO where its contour exists.
  for (const [name, model] of Object.entries(models)) {
    log(name, 'neutral')
    const lv = aggregate(await sweep(model, all, rotate, { values: [0], scoreClasses: ['LV'] }), { min: MIN, ...BAND })
      .classes.LV
    const myo = aggregate(await sweep(model, ed, rotate, { values: [0], scoreClasses: ['MYO'] }), { min: MIN, ...BAND })
      .classes.MYO
    numbers.neutral[name] = {
      lv: lv.mean[0],
      lvLower: lv.lower[0],
      lvUpper: lv.upper[0],
      myo: myo.mean[0],
      myoLower: myo.lower[0],
      myoUpper: myo.upper[0],
    }
    neutralRows.push([
      name,
      `${fmt(lv.mean[0], 3)} [${fmt(lv.lower[0], 3)}, ${fmt(lv.upper[0], 3)}]`,
      `${fmt(myo.mean[0], 3)} [${fmt(myo.lower[0], 3)}, ${fmt(myo.upper[0], 3)}]`,
    ])
  }

  // 2. The sweeps: LV on all held-out slices (the cavity is the one contour every slice has).
  for (const { transform, range, step, unit } of studies) {
    const entry = {}
    const charts = []
    const results = {}
    for (const [name, model] of Object.entries(models)) {
      log(name, transform.name)
      const result = await sweep(model, all, transform, { range, step, scoreClasses: ['LV'] })
      results[name] = result
      const s = summarize(result, { min: MIN }).classes.LV
      const band = aggregate(result, { min: MIN, ...BAND }).classes.LV
      entry[name] = {
        values: result.values,
        lvDice: result.mean.dice.LV,
        lvLower: band.lower,
        lvUpper: band.upper,
        interval: s.interval,
        lowerInterval: band.lowerInterval,
        auc: s.auc,
        worst: s.worst,
      }
      charts.push(
        await renderChartPng(result, {
          min: MIN,
          title: `${name}: ${transform.name} (${HELD_OUT})`,
          width: 480,
          height: 260,
          ...BAND,
        }),
      )
    }
    // Paired over slices: fragile as the candidate against robust (AUC difference, its bootstrap interval, Wilcoxon).
    const c = compareModels(results['sunnybrook-fragile'], results['sunnybrook-robust'], {
      min: MIN,
      scoreClasses: ['LV'],
      ...BAND,
    }).classes.find((k) => k.className === 'LV')
    entry.comparison = { auc: c.auc, p: c.wilcoxon?.pvalue ?? null, widthDifference: c.widthDifference, pass: c.pass }
    comparisonRows.push([
      transform.name,
      `${fmt(c.auc.difference, 3)} [${fmt(c.auc.lower, 3)}, ${fmt(c.auc.upper, 3)}]`,
      c.wilcoxon ? c.wilcoxon.pvalue.toPrecision(2) : '-',
      c.pass ? 'no' : 'yes',
    ])
    numbers.transforms[transform.name] = entry
    const metas = await Promise.all(charts.map((p) => sharp(p).metadata()))
    const figure = await sharp({
      create: {
        width: metas[0].width + metas[1].width,
        height: Math.max(metas[0].height, metas[1].height),
        channels: 4,
        background: '#ffffff',
      },
    })
      .composite([
        { input: Buffer.from(charts[0]), left: 0, top: 0 },
        { input: Buffer.from(charts[1]), left: metas[0].width, top: 0 },
      ])
      .png()
      .toBuffer()
    writeFigure(args, `case-real-trained-${transform.name}`, figure)
    const f = entry['sunnybrook-fragile']
    const r = entry['sunnybrook-robust']
    rows.push([
      transform.name,
      fmtInterval(f.interval, unit),
      fmtInterval(f.lowerInterval, unit),
      fmt(f.auc),
      fmtInterval(r.interval, unit),
      fmtInterval(r.lowerInterval, unit),
      fmt(r.auc),
    ])
  }
  // The figure: how much wider the robust model's LV rotation interval is (the full circle counts as 360).
  const width = (i) => (!i || i.kind !== 'interval' ? 0 : i.full ? 360 : i.to - i.from)
  const rot = numbers.transforms.rotate
  const widths = (key) => {
    const w = { fragile: width(rot['sunnybrook-fragile'][key]), robust: width(rot['sunnybrook-robust'][key]) }
    return { ...w, ratio: w.fragile > 0 ? w.robust / w.fragile : null }
  }
  numbers.rotationWidth = widths('interval')
  numbers.rotationLowerWidth = widths('lowerInterval')
} finally {
  for (const model of Object.values(models)) await model.close?.()
}

writeNumbers(args, 'real-trained', numbers)
writeTable(
  args,
  'real-trained.md',
  'neutral',
  markdownTable(
    ['model', `LV Dice [95 % interval] (${all.length} slices)`, `MYO Dice [95 % interval] (${ed.length} slices)`],
    neutralRows,
  ),
)
writeTable(
  args,
  'real-trained.md',
  'summary',
  markdownTable(
    [
      'transform',
      `fragile: LV Dice >= ${MIN} (mean)`,
      'fragile (95 % lower bound)',
      'fragile LV AUC',
      `robust: LV Dice >= ${MIN} (mean)`,
      'robust (95 % lower bound)',
      'robust LV AUC',
    ],
    rows,
  ),
)
writeTable(
  args,
  'real-trained.md',
  'comparison',
  markdownTable(
    ['transform', 'LV AUC difference, fragile − robust [95 % interval]', 'Wilcoxon p', 'gate fails?'],
    comparisonRows,
  ),
)
log('done')
