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

// SEGSENSE_PADDING = the rotation's padding: a transform setting that barely moves this curve.
const padding = process.env.SEGSENSE_PADDING as 'zeros' | 'border' | undefined
const transform = padding ? rotate.with({ padding }) : rotate

test(process.env.SEGSENSE_TEST_NAME ?? 'rotation curve', async () => {
  await expect(model).toMatchSweepSnapshot(transform, { samples: [centred], range: [-90, 90], step: 30, scoreTolerance: 0.02 })
})
