// Benchmark: memory of a volume sweep. A 256 x 256 x 200 synthetic volume (1.25 x 1.25 x 2 mm, a 40 mm ellipsoid
// with an intensity ramp) swept slice by slice over 37 rotation values with a cheap function model (threshold),
// scored with Dice and hd95 (so the predicted and transformed-truth label volumes are kept). Prints and writes the
// peak RSS next to the RSS before the sweep: the growth should be a few slices' worth plus the two label buffers,
// not a copy of the volume per value. Runs on the built library: `npm run build && node bench/volume.mjs`.
// Not a test (timing depends on the machine); writes bench/results/volume.json and .md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { functionModel, rotate, sweep, sweepValues } from '../dist/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const dims = [256, 256, 200]
const spacing = [1.25, 1.25, 2]
const [nx, ny, nz] = dims
const image = new Float32Array(nx * ny * nz)
const truth = new Uint8Array(nx * ny * nz)
for (let k = 0, v = 0; k < nz; k++) {
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++, v++) {
      // Normalised radius of an ellipsoid 40 x 30 x 50 mm around the centre.
      const r = Math.hypot(
        ((i - nx / 2) * spacing[0]) / 40,
        ((j - ny / 2) * spacing[1]) / 30,
        ((k - nz / 2) * spacing[2]) / 50,
      )
      image[v] = Math.max(0, 1 - r / 2)
      truth[v] = r <= 1 ? 1 : 0
    }
  }
}
const affine = [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1]
const volume = {
  id: 'synthetic',
  image: { dims, channels: 1, data: image, spacing, affine },
  truth: { dims, data: truth, spacing, affine },
}
const model = functionModel('threshold', { 1: 'blob' }, (img) => {
  const out = new Uint8Array(img.width * img.height)
  for (let i = 0; i < out.length; i++) out[i] = img.data[i] >= 0.5 ? 1 : 0
  return { width: img.width, height: img.height, data: out }
})
const grid = { range: [-90, 90], step: 5 }
const values = sweepValues(rotate.parameter, grid)

const mb = (kb) => Number((kb / 1024).toFixed(1))
global.gc?.()
const before = process.memoryUsage().rss / 1024
const t0 = performance.now()
const result = await sweep(model, volume, rotate, { ...grid, metrics: ['dice', 'hd95'], batchSize: 16 })
const ms = performance.now() - t0
const peak = process.resourceUsage().maxRSS
const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  dims,
  spacing,
  values: values.length,
  slicesPredicted: result.timing.predictions,
  volumeMB: mb((image.byteLength + truth.byteLength) / 1024),
  rssBeforeSweepMB: mb(before),
  peakRssMB: mb(peak),
  growthMB: mb(peak - before),
  sweepMs: Math.round(ms),
  timing: result.timing,
  dice: { min: Math.min(...result.mean.dice.blob), neutral: result.mean.dice.blob[values.indexOf(0)] },
  hd95: {
    max: Math.max(...result.mean.hd95.blob.filter((v) => v !== null)),
    neutral: result.mean.hd95.blob[values.indexOf(0)],
  },
}
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results/volume.json'), `${JSON.stringify(out, null, 2)}\n`)
const md = [
  '# Volume sweep memory (bench/volume.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu}.`,
  '',
  `A ${dims.join(' x ')} volume (${out.volumeMB} MB of image and labels) swept over ${out.values} rotation values, ${out.slicesPredicted} slices predicted, Dice and hd95 per value.`,
  '',
  '| RSS before the sweep | peak RSS | growth | sweep |',
  '|---|---|---|---|',
  `| ${out.rssBeforeSweepMB} MB | ${out.peakRssMB} MB | ${out.growthMB} MB | ${(out.sweepMs / 1000).toFixed(1)} s |`,
  '',
]
writeFileSync(join(here, 'results/volume.md'), md.join('\n'))
console.log(JSON.stringify(out, null, 2))
