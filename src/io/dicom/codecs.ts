/**
 * Optional DICOM pixel codecs: JPEG-LS (@cornerstonejs/codec-charls) and JPEG 2000 (@cornerstonejs/codec-openjpeg),
 * WebAssembly builds shipped inside their npm packages (no install scripts, nothing downloaded). They are optional
 * peer dependencies: imported on the first frame that needs one; when the package is not installed the file is
 * refused with `E_UNSUPPORTED_TRANSFER_SYNTAX` naming the UID and the package to install.
 */
import { SegsenseError } from '../../core/errors.js'

/** The embind decoder both codecs expose. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array
  decode(): void
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number }
  getDecodedBuffer(): Uint8Array
  delete(): void
}
type CodecModule = Record<string, new () => WasmDecoder>

interface Codec {
  readonly name: string
  readonly pkg: string
  /** The package's entry of the wasm decoder (an emscripten factory). */
  readonly entry: string
  readonly decoder: string
}

const CHARLS: Codec = {
  name: 'JPEG-LS',
  pkg: '@cornerstonejs/codec-charls',
  entry: '@cornerstonejs/codec-charls/decodewasmjs',
  decoder: 'JpegLSDecoder',
}
const OPENJPEG: Codec = {
  name: 'JPEG 2000',
  pkg: '@cornerstonejs/codec-openjpeg',
  entry: '@cornerstonejs/codec-openjpeg/decodewasmjs',
  decoder: 'J2KDecoder',
}

/** Transfer syntax UID -> the optional codec that decodes it. */
const CODECS: Readonly<Record<string, Codec>> = {
  '1.2.840.10008.1.2.4.80': CHARLS, // JPEG-LS lossless
  '1.2.840.10008.1.2.4.81': CHARLS, // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.90': OPENJPEG, // JPEG 2000 lossless only
  '1.2.840.10008.1.2.4.91': OPENJPEG, // JPEG 2000
}

/** The codec for a transfer syntax, or undefined when segsense has none (JPEG baseline/extended/lossless, MPEG, ...). */
export function codecFor(transferSyntaxUid: string): Codec | undefined {
  return CODECS[transferSyntaxUid]
}

const modules = new Map<string, Promise<CodecModule>>()

function loadCodec(codec: Codec, ts: string, name: string): Promise<CodecModule> {
  let m = modules.get(codec.pkg)
  if (m === undefined) {
    m = (import(codec.entry) as Promise<{ default?: unknown }>).then(async (mod) => {
      const factory = (mod.default ?? mod) as (overrides: object) => Promise<CodecModule>
      // OpenJPEG logs "[INFO] ..." lines through emscripten's print: keep them off stdout (--json prints there).
      const quiet = (): void => undefined
      return factory({ print: quiet, printErr: quiet })
    })
    // A failed import is not cached: the package may be installed later in a long-lived process.
    m.catch(() => modules.delete(codec.pkg))
    modules.set(codec.pkg, m)
  }
  return m.catch((e) => {
    throw new SegsenseError(
      'E_UNSUPPORTED_TRANSFER_SYNTAX',
      `DICOM ${name} stores its pixels as ${codec.name} (transfer syntax ${ts}); segsense decodes it with the ` +
        `optional package ${codec.pkg}, which could not be loaded (${(e as Error).message.split('\n')[0]}): npm install ${codec.pkg}`,
      { cause: e, details: { file: name, transferSyntaxUid: ts, package: codec.pkg } },
    )
  })
}

/** A decoded frame: samples little-endian, pixel-interleaved, 1 byte each up to 8 bits, else 2. */
export interface DecodedFrame {
  readonly width: number
  readonly height: number
  readonly components: number
  readonly bytesPerSample: number
  readonly data: Uint8Array
}

/**
 * Decodes one compressed frame with its codec.
 * @throws SegsenseError `E_UNSUPPORTED_TRANSFER_SYNTAX` when the codec package is missing, `E_IMAGE_DECODE` when it
 *   rejects the stream.
 */
export async function decodeCompressedFrame(
  codec: Codec,
  ts: string,
  encoded: Uint8Array,
  name: string,
): Promise<DecodedFrame> {
  const mod = await loadCodec(codec, ts, name)
  const Decoder = mod[codec.decoder]
  if (Decoder === undefined)
    throw new SegsenseError('E_IMAGE_DECODE', `cannot decode DICOM ${name}: ${codec.pkg} has no ${codec.decoder}`, {
      details: { file: name },
    })
  const decoder = new Decoder()
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded)
    decoder.decode()
    const info = decoder.getFrameInfo()
    // The decoded buffer is a view into the wasm heap: copy it before the decoder is freed.
    const data = decoder.getDecodedBuffer().slice()
    return {
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bytesPerSample: info.bitsPerSample <= 8 ? 1 : 2,
      data,
    }
  } catch (e) {
    if (e instanceof SegsenseError) throw e
    const reason = e instanceof Error ? e.message : typeof e === 'number' ? `codec error ${e}` : String(e)
    throw new SegsenseError('E_IMAGE_DECODE', `cannot decode DICOM ${name}: ${codec.name} stream: ${reason}`, {
      cause: e,
      details: { file: name, reason },
    })
  } finally {
    decoder.delete()
  }
}
