import { afterAll, beforeAll, expect, test } from 'vitest'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, loadOnnxModel, rotate, type SegmentationModel, type Sample } from 'segsense'

// SEGSENSE_MODEL = which bundled model plays "the model under test": swap fragile for robust to move predictions.
// SEGSENSE_TEST_NAME renames the test (its old snapshot files become obsolete); SEGSENSE_BUDGET sets maxChangedPixels,
// SEGSENSE_ATTACH the attach policy.
let model: SegmentationModel
let samples: Sample[]
beforeAll(async () => {
  model = await loadOnnxModel(fixtureModelPath(process.env.SEGSENSE_MODEL === 'robust' ? 'cardiac-robust' : 'cardiac-fragile'), { classes: CARDIAC_CLASSES })
  samples = (await loadFixtureSamples('cardiac')).slice(0, 2)
})
afterAll(() => model?.close?.())

test(process.env.SEGSENSE_TEST_NAME ?? 'segmentation under rotation', async () => {
  const budget = process.env.SEGSENSE_BUDGET ? { maxChangedPixels: Number(process.env.SEGSENSE_BUDGET) } : {}
  const attach = process.env.SEGSENSE_ATTACH ? { attach: process.env.SEGSENSE_ATTACH as 'always' } : {}
  await expect(model).toMatchPredictionSnapshot(samples, { transform: rotate, values: [0, 30], ...budget, ...attach })
})
