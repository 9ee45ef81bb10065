import { expect, test } from 'vitest'
import { brightness } from 'segsense'
import { centred, thresholdModel } from '../gate/models.js'

test('brightness in its own file', async () => {
  await expect(thresholdModel()).toBeRobustTo(brightness, { samples: [centred], range: [0.8, 1.25], steps: 3, min: 0.9 })
})
