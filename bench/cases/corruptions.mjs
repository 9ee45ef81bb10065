// The corruptions added last (glass blur, snow, frost, fog, spatter at severity 3) and gibbs (alpha 0.5) on a 512x512
// grey image, median ms per call; with imagecorruptions 1.1.2 and MONAI doing the same in the same run when the oracle
// venv is present (test/oracle/setup.sh; bench/cases/corruptions.py). glass_blur is the one that matters: the
// package's pixel shuffle is a Python loop, ours a typed-array loop.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { benchDir, importDist, machine, repoDir, round, writeResult } from '../lib.mjs'
import { medianMs } from '../timing.mjs'

const N = 512
const timing = { warmup: 2, rounds: 7, minMs: 40 }
const { corruptions, gibbs, raster } = await importDist('index.js')
const img = raster(
  N,
  N,
  1,
  Float32Array.from({ length: N * N }, (_, i) => Math.floor((Math.sin(i * 0.001) * 0.5 + 0.5) * 255) / 255),
)
const cases = {
  glass_blur: () => corruptions.glassBlur.image(img, 3),
  snow: () => corruptions.snow.image(img, 3),
  frost: () => corruptions.frost.image(img, 3),
  fog: () => corruptions.fog.image(img, 3),
  spatter: () => corruptions.spatter.image(img, 3),
  gibbs: () => gibbs.image(img, 0.5),
}
const rows = Object.entries(cases).map(([name, fn]) => ({ corruption: name, ms: round(medianMs(fn, timing), 1) }))
const python = join(repoDir, 'test', 'oracle', '.venv', 'bin', 'python')
let ref
if (existsSync(python)) {
  try {
    ref = JSON.parse(
      execFileSync(python, [join(benchDir, 'cases', 'corruptions.py')], { encoding: 'utf8', timeout: 600_000 }),
    )
  } catch (err) {
    console.log(`imagecorruptions side skipped: ${String(err.message ?? err).split('\n')[0]}`)
  }
} else console.log('imagecorruptions side skipped: no test/oracle/.venv (run test/oracle/setup.sh)')
for (const r of rows) if (ref?.ms[r.corruption] !== undefined) r.referenceMs = round(ref.ms[r.corruption], 1)
const out = {
  ...machine(),
  size: `${N}x${N}`,
  rows,
  ...(ref ? { imagecorruptions: ref.imagecorruptions, monai: ref.monai } : {}),
}
const md = [
  '# Corruptions (bench/cases/corruptions.mjs)',
  '',
  `${out.date}, Node ${out.node}, ${out.cpu} x ${out.cores}, load average ${out.load1} at the end. ${N}x${N} grey, severity 3 ` +
    `(gibbs: alpha 0.5), median ms per call${ref ? `; imagecorruptions ${ref.imagecorruptions} (\`corrupt()\`, which stacks grey to RGB) and MONAI ${ref.monai} \`GibbsNoise\` in the same run (bench/cases/corruptions.py; glass_blur: one call)` : ''}.`,
  '',
  `| corruption | segsense ms |${ref ? ' imagecorruptions / MONAI ms |' : ''}`,
  `|---|---:|${ref ? '---:|' : ''}`,
  ...rows.map((r) => `| ${r.corruption} | ${r.ms} |${ref ? ` ${r.referenceMs ?? ''} |` : ''}`),
  '',
]
writeResult('corruptions', out, md.join('\n'))
