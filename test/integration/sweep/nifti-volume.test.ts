// A NIfTI image and its label map (written in different voxel orders) go from the loaders straight into the volume
// sweep; a volume swept on one slice along j scores exactly as that slice cut by volumeSlices and swept as an image,
// so the loaders' slices and the sweep's are the same pixels in the same layout.
import { describe, expect, it } from 'vitest'
import type { VolumeSample } from '../../../src/core/types.js'
import { checkSameGrid, loadNifti, loadNiftiLabels } from '../../../src/io/nifti.js'
import { volumeSlices } from '../../../src/io/volume.js'
import { CARDIAC_CLASSES, fixtureModelPath } from '../../../src/models/fixtures.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'

const dir = new URL('../../../fixtures/formats/nifti/', import.meta.url).pathname

describe('NIfTI volumes in the volume sweep', () => {
  it('a one-slice selection along j scores as the same slice from volumeSlices swept as an image', async () => {
    const image = await loadNifti(`${dir}anatomical.nii`)
    const truth = await loadNiftiLabels(`${dir}anatomical_labels_ras.nii.gz`)
    checkSameGrid(image, truth, 'anatomical.nii', 'anatomical_labels_ras.nii.gz')
    const volume: VolumeSample = { id: 'brain', image, truth }
    const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
    try {
      const values = [0, 20]
      const vol = await sweep(model, volume, rotate, {
        values,
        metrics: ['dice', 'hd95'],
        slices: { axis: 1, indices: [20] },
      })
      const slice = volumeSlices(image, truth, { axis: 1, id: 'brain' })[20]!
      const img = await sweep(model, slice, rotate, { values, metrics: ['dice', 'hd95'] })
      expect(vol.volumes?.samples[0]).toMatchObject({ dims: [33, 41, 25], axis: 1, slices: [20] })
      expect(vol.mean.dice).toEqual(img.mean.dice)
      expect(vol.mean.hd95).toEqual(img.mean.hd95)
      // Labels 1 and 2 are in the truth (RV and MYO to this model), so the comparison is between real numbers.
      expect(typeof vol.mean.dice?.RV?.[0]).toBe('number')
    } finally {
      await model.close?.()
    }
  }, 120_000)
})
