// The README's worked example: the two bundled models on the bundled samples, compared under rotation.
import { expect, test } from 'vitest'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate } from 'segsense'

const samples = await loadFixtureSamples('cardiac')
const fragile = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const robust = await loadOnnxModel(fixtureModelPath('cardiac-robust'), { classes: CARDIAC_CLASSES })
// 3 values x 8 samples x 2 models per call: about 12 s each here
const grid = { samples, range: [-60, 60] as [number, number], step: 60, margin: 0.02 }

test('robust is at least as robust as fragile', async () => {
  await expect(robust).toBeAtLeastAsRobustAs(fragile, rotate, grid)
})

test('fragile is not at least as robust as robust', async () => {
  await expect(fragile).toBeAtLeastAsRobustAs(robust, rotate, { ...grid, confidence: 0.95, scoreClasses: ['LV'] })
})
