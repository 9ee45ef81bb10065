// A pull request's robustness suite. NARROW=1 moves the right-half model's disc nearer the centre: its stable
// rotation interval narrows (the "retrained model" of the second run).
import { describe, expect, test } from 'vitest'
import { brightness, rotate } from 'segsense'
import { centred, discSample, rightHalfModel, thresholdModel } from '../gate/models.js'

const disc = process.env.NARROW === '1' ? discSample('off-centre', 31.5 + 11, 31.5, 8) : discSample('off-centre', 31.5 + 18, 31.5, 8)

describe('rotation', () => {
  test('disc <img src=x onerror=alert(1)> | any angle', async () => {
    await expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], range: [-90, 90], step: 30, min: 0.9 })
  })

  test('right-half model within 90 degrees', async () => {
    await expect(rightHalfModel).toBeRobustTo(rotate, { samples: [disc], range: [-90, 90], step: 15, min: 0.8 })
  })
})

test('brightness', async () => {
  await expect(thresholdModel()).toBeRobustTo(brightness, { samples: [centred], range: [0.8, 1.25], steps: 3, min: 0.9, attach: 'always' })
})
