/**
 * loadImage / loadMask / loadSample for DICOM and NIfTI: which sources are medical formats, and one 2D slice of
 * them. The format modules (and their parsers) are imported only when such a source is met.
 */
import { stat } from 'node:fs/promises'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'
import type { ImageSource } from './source.js'
import type { DicomWindow } from './dicom/types.js'
import type { NiftiWindow } from './nifti.js'
import type { VolumeAxis } from './volume.js'

/** The medical-format options of loadImage/loadMask (see each format's loader for their meaning). */
export interface MedicalSliceOptions {
  /** DICOM: frame of a multi-frame file (default 0). */
  readonly frame?: number
  /**
   * Intensity scaling. DICOM (file or folder): `'none' | 'minmax' | [center, width]` (default the file's VOI window,
   * else min-max). NIfTI: `'percentile' | 'minmax' | 'none' | [lo, hi]` (default `'percentile'`, 0.5-99.5 %).
   */
  readonly window?: DicomWindow | NiftiWindow
  /** DICOM: which of the file's VOI windows (default 0). */
  readonly windowIndex?: number
  /** NIfTI or DICOM folder: the voxel axis to slice along, 0 (i), 1 (j) or 2 (k) (default 2). */
  readonly axis?: VolumeAxis
  /** NIfTI or DICOM folder: the slice index along `axis` (default the middle one, floor(n / 2)). */
  readonly slice?: number
  /** NIfTI: which 3D volume of a 4D file (default 0). */
  readonly volume?: number
}

/** The option keys of {@link MedicalSliceOptions}. */
export const MEDICAL_KEYS = ['frame', 'window', 'windowIndex', 'axis', 'slice', 'volume'] as const

/** The medical format of a source, or undefined for everything else (which sharp / the PNG decoder read). */
export async function medicalFormat(source: ImageSource): Promise<'dicom' | 'dicom-folder' | 'nifti' | undefined> {
  if (typeof source !== 'string') {
    if (!(source instanceof Uint8Array)) return undefined
    if (
      source.length > 132 &&
      source[128] === 0x44 &&
      source[129] === 0x49 &&
      source[130] === 0x43 &&
      source[131] === 0x4d
    )
      return 'dicom'
    const magic = (at: number) => String.fromCharCode(...source.subarray(at, at + 3))
    if (
      (source.length >= 348 && (magic(344) === 'n+1' || magic(344) === 'ni1')) ||
      (source.length >= 540 && (magic(4) === 'n+2' || magic(4) === 'ni2'))
    )
      return 'nifti'
    return undefined
  }
  const lower = source.toLowerCase()
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return 'nifti'
  if (lower.endsWith('.dcm') || lower.endsWith('.dicom')) return 'dicom'
  const info = await stat(source).catch(() => undefined)
  return info?.isDirectory() ? 'dicom-folder' : undefined
}

function pick<T extends object>(options: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const k of keys)
    if ((options as Record<string, unknown>)[k] !== undefined) out[k] = (options as Record<string, unknown>)[k]
  return out as Partial<T>
}

function notFor(
  format: string,
  options: MedicalSliceOptions,
  keys: readonly (keyof MedicalSliceOptions)[],
  name: string,
): void {
  for (const k of keys) {
    if (options[k] !== undefined)
      throw new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `option ${k} does not apply to ${format} source ${name}, got ${describeValue(options[k])}`,
        { details: { option: k } },
      )
  }
}

function middle(n: number, slice: number | undefined): number {
  return slice === undefined ? Math.floor(n / 2) : slice
}

/** One 2D image from a DICOM file or folder or a NIfTI volume, for loadImage. */
export async function loadMedicalImage(
  format: 'dicom' | 'dicom-folder' | 'nifti',
  source: ImageSource,
  options: MedicalSliceOptions & { maxPixels?: number },
  name: string,
): Promise<Raster> {
  const axis = options.axis ?? 2
  if (format === 'dicom') {
    notFor('a DICOM file', options, ['axis', 'slice', 'volume'], name)
    const { loadDicom } = await import('./dicom/load.js')
    return (
      await loadDicom(
        source,
        pick(options, ['frame', 'window', 'windowIndex', 'maxPixels']) as Parameters<typeof loadDicom>[1],
      )
    ).image
  }
  const { volumeSlice } = await import('./volume.js')
  if (format === 'dicom-folder') {
    notFor('a DICOM folder', options, ['frame', 'volume'], name)
    const { loadDicomSeries } = await import('./dicom/series.js')
    const v = await loadDicomSeries(
      source as string,
      pick(options, ['window', 'windowIndex']) as Parameters<typeof loadDicomSeries>[1],
    )
    return volumeSlice(v, axis, middle(v.dims[axis] ?? 0, options.slice))
  }
  notFor('a NIfTI', options, ['frame', 'windowIndex'], name)
  const { loadNifti } = await import('./nifti.js')
  const v = await loadNifti(source, pick(options, ['window', 'volume']))
  return volumeSlice(v, axis, middle(v.dims[axis] ?? 0, options.slice))
}

/** One 2D label map from a DICOM file or a NIfTI label volume, for loadMask. */
export async function loadMedicalMask(
  format: 'dicom' | 'dicom-folder' | 'nifti',
  source: ImageSource,
  options: MedicalSliceOptions & { maxPixels?: number },
  name: string,
): Promise<LabelMap> {
  notFor(format === 'nifti' ? 'a NIfTI label map' : 'a DICOM mask', options, ['window', 'windowIndex'], name)
  if (format === 'dicom-folder')
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `mask ${name} is a folder; DICOM label series are not read as masks (give one DICOM file, a NIfTI or a PNG)`,
      { details: { file: name } },
    )
  if (format === 'dicom') {
    notFor('a DICOM file', options, ['axis', 'slice', 'volume'], name)
    const { loadDicomLabels } = await import('./dicom/load.js')
    return loadDicomLabels(source, pick(options, ['frame', 'maxPixels']))
  }
  notFor('a NIfTI label map', options, ['frame'], name)
  const { loadNiftiLabels } = await import('./nifti.js')
  const { labelVolumeSlice } = await import('./volume.js')
  const v = await loadNiftiLabels(source, pick(options, ['volume']))
  const axis = options.axis ?? 2
  return labelVolumeSlice(v, axis, middle(v.dims[axis] ?? 0, options.slice))
}

/**
 * For loadSample: when image and mask are both NIfTI, the label volume must lie on the image's grid (checked on
 * the whole volumes, see `checkSameGrid`) before the same slice is cut from both.
 */
export async function loadNiftiPair(
  imageSource: ImageSource,
  maskSource: ImageSource,
  options: MedicalSliceOptions,
  names: { image: string; mask: string },
): Promise<{ image: Raster; truth: LabelMap }> {
  notFor('a NIfTI', options, ['frame', 'windowIndex'], names.image)
  const { loadNifti, loadNiftiLabels, checkSameGrid } = await import('./nifti.js')
  const { volumeSlice, labelVolumeSlice } = await import('./volume.js')
  const [image, labels] = await Promise.all([
    loadNifti(imageSource, pick(options, ['window', 'volume']) as Parameters<typeof loadNifti>[1]),
    loadNiftiLabels(maskSource),
  ])
  checkSameGrid(image, labels, names.image, names.mask)
  const axis = options.axis ?? 2
  const slice = middle(image.dims[axis] ?? 0, options.slice)
  return { image: volumeSlice(image, axis, slice), truth: labelVolumeSlice(labels, axis, slice) }
}
