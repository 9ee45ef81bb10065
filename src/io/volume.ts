/**
 * 2D slices of 3D volumes (any loader's): one slice as a Raster or LabelMap, or all of them as Samples.
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { sample } from '../core/raster.js'
import type { LabelMap, LabelVolume, Raster, Sample, Volume } from '../core/types.js'

/** A voxel axis, as the volume sweep's `slices: { axis }`: 0 (i: x, columns), 1 (j: y, rows) or 2 (k: slices). */
export type VolumeAxis = 0 | 1 | 2

const AXES: readonly VolumeAxis[] = [0, 1, 2]
const NAMES = ['i', 'j', 'k'] as const

/** Throws `E_BAD_PARAMETER` unless `axis` is 0, 1 or 2. */
export function checkAxis(axis: unknown): asserts axis is VolumeAxis {
  if (!AXES.includes(axis as VolumeAxis))
    throw new SegsenseError('E_OUT_OF_RANGE', `axis must be 0 (i), 1 (j) or 2 (k), got ${describeValue(axis)}`, {
      details: { axis },
    })
}

function planeOf(
  dims: readonly [number, number, number],
  axis: VolumeAxis,
  index: number,
  what: string,
): { a: number; w: number; h: number; sx: number; sy: number; sz: number } {
  checkAxis(axis)
  const a = axis
  const n = dims[a]
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `slice ${describeValue(index)} is out of range: ${what} has ${n} slices along ${NAMES[a]} (0..${n - 1})`,
      { details: { axis, slice: index, count: n } },
    )
  }
  const strides = [1, dims[0], dims[0] * dims[1]]
  // The slice's x is the lower remaining axis, its y the higher one.
  const [xa, ya] = [0, 1, 2].filter((v) => v !== a) as [number, number]
  return {
    a,
    w: dims[xa] as number,
    h: dims[ya] as number,
    sx: strides[xa] as number,
    sy: strides[ya] as number,
    sz: (strides[a] as number) * index,
  }
}

/**
 * One slice of a volume as a {@link Raster}: along `k` the raster is (i, j), along `j` (i, k), along `i` (j, k); the
 * raster's x is the lower remaining axis and its y the higher one. `spacing` follows.
 * @throws SegsenseError `E_BAD_PARAMETER` for an unknown axis or a slice index out of range.
 */
export function volumeSlice(volume: Volume, axis: VolumeAxis, index: number): Raster {
  const { w, h, sx, sy, sz, a } = planeOf(volume.dims, axis, index, 'the volume')
  const ch = volume.channels
  const data = new Float32Array(w * h * ch)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const q = (sz + y * sy + x * sx) * ch
      for (let c = 0; c < ch; c++) data[(y * w + x) * ch + c] = volume.data[q + c] as number
    }
  const [xa, ya] = [0, 1, 2].filter((v) => v !== a) as [number, number]
  return {
    width: w,
    height: h,
    channels: ch,
    data,
    spacing: [volume.spacing[xa] as number, volume.spacing[ya] as number],
  }
}

/** One slice of a label volume as a {@link LabelMap}, laid out as {@link volumeSlice}. */
export function labelVolumeSlice(labels: LabelVolume, axis: VolumeAxis, index: number): LabelMap {
  const { w, h, sx, sy, sz, a } = planeOf(labels.dims, axis, index, 'the label volume')
  const data = labels.data instanceof Uint16Array ? new Uint16Array(w * h) : new Uint8Array(w * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = labels.data[sz + y * sy + x * sx] as number
  const [xa, ya] = [0, 1, 2].filter((v) => v !== a) as [number, number]
  return { width: w, height: h, data, spacing: [labels.spacing[xa] as number, labels.spacing[ya] as number] }
}

/** Options of {@link volumeSlices}. */
export interface VolumeSlicesOptions {
  /** The axis to slice along (default 2, k). */
  readonly axis?: VolumeAxis
  /** Sample id prefix (default `'slice'`): ids are `${id}-${axis}${index}`, e.g. `slice-k12`. */
  readonly id?: string
}

/**
 * Every slice of a volume along `axis` as a {@link Sample} (ids `${id}-k0`, `${id}-k1`, ... with the axis letter),
 * with the label volume's slice as truth when given (the
 * two must have the same dims). Slices are laid out as {@link volumeSlice}.
 * @throws SegsenseError `E_SIZE_MISMATCH` when the label volume's dims differ; `E_BAD_PARAMETER` for a bad axis.
 * @example
 * const samples = volumeSlices(await loadNifti('t1.nii.gz'), await loadNiftiLabels('seg.nii.gz'), { axis: 2, id: 'sub-01' })
 */
export function volumeSlices(volume: Volume, truth?: LabelVolume, options: VolumeSlicesOptions = {}): Sample[] {
  checkKnownKeys(options, optionKeys<VolumeSlicesOptions>({ axis: true, id: true }), 'volumeSlices options')
  const axis = options.axis ?? 2
  const id = options.id ?? 'slice'
  checkAxis(axis)
  if (truth && truth.dims.some((v, i) => v !== volume.dims[i])) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `label volume is ${truth.dims.join(' x ')} but the volume is ${volume.dims.join(' x ')}; they must be the same size`,
      { details: { volume: volume.dims, truth: truth.dims } },
    )
  }
  const n = volume.dims[axis]
  const out: Sample[] = []
  for (let s = 0; s < n; s++)
    out.push(
      sample(
        `${id}-${NAMES[axis]}${s}`,
        volumeSlice(volume, axis, s),
        truth ? labelVolumeSlice(truth, axis, s) : undefined,
      ),
    )
  return out
}
