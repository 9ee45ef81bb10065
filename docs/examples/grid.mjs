// Makes docs/img/grid-spike.png, the figure of docs/statistics.md's two-parameter grid: misas' figure 4 (spike
// position x spike intensity) on the bundled fragile model and its 8 samples, LV Dice per cell, the stable region at 0.8.
// Prints the region's extent. Run: npm run build && node docs/examples/grid.mjs
import { writeFileSync } from 'node:fs'
import { CARDIAC_CLASSES, fixtureModelPath, gridHeatmapSpec, loadFixtureSamples, loadOnnxModel, renderSpecPng, spike, spikePosition, stableRegion, sweepGrid } from 'segsense'

const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const samples = await loadFixtureSamples('cardiac')
// One spike per cell: intensity along the first axis, the k-space row y (misas' "X" position) along the second.
const grid = await sweepGrid(model, samples, [spike, { parameter: spikePosition.parameter, vary: (y) => ({ position: [0.1, y] }) }], {
  axes: [{ range: [0, 2], step: 0.25 }, { range: [0.1, 0.9], step: 0.1 }],
})
await model.close()
const region = stableRegion(grid, { className: 'LV', min: 0.8 })
console.log(`${grid.timing.predictions} predictions in ${(grid.timing.totalMs / 1000).toFixed(1)} s`)
console.log(region ? `LV stable region at 0.8: ${region.cells} of ${region.total} cells; intensity ${region.extent[0].from} to ${region.extent[0].to}, y ${region.extent[1].from} to ${region.extent[1].to}` : 'LV: the neutral cell fails')
const png = await renderSpecPng(gridHeatmapSpec(grid, { className: 'LV', min: 0.8, title: 'cardiac-fragile: LV dice under a k-space spike' }))
writeFileSync(new URL('../img/grid-spike.png', import.meta.url), png)
