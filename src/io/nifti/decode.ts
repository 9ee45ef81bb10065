/** Decoding a NIfTI-1 or NIfTI-2 file (gzip or not, either endianness) into its values in the file's voxel order. */
import { SegsenseError, describeValue } from '../../core/errors.js'
import type * as NiftiReader from 'nifti-reader-js'
import { readSource, sourceName, type ImageSource } from '../source.js'

type NiftiModule = typeof NiftiReader
let loading: Promise<NiftiModule> | undefined
/** nifti-reader-js, loaded on first use. */
function loadReader(): Promise<NiftiModule> {
  loading ??= import('nifti-reader-js')
  return loading
}

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

/** The typed arrays a NIfTI volume is read into. */
export type NumericArray =
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

/** A decoded NIfTI volume before scaling and reorientation. */
export interface Decoded {
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

/** The `E_IMAGE_DECODE` error of NIfTI `name`. */
export function decodeError(name: string, why: string, cause?: unknown): SegsenseError {
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

/** Reads and decodes volume `volume` of a NIfTI file; `what` names it in messages (image or mask). */
export async function decode(source: ImageSource, volume: number, maxVoxels: number, what: string): Promise<Decoded> {
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
      'E_OUT_OF_RANGE',
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
