// Transforms whose names are not file names, on the CI refusal path (which writes the received snapshot to a file).
import { expect, test } from 'vitest'
import { rotate } from 'segsense'
import { centred, thresholdModel } from '../gate/models.js'

test('a name that climbs out of the folder', async () => {
  await expect(thresholdModel()).toMatchSweepSnapshot({ ...rotate, name: '../../escaped' }, { samples: [centred], values: [0, 45] })
})

test('a name with a slash', async () => {
  await expect(thresholdModel()).toMatchSweepSnapshot({ ...rotate, name: 'a/b' }, { samples: [centred], values: [0, 45] })
})
