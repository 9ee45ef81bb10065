// The README's quick start, kept identical to it (test/e2e/readme.test.ts and test/e2e/doc-examples.test.ts check).
import { fileURLToPath } from 'node:url'
import { loadSample, functionModel, labelMap, sweep, rotate, summarize } from 'segsense'

const dir = fileURLToPath(new URL('../../fixtures/samples/cardiac/', import.meta.url))
const sample = await loadSample('sa-01', `${dir}sa-01.png`, `${dir}sa-01-mask.png`)
// A stand-in model: "LV" = bright pixels within 16 px of where the heart usually lies.
const [hx, hy] = [148, 103]
const model = functionModel('bright-spot', { 3: 'LV' }, (img) =>
  labelMap(img.width, img.height, img.data.map((v, i) =>
    v > 0.55 && Math.hypot((i % img.width) - hx, Math.floor(i / img.width) - hy) < 16 ? 3 : 0)))

const result = await sweep(model, sample, rotate, { range: [-90, 90], step: 10 })
const { classes } = summarize(result, { min: 0.5 })
for (const [name, s] of Object.entries(classes))
  console.log(name, 'stable in', s.interval, 'AUC', s.auc?.toFixed(3), 'worst', s.worst)
