/**
 * NIfTI-1 and NIfTI-2 volumes (.nii, .nii.gz; either endianness) read with nifti-reader-js (header) and
 * node:zlib (gzip), both loaded on first use. Volumes come out in RAS+ voxel order (see {@link loadNifti}).
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { LabelVolume, Volume } from '../core/types.js'
import { readSource, sourceName, type ImageSource } from './source.js'

type NiftiModule = typeof import('nifti-reader-js')
let loading: Promise<NiftiModule> | undefined
function loadReader(): Promise<NiftiModule> {
  loading ??= import('nifti-reader-js')
  return loading
}

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

/** NIfTI datatype code -> [bytes per value, reader name]. */
const TYPES: Readonly<Record<number, readonly [number, string]>> = {
  2: [1, 'uint8'],
  4: [2, 'int16'],
  8: [4, 'int32'],
  16: [4, 'float32'],
  64: [8, 'float64'],
  128: [3, 'rgb24'],
  256: [1, 'int8'],
  512: [2, 'uint16'],
  768: [4, 'uint32'],
}

type NumericArray =
  Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array

const ARRAYS: Readonly<Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => NumericArray>> = {
  uint8: Uint8Array,
  rgb24: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

interface Decoded {
  readonly name: string
  /** Dims in the file's voxel order. */
  readonly dims: readonly [number, number, number]
  readonly channels: number
  /** Values in the file's voxel order (i fastest), channels interleaved, before any scaling (a view on the file). */
  readonly values: NumericArray
  readonly slope: number
  readonly inter: number
  /** Row-major 4x4, file voxel -> world (RAS mm). */
  readonly affine: number[]
  readonly integer: boolean
}

function decodeError(name: string, why: string, cause?: unknown): SegsenseError {
  return new SegsenseError('E_IMAGE_DECODE', `cannot decode NIfTI ${name}: ${why}`, {
    details: { file: name },
    ...(cause === undefined ? {} : { cause }),
  })
}

/** The sform (NIfTI-1: float32 at 280; NIfTI-2: float64 at 400), read from the raw header. */
function sform(view: DataView, nifti2: boolean, le: boolean): number[] {
  const out: number[] = []
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++)
      out.push(nifti2 ? view.getFloat64(400 + (r * 4 + c) * 8, le) : view.getFloat32(280 + (r * 4 + c) * 4, le))
  return [...out, 0, 0, 0, 1]
}

async function decode(source: ImageSource, volume: number, maxVoxels: number, what: string): Promise<Decoded> {
  const name = sourceName(source)
  let bytes = await readSource(source, what)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const { gunzipSync } = await import('node:zlib')
    try {
      bytes = gunzipSync(bytes)
    } catch (e) {
      throw decodeError(name, `gzip: ${(e as Error).message}`, e)
    }
  }
  const nifti = await loadReader()
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  if (!nifti.isNIFTI(buffer))
    throw decodeError(name, 'not a NIfTI-1 or NIfTI-2 file (no n+1/ni1/n+2 magic); .hdr/.img pairs are not read')
  let header: ReturnType<NiftiModule['readHeader']>
  try {
    header = nifti.readHeader(buffer)
  } catch (e) {
    throw decodeError(name, (e as Error).message, e)
  }
  const nifti2 = nifti.isNIFTI2(buffer)
  const type = TYPES[header.datatypeCode]
  if (type === undefined)
    throw decodeError(
      name,
      `datatype ${header.datatypeCode} is not supported (expected uint8, int8, int16, uint16, int32, uint32, float32, float64 or RGB24)`,
    )
  const d = header.dims
  const ndim = d[0] ?? 0
  const nx = Math.max(1, d[1] ?? 1)
  const ny = ndim >= 2 ? Math.max(1, d[2] ?? 1) : 1
  const nz = ndim >= 3 ? Math.max(1, d[3] ?? 1) : 1
  const nt = ndim >= 4 ? Math.max(1, d[4] ?? 1) : 1
  if (ndim > 4 && d.slice(5, ndim + 1).some((v) => v > 1))
    throw decodeError(
      name,
      `${ndim} dimensions (${d.slice(1, ndim + 1).join(' x ')}); segsense reads 3D and 4D volumes`,
    )
  if (!Number.isInteger(volume) || volume < 0 || volume >= nt) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `volume ${describeValue(volume)} is out of range: NIfTI ${name} has ${nt} volume${nt === 1 ? '' : 's'} (0..${nt - 1})`,
      { details: { file: name, volume, volumes: nt } },
    )
  }
  const nvox = nx * ny * nz
  if (nvox > maxVoxels)
    throw new SegsenseError(
      'E_IMAGE_TOO_LARGE',
      `NIfTI ${name} is ${nx} x ${ny} x ${nz} = ${nvox} voxels, over the limit of ${maxVoxels} (raise maxVoxels for trusted large volumes)`,
      { details: { file: name } },
    )
  const [size, kind] = type
  const start = Number(header.vox_offset) + volume * nvox * size
  if (start + nvox * size > bytes.byteLength)
    throw decodeError(
      name,
      `the file holds ${bytes.byteLength} bytes, volume ${volume} needs bytes ${start}..${start + nvox * size}`,
    )
  const le = header.littleEndian
  const channels = kind === 'rgb24' ? 3 : 1
  const count = nvox * channels
  // A typed-array view in host byte order: copy the voxel bytes into an aligned buffer (a gunzipped buffer or a
  // file's vox_offset need not be aligned), swapping bytes when the file's endianness differs.
  const copy = new Uint8Array(count * (size / channels))
  copy.set(bytes.subarray(start, start + copy.length))
  const width = size / channels
  if (width > 1 && le !== HOST_LITTLE_ENDIAN) {
    for (let p = 0; p < copy.length; p += width)
      for (let a = p, b = p + width - 1; a < b; a++, b--) {
        const t = copy[a] as number
        copy[a] = copy[b] as number
        copy[b] = t
      }
  }
  const values = new (ARRAYS[kind] as (typeof ARRAYS)[string])(copy.buffer, 0, count)
  // nibabel's choice (get_best_affine): the sform when sform_code > 0, else the qform when qform_code > 0, else
  // pixdim scaling. nifti-reader-js prefers the qform, so the sform is read here from the raw header.
  let affine: number[]
  if (header.sform_code > 0) affine = sform(new DataView(buffer), nifti2, le)
  else if (header.qform_code > 0) affine = header.affine.flat()
  else
    affine = [
      Math.abs(header.pixDims[1] || 1),
      0,
      0,
      0,
      0,
      Math.abs(header.pixDims[2] || 1),
      0,
      0,
      0,
      0,
      Math.abs(header.pixDims[3] || 1),
      0,
      0,
      0,
      0,
      1,
    ]
  if (affine.some((v) => !Number.isFinite(v)))
    throw decodeError(name, `its affine is not finite: [${affine.join(', ')}]`)
  const slopeOk = Number.isFinite(header.scl_slope) && header.scl_slope !== 0
  return {
    name,
    dims: [nx, ny, nz],
    channels,
    values,
    slope: slopeOk ? header.scl_slope : 1,
    inter: slopeOk && Number.isFinite(header.scl_inter) ? header.scl_inter : 0,
    affine,
    integer: kind !== 'float32' && kind !== 'float64',
  }
}

interface Reorientation {
  readonly dims: [number, number, number]
  readonly affine: number[]
  readonly spacing: [number, number, number]
  /** Input voxel index of output voxel (0, 0, 0), and the input index steps of one output step along i, j, k. */
  readonly base: number
  readonly step: readonly [number, number, number]
}

/**
 * Closest-canonical RAS+ voxel order, as nibabel's `as_closest_canonical`: output axis a (R, A, S) is the input axis
 * whose affine column points most along world axis a, flipped when it points the other way. Axes are only permuted
 * and flipped, never resampled, so voxel values are kept exactly.
 */
function reorient(dims: readonly [number, number, number], affine: readonly number[]): Reorientation {
  const col = (c: number) => [affine[c] as number, affine[4 + c] as number, affine[8 + c] as number]
  const cols = [col(0), col(1), col(2)]
  const norms = cols.map((v) => Math.hypot(v[0]!, v[1]!, v[2]!) || 1)
  // Greedy: the input axis with the largest |direction cosine| claims its world axis first.
  const pairs: [number, number, number][] = []
  for (let i = 0; i < 3; i++) for (let w = 0; w < 3; w++) pairs.push([Math.abs(cols[i]![w]!) / norms[i]!, i, w])
  pairs.sort((a, b) => b[0] - a[0])
  const axisOf = [-1, -1, -1] // world axis -> input axis
  const used = [false, false, false]
  for (const [, i, w] of pairs)
    if (axisOf[w] === -1 && !used[i]) {
      axisOf[w] = i
      used[i] = true
    }
  const perm = axisOf as [number, number, number]
  const flip = perm.map((i, w) => cols[i]![w]! < 0)
  const out: [number, number, number] = [dims[perm[0]]!, dims[perm[1]]!, dims[perm[2]]!]
  // old index = M new + b: column w of M is ±e_perm[w]; b holds n-1 on flipped axes.
  const m = new Array<number>(16).fill(0)
  m[15] = 1
  for (let w = 0; w < 3; w++) {
    const i = perm[w]!
    m[i * 4 + w] = flip[w] ? -1 : 1
    if (flip[w]) m[i * 4 + 3] = dims[i]! - 1
  }
  const newAffine = new Array<number>(16).fill(0)
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0
      for (let k = 0; k < 4; k++) s += (affine[r * 4 + k] as number) * (m[k * 4 + c] as number)
      newAffine[r * 4 + c] = s
    }
  const strides = [1, dims[0], dims[0] * dims[1]]
  const step: [number, number, number] = [0, 0, 0]
  let base = 0
  for (let w = 0; w < 3; w++) {
    const i = perm[w]!
    step[w] = flip[w] ? -strides[i]! : strides[i]!
    if (flip[w]) base += (dims[i]! - 1) * strides[i]!
  }
  const spacing: [number, number, number] = [norms[perm[0]]!, norms[perm[1]]!, norms[perm[2]]!]
  return { dims: out, affine: newAffine, spacing, base, step }
}

/**
 * Copies `src` (file voxel order, `ch` interleaved channels) into `dst` in the reoriented order, mapping each value
 * with `a * v + b`. Nested loops over the output with running input offsets: no index table, no per-voxel call.
 */
function copyReoriented(
  src: NumericArray,
  dst: Float32Array | Uint8Array | Uint16Array,
  r: Reorientation,
  ch: number,
  a: number,
  b: number,
): void {
  const [nx, ny, nz] = r.dims
  const [si, sj, sk] = r.step
  let p = 0
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      let q = r.base + j * sj + k * sk
      if (ch === 1) for (let i = 0; i < nx; i++, q += si) dst[p++] = (src[q] as number) * a + b
      else
        for (let i = 0; i < nx; i++, q += si)
          for (let c = 0; c < ch; c++) dst[p++] = (src[q * ch + c] as number) * a + b
    }
}

/**
 * Percentiles (numpy's linear interpolation) of integer values from a histogram: exact, O(n), no copy. Undefined
 * when the values span more than 2^20 integers (then {@link percentile} selects on a copy).
 */
function integerPercentiles(values: NumericArray, qs: readonly number[]): number[] | undefined {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v < min) min = v
    if (v > max) max = v
  }
  if (!(max - min < 1 << 20)) return undefined
  const counts = new Float64Array(max - min + 1)
  for (let i = 0; i < values.length; i++) {
    const b = (values[i] as number) - min
    counts[b] = (counts[b] as number) + 1
  }
  // The value of order statistic r (0-based): walk the cumulative counts.
  const orderStat = (r: number): number => {
    let seen = 0
    for (let b = 0; b < counts.length; b++) {
      seen += counts[b] as number
      if (seen > r) return b + min
    }
    return max
  }
  return qs.map((q) => {
    const pos = (values.length - 1) * q
    const lo = Math.floor(pos)
    const a = orderStat(lo)
    return pos === lo ? a : a + (orderStat(lo + 1) - a) * (pos - lo)
  })
}

/** The k-th smallest value of `values` (0-based), by quickselect; reorders `values`. */
function select(values: Float32Array, k: number): number {
  let lo = 0
  let hi = values.length - 1
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1] as number
    let i = lo
    let j = hi
    while (i <= j) {
      while ((values[i] as number) < pivot) i++
      while ((values[j] as number) > pivot) j--
      if (i <= j) {
        const t = values[i] as number
        values[i++] = values[j] as number
        values[j--] = t
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return values[k] as number
  }
  return values[k] as number
}

/** Percentile q (0..1) with linear interpolation between order statistics, as numpy's default; reorders `values`. */
function percentile(values: Float32Array, q: number): number {
  const pos = (values.length - 1) * q
  const lo = Math.floor(pos)
  const a = select(values, lo)
  if (pos === lo) return a
  // After selecting lo, every value above index lo is >= a: the next order statistic is their minimum.
  let b = Infinity
  for (let i = lo + 1; i < values.length; i++) if ((values[i] as number) < b) b = values[i] as number
  return a + (b - a) * (pos - lo)
}

function checkVolumeIndex(value: unknown): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new SegsenseError('E_BAD_PARAMETER', `volume must be a non-negative integer, got ${describeValue(value)}`)
  return value
}

function checkMaxVoxels(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_VOXELS
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value
  throw new SegsenseError(
    'E_BAD_PARAMETER',
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
      (window[1] as number) > (window[0] as number))
  if (!okWindow)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
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
      if (!Number.isFinite(data[i] as number))
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
