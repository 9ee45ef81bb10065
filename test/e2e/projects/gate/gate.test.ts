import { expect, test } from 'vitest'
import { functionModel, rotate } from 'segsense'
import { centred, offCentre, rightHalfModel, thresholdModel } from './models.js'

test('robust model passes the full circle', async () => {
  await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], range: [-180, 180], step: 30, min: 0.9 })
})

test('fragile model fails beyond 60 degrees', async () => {
  await expect(rightHalfModel).toBeRobustTo(rotate, { samples: [offCentre], range: [-120, 120], step: 15, min: 0.8 })
})

test('not: the fragile model is not robust', async () => {
  await expect(rightHalfModel).not.toBeRobustTo(rotate, { samples: [offCentre], range: [-120, 120], step: 15, min: 0.8 })
})

test('each: every sample must pass', async () => {
  await expect(rightHalfModel).toBeRobustTo(rotate, { samples: [offCentre, centred], range: [-30, 30], step: 15, min: 0.8, aggregate: 'each' })
})

test('minDice with another metric is refused', async () => {
  await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [0], minDice: 0.5, metric: 'nsd' })
})

test('a misspelt option is refused, naming the matcher and the nearest key', async () => {
  await expect(thresholdModel()).toBeRobustTo(rotate, { sampels: [centred], values: [0], min: 0.5 } as never)
})

test('a bad sweep option is refused by the sweep, naming the matcher', async () => {
  await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [0], min: 0.5, batchSize: 0 })
})

test('a slow sweep shows progress', async () => {
  // 25 ms per image, one image per batch: about 0.4 s; the e2e run sets SEGSENSE_PROGRESS to 0.1 s
  const slow = functionModel('slow-threshold', { 1: 'disc' }, async (img) => {
    await new Promise((resolve) => setTimeout(resolve, 25))
    return (await thresholdModel().predict([img]))[0]!
  })
  await expect(slow).toBeRobustTo(rotate, { samples: [centred], range: [-180, 180], step: 30, min: 0.9, batchSize: 1 })
})
