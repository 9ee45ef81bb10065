// Golden images of the rendered outputs: overlay PNG, frame strip, GIF frames and chart PNG, drawn from a small
// synthetic scene and compared with the PNGs in ./golden (test/support/golden.ts; regenerate with
// SEGSENSE_UPDATE_GOLDEN=1 and review). Segsense's own pixel code (overlay blending, contours, the bilinear display
// resampling) must match exactly; text drawn by librsvg gets a small pixel budget, since its antialiasing depends
// on the fonts installed.
import sharp from 'sharp'
import { describe, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { LabelMap, Raster, Sample } from '../../../src/core/types.js'
import { functionModel } from '../../../src/models/model.js'
import { renderChartPng } from '../../../src/report/chart.js'
import { sweepGif } from '../../../src/report/gif.js'
import { frameStrip, overlayPng } from '../../../src/report/overlay.js'
import { classPalette } from '../../../src/report/palette.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { framesOf } from '../../../src/sweep/assemble.js'
import { defineTransform } from '../../../src/transforms/transform.js'
import { expectGolden } from '../../support/golden.js'

const dir = new URL('./golden/', import.meta.url).pathname
const W = 24,
  H = 16
const classes = { 1: 'disc', 2: 'box' }

/** Pixels of librsvg text (legend, value labels, captions) allowed to differ; everything else is exact. */
const TEXT_BUDGET = 60
/** The chart is all vega text and antialiased lines: pixels allowed to differ in its 2x PNG. */
const CHART_BUDGET = 300

/**
 * A 24x16 scene, wider than high so that x and y resampling weights differ: a texture that varies along x and y
 * differently (any mix-up of the two interpolation weights changes it), a bright disc (class 1) and a box (class 2).
 */
function scene(): Sample {
  const img = new Float32Array(W * H)
  const truth = new Uint8Array(W * H)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x
      img[i] = 0.1 + 0.3 * (((x * x * 7 + y * 13 + x * y * 5) % 17) / 17)
      if ((x - 7) ** 2 + (y - 8) ** 2 <= 16) {
        img[i] = 0.9
        truth[i] = 1
      } else if (x >= 14 && x <= 19 && y >= 4 && y <= 11) {
        img[i] = 0.6
        truth[i] = 2
      }
    }
  return { id: 'scene', image: raster(W, H, 1, img), truth: labelMap(W, H, truth) }
}

/** Thresholds the intensities, blind to the top 6 rows and the left 5 columns: prediction and truth differ there. */
const model = functionModel('threshold', classes, (img) => {
  const out = new Uint8Array(img.width * img.height)
  for (let y = 6; y < img.height; y++)
    for (let x = 5; x < img.width; x++) {
      const v = img.data[y * img.width + x] as number
      out[y * img.width + x] = v > 0.75 ? 1 : v > 0.45 ? 2 : 0
    }
  return labelMap(img.width, img.height, out)
})

/** Moves image and mask by whole pixels along x (0.1 / label 0 come in): pure, exact, defined here. */
const shiftX = defineTransform({
  name: 'shift',
  spatial: true,
  parameter: { name: 'dx', unit: 'px', neutral: 0, scale: 'linear', defaultRange: [-3, 3], defaultStep: 3 },
  image: (img: Raster, dx: number): Raster => {
    const out = new Float32Array(img.data.length).fill(0.1)
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++)
        if (x - dx >= 0 && x - dx < img.width) out[y * img.width + x] = img.data[y * img.width + x - dx] as number
    return raster(img.width, img.height, 1, out)
  },
  labels: (mask: LabelMap, dx: number): LabelMap => {
    const out = new Uint8Array(mask.data.length)
    for (let y = 0; y < mask.height; y++)
      for (let x = 0; x < mask.width; x++)
        if (x - dx >= 0 && x - dx < mask.width) out[y * mask.width + x] = mask.data[y * mask.width + x - dx] as number
    return labelMap(mask.width, mask.height, out)
  },
})

describe('golden images', async () => {
  const sample = scene()
  const [prediction] = await model.predict([sample.image])
  const result = await sweep(model, [sample], shiftX, { values: [-3, 0, 3], keep: 'frames' })
  const frames = framesOf(result)!

  it('overlay PNG (3x, with legend): the overlay exact, the legend text within its budget', async () => {
    const png = await overlayPng(sample.image, sample.truth, prediction, {
      palette: classPalette(classes, result.classes),
      size: 3 * W,
    })
    await expectGolden(dir, 'overlay', png, {
      maxDiffPixels: TEXT_BUDGET,
      exact: [{ left: 0, top: 0, width: 3 * W, height: 3 * H }],
    })
  })

  it('overlay PNG without legend: exact', async () => {
    const png = await overlayPng(sample.image, sample.truth, prediction, {
      palette: classPalette(classes, result.classes),
      size: 40,
      legend: false,
    })
    await expectGolden(dir, 'overlay-bare', png)
  })

  it('frame strip (auto crop, 40 px cells, legend): the cells exact, value labels and legend within the budget', async () => {
    const png = await frameStrip(result, frames, undefined, { cell: 40 })
    // The layout of frameStrip: cells of `cell` px, 4 px apart, from (4, 4).
    const cells = result.values.map((_, k) => ({ left: 4 + k * 44, top: 4, width: 40, height: 40 }))
    await expectGolden(dir, 'strip', png, { maxDiffPixels: TEXT_BUDGET, exact: cells })
  })

  it('GIF frames (decoded, stacked): within the budget of the captions', async () => {
    const gif = await sweepGif(result, frames, undefined, { size: 48 })
    // PNG cannot hold pages: sharp writes the decoded frames one below the other.
    const pages = await sharp(gif, { animated: true }).png().toBuffer()
    await expectGolden(dir, 'gif-frames', pages, { maxDiffPixels: TEXT_BUDGET * result.values.length })
  })

  it('chart PNG: within the budget for vega text and antialiased lines', async () => {
    const png = await renderChartPng(result, {
      min: { disc: 0.6, box: 0.8 },
      required: [-2, 2],
      width: 200,
      height: 120,
    })
    await expectGolden(dir, 'chart', png, { maxDiffPixels: CHART_BUDGET })
  })
})
