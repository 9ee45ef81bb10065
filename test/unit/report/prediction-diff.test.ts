import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import { decodePng } from '../../../src/io/png.js'
import { classPalette } from '../../../src/report/palette.js'
import {
  GAINED_COLOUR,
  LOST_COLOUR,
  diffPanel,
  predictionDiffImage,
  predictionDiffPng,
} from '../../../src/report/prediction-diff.js'

// 4x3 maps: class 1 and 2 of a two-class model; id 0 background.
const image = raster(
  4,
  3,
  1,
  Float32Array.from({ length: 12 }, (_, i) => i / 12),
)
const stored = labelMap(4, 3, [0, 1, 1, 0, 0, 2, 2, 0, 0, 0, 0, 0])
const now = labelMap(4, 3, [0, 0, 1, 1, 0, 2, 1, 0, 2, 0, 0, 0])
// pixel 1: 1 -> 0 lost; 3: 0 -> 1 gained; 6: 2 -> 1 gained (class to class: the new class gains it); 8: 0 -> 2 gained
const palette = classPalette({ 1: 'a', 2: 'b' })
const colourAt = (px: Uint8Array, i: number) => [px[i * 3], px[i * 3 + 1], px[i * 3 + 2]]

describe('prediction diff image', () => {
  it('paints gained and lost pixels in their two colours, and nothing else in either', () => {
    const { diff } = diffPanel({ image, stored, now }, palette)
    for (let i = 0; i < 12; i++) {
      const want = [3, 6, 8].includes(i) ? GAINED_COLOUR : i === 1 ? LOST_COLOUR : undefined
      if (want) expect(colourAt(diff, i), `pixel ${i}`).toEqual([...want])
      else {
        const [r, g, b] = colourAt(diff, i)
        expect(r === g && g === b, `pixel ${i} is grey`).toBe(true)
      }
    }
  })

  it('leaves ignored pixels grey', () => {
    const ignore = new Uint8Array(12)
    ignore[3] = 1
    ignore[1] = 1
    const { diff } = diffPanel({ image, stored, now, ignore }, palette)
    const [r, g, b] = colourAt(diff, 3)
    expect(r === g && g === b).toBe(true)
    expect(colourAt(diff, 1)[0]).toBe(colourAt(diff, 1)[1])
    expect(colourAt(diff, 8)).toEqual([...GAINED_COLOUR])
  })

  it('lays out stored | new | diff per row with 4 px gaps, and encodes it as an RGB PNG', async () => {
    const img = predictionDiffImage(
      [
        { image, stored, now },
        { image, stored, now: stored },
      ],
      palette,
    )
    expect([img.width, img.height]).toEqual([3 * 4 + 8, 2 * 3 + 4])
    const png = await decodePng(await predictionDiffPng([{ image, stored, now }], palette))
    expect([png.width, png.height, png.colourType, png.bitDepth]).toEqual([20, 3, 2, 8])
    // the diff panel starts at x = 2 * (4 + 4); pixel 3 (x 3, y 0) is gained
    expect([png.data[(8 + 8 + 3) * 3], png.data[(8 + 8 + 3) * 3 + 1], png.data[(8 + 8 + 3) * 3 + 2]]).toEqual([
      ...GAINED_COLOUR,
    ])
    // an unchanged second row has no gained or lost pixel
    const second = predictionDiffImage([{ image, stored, now: stored }], palette)
    for (let i = 0; i < second.data.length; i += 3)
      expect([second.data[i], second.data[i + 1], second.data[i + 2]]).not.toEqual([...GAINED_COLOUR])
  })
})
