// Segsense's snapshot matchers in concurrent tests: through the global expect they must fail (the snapshot would be
// filed under whichever test started last); through the test context's expect they work.
import { describe, expect, test } from 'vitest'
import { rotate } from 'segsense'
import { centred, thresholdModel } from '../gate/models.js'

const options = { samples: [centred], values: [0, 45] }

describe.concurrent('global expect', () => {
  test('sweep snapshot, global expect', async () => {
    await expect(thresholdModel()).toMatchSweepSnapshot(rotate, options)
  })
  test('prediction snapshot, global expect', async () => {
    await expect(thresholdModel()).toMatchPredictionSnapshot([centred], { transform: rotate, values: [0, 45] })
  })
})

describe('context expect', () => {
  test.concurrent('sweep snapshot, context expect', async ({ expect }) => {
    await expect(thresholdModel()).toMatchSweepSnapshot(rotate, options)
  })
  test.concurrent('prediction snapshot, context expect', async ({ expect }) => {
    await expect(thresholdModel()).toMatchPredictionSnapshot([centred], { transform: rotate, values: [0, 45] })
  })
})

// Not concurrent: the global expect is right here.
test('sequential, global expect', async () => {
  await expect(thresholdModel()).toMatchSweepSnapshot(rotate, options)
})
