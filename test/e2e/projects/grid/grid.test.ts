import { expect, test } from 'vitest'
import { functionModel, labelMap, raster, translate, type Sample } from 'segsense'

// A 14 px square; "fixed-place" predicts it only where it was before the shift: Dice 1 at (0, 0), 0.9231 one
// shift of 2 px away, 0.8471 at (±2, ±2). "threshold" follows the image.
const S = 64
const img = new Float32Array(S * S).fill(0.1)
const mask = new Uint8Array(S * S)
for (let y = 25; y < 39; y++) for (let x = 25; x < 39; x++) {
  img[y * S + x] = 0.9
  mask[y * S + x] = 1
}
const samples: Sample[] = [{ id: 'sq', image: raster(S, S, 1, img), truth: labelMap(S, S, mask) }]
const fixedPlace = functionModel('fixed-place', { 1: 'square' }, (im) => labelMap(im.width, im.height, Uint8Array.from(mask, (t, i) => (t === 1 && (im.data[i] as number) > 0.5 ? 1 : 0))))
const follows = functionModel('threshold', { 1: 'square' }, (im) => labelMap(im.width, im.height, Uint8Array.from(im.data, (v) => (v > 0.5 ? 1 : 0))))
const axes = [translate, translate.with({ axis: 'y' })] as const

test('a model that follows the image passes every cell', async () => {
  await expect(follows).toBeRobustTo(axes, { samples, ranges: [[-2, 2], [-2, 2]], axes: [{ step: 2 }, { step: 2 }], min: 0.95 })
})

test('a model that stays in place fails the corners', async () => {
  await expect(fixedPlace).toBeRobustTo(axes, { samples, ranges: [[-2, 2], [-2, 2]], axes: [{ step: 2 }, { step: 2 }], min: 0.9 })
})
