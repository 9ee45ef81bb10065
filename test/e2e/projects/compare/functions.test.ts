// Fast cases on the synthetic function models of the gate project: .not, and inputs refused before any sweep.
import { expect, test } from 'vitest'
import { rotate } from 'segsense'
import { centred, offCentre, rightHalfModel, thresholdModel } from '../gate/models.js'

test('not: a model blind to the left half is less robust than one that sees everything', async () => {
  await expect(rightHalfModel).not.toBeAtLeastAsRobustAs(thresholdModel(), rotate, { samples: [offCentre, centred], values: [-90, 0, 90] })
})

test('a baseline that is not a model is refused', async () => {
  await expect(thresholdModel()).toBeAtLeastAsRobustAs({ name: 'not a model' } as never, rotate, { samples: [centred], values: [0] })
})

test('a misspelt option is refused', async () => {
  await expect(thresholdModel()).toBeAtLeastAsRobustAs(rightHalfModel, rotate, { samples: [centred], values: [0], margn: 0.1 } as never)
})
