// Writes a small report with the built package (dist/) in its own process, for the kill tests of
// test/unit/report/folder.test.ts. Usage: node report-child.mjs <dist> <out> <old|new> [killAtStep]
// With killAtStep = k the process SIGKILLs itself right after the k-th step of the staged write.
const [dist, out, version, killAt] = process.argv.slice(2)
const { framesOf, functionModel, labelMap, raster, sweep, rotate, writeReport } = await import(`${dist}/index.js`)
const { stagingHooks } = await import(`${dist}/report/folder.js`)

const size = 16
const img = new Float32Array(size * size).fill(0.1)
const mask = new Uint8Array(size * size)
for (let y = 4; y < 12; y++)
  for (let x = 3; x < 9; x++) {
    img[y * size + x] = 0.9
    mask[y * size + x] = 1
  }
const samples = [{ id: 's', image: raster(size, size, 1, img), truth: labelMap(size, size, mask) }]
const model = functionModel('threshold', { 1: 'box' }, (im) =>
  labelMap(
    im.width,
    im.height,
    Uint8Array.from(im.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)
// The old report has two sweeps, the new one one: the new one must not keep the old one's second sweep.
const count = version === 'old' ? 2 : 1
const results = []
for (let k = 0; k < count; k++) {
  const result = await sweep(model, samples, rotate, { values: [-(k + 1) * 10, 0, (k + 1) * 10], keep: 'frames' })
  // Fixed timings: the same report, byte for byte, from every run.
  results.push({
    result: { ...result, timing: Object.fromEntries(Object.keys(result.timing).map((key) => [key, 1])) },
    frames: framesOf(result),
  })
}
let steps = 0
if (killAt)
  stagingHooks.afterStep = () => {
    if (++steps === Number(killAt)) process.kill(process.pid, 'SIGKILL')
  }
await writeReport(results, out, { title: version, date: new Date('2026-01-02T03:04:05Z'), delay: 100 })
