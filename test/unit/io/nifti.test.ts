// NIfTI loading on real files: nibabel 5.0's test data (fixtures/formats/nifti, see fixtures/README.md) and label
// maps derived from anatomical.nii by fixtures/formats/make_nifti.py. Reference values from nibabel
// (/usr/bin/python3, Debian python3-nibabel): `c = nib.as_closest_canonical(img)`, then c.get_fdata()[i, j, k].
import { readFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadImage } from '../../../src/io/image.js'
import { loadMask, loadSample } from '../../../src/io/mask.js'
import { checkSameGrid, loadNifti, loadNiftiLabels } from '../../../src/io/nifti.js'
import { labelVolumeSlice, volumeSlice, volumeSlices } from '../../../src/io/volume.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'

const dir = new URL('../../../fixtures/formats/nifti/', import.meta.url).pathname
const f = (name: string) => join(dir, name)
const at = (v: { dims: readonly number[] }, i: number, j: number, k: number) =>
  (k * (v.dims[1] as number) + j) * (v.dims[0] as number) + i

describe('loadNifti', () => {
  it('reads big-endian NIfTI-1 (LAS on disk) into RAS+ voxel order with the RAS affine, as nibabel', async () => {
    // python3 -c "import nibabel as nib; c=nib.as_closest_canonical(nib.load('anatomical.nii')); a=c.get_fdata();
    //   print(c.shape, c.affine.ravel().tolist(), a[0,0,0], a[1,0,0], a[10,20,12], a[32,40,24])"
    // -> (33, 41, 25) [2,0,0,-32, 0,2,0,-40, 0,0,2,-16, 0,0,0,1] 9595.0 8381.0 11650.0 2743.0
    // On disk the first axis runs to the left: nib.load('anatomical.nii').get_fdata()[32,0,0] -> 9595.0 ([0,0,0] is 10712).
    const v = await loadNifti(f('anatomical.nii'), { window: 'none' })
    expect(v.dims).toEqual([33, 41, 25])
    expect(v.channels).toBe(1)
    expect(v.spacing).toEqual([2, 2, 2])
    expect(v.affine).toEqual([2, 0, 0, -32, 0, 2, 0, -40, 0, 0, 2, -16, 0, 0, 0, 1])
    expect(v.data[at(v, 0, 0, 0)]).toBe(9595)
    expect(v.data[at(v, 1, 0, 0)]).toBe(8381)
    expect(v.data[at(v, 10, 20, 12)]).toBe(11650)
    expect(v.data[at(v, 32, 40, 24)]).toBe(2743)
  })

  it('scales to [0, 1] by the 0.5-99.5 percentile window by default; minmax and fixed windows too', async () => {
    // python3 -c "import nibabel as nib, numpy as np; a=nib.load('anatomical.nii').get_fdata(); print(np.percentile(a,[0.5,99.5]), a.min(), a.max())"
    // -> [751.44 13014.8] -610.0 30393.0
    const v = await loadNifti(f('anatomical.nii'))
    expect(v.data[at(v, 10, 20, 12)]).toBeCloseTo((11650 - 751.44) / (13014.8 - 751.44), 5)
    expect(Math.min(...v.data)).toBe(0)
    expect(Math.max(...v.data)).toBe(1)
    const mm = await loadNifti(f('anatomical.nii'), { window: 'minmax' })
    expect(mm.data[at(mm, 10, 20, 12)]).toBeCloseTo((11650 + 610) / (30393 + 610), 6)
    const fixed = await loadNifti(f('anatomical.nii'), { window: [0, 20000] })
    expect(fixed.data[at(fixed, 10, 20, 12)]).toBeCloseTo(11650 / 20000, 6)
    await expectRejection(loadNifti(f('anatomical.nii'), { window: [5, 5] }), 'E_OUT_OF_RANGE', 'window')
    await expectRejection(loadNifti(f('anatomical.nii'), { windows: 'none' } as never), 'E_UNKNOWN_OPTION', 'window')
  })

  it('the default window matches numpy percentiles on float voxels (selection) and on scaled integers (histogram)', async () => {
    // python3 -c "import nibabel as nib, numpy as np; a=nib.load('dtype_float64.nii.gz').get_fdata(); print(np.percentile(a,[0.5,99.5]), a[1,2,1])"
    // -> [-6.163125 11.038125] -2.625
    const f64 = await loadNifti(f('dtype_float64.nii.gz'))
    expect(f64.data[at(f64, 1, 2, 1)]).toBeCloseTo((-2.625 + 6.163125) / (11.038125 + 6.163125), 6)
    // python3 -c "import nibabel as nib, numpy as np; a=nib.as_closest_canonical(nib.load('functional.nii').slicer[...,0]).get_fdata();
    //   lo,hi=np.percentile(a,[0.5,99.5]); print(lo, hi, (a[5,6,1]-lo)/(hi-lo))" -> 1456.1922889500856 4971.129775306584 0.6947057574190834
    const fn = await loadNifti(f('functional.nii'))
    expect(fn.data[at(fn, 5, 6, 1)]).toBeCloseTo(0.6947057574190834, 6)
  })

  it('applies scl_slope / scl_inter to images', async () => {
    // anatomical_scaled.nii.gz: the same int16 voxels with scl_slope 0.5, scl_inter 10 (make_nifti.py);
    // python3 -c "import nibabel as nib; print(nib.as_closest_canonical(nib.load('anatomical_scaled.nii.gz')).get_fdata()[0,0,0])" -> 4807.5
    const v = await loadNifti(f('anatomical_scaled.nii.gz'), { window: 'none' })
    expect(v.data[at(v, 0, 0, 0)]).toBe(4807.5)
    expect(v.data[at(v, 10, 20, 12)]).toBe(11650 * 0.5 + 10)
  })

  it('reads NIfTI-2 (gzip, sform) and 4D files by volume index', async () => {
    // python3 -c "import nibabel as nib; n=nib.load('example_nifti2.nii.gz'); c=nib.as_closest_canonical(n.slicer[...,0]); a=c.get_fdata();
    //   print(n.shape, c.header.get_zooms()[:3], a[0,0,0], a[1,0,0], a[3,4,1], c.affine[:3].round(6).tolist())"
    // -> (32, 20, 12, 2) (2.0, 2.0000000529526707, 2.1999991881052705) 469.0 461.0 393.0
    //    [[2,0,0,55.855103], [0,1.973711,-0.355528,-35.722942], [0,0.323208,2.171082,-7.248798]]
    const v0 = await loadNifti(f('example_nifti2.nii.gz'), { window: 'none' })
    expect(v0.dims).toEqual([32, 20, 12])
    expect(v0.data[at(v0, 0, 0, 0)]).toBe(469)
    expect(v0.data[at(v0, 1, 0, 0)]).toBe(461)
    expect(v0.data[at(v0, 3, 4, 1)]).toBe(393)
    const affine = [
      2, 0, 0, 55.855103, 0, 1.973711, -0.355528, -35.722942, 0, 0.323208, 2.171082, -7.248798, 0, 0, 0, 1,
    ]
    v0.affine.forEach((a, i) => expect(a).toBeCloseTo(affine[i] as number, 5))
    expect(v0.spacing[1]).toBeCloseTo(2.0000000529526707, 6)
    expect(v0.spacing[2]).toBeCloseTo(2.1999991881052705, 6)
    // python3 -c "...c=nib.as_closest_canonical(n.slicer[...,1]); print(c.get_fdata()[0,0,0], c.get_fdata()[3,4,1])" -> 428.0 400.0
    const v1 = await loadNifti(f('example_nifti2.nii.gz'), { window: 'none', volume: 1 })
    expect([v1.data[at(v1, 0, 0, 0)], v1.data[at(v1, 3, 4, 1)]]).toEqual([428, 400])
    await expectRejection(loadNifti(f('example_nifti2.nii.gz'), { volume: 2 }), 'E_OUT_OF_RANGE', '2 volumes')
    // functional.nii: 4D int16 with scl_slope 0.0754..., scl_inter 3100.76 (nib.load(...).dataobj.slope / .inter)
    // python3 -c "import nibabel as nib; i=nib.load('functional.nii'); print(nib.as_closest_canonical(i.slicer[...,0]).get_fdata()[0,0,0],
    //   nib.as_closest_canonical(i.slicer[...,3]).get_fdata()[5,6,1])" -> 3808.606932938099 3905.957329392433
    const fn0 = await loadNifti(f('functional.nii'), { window: 'none' })
    expect(fn0.dims).toEqual([17, 21, 3])
    expect(fn0.data[0]).toBeCloseTo(3808.606932938099, 2)
    const fn3 = await loadNifti(f('functional.nii'), { window: 'none', volume: 3 })
    expect(fn3.data[at(fn3, 5, 6, 1)]).toBeCloseTo(3905.957329392433, 2)
  })

  it('reads uint8 little-endian files; the same bytes load from a Buffer', async () => {
    // python3 -c "import nibabel as nib; s=nib.load('standard.nii.gz'); print(s.shape, s.header.get_zooms(), s.get_fdata()[1,0,0], s.get_fdata().sum())"
    // -> (4, 5, 7) (1.0, 3.0, 2.0) 255.0 7650.0
    const v = await loadNifti(f('standard.nii.gz'), { window: 'none' })
    expect(v.dims).toEqual([4, 5, 7])
    expect(v.spacing).toEqual([1, 3, 2])
    expect(v.data[1]).toBe(255)
    expect(v.data.reduce((s, x) => s + x, 0)).toBe(7650)
    const bytes = new Uint8Array(gunzipSync(readFileSync(f('standard.nii.gz'))))
    expect((await loadNifti(bytes, { window: 'none' })).data).toEqual(v.data)
  })

  it('reads int8, uint16, int32, uint32, float64 and RGB24; .nii and .nii.gz of one file load the same', async () => {
    // make_nifti.py: v = i + 4 j + 20 k - 50 on a 4 x 5 x 7 RAS grid; python3 -c "import nibabel as nib;
    //   print([nib.load(f'dtype_{n}.nii.gz').get_data_dtype() for n in ['int8','uint16','int32','uint32','float64']])"
    // -> int8, uint16, int32, uint32, float64 (datatype codes 256, 512, 8, 768, 64); RGB24 is code 128.
    const expected: Record<string, (v: number) => number> = {
      int8: (v) => v,
      uint16: (v) => v + 50,
      int32: (v) => v * 1000,
      uint32: (v) => (v + 50) * 100000,
      float64: (v) => v / 8,
    }
    for (const [name, fn] of Object.entries(expected)) {
      const vol = await loadNifti(f(`dtype_${name}.nii.gz`), { window: 'none' })
      expect(vol.dims, name).toEqual([4, 5, 7])
      for (const [i, j, k] of [
        [0, 0, 0],
        [3, 4, 6],
        [1, 2, 3],
      ] as const)
        expect(vol.data[at(vol, i, j, k)], `${name} ${i},${j},${k}`).toBe(fn(i + 4 * j + 20 * k - 50))
    }
    const rgb = await loadNifti(f('dtype_rgb24.nii.gz'))
    expect(rgb.channels).toBe(3)
    const p = at(rgb, 1, 2, 3) * 3 // v + 50 = 69
    expect(Array.from(rgb.data.slice(p, p + 3)).map((x) => Math.round(x * 255))).toEqual([69, 138, 186])
    expect((await loadImage(f('dtype_rgb24.nii.gz'), { slice: 3 })).channels).toBe(3)
    // Label maps: uint16 ids kept; ids above 65535, fractions and colour are refused.
    const ids = await loadNiftiLabels(f('dtype_uint16.nii.gz'))
    expect(ids.data[at(ids, 3, 4, 6)]).toBe(139)
    await expectRejection(loadNiftiLabels(f('dtype_uint32.nii.gz')), 'E_BAD_MASK', 'dtype_uint32.nii.gz', '0..65535')
    await expectRejection(loadNiftiLabels(f('dtype_float64.nii.gz')), 'E_BAD_MASK', '-6.25')
    await expectRejection(loadNiftiLabels(f('dtype_rgb24.nii.gz')), 'E_BAD_MASK', 'RGB24')
    // The same bytes gzipped: identical volume.
    const plain = await loadNifti(f('anatomical.nii'), { window: 'none' })
    const gz = await loadNifti(new Uint8Array(gzipSync(readFileSync(f('anatomical.nii')))), { window: 'none' })
    expect(gz.data).toEqual(plain.data)
  })

  it('rejects what is not NIfTI with typed errors', async () => {
    await expectRejection(loadNifti(f('missing.nii.gz')), 'E_FILE_NOT_FOUND', 'missing.nii.gz')
    await expectRejection(loadNifti(new Uint8Array(400)), 'E_IMAGE_DECODE', 'not a NIfTI')
    const truncated = readFileSync(f('anatomical.nii')).subarray(0, 2000)
    await expectRejection(loadNifti(new Uint8Array(truncated)), 'E_IMAGE_DECODE', 'bytes')
    await expectRejection(loadNifti(f('anatomical.nii'), { maxVoxels: 1000 }), 'E_IMAGE_TOO_LARGE', '33 x 41 x 25')
  })
})

describe('loadNiftiLabels', () => {
  it('a label map written in another voxel order lines up with its image; ids are never scaled', async () => {
    // anatomical_labels_las (uint8, LAS on disk) and anatomical_labels_ras (uint16, RAS on disk) hold the same labels.
    // python3 -c "import nibabel as nib, numpy as np; l=nib.as_closest_canonical(nib.load('anatomical_labels_las.nii.gz')).get_fdata();
    //   print(l[0,0,0], l[1,0,0], l[10,20,12], np.bincount(l.astype(int).ravel()))" -> 2.0 1.0 2.0 [26 20283 13516]
    const las = await loadNiftiLabels(f('anatomical_labels_las.nii.gz'))
    const ras = await loadNiftiLabels(f('anatomical_labels_ras.nii.gz'))
    expect(las.dims).toEqual([33, 41, 25])
    expect(las.data).toBeInstanceOf(Uint8Array)
    expect(Array.from(ras.data)).toEqual(Array.from(las.data))
    expect(ras.affine).toEqual(las.affine)
    expect([las.data[at(las, 0, 0, 0)], las.data[at(las, 1, 0, 0)], las.data[at(las, 10, 20, 12)]]).toEqual([2, 1, 2])
    const counts = [0, 0, 0]
    for (const id of las.data) counts[id]!++
    expect(counts).toEqual([26, 20283, 13516])
    // scl_slope 2 / scl_inter 1 in the header: nibabel gives 5.0 at [0,0,0]; segsense keeps the stored id 2.
    const slope = await loadNiftiLabels(f('anatomical_labels_slope.nii.gz'))
    expect(Array.from(slope.data)).toEqual(Array.from(las.data))
    // The image's grid.
    const image = await loadNifti(f('anatomical.nii'))
    checkSameGrid(image, ras, 'anatomical.nii', 'anatomical_labels_ras.nii.gz')
  })

  it('a label map on another grid is an error naming both files; fractional or negative ids are refused', async () => {
    const image = await loadNifti(f('anatomical.nii'))
    const shifted = await loadNiftiLabels(f('anatomical_labels_shifted.nii.gz'))
    expectThrow(
      () => checkSameGrid(image, shifted, 'anatomical.nii', 'anatomical_labels_shifted.nii.gz'),
      'E_SIZE_MISMATCH',
      'anatomical.nii',
      'anatomical_labels_shifted.nii.gz',
      'affine',
    )
    await expectRejection(
      loadSample('a', f('anatomical.nii'), f('anatomical_labels_shifted.nii.gz')),
      'E_SIZE_MISMATCH',
      'anatomical_labels_shifted.nii.gz',
      'anatomical.nii',
    )
    // anatomical.nii as a label map: its stored int16 values include negatives (min -610), which are no ids.
    await expectRejection(loadNiftiLabels(f('anatomical.nii')), 'E_BAD_MASK', 'anatomical.nii', '-')
  })
})

describe('Colin27 T1 (LAS on disk) and its Brodmann labels (RAS on disk), from Debian mricron-data', () => {
  it('line up voxel for voxel and slice for slice', async () => {
    // make_colin27.py: ch2 / brodmann, every 2nd voxel, slices 40..119; python3 -c "import nibabel as nib;
    //   t=nib.as_closest_canonical(nib.load('colin27_t1_las.nii.gz')); b=nib.load('colin27_brodmann_ras.nii.gz');
    //   print(t.affine.ravel(), t.get_fdata()[45,54,20], t.get_fdata()[30,70,10], b.get_fdata()[30,70,10], (b.get_fdata()[:,:,20]>0).sum())"
    // -> [2,0,0,-90, 0,2,0,-125, 0,0,2,-31, 0,0,0,1] 52.0 85.0 48.0 3792
    const t1 = await loadNifti(f('colin27_t1_las.nii.gz'), { window: 'none' })
    const ba = await loadNiftiLabels(f('colin27_brodmann_ras.nii.gz'))
    expect(t1.dims).toEqual([91, 109, 40])
    expect(t1.affine).toEqual([2, 0, 0, -90, 0, 2, 0, -125, 0, 0, 2, -31, 0, 0, 0, 1])
    checkSameGrid(t1, ba, 'colin27_t1_las.nii.gz', 'colin27_brodmann_ras.nii.gz')
    expect([t1.data[at(t1, 45, 54, 20)], t1.data[at(t1, 30, 70, 10)]]).toEqual([52, 85])
    expect(ba.data[at(ba, 30, 70, 10)]).toBe(48)
    const s = await loadSample('colin27', f('colin27_t1_las.nii.gz'), f('colin27_brodmann_ras.nii.gz'), { slice: 20 })
    expect([s.image.width, s.image.height, s.image.spacing]).toEqual([91, 109, [2, 2]])
    expect(Array.from(s.truth?.data ?? []).filter((id) => id > 0).length).toBe(3792)
    // Default window: percentiles 0.5 and 99.5 of the volume are 0 and 162 (np.percentile(t.get_fdata(), [0.5, 99.5])).
    expect(s.image.data[54 * 91 + 45]).toBeCloseTo(52 / 162, 6)
  })
})

describe('slices: loadImage / loadMask / loadSample on NIfTI', () => {
  it('cuts the same slice from image and label map along each axis', async () => {
    const v = await loadNifti(f('anatomical.nii'), { window: 'none' })
    const j20 = await loadImage(f('anatomical.nii'), { axis: 1, slice: 20, window: 'none' })
    // Along j the raster is (i, k): 33 wide, 25 high, spacing [2, 2].
    expect([j20.width, j20.height, j20.channels]).toEqual([33, 25, 1])
    expect(j20.spacing).toEqual([2, 2])
    expect(j20.data[12 * 33 + 10]).toBe(11650)
    expect(volumeSlice(v, 1, 20).data).toEqual(j20.data)
    const i3 = volumeSlice(v, 0, 3)
    expect([i3.width, i3.height]).toEqual([41, 25])
    expect(i3.data[7 * 41 + 9]).toBe(v.data[at(v, 3, 9, 7)])
    // Default: the middle slice along k.
    const mid = await loadImage(f('anatomical.nii'), { window: 'none' })
    expect(mid.data).toEqual(volumeSlice(v, 2, 12).data)
    expectThrow(() => volumeSlice(v, 2, 25), 'E_OUT_OF_RANGE', '25 slices along k')
    expectThrow(() => volumeSlice(v, 'k' as never, 0), 'E_OUT_OF_RANGE', '0 (i), 1 (j) or 2 (k)')
    // The mask from the RAS-written file, slice for slice.
    const m = await loadMask(f('anatomical_labels_ras.nii.gz'), { axis: 1, slice: 20 })
    const las = await loadNiftiLabels(f('anatomical_labels_las.nii.gz'))
    expect(Array.from(m.data)).toEqual(Array.from(labelVolumeSlice(las, 1, 20).data))
    const s = await loadSample('brain', f('anatomical.nii'), f('anatomical_labels_ras.nii.gz'), { axis: 2, slice: 12 })
    expect([s.image.width, s.image.height, s.truth?.width, s.truth?.height]).toEqual([33, 41, 33, 41])
    expect(s.truth?.data[20 * 33 + 10]).toBe(2)
    await expectRejection(loadImage(f('anatomical.nii'), { frame: 1 }), 'E_INCOMPATIBLE_OPTIONS', 'frame')
    const series = new URL('../../../fixtures/formats/dicom/series', import.meta.url).pathname
    await expectRejection(
      loadSample('mixed', series, f('anatomical_labels_ras.nii.gz')),
      'E_INCOMPATIBLE_OPTIONS',
      'DICOM series and a NIfTI volume',
    )
    // Every slice as a Sample, truth included.
    const all = volumeSlices(v, las, { axis: 1, id: 'brain' })
    expect(all).toHaveLength(41)
    expect(all[20]?.id).toBe('brain-j20')
    expect(all[20]?.image.data).toEqual(j20.data)
    expect(Array.from(all[20]?.truth?.data ?? [])).toEqual(Array.from(m.data))
    expectThrow(() => volumeSlices(v, { ...las, dims: [33, 41, 24] }), 'E_SIZE_MISMATCH', '33 x 41 x 24')
  })
})
