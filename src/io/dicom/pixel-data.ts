/**
 * Pixel Data of one frame -> its stored integer samples: native data read in place, RLE Lossless decoded here,
 * JPEG-LS and JPEG 2000 by their optional codecs (codecs.ts).
 */
import type { Element } from 'dicom-parser'
import { SegsenseError } from '../../core/errors.js'
import { codecFor, decodeCompressedFrame } from './codecs.js'
import { TS, loadParser, type Parsed } from './parse.js'

/** Decodes one RLE Lossless frame (PS3.5 Annex G) into its byte planes: segment s fills `out` from `s * planeSize`. */
function decodeRle(frame: Uint8Array, segments: number, planeSize: number, name: string): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const fail = (why: string) =>
    new SegsenseError('E_IMAGE_DECODE', `cannot decode DICOM ${name}: RLE ${why}`, { details: { file: name } })
  if (frame.length < 64) throw fail('frame shorter than its 64-byte header')
  const count = view.getUint32(0, true)
  if (count !== segments) throw fail(`frame has ${count} segments, expected ${segments}`)
  const out = new Uint8Array(segments * planeSize)
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true)
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length
    let p = start
    let o = s * planeSize
    const stop = o + planeSize
    // PackBits: n in 0..127 copies n + 1 literal bytes, n in -127..-1 repeats the next byte 1 - n times, -128 is a no-op.
    while (p < end && o < stop) {
      const n = ((frame[p++] as number) << 24) >> 24
      if (n >= 0) {
        const len = Math.min(n + 1, stop - o, end - p)
        out.set(frame.subarray(p, p + len), o)
        p += n + 1
        o += len
      } else if (n !== -128) {
        const v = frame[p++] as number
        const len = Math.min(1 - n, stop - o)
        out.fill(v, o, o + len)
        o += len
      }
    }
    if (o < stop) throw fail(`segment ${s} ends after ${o - s * planeSize} of ${planeSize} bytes`)
  }
  return out
}

/**
 * The stored integer samples of one frame, interleaved (RGBRGB for colour), as exact numbers in a Float64Array:
 * native pixel data read in place, RLE decoded here, JPEG-LS / JPEG 2000 by their optional codec.
 */
export async function frameSamples(p: Parsed, frame: number): Promise<Float64Array> {
  const { ds, meta, name, samplesPerPixel: spp } = p
  const n = meta.rows * meta.columns
  const bytesPer = meta.bitsAllocated / 8
  const el = ds.elements.x7fe00010 as Element
  let raw: Uint8Array
  let littleEndian = p.ts !== TS.explicitBE
  let planar = p.planar === 1
  const codec = codecFor(p.ts)
  if (p.ts === TS.rle || codec !== undefined) {
    const fragment = await encapsulatedFrame(p, frame)
    if (codec !== undefined) {
      const decoded = await decodeCompressedFrame(codec, p.ts, fragment, name)
      if (
        decoded.width !== meta.columns ||
        decoded.height !== meta.rows ||
        decoded.components !== spp ||
        decoded.data.length !== n * spp * decoded.bytesPerSample
      ) {
        throw new SegsenseError(
          'E_IMAGE_DECODE',
          `cannot decode DICOM ${name}: the ${codec.name} stream of frame ${frame} is ` +
            `${decoded.width}x${decoded.height}x${decoded.components}, the header says ${meta.columns}x${meta.rows}x${spp}`,
          {
            details: { file: name, frame },
          },
        )
      }
      return samplesOf(decoded.data, decoded.bytesPerSample, true, false, p)
    }
    // RLE segments are byte planes: for each sample, most significant byte first. Reassemble little-endian planar.
    const planes = decodeRle(fragment, spp * bytesPer, n, name)
    raw = new Uint8Array(n * spp * bytesPer)
    for (let s = 0; s < spp; s++)
      for (let b = 0; b < bytesPer; b++) {
        const plane = planes.subarray((s * bytesPer + b) * n, (s * bytesPer + b + 1) * n)
        const shift = bytesPer - 1 - b
        const base = s * n * bytesPer
        for (let i = 0; i < n; i++) raw[base + i * bytesPer + shift] = plane[i] as number
      }
    littleEndian = true
    planar = true
  } else {
    const frameBytes = n * spp * bytesPer
    const start = el.dataOffset + frame * frameBytes
    if (start + frameBytes > ds.byteArray.length || (el.length > 0 && (frame + 1) * frameBytes > el.length)) {
      throw new SegsenseError(
        'E_IMAGE_DECODE',
        `cannot decode DICOM ${name}: Pixel Data holds ${el.length} bytes, frame ${frame} needs bytes ` +
          `${frame * frameBytes}..${(frame + 1) * frameBytes}`,
        {
          details: { file: name, frame },
        },
      )
    }
    raw = ds.byteArray.subarray(start, start + frameBytes)
  }
  return samplesOf(raw, bytesPer, littleEndian, planar, p)
}

/** The bytes of one frame of encapsulated pixel data (one fragment per frame, or all fragments of a single frame). */
async function encapsulatedFrame(p: Parsed, frame: number): Promise<Uint8Array> {
  const dp = await loadParser()
  const el = p.ds.elements.x7fe00010 as Element
  try {
    const fragments = el.fragments ?? []
    return p.frames === 1
      ? dp.readEncapsulatedPixelDataFromFragments(p.ds, el, 0, fragments.length)
      : el.basicOffsetTable && el.basicOffsetTable.length > 0
        ? dp.readEncapsulatedImageFrame(p.ds, el, frame)
        : dp.readEncapsulatedPixelDataFromFragments(p.ds, el, frame, 1)
  } catch (e) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `cannot decode DICOM ${p.name}: frame ${frame} of the encapsulated pixel data: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e, details: { file: p.name } },
    )
  }
}

/**
 * Stored samples (`bytesPer` bytes each) -> numbers, masked to Bits Stored and sign-extended when Pixel
 * Representation is 1; planar colour (RRR GGG BBB) is interleaved on the way.
 */
function samplesOf(raw: Uint8Array, bytesPer: number, littleEndian: boolean, planar: boolean, p: Parsed): Float64Array {
  const { meta, samplesPerPixel: spp } = p
  const n = meta.rows * meta.columns
  const out = new Float64Array(n * spp)
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const bits = Math.min(meta.bitsStored, bytesPer * 8)
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1
  const signBit = 2 ** (bits - 1)
  const signed = meta.pixelRepresentation === 1
  for (let i = 0; i < n * spp; i++) {
    let v =
      bytesPer === 1
        ? (raw[i] as number)
        : bytesPer === 2
          ? view.getUint16(2 * i, littleEndian)
          : view.getUint32(4 * i, littleEndian)
    v = mask === 0xffffffff ? v : v & mask
    if (v < 0) v += 4294967296
    if (signed && v >= signBit) v -= 2 * signBit
    if (planar && spp > 1) {
      const s = Math.floor(i / n)
      out[(i - s * n) * spp + s] = v
    } else out[i] = v
  }
  return out
}
