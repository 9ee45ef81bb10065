import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { sweepGif } from '../../../src/report/gif.js'
import { contentBox, frameStrip, overlayPixels, overlayPng } from '../../../src/report/overlay.js'
import { CLASS_COLOURS, classPalette, hexToRgb } from '../../../src/report/palette.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { framesOf } from '../../../src/sweep/assemble.js'
import { brightness, rotate } from '../../../src/transforms/index.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'
import { scene, sceneModel } from '../../support/report.js'

const classes = { 1: 'disc', 2: 'square' }

/** A 20x20 grey (0.5) image; truth and prediction: class 2 on the square x, y in 5..14. */
function squareCase() {
  const img = raster(20, 20, 1, new Float32Array(400).fill(0.5))
  const mask = new Uint8Array(400)
  for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) mask[y * 20 + x] = 2
  return { img, mask: labelMap(20, 20, mask) }
}

const px = (o: { width: number; data: Uint8Array }, x: number, y: number) => [
  ...o.data.subarray((y * o.width + x) * 3, (y * o.width + x) * 3 + 3),
]

describe('overlay', () => {
  const { img, mask } = squareCase()
  const palette = classPalette(classes, ['disc', 'square'])
  const square = hexToRgb(CLASS_COLOURS[1]!)

  it('colours classes by their position in the result classes, stable whether or not a class is present', () => {
    expect(palette.map((e) => [e.id, e.name, e.colour])).toEqual([
      [1, 'disc', CLASS_COLOURS[0]],
      [2, 'square', CLASS_COLOURS[1]],
    ])
    // Order by result.classes, not by id.
    expect(classPalette(classes, ['square', 'disc']).find((e) => e.id === 1)?.colour).toBe(CLASS_COLOURS[1])
    // A frame with only class 2 draws it in the same colour as a frame with both.
    const both = labelMap(
      20,
      20,
      mask.data.map((v, i) => (i < 20 ? 1 : v)),
    )
    expect(px(overlayPixels(img, undefined, mask, { palette }), 10, 10)).toEqual(
      px(overlayPixels(img, undefined, both, { palette }), 10, 10),
    )
  })

  it('fills the prediction translucently and draws the truth contour opaque, in the class colour', () => {
    const o = overlayPixels(img, mask, mask, { palette, alpha: 0.45 })
    const grey = 0.5 * 255
    // Inside the square, off its border: the blend (1 - a) * grey + a * colour.
    expect(px(o, 10, 10)).toEqual(square.map((c) => Math.round(grey * 0.55 + c * 0.45)))
    // On the truth's border (x = 5, the first column of the square): the colour itself.
    expect(px(o, 5, 10)).toEqual([...square])
    expect(px(o, 14, 14)).toEqual([...square])
    // Outside both masks: the image's grey.
    expect(px(o, 2, 2)).toEqual([128, 128, 128])
    // Just outside the truth's contour: a white edge, so the outline never reads as the edge of the fill.
    expect([px(o, 4, 10), px(o, 15, 10), px(o, 10, 4), px(o, 10, 15)]).toEqual(Array(4).fill([255, 255, 255]))
    expect(px(o, 4, 4)).toEqual([128, 128, 128])
    // The prediction alone has no edge of its own: its fill ends at its border.
    const fillOnly = overlayPixels(img, undefined, mask, { palette, alpha: 0.45 })
    expect(px(fillOnly, 4, 10)).toEqual([128, 128, 128])
    expect(px(fillOnly, 5, 10)).toEqual(px(o, 10, 10))
    // Without a prediction the interior stays grey; the contour is still drawn.
    const contourOnly = overlayPixels(img, mask, undefined, { palette })
    expect(px(contourOnly, 10, 10)).toEqual([128, 128, 128])
    expect(px(contourOnly, 9, 5)).toEqual([...square])
  })

  it('ignores labels without a colour and refuses masks of another size', () => {
    const other = labelMap(20, 20, new Uint8Array(400).fill(7))
    expect(px(overlayPixels(img, other, other, { palette }), 10, 10)).toEqual([128, 128, 128])
    expect(() => overlayPixels(img, labelMap(10, 10, new Uint8Array(100)), undefined, { palette })).toThrow(
      /10x10, the image 20x20/,
    )
    expectThrow(
      () => overlayPixels(img, mask, mask, { palette, alpha: 2 }),
      'E_OUT_OF_RANGE',
      'overlay alpha must be in [0, 1]',
    )
    expectThrow(() => overlayPixels(img, mask, mask, { palette, alpha: '1' as never }), 'E_WRONG_TYPE', 'got "1"')
  })

  it('writes a PNG with a legend below the image', async () => {
    const png = await overlayPng(img, mask, mask, { palette })
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect(info.width).toBe(260) // the legend needs at least 260 px
    expect(info.height).toBe(20 + 40 + 6)
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ]
    expect(at(5, 10)).toEqual([...square])
    const bare = await sharp(await overlayPng(img, mask, mask, { palette, legend: false })).metadata()
    expect([bare.width, bare.height]).toEqual([20, 20])
  })
})

describe('sweep frames (keep: frames)', () => {
  const samples = [scene('a'), scene('b')]

  it('keeps image, reference and prediction per sample and value, outside the JSON', async () => {
    const model = sceneModel()
    const result = await sweep(model, samples, rotate, { values: [-90, 0, 90], keep: 'frames' })
    const frames = framesOf(result)!
    expect(frames.samples.map((s) => s.id)).toEqual(['a', 'b'])
    expect(frames.samples[0]!.frames.map((f) => f.value)).toEqual([-90, 0, 90])
    expect(frames.classes).toEqual(classes)
    // The kept prediction is the model's prediction on the kept image, and the reference the rotated truth.
    const f = frames.samples[1]!.frames[2]!
    const [again] = await model.predict([f.image])
    expect(Array.from(f.prediction.data)).toEqual(Array.from(again!.data))
    expect(Array.from(f.reference.data)).toEqual(Array.from(rotate.labels!(samples[1]!.truth!, 90).data))
    // Plain JSON: no frames in the text, and the schema accepts it.
    const text = JSON.stringify(result)
    expect(text).not.toContain('frames')
    expect(validateSweepResult(JSON.parse(text)).valid).toBe(true)
    expect(framesOf(JSON.parse(text))).toBeUndefined()
    expect(framesOf({ ...result })).toBeUndefined()
  })

  it('keeps nothing by default', async () => {
    const result = await sweep(sceneModel(), samples, rotate, { values: [0, 90] })
    expect(framesOf(result)).toBeUndefined()
    await expect(sweep(sceneModel(), samples, rotate, { values: [0], keep: 'all' as 'frames' })).rejects.toThrow(
      /keep must be 'none', 'frames' or \{ frames: \[sample ids\] \}/,
    )
  })

  it('crops frames to the same box around the truth', async () => {
    const result = await sweep(sceneModel(), samples, brightness, { values: [0.5, 1, 2], keep: 'frames' })
    const frames = framesOf(result)!
    const box = contentBox(frames.samples[0]!.frames, classPalette(frames.classes, result.classes))!
    // Truth spans x 9..35, y 18..29 (disc r=6 at (14.5, 23.5), square x 28..35): 27 px wide, grown by 25% on each side.
    expect(box.width).toBe(Math.ceil(27 * 1.5))
    expect(box.height).toBe(box.width)
    expect(box.left).toBeLessThanOrEqual(9)
    expect(box.left + box.width).toBeGreaterThanOrEqual(36)
  })
})

describe('frame strip and GIF', () => {
  it('lays out one cell per value with the value under it, wrapping after `columns`', async () => {
    const result = await sweep(sceneModel(), [scene('a'), scene('b')], rotate, {
      range: [-60, 60],
      step: 30,
      keep: 'frames',
    })
    const frames = framesOf(result)!
    const png = await frameStrip(result, frames, 'b', { columns: 3, cell: 40, crop: 'none', legend: false })
    const meta = await sharp(png).metadata()
    // 3 columns of 40 px + 4 px gaps; 2 rows of 40 px + an 18 px label band + gaps.
    expect([meta.width, meta.height]).toEqual([3 * 44 + 4, 2 * (40 + 18 + 4) + 4])
    await expectRejection(
      frameStrip(result, frames, 'nope'),
      'E_OUT_OF_RANGE',
      'no frames for sample "nope"; the sweep kept frames of "a", "b"',
    )
    await expectRejection(frameStrip(result, frames, 'b', { columns: 0 }), 'E_OUT_OF_RANGE', 'columns must be')
  })

  it('writes one GIF frame per swept value with the given duration', async () => {
    const result = await sweep(sceneModel(), [scene('a')], rotate, { range: [-60, 60], step: 30, keep: 'frames' })
    const gif = await sweepGif(result, framesOf(result)!, undefined, { delay: 250, size: 64 })
    const meta = await sharp(gif, { animated: true }).metadata()
    expect(meta.format).toBe('gif')
    expect(meta.pages).toBe(result.values.length)
    expect(meta.delay).toEqual(result.values.map(() => 250))
    expect(meta.loop).toBe(0)
    await expectRejection(sweepGif(result, framesOf(result)!, undefined, { delay: -1 }), 'E_OUT_OF_RANGE', 'delay')
    await expectRejection(
      sweepGif(result, framesOf(result)!, undefined, { loop: 'x' as never }),
      'E_WRONG_TYPE',
      'loop',
    )
  })
})
