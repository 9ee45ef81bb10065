import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabelMap, Raster, Sample, VolumeSample } from '../../../src/core/types.js'
import { encodePng } from '../../../src/io/png.js'
import { loadSample } from '../../../src/io/mask.js'
import { confusionCounts } from '../../../src/metrics/confusion.js'
import { dice, iou } from '../../../src/metrics/overlap.js'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples } from '../../../src/models/fixtures.js'
import type { SegmentationModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'

// The 8 bundled slices stacked into one 256 x 256 x 8 volume (1.5 mm in plane, 8 mm between slices), swept with a
// rotation of the fragile fixture model; then the same slices written to PNG, loaded back and swept as images.
// What is comparable, and tested:
// - Dice and IoU of the volume (3D) equal Dice and IoU of the voxel counts summed over the PNG slices' predictions
//   at each value (3D Dice is not the mean of slice Dice), to 1e-6;
// - a one-slice volume equals the 2D sweep of its slice exactly, distances included (an axis of length 1 is not a
//   surface direction, so the 3D boundary is the 2D one).
const VALUES = [0, 25]
const IDS = [1, 2, 3]

let model: SegmentationModel
let volume: VolumeSample
let slices: Sample[]
let dir: string

beforeAll(async () => {
  const samples = await loadFixtureSamples('cardiac')
  model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
  const { width: w, height: h } = samples[0]!.image
  const n = samples.length
  const image = new Float32Array(w * h * n)
  const truth = new Uint8Array(w * h * n)
  samples.forEach((s, k) => {
    image.set(s.image.data, k * w * h)
    truth.set(s.truth!.data, k * w * h)
  })
  const spacing = [1.5, 1.5, 8] as const
  const affine = [1.5, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 8, 0, 0, 0, 0, 1]
  volume = {
    id: 'stack',
    image: { dims: [w, h, n], channels: 1, data: image, spacing, affine },
    truth: { dims: [w, h, n], data: truth, spacing, affine },
  }
  // Export every slice of the volume to PNG and load it back as a 2D sample (1.5 mm, as the fixtures are).
  dir = await mkdtemp(join(tmpdir(), 'segsense-volume-'))
  slices = []
  for (let k = 0; k < n; k++) {
    const img: Raster = { width: w, height: h, channels: 1, data: image.subarray(k * w * h, (k + 1) * w * h) }
    const mask: LabelMap = { width: w, height: h, data: truth.subarray(k * w * h, (k + 1) * w * h) }
    await writeFile(join(dir, `s${k}.png`), await encodePng(img))
    await writeFile(join(dir, `s${k}-mask.png`), await encodePng(mask))
    const s = await loadSample(`s${k}`, join(dir, `s${k}.png`), join(dir, `s${k}-mask.png`))
    slices.push({ id: s.id, image: { ...s.image, spacing: [1.5, 1.5] }, truth: { ...s.truth!, spacing: [1.5, 1.5] } })
  }
}, 60_000)

afterAll(async () => {
  await model?.close?.()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('a volume swept slice by slice against its slices as PNG files', () => {
  it('the PNG round trip is exact (8-bit intensities and ids)', () => {
    const [w, h] = volume.image.dims
    // Counted by hand: a deep equality over 8 x 65536 values takes seconds.
    let differ = 0
    slices.forEach((s, k) => {
      for (let i = 0; i < w * h; i++) {
        if (s.image.data[i] !== volume.image.data[k * w * h + i]) differ++
        if (s.truth!.data[i] !== volume.truth!.data[k * w * h + i]) differ++
      }
    })
    expect(slices.map((s) => s.image.data.length)).toEqual(slices.map(() => w * h))
    expect(differ).toBe(0)
  })

  it('3D Dice and IoU equal those of the summed per-slice counts of the PNG-slice sweep', async () => {
    const vol = await sweep(model, volume, rotate, { values: VALUES, metrics: ['dice', 'iou'], batchSize: 8 })
    const png = await sweep(model, slices, rotate, { values: VALUES, metrics: ['dice'], keep: 'frames' })
    expect(vol.volumes?.samples[0]).toMatchObject({ axis: 2, slices: [0, 1, 2, 3, 4, 5, 6, 7] })
    VALUES.forEach((_, k) => {
      const sums = IDS.map(() => ({ tp: 0, fp: 0, fn: 0 }))
      for (const s of png.frames.samples) {
        const f = s.frames[k]!
        const counts = confusionCounts(f.prediction, f.reference, IDS)
        IDS.forEach((id, ci) => {
          const c = counts.get(id)!
          sums[ci]!.tp += c.tp
          sums[ci]!.fp += c.fp
          sums[ci]!.fn += c.fn
        })
      }
      IDS.forEach((id, ci) => {
        const name = CARDIAC_CLASSES[id]!
        expect(vol.mean.dice![name]![k]).toBeCloseTo(dice(sums[ci]!), 6)
        expect(vol.mean.iou![name]![k]).toBeCloseTo(iou(sums[ci]!), 6)
      })
    })
    // The model does fail somewhere here, so the comparison is not between two perfect curves.
    expect(Math.min(...(vol.mean.dice!.LV as number[]))).toBeLessThan(0.99)
  }, 120_000)

  it('a one-slice volume scores exactly as its slice swept as an image, distances included', async () => {
    const [w, h] = volume.image.dims
    const k = 2
    const one: VolumeSample = {
      id: 's2',
      image: { ...volume.image, dims: [w, h, 1], data: volume.image.data.slice(k * w * h, (k + 1) * w * h) },
      truth: { ...volume.truth!, dims: [w, h, 1], data: volume.truth!.data.slice(k * w * h, (k + 1) * w * h) },
    }
    const metrics = ['dice', 'hd95', 'assd', 'nsd'] as const
    const vol = await sweep(model, one, rotate, { values: VALUES, metrics: [...metrics], nsdTolerance: 2 })
    const img = await sweep(model, slices[k]!, rotate, { values: VALUES, metrics: [...metrics], nsdTolerance: 2 })
    for (const m of metrics) expect(vol.mean[m], m).toEqual(img.mean[m])
  }, 120_000)
})
