// Benchmark of the metrics: per-class boundary distances (two exact EDTs per class) against the overlap metrics
// (one pass over both masks) on the same 256x256 and 512x512 cardiac-like label maps, in one run, so the ratio
// is what to read. `npm run build && node bench/cases/metrics.mjs`; writes bench/results/metrics.{json,md}.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labelMap, scoreMasks, surfaceDistances } from '../../dist/index.js'
import { medianMs } from '../timing.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const classes = { 1: 'RV', 2: 'MYO', 3: 'LV' }

// Concentric LV/MYO discs with an RV crescent; the prediction is shifted and scaled a little.
function heart(n, dx, scale) {
  const data = new Uint8Array(n * n)
  const c = n / 2
  const r = (n / 10) * scale
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const d = Math.hypot(x - c - dx, y - c)
      const drv = Math.hypot(x - c - dx + 1.2 * r, y - c)
      data[y * n + x] = d < r ? 3 : d < 1.4 * r ? 2 : drv < 1.5 * r ? 1 : 0
    }
  }
  return labelMap(n, n, data)
}

const timing = { warmup: 3, rounds: 11, minMs: 50 }
const rows = []
for (const n of [256, 512]) {
  const truth = heart(n, 0, 1)
  const pred = heart(n, n / 64, 1.05)
  const overlap = medianMs(
    () => scoreMasks(pred, truth, { classes, metrics: ['dice', 'iou', 'precision', 'recall'] }),
    timing,
  )
  const distance = medianMs(() => surfaceDistances(pred, truth, classes), timing)
  rows.push({ size: `${n}x${n}`, overlapMs: overlap, distanceMs: distance, ratio: distance / overlap })
}

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
}
mkdirSync(join(here, '..', 'results'), { recursive: true })
writeFileSync(join(here, '..', 'results', 'metrics.json'), JSON.stringify({ ...meta, rows }, null, 2) + '\n')
const md = [
  '# Metrics benchmark',
  '',
  `${meta.date} · Node ${meta.node} · ${meta.cpu} × ${meta.cores}. Median ms per call (3 classes), \`node bench/cases/metrics.mjs\`.`,
  '',
  '| mask | overlap metrics (4, one pass) | boundary distances (hd, hd95, assd, masd, asd, nsd) | ratio |',
  '|---|---|---|---|',
  ...rows.map(
    (r) => `| ${r.size} | ${r.overlapMs.toFixed(2)} ms | ${r.distanceMs.toFixed(2)} ms | ${r.ratio.toFixed(1)}x |`,
  ),
  '',
]
writeFileSync(join(here, '..', 'results', 'metrics.md'), md.join('\n'))
console.log(md.join('\n'))
