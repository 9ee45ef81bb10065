// Kernels per megapixel at 512x512: rotate (bilinear), zoom, rotate of a label map (nearest), spike, dice over 4
// classes, hd95 over 3 classes, fft2 + ifft2; with scipy/numpy doing the same work in the same run when python3
// with scipy is present (bench/cases/kernels.py), and the baseline's kernels with --baseline. Median ms per call.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { baselineDir, benchDir, importDist, machine, round, writeResult } from '../lib.mjs'
import { medianMs } from '../timing.mjs'

const N = 512
const MP = (N * N) / 1e6
const timing = { warmup: 3, rounds: 9, minMs: 40 }

async function kernels(from) {
  const { rotate, zoom, raster, labelMap, scoreMasks, surfaceDistances } = await importDist('index.js', from)
  const { spike } = await importDist('transforms/mri/index.js', from)
  const { fft2, ifft2 } = await importDist('transforms/fft/index.js', from)
  const img = raster(
    N,
    N,
    1,
    Float32Array.from({ length: N * N }, (_, i) => Math.sin(i * 0.001) * 0.5 + 0.5),
  )
  const mask = labelMap(
    N,
    N,
    Uint8Array.from({ length: N * N }, (_, i) => (i % 7) & 3),
  )
  const heart = (dx, scale) => {
    const data = new Uint8Array(N * N)
    const r = (N / 10) * scale
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const d = Math.hypot(x - N / 2 - dx, y - N / 2)
        const drv = Math.hypot(x - N / 2 - dx + 1.2 * r, y - N / 2)
        data[y * N + x] = d < r ? 3 : d < 1.4 * r ? 2 : drv < 1.5 * r ? 1 : 0
      }
    return labelMap(N, N, data)
  }
  const truth = heart(0, 1)
  const pred = heart(N / 64, 1.05)
  const quad = labelMap(
    N,
    N,
    truth.data.map((v, i) => v + (i % N > N / 2 ? 1 : 0)),
  )
  const classes3 = { 1: 'RV', 2: 'MYO', 3: 'LV' }
  const classes4 = { 1: 'a', 2: 'b', 3: 'c', 4: 'd' }
  return {
    'rotate bilinear': () => rotate.image(img, 33),
    'zoom bilinear': () => zoom.image(img, 1.3),
    'rotate labels nearest': () => rotate.labels(mask, 33),
    spike: () => spike.image(img, 1),
    'dice, 4 classes': () => scoreMasks(pred, quad, { classes: classes4, metrics: ['dice'] }),
    'hd95, 3 classes': () => surfaceDistances(pred, truth, classes3),
    'fft2 + ifft2': () => ifft2(fft2(img)),
  }
}

const ours = await kernels()
const base = baselineDir ? await kernels(baselineDir) : undefined
const rows = []
for (const name of Object.keys(ours)) {
  const ms = medianMs(ours[name], timing)
  const baseMs = base ? medianMs(base[name], timing) : undefined
  rows.push({
    kernel: name,
    ms: round(ms, 2),
    msPerMP: round(ms / MP, 2),
    ...(baseMs !== undefined ? { baselineMs: round(baseMs, 2) } : {}),
  })
}
let scipy
try {
  scipy = JSON.parse(
    execFileSync('python3', [join(benchDir, 'cases', 'kernels.py')], { encoding: 'utf8', timeout: 120_000 }),
  )
} catch (err) {
  console.log(`scipy side skipped: ${String(err.message ?? err).split('\n')[0]}`)
}
for (const r of rows) if (scipy?.ms[r.kernel] !== undefined) r.scipyMs = round(scipy.ms[r.kernel], 2)
const mapCoordinates = scipy?.ms['rotate bilinear (map_coordinates, coordinates given)']
const out = {
  ...machine(),
  size: `${N}x${N}`,
  rows,
  ...(scipy ? { scipy: scipy.scipy, numpy: scipy.numpy, scipyMapCoordinatesMs: round(mapCoordinates, 2) } : {}),
  ...(baselineDir ? { baseline: baselineDir } : {}),
}
const md = [
  '# Kernels (bench/cases/kernels.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. ${N}x${N}, median ms per call${scipy ? `; scipy ${out.scipy} / numpy ${out.numpy} (bench/cases/kernels.py) in the same run` : ''}.`,
  '',
  `| kernel | segsense ms | ms per megapixel |${base ? ' baseline ms |' : ''}${scipy ? ' scipy/numpy ms |' : ''}`,
  `|---|---:|---:|${base ? '---:|' : ''}${scipy ? '---:|' : ''}`,
  ...rows.map(
    (r) =>
      `| ${r.kernel} | ${r.ms} | ${r.msPerMP} |${base ? ` ${r.baselineMs} |` : ''}${scipy ? ` ${r.scipyMs ?? ''} |` : ''}`,
  ),
  '',
  scipy
    ? `scipy: rotate = \`affine_transform(order=1)\`, zoom = \`affine_transform\` with a diagonal matrix, labels = \`affine_transform(order=0)\`; \`map_coordinates(order=1)\` with the coordinates already computed: ${out.scipyMapCoordinatesMs} ms. hd95 = boundaries by \`binary_erosion\`, two \`distance_transform_edt\` per class, the 95th percentile. spike = numpy fft2, shift, one k-space value, ifft2.`
    : '',
  '',
]
writeResult('kernels', out, md.join('\n'))
