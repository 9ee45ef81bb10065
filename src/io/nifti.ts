/**
 * NIfTI-1 and NIfTI-2 volumes (.nii, .nii.gz; either endianness) read with nifti-reader-js (header) and
 * node:zlib (gzip), both loaded on first use. Volumes come out in RAS+ voxel order (see {@link loadNifti}).
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { LabelVolume, Volume } from '../core/types.js'
import type { ImageSource } from './source.js'
import { decode, decodeError } from './nifti/decode.js'
import { copyReoriented, reorient } from './nifti/orientation.js'
import { integerPercentiles, percentile } from './nifti/percentile.js'

/**
 * How a NIfTI volume's values become intensities. Default `'percentile'`: the 0.5th and 99.5th percentiles of the
 * volume (all voxels of the chosen 3D volume) map to 0 and 1, values outside are clipped (robust to a few hot
 * voxels, unlike min-max). `[lo, hi]`: that fixed window, clipped. `'minmax'`: the volume's min and max.
 * `'none'`: the values as stored after scl_slope/scl_inter (e.g. CT in Hounsfield units). RGB24 volumes are
 * divided by 255 unless `'none'`.
 */
export type NiftiWindow = 'percentile' | 'minmax' | 'none' | readonly [lo: number, hi: number]

/** Options of {@link loadNifti}. */
export interface LoadNiftiOptions {
  /** Intensity scaling (default `'percentile'`, 0.5-99.5 %); see {@link NiftiWindow}. */
  readonly window?: NiftiWindow
  /** Which 3D volume of a 4D file (0-based; default 0). */
  readonly volume?: number
  /** Voxel limit (default 1 600 000 000 bytes' worth: 400 M voxels); `Infinity` disables it. */
  readonly maxVoxels?: number
}

/** Options of {@link loadNiftiLabels}. */
export interface LoadNiftiLabelsOptions {
  /** Which 3D volume of a 4D file (0-based; default 0). */
  readonly volume?: number
  /** Voxel limit, as {@link LoadNiftiOptions.maxVoxels}. */
  readonly maxVoxels?: number
}

/** The keys of {@link LoadNiftiOptions}. */
export const LOAD_NIFTI_KEYS = optionKeys<LoadNiftiOptions>({ window: true, volume: true, maxVoxels: true })

const DEFAULT_MAX_VOXELS = 400_000_000

function checkVolumeIndex(value: unknown): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new SegsenseError(
      typeof value !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `volume must be a non-negative integer, got ${describeValue(value)}`,
    )
  return value
}

function checkMaxVoxels(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_VOXELS
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value
  throw new SegsenseError(
    typeof value !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
    `maxVoxels must be a positive integer or Infinity, got ${describeValue(value)}`,
  )
}

/**
 * Loads a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz, little or big endian) as a {@link Volume}.
 *
 * Orientation: voxels are reordered (permuted and flipped, never resampled) to the closest canonical RAS+ order,
 * as nibabel's `as_closest_canonical`: i runs toward the patient's Right, j toward Anterior, k toward Superior.
 * The affine is taken as nibabel does (sform, else qform, else pixdim) and updated to match, so `volume.affine`
 * still maps voxels to the same world points. Why: an image and its label map then index the same anatomy
 * whatever order their headers were written in, and voxel (i, j, k) equals nibabel's
 * `as_closest_canonical(img).get_fdata()[i, j, k]`. An axial slice (axis k) drawn as a raster has the patient's
 * right on the image's right (neurological convention) and anterior at the bottom (rows run posterior to
 * anterior).
 *
 * Values: scl_slope/scl_inter are applied (when the slope is finite and non-zero), then the `window`
 * (default: 0.5-99.5 percentile window to [0, 1], see {@link NiftiWindow}).
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND`; `E_IMAGE_DECODE` (not NIfTI, unsupported datatype, truncated);
 *   `E_IMAGE_TOO_LARGE`; `E_BAD_PARAMETER` (a volume index past the last, a bad window).
 * @example
 * const t1 = await loadNifti('sub-01_T1w.nii.gz', { window: 'minmax' })   // t1.dims, t1.spacing, t1.affine
 */
export async function loadNifti(source: ImageSource, options: LoadNiftiOptions = {}): Promise<Volume> {
  checkKnownKeys(options, LOAD_NIFTI_KEYS, 'loadNifti options')
  const { window = 'percentile' } = options
  const okWindow =
    window === 'percentile' ||
    window === 'minmax' ||
    window === 'none' ||
    (Array.isArray(window) &&
      window.length === 2 &&
      window.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      window[1] > window[0])
  if (!okWindow)
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `NIfTI window must be 'percentile', 'minmax', 'none' or [lo, hi] with lo < hi, got ${describeValue(window)}`,
      { details: { window } },
    )
  const d = await decode(source, checkVolumeIndex(options.volume), checkMaxVoxels(options.maxVoxels), 'image')
  const r = reorient(d.dims, d.affine)
  const ch = d.channels
  const data = new Float32Array(r.dims[0] * r.dims[1] * r.dims[2] * ch)
  if (ch === 3) copyReoriented(d.values, data, r, ch, window === 'none' ? 1 : 1 / 255, 0)
  else copyReoriented(d.values, data, r, ch, d.slope, d.inter)
  if (!d.integer || d.slope !== 1 || d.inter !== 0) {
    // Float files (or float scaling) may hold NaN or infinities, which would poison the window and the model.
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]))
        throw decodeError(d.name, `voxel ${i} (RAS order) is ${data[i]}; segsense volumes must be finite`)
    }
  }
  if (ch === 1 && window !== 'none') {
    let lo: number
    let hi: number
    if (Array.isArray(window)) [lo, hi] = window as [number, number]
    else if (window === 'minmax') {
      lo = Infinity
      hi = -Infinity
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as number
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    } else {
      const exact = d.integer && d.slope > 0 ? integerPercentiles(d.values, [0.005, 0.995]) : undefined
      if (exact) [lo, hi] = exact.map((v) => v * d.slope + d.inter) as [number, number]
      else {
        const scratch = data.slice()
        lo = percentile(scratch, 0.005)
        hi = percentile(scratch, 0.995)
      }
    }
    const span = hi - lo
    for (let i = 0; i < data.length; i++) {
      const y = span > 0 ? ((data[i] as number) - lo) / span : 0
      data[i] = y < 0 ? 0 : y > 1 ? 1 : y
    }
  }
  return { dims: r.dims, channels: ch, data, spacing: r.spacing, affine: r.affine }
}

/**
 * Loads a NIfTI label map as a {@link LabelVolume}, in the same RAS+ voxel order as {@link loadNifti}. scl_slope and
 * scl_inter are never applied: ids are the stored values, kept exactly (float files are accepted when every voxel
 * holds an integer). Uint8Array when every id is <= 255, else Uint16Array.
 *
 * @throws SegsenseError `E_BAD_MASK` for colour files, negative, fractional or > 65535 values; the errors of
 *   {@link loadNifti}.
 * @example
 * const labels = await loadNiftiLabels('sub-01_dseg.nii.gz')
 */
export async function loadNiftiLabels(source: ImageSource, options: LoadNiftiLabelsOptions = {}): Promise<LabelVolume> {
  checkKnownKeys(
    options,
    optionKeys<LoadNiftiLabelsOptions>({ volume: true, maxVoxels: true }),
    'loadNiftiLabels options',
  )
  const d = await decode(source, checkVolumeIndex(options.volume), checkMaxVoxels(options.maxVoxels), 'mask')
  if (d.channels !== 1)
    throw new SegsenseError(
      'E_BAD_MASK',
      `label map ${d.name} is an RGB24 volume; a label map stores one integer id per voxel`,
      { details: { file: d.name } },
    )
  let max = 0
  for (let i = 0; i < d.values.length; i++) {
    const v = d.values[i] as number
    if (!(v >= 0 && v <= 65535 && Number.isInteger(v))) {
      throw new SegsenseError(
        'E_BAD_MASK',
        `label map ${d.name}: voxel ${i} holds ${v}; label ids must be integers in 0..65535`,
        { details: { file: d.name, voxel: i, value: v } },
      )
    }
    if (v > max) max = v
  }
  const r = reorient(d.dims, d.affine)
  const n = r.dims[0] * r.dims[1] * r.dims[2]
  const data = max > 255 ? new Uint16Array(n) : new Uint8Array(n)
  copyReoriented(d.values, data, r, 1, 1, 0)
  return { dims: r.dims, data, spacing: r.spacing, affine: r.affine }
}

/** Tolerances of {@link checkSameGrid}: spacing relative, affine entries in mm (header floats are float32). */
const GRID_TOLERANCE = { spacing: 1e-3, affine: 1e-2 }

/**
 * Throws unless a label volume lies on its image's grid: same dims, spacing within 0.1 %, every affine entry within
 * 0.01 mm (after both were brought to RAS+ order, so headers written in different voxel orders still agree).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` naming both sources and what differs.
 */
export function checkSameGrid(
  image: Pick<Volume, 'dims' | 'spacing' | 'affine'>,
  labels: Pick<LabelVolume, 'dims' | 'spacing' | 'affine'>,
  imageName: string,
  labelName: string,
): void {
  let why: string | undefined
  if (image.dims.some((v, i) => v !== labels.dims[i]))
    why = `dims ${image.dims.join(' x ')} vs ${labels.dims.join(' x ')}`
  else if (
    image.spacing.some(
      (v, i) => Math.abs(v - (labels.spacing[i] as number)) > GRID_TOLERANCE.spacing * Math.max(v, 1e-6),
    )
  )
    why = `spacing [${image.spacing.join(', ')}] vs [${labels.spacing.join(', ')}] mm`
  else if (image.affine.some((v, i) => Math.abs(v - (labels.affine[i] as number)) > GRID_TOLERANCE.affine))
    why = `affine [${image.affine.map((v) => +v.toFixed(3)).join(', ')}] vs [${labels.affine.map((v) => +v.toFixed(3)).join(', ')}]`
  if (why !== undefined) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `label map ${labelName} is not on the grid of image ${imageName}: ${why}`,
      { details: { image: imageName, mask: labelName } },
    )
  }
}
