// Case study 2, model robustness (docs/case-studies/robustness.md): the bundled fragile model (trained without
// augmentation) against the robust one (rotation/zoom/intensity/noise augmentation) under the paper's transforms.
// npm run case-study:robustness   (a full run rewrites docs/img/case-robustness-*.png and the page's tables)
import sharp from 'sharp'
import {
  CARDIAC_CLASSES,
  aggregate,
  brightness,
  compareModels,
  contrast,
  fixtureModelPath,
  ghosting,
  gridHeatmapSpec,
  loadFixtureSamples,
  loadOnnxModel,
  motion,
  renderChartPng,
  renderSpecPng,
  rotate,
  spike,
  spikePosition,
  stableRegion,
  summarize,
  sweep,
  sweepGrid,
} from 'segsense'
import { caseStudyArgs, fmt, fmtInterval, log, markdownTable, writeFigure, writeNumbers, writeTable } from './lib.mjs'

const args = caseStudyArgs()
const MIN = 0.8
// 95 % percentile bootstrap bands over samples, seeded: the same run gives the same numbers.
const BAND = { confidence: 0.95, resamples: 2000, seed: 0 }
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
for (const name of ['cardiac-fragile', 'cardiac-robust'])
  models[name] = await loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
const numbers = { min: MIN, samples: samples.length, transforms: {} }
const rows = []
const comparisonRows = []
const gridRows = []
try {
  for (const { transform, range, step, unit } of studies) {
    const entry = {}
    const charts = []
    const results = {}
    for (const [name, model] of Object.entries(models)) {
      log(name, transform.name)
      const result = await sweep(model, samples, transform, { range, step })
      results[name] = result
      const s = summarize(result, { min: MIN })
      const band = aggregate(result, { min: MIN, ...BAND })
      entry[name] = Object.fromEntries(
        Object.entries(s.classes).map(([c, v]) => [
          c,
          { interval: v.interval, lowerInterval: band.classes[c]?.lowerInterval ?? null, auc: v.auc, worst: v.worst },
        ]),
      )
      entry[name].values = result.values
      entry[name].lvDice = result.mean.dice.LV
      entry[name].lvLower = band.classes.LV.lower
      entry[name].lvUpper = band.classes.LV.upper
      charts.push(
        await renderChartPng(result, {
          min: MIN,
          title: `${name}: ${transform.name}`,
          width: 480,
          height: 260,
          ...BAND,
        }),
      )
    }
    // The fragile model as the candidate against the robust one: the AUC difference with its paired bootstrap
    // interval over samples, and the paired Wilcoxon p-value on the per-sample AUCs.
    const comparison = compareModels(results['cardiac-fragile'], results['cardiac-robust'], { min: MIN, ...BAND })
    entry.comparison = comparison.classes.map((c) => ({
      className: c.className,
      auc: c.auc,
      p: c.wilcoxon?.pvalue ?? null,
      widthDifference: c.widthDifference,
      pass: c.pass,
    }))
    const lvCompare = comparison.classes.find((c) => c.className === 'LV')
    comparisonRows.push([
      transform.name,
      `${fmt(lvCompare.auc.difference, 3)} [${fmt(lvCompare.auc.lower, 3)}, ${fmt(lvCompare.auc.upper, 3)}]`,
      lvCompare.wilcoxon ? lvCompare.wilcoxon.pvalue.toPrecision(2) : '-',
      lvCompare.pass ? 'no' : 'yes',
    ])
    numbers.transforms[transform.name] = entry
    // Both models side by side in one figure.
    const metas = await Promise.all(charts.map((c) => sharp(c).metadata()))
    const height = Math.max(...metas.map((m) => m.height))
    const figure = await sharp({
      create: { width: metas[0].width + metas[1].width, height, channels: 4, background: '#ffffff' },
    })
      .composite([
        { input: Buffer.from(charts[0]), left: 0, top: 0 },
        { input: Buffer.from(charts[1]), left: metas[0].width, top: 0 },
      ])
      .png()
      .toBuffer()
    writeFigure(args, `case-robustness-${transform.name}`, figure)
    const f = entry['cardiac-fragile'].LV
    const r = entry['cardiac-robust'].LV
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

  // misas' figure 4: spike intensity x spike row position, one spike per cell (an option axis varies the position).
  const gridAxes = args.quick
    ? [{ values: [0, 1, 2] }, { values: [0.1, 0.5, 0.9] }]
    : [
        { range: [0, 2], step: 0.25 },
        { range: [0.1, 0.9], step: 0.1 },
      ]
  numbers.grid = {}
  const heatmaps = []
  for (const [name, model] of Object.entries(models)) {
    log(name, 'spike intensity x row position grid')
    const grid = await sweepGrid(
      model,
      samples,
      [spike, { parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }],
      { axes: gridAxes },
    )
    const region = stableRegion(grid, { className: 'LV', min: MIN })
    const failing = grid.mean.dice.LV.flat().filter((v) => v === null || v < MIN).length
    numbers.grid[name] = { region, cells: grid.mean.dice.LV.flat().length, failing, lvDice: grid.mean.dice.LV }
    gridRows.push([
      name,
      region ? `${region.cells} of ${region.total}` : 'none',
      region ? `${fmt(region.extent[0].from, 2)} to ${fmt(region.extent[0].to, 2)}` : '-',
      String(failing),
    ])
    heatmaps.push(
      await renderSpecPng(
        gridHeatmapSpec(grid, { className: 'LV', min: MIN, title: `${name}: LV dice, spike intensity x row` }),
      ),
    )
  }
  const hm = await Promise.all(heatmaps.map((c) => sharp(c).metadata()))
  writeFigure(
    args,
    'case-robustness-spike-grid',
    await sharp({
      create: {
        width: hm[0].width + hm[1].width,
        height: Math.max(hm[0].height, hm[1].height),
        channels: 4,
        background: '#ffffff',
      },
    })
      .composite([
        { input: Buffer.from(heatmaps[0]), left: 0, top: 0 },
        { input: Buffer.from(heatmaps[1]), left: hm[0].width, top: 0 },
      ])
      .png()
      .toBuffer(),
  )
} finally {
  for (const model of Object.values(models)) await model.close?.()
}

writeNumbers(args, 'robustness', numbers)
writeTable(
  args,
  'robustness.md',
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
  'robustness.md',
  'comparison',
  `## Fragile against robust\n\n\`compareModels(fragile, robust, { min: ${MIN}, confidence: 0.95 })\` per transform: the LV AUC difference (fragile − robust, mean over samples) with its paired 95 % bootstrap interval, the paired Wilcoxon signed-rank p-value on the per-sample AUCs (8 samples: 0.0078 is the smallest two-sided p possible), and whether \`toBeAtLeastAsRobustAs(robust, ..., { margin: 0, confidence: 0.95 })\` fails the fragile model: it passes only when the interval's lower bound is at or above 0, i.e. the fragile model is shown no less robust.\n\n${markdownTable(['transform', 'LV AUC difference [95 % interval]', 'p', 'gate fails?'], comparisonRows)}`,
)
writeTable(
  args,
  'robustness.md',
  'grid',
  `## Spike position x intensity (misas' figure 4)\n\n\`sweepGrid\` over spike intensity (rows) and the spike's k-space row (columns, at column 0.1), one spike per cell; the stable region is the cells connected to the neutral cell where the mean LV Dice stays >= ${MIN}.\n\n${markdownTable(['model', 'stable region (cells)', 'intensity extent', 'failing cells'], gridRows)}\n\n![spike grid: fragile (left) and robust (right)](../img/case-robustness-spike-grid.png)`,
)
log('done')
