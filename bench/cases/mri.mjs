// Benchmark of the k-space path (issue 4): fft2+ifft2 at 256x256 and 216x256 (Bluestein rows), and the
// spike, ghosting and motion transforms at 256x256. Runs on the built library: `npm run build && node bench/cases/mri.mjs`.
// Writes bench/results/mri.json and bench/results/mri.md. Not a test: the figures depend on the machine.
import { writeFileSync, mkdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fft2, ifft2 } from '../../dist/transforms/fft/index.js'
import { spike, ghosting, motion } from '../../dist/transforms/mri/index.js'
import { medianMs } from '../timing.mjs'

const here = dirname(fileURLToPath(import.meta.url))

function image(w, h) {
  const data = new Float32Array(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      data[y * w + x] = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (w / 3) ** 2 ? 0.8 : 0.1 + 0.1 * Math.sin(x / 7)
  return { width: w, height: h, channels: 1, data }
}

const img256 = image(256, 256)
const img216 = image(216, 256)
const cases = [
  ['fft2+ifft2 256x256', () => ifft2(fft2(img256))],
  ['fft2+ifft2 216x256', () => ifft2(fft2(img216))],
  ['spike 256x256', () => spike.image(img256, 1)],
  ['ghosting 256x256', () => ghosting.image(img256, 0.5)],
  ['motion 256x256', () => motion.image(img256, 5)],
]
const results = {}
for (const [name, fn] of cases) {
  results[name] = Number(medianMs(fn).toFixed(4))
  console.log(`${name.padEnd(22)} ${results[name].toFixed(3)} ms/op`)
}
const ratio = Number((results['fft2+ifft2 216x256'] / results['fft2+ifft2 256x256']).toFixed(3))
console.log(`ratio 216x256 / 256x256: ${ratio} (target <= 4)`)
const meta = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', date: new Date().toISOString() }
mkdirSync(join(here, '..', 'results'), { recursive: true })
writeFileSync(
  join(here, '..', 'results', 'mri.json'),
  JSON.stringify({ unit: 'ms/op (median)', results, ratio216over256: ratio, target: 4, ...meta }, null, 2) + '\n',
)
const md = [
  '# k-space benchmark (bench/cases/mri.mjs)',
  '',
  `${meta.date}, Node ${meta.node}, ${meta.cpu}. Median ms per operation.`,
  '',
  '| operation | ms/op |',
  '|---|---:|',
  ...Object.entries(results).map(([k, v]) => `| ${k} | ${v.toFixed(3)} |`),
  '',
  `Non-power-of-two round trip (216x256, Bluestein along rows) / power-of-two (256x256): **${ratio}x** (target: within 4x).`,
  '',
]
writeFileSync(join(here, '..', 'results', 'mri.md'), md.join('\n'))
