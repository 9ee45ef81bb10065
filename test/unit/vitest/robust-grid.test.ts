// toBeRobustTo([a, b]) called through vitest's own expect (attach: 'never', so no heatmap is rendered).
import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import { translate } from '../../../src/transforms/geometric.js'
import { toBeRobustTo } from '../../../src/vitest/robust.js'

expect.extend({ toBeRobustTo })
type Robust = {
  toBeRobustTo: (t: unknown, o?: object) => Promise<void>
  not: { toBeRobustTo: (t: unknown, o?: object) => Promise<void> }
}
const robust = (model: SegmentationModel) => expect(model) as unknown as Robust

const SIZE = 64
const SIDE = 14
const img = new Float32Array(SIZE * SIZE).fill(0.1)
const mask = new Uint8Array(SIZE * SIZE)
for (let y = 25; y < 25 + SIDE; y++)
  for (let x = 25; x < 25 + SIDE; x++) {
    img[y * SIZE + x] = 0.9
    mask[y * SIZE + x] = 1
  }
const samples: Sample[] = [{ id: 'sq', image: raster(SIZE, SIZE, 1, img), truth: labelMap(SIZE, SIZE, mask) }]
// Predicts the square only where it was before the shift: a shift of (dx, dy) leaves an overlap of
// (14 - |dx|)(14 - |dy|) pixels, Dice 2·overlap / (overlap + 196): 1 at (0, 0), 0.9231 at (±2, 0), 0.8471 at (±2, ±2).
const fixedPlace = functionModel('fixed-place', { 1: 'square' }, (im) =>
  labelMap(
    im.width,
    im.height,
    Uint8Array.from(mask, (t, i) => (t === 1 && (im.data[i] as number) > 0.5 ? 1 : 0)),
  ),
)
const follows = functionModel('threshold', { 1: 'square' }, (im) =>
  labelMap(
    im.width,
    im.height,
    Uint8Array.from(im.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)
const axes = [translate, translate.with({ axis: 'y' })]
const grid = { samples, axes: [{ values: [-2, 2] }, { values: [-2, 2] }], attach: 'never' }

/** The failure message of a matcher call that must fail. */
const failure = (p: Promise<void>): Promise<string> =>
  p.then(
    () => {
      throw new Error('expected the matcher to fail')
    },
    (e: Error) => e.message,
  )

describe('toBeRobustTo([a, b])', () => {
  it('passes when every cell meets the threshold', async () => {
    await robust(follows).toBeRobustTo(axes, { ...grid, min: 0.95 })
  })

  it('fails when a cell fails, giving the stable region (a plus, not a rectangle), the grid as text and the failing cells', async () => {
    const message = await failure(robust(fixedPlace).toBeRobustTo(axes, { ...grid, min: 0.9 }))
    expect(message).toContain(
      'Required: dice square >= 0.9 in every cell of translate shift [-2 px, 2 px] x translate shift [-2 px, 2 px] (3 x 3 cells), the mean over 1 sample.',
    )
    expect(message).toContain(
      'square stable region: 5 of 9 cells, translate shift -2 px to 2 px, translate shift -2 px to 2 px',
    )
    expect(message).toContain(['  -2 px  .#.', '   0 px  ###', '   2 px  .#.'].join('\n'))
    expect(message).toContain('Cells that failed (4):')
    expect(message).toMatch(/square +-2 px +-2 px +0\.8471 +0\.9/)
    expect(message).toMatch(/square +2 px +2 px +0\.8471 +0\.9/)
  })

  it('says so when the neutral cell fails, and checks each sample with aggregate: each', async () => {
    const message = await failure(
      robust(fixedPlace).toBeRobustTo(axes, { ...grid, min: 0.9, aggregate: 'each', scoreClasses: ['square'] }),
    )
    expect(message).toContain('each of 1 samples')
    expect(message).toContain('failing samples: sq')
    expect(message).toMatch(/square +sq +-2 px +-2 px +0\.8471/)
    const none = await failure(
      robust(functionModel('nothing', { 1: 'square' }, (im) => labelMap(im.width, im.height))).toBeRobustTo(axes, {
        ...grid,
        min: 0.5,
      }),
    )
    expect(none).toContain('square stable region: none (the neutral cell fails)')
    expect(none).toContain('   0 px  .o.')
  })

  it('.not passes when some cell fails', async () => {
    await robust(fixedPlace).not.toBeRobustTo(axes, { ...grid, min: 0.9 })
    const message = await failure(robust(follows).not.toBeRobustTo(axes, { ...grid, min: 0.9 }))
    expect(message).toContain('Expected some cell to fail, but every cell passed')
  })

  it('rejects unknown keys and a one-axis grid key, naming the nearest known one', async () => {
    await expect(robust(follows).toBeRobustTo(axes, { ...grid, min: 0.9, rnages: [] })).rejects.toThrow(
      /unknown key "rnages" \(did you mean 'ranges'\?\)/,
    )
    await expect(robust(follows).toBeRobustTo(axes, { ...grid, min: 0.9, step: 1 })).rejects.toThrow(
      /unknown key "step"/,
    )
    await expect(robust(follows).toBeRobustTo(axes, { ...grid })).rejects.toThrow(/needs a threshold/)
    await expect(robust(follows).toBeRobustTo(axes, { ...grid, metric: 'hd95', max: 5 })).rejects.toThrow(
      /hd95 is a distance; grids take the scores/,
    )
    await expect(
      robust(follows).toBeRobustTo(
        [
          { parameter: translate.parameter, vary: () => ({}) },
          { parameter: translate.parameter, vary: () => ({}) },
        ],
        { ...grid, min: 0.9 },
      ),
    ).rejects.toThrow(/at least one of them a Transform/)
  })
})
