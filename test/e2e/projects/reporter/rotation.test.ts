import { describe, expect, test } from 'vitest'
import { rotate, zoom } from 'segsense'
import { centred, offCentre, rightHalfModel, thresholdModel } from '../gate/models.js'

describe('rotation', () => {
  test('threshold model is rotation invariant', async () => {
    await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], range: [-90, 90], step: 30, min: 0.9 })
  })

  test('right-half model <fails> beyond 60 degrees', async () => {
    await expect(rightHalfModel).toBeRobustTo(rotate, { samples: [offCentre], range: [-120, 120], step: 30, minDice: 0.8 })
  })
})

test('two sweeps in one test', async () => {
  await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [-45, 0, 45], min: 0.9 })
  await expect(thresholdModel()).toBeRobustTo(zoom, { samples: [centred], range: [0.8, 1.25], steps: 3, minDice: 0.5 })
})

test('no sweep here', () => {
  expect(1).toBe(1)
})
