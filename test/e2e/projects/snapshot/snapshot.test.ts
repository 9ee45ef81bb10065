import { expect, test } from 'vitest'
import { functionModel, labelMap, rotate } from 'segsense'
import { centred } from '../gate/models.js'

// SEGSENSE_DROP = number of predicted pixels the "retrained" model loses (in raster order): a controlled drift.
const drop = Number(process.env.SEGSENSE_DROP ?? 0)
const model = functionModel('threshold', { 1: 'disc' }, (img) => {
  const out = Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0))
  for (let i = 0, left = drop; i < out.length && left > 0; i++) if (out[i]) { out[i] = 0; left-- }
  return labelMap(img.width, img.height, out)
})

test(process.env.SEGSENSE_TEST_NAME ?? 'rotation curve', async () => {
  await expect(model).toMatchSweepSnapshot(rotate, { samples: [centred], range: [-90, 90], step: 30, scoreTolerance: 0.02 })
})
