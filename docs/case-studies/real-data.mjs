// Case study 3, real data (docs/case-studies/real-data.md): the bundled models, trained on synthetic phantoms, on
// real short-axis cine MRI with expert contours (Sunnybrook Cardiac Data, CC0), read from ../shared/data/sunnybrook-lv
// (never copied into the repository). Which preparation (intensity window, orientation, scale) helps, and how far
// from usable are they? npm run case-study:real-data
import {
  CARDIAC_CLASSES,
  aggregate,
  dihedral,
  fixtureModelPath,
  loadOnnxModel,
  raster,
  renderChartPng,
  rotate,
  sample,
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
const SCORED = ['MYO', 'LV']
// End-diastole slices carry both contours (myocardium and cavity); end-systole ones only the cavity.
const meta = sunnybrook.meta.filter((m) => m.myocardium_annotated)
const chosen = args.quick ? meta.filter((_, i) => i % 12 === 0) : meta
const loaded = await Promise.all(chosen.map(sunnybrook.load))

/** Intensities mapped linearly so that the `lo` and `hi` quantiles of the image become 0 and 1, then clipped. */
function windowed(img, lo, hi) {
  const sorted = Float32Array.from(img.data).sort()
  const a = sorted[Math.floor(lo * (sorted.length - 1))]
  const b = sorted[Math.floor(hi * (sorted.length - 1))]
  const scale = b > a ? 1 / (b - a) : 0
  return raster(
    img.width,
    img.height,
    img.channels,
    img.data.map((v) => Math.min(1, Math.max(0, (v - a) * scale))),
  )
}
// The 16-bit PNGs hold the DICOM values (max 900-2000): scaled by bit depth they are nearly black.
const preparations = {
  'bit depth (as loaded)': loaded,
  'min-max': loaded.map((s) => sample(s.id, windowed(s.image, 0, 1), s.truth)),
  'percentile 1-99 %': loaded.map((s) => sample(s.id, windowed(s.image, 0.01, 0.99), s.truth)),
  'percentile 0-99.5 %': loaded.map((s) => sample(s.id, windowed(s.image, 0, 0.995), s.truth)),
}

const models = {}
for (const name of ['cardiac-fragile', 'cardiac-robust'])
  models[name] = await loadOnnxModel(fixtureModelPath(name), { classes: CARDIAC_CLASSES })
const numbers = { min: MIN, slices: loaded.length, preparation: {}, orientation: {}, scale: {}, rotation: {} }
const prepRows = []
const sweepRows = []
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : null
}
try {
  // 1. Intensity: the clean prediction (one value, the neutral rotation) under each preparation.
  for (const [prep, samples] of Object.entries(preparations)) {
    const row = [prep]
    numbers.preparation[prep] = {}
    for (const [name, model] of Object.entries(models)) {
      log(name, prep)
      const r = await sweep(model, samples, rotate, { values: [0], scoreClasses: SCORED })
      const perSample = r.samples.map((s) => s.scores.dice.LV[0])
      const band = aggregate(r, { min: MIN, ...BAND }).classes
      numbers.preparation[prep][name] = {
        lv: r.mean.dice.LV[0],
        lvLower: band.LV.lower[0],
        lvUpper: band.LV.upper[0],
        myo: r.mean.dice.MYO[0],
        myoLower: band.MYO.lower[0],
        myoUpper: band.MYO.upper[0],
        lvMedian: median(perSample),
      }
      row.push(
        `${fmt(r.mean.dice.LV[0])} [${fmt(band.LV.lower[0])}, ${fmt(band.LV.upper[0])}] / ${fmt(r.mean.dice.MYO[0])} [${fmt(band.MYO.lower[0])}, ${fmt(band.MYO.upper[0])}]`,
      )
    }
    prepRows.push(row)
  }
  const best = Object.entries(numbers.preparation).reduce(
    (b, [p, v]) => (v['cardiac-robust'].lv > numbers.preparation[b]['cardiac-robust'].lv ? p : b),
    'min-max',
  )
  numbers.bestPreparation = best
  const samples = preparations[best]

  // 2.-4. Orientation, scale (the synthetic training data have 1.5 mm pixels; these 1.29-1.37 mm) and rotation.
  const sweeps = [
    { key: 'orientation', transform: dihedral, options: {}, unit: '' },
    { key: 'scale', transform: zoom, options: { range: [0.5, 2], step: args.quick ? 0.5 : 0.1 }, unit: 'x' },
    { key: 'rotation', transform: rotate, options: { range: [-180, 180], step: args.quick ? 60 : 15 }, unit: 'deg' },
  ]
  for (const { key, transform, options, unit } of sweeps) {
    const row = [transform.name]
    for (const [name, model] of Object.entries(models)) {
      log(name, transform.name, 'with', best)
      const r = await sweep(model, samples, transform, { ...options, scoreClasses: SCORED })
      const s = summarize(r, { min: MIN }).classes.LV
      const band = aggregate(r, { min: MIN, ...BAND }).classes.LV
      const lv = r.mean.dice.LV
      const k = lv.reduce((b, v, i) => ((v ?? -1) > (lv[b] ?? -1) ? i : b), 0)
      numbers[key][name] = {
        values: r.values,
        lvDice: lv,
        lvLower: band.lower,
        lvUpper: band.upper,
        myoDice: r.mean.dice.MYO,
        interval: s.interval,
        lowerInterval: band.lowerInterval,
        auc: s.auc,
        best: { value: r.values[k], lv: lv[k] },
        neutral: s.neutralScore,
      }
      row.push(
        `${fmt(s.neutralScore)} at neutral; best ${fmt(lv[k])} [${fmt(band.lower[k])}, ${fmt(band.upper[k])}] at ${r.values[k]}${unit ? ` ${unit}` : ''}; >= ${MIN}: ${fmtInterval(s.interval, unit)}`,
      )
      writeFigure(
        args,
        `case-real-${key}-${name}`,
        await renderChartPng(r, {
          ...BAND,
          min: MIN,
          title: `${name} on Sunnybrook (${best}): ${transform.name}`,
          width: 480,
          height: 260,
        }),
      )
    }
    sweepRows.push(row)
  }

  // 5. The preparations found, applied together: the best orientation, then the best scale, of each model.
  numbers.combined = {}
  const combinedRow = [`${best}, then each model's best orientation and scale`]
  for (const [name, model] of Object.entries(models)) {
    const k = numbers.orientation[name].best.value
    const z = numbers.scale[name].best.value
    const prepared = samples.map((s) => {
      const image = zoom.image(dihedral.image(s.image, k), z)
      const truth = s.truth && zoom.labels(dihedral.labels(s.truth, k), z)
      return sample(s.id, image, truth)
    })
    const r = await sweep(model, prepared, rotate, { values: [0], scoreClasses: SCORED })
    const band = aggregate(r, { min: MIN, ...BAND }).classes
    numbers.combined[name] = {
      dihedral: k,
      zoom: z,
      lv: r.mean.dice.LV[0],
      lvLower: band.LV.lower[0],
      lvUpper: band.LV.upper[0],
      myo: r.mean.dice.MYO[0],
    }
    combinedRow.push(
      `${fmt(r.mean.dice.LV[0])} [${fmt(band.LV.lower[0])}, ${fmt(band.LV.upper[0])}] / ${fmt(r.mean.dice.MYO[0])} (dihedral ${k}, zoom ${z})`,
    )
  }
  prepRows.push(combinedRow)
} finally {
  for (const model of Object.values(models)) await model.close?.()
}

writeNumbers(args, 'real-data', numbers)
writeTable(
  args,
  'real-data.md',
  'preparation',
  markdownTable(
    ['intensity preparation', 'fragile: LV / MYO Dice [95 % interval]', 'robust: LV / MYO Dice [95 % interval]'],
    prepRows,
  ),
)
writeTable(args, 'real-data.md', 'sweeps', markdownTable(['sweep (LV Dice)', 'fragile', 'robust'], sweepRows))
log('done')
