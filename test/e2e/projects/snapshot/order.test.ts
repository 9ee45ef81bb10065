// Several sweep snapshots of one test running at once: each keeps the key of its call, whichever finishes first.
import { expect, test } from 'vitest'
import { brightness, functionModel, labelMap, rotate } from 'segsense'
import { centred } from '../gate/models.js'

// SEGSENSE_SWAP=1 makes the other model the slow one: the calls then finish in the other order.
const swap = process.env.SEGSENSE_SWAP === '1'
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const threshold = (delay: number) => functionModel('threshold', { 1: 'disc' }, async (img) => {
  await pause(delay)
  return labelMap(img.width, img.height, Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)))
})
const first = threshold(swap ? 0 : 80)
const second = threshold(swap ? 80 : 0)

test('two curves in one Promise.all', async () => {
  await Promise.all([
    expect(first).toMatchSweepSnapshot(rotate, { samples: [centred], values: [0, 45] }),
    expect(second).toMatchSweepSnapshot(brightness, { samples: [centred], values: [1, 0.5] }),
  ])
})

test.concurrent('concurrent rotate', async ({ expect }) => {
  await expect(first).toMatchSweepSnapshot(rotate, { samples: [centred], values: [0, 45] })
  await expect(second).toMatchSweepSnapshot(brightness, { samples: [centred], values: [1, 0.5] })
})

test.concurrent('concurrent brightness', async ({ expect }) => {
  await Promise.all([
    expect(second).toMatchSweepSnapshot(brightness, { samples: [centred], values: [1, 0.5] }),
    expect(first).toMatchSweepSnapshot(rotate, { samples: [centred], values: [0, 45] }),
  ])
})
