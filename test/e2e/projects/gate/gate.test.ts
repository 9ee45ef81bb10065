import { expect, test } from 'vitest'
import { rotate } from 'segsense'
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
