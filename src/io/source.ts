/**
 * Where the loaders' bytes come from: a file path or the encoded bytes, named the same way in every message, and the
 * pixel limit every decoder checks before it allocates.
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { readRegularFile } from '../core/fs.js'
import { MAX_PIXELS } from '../core/limits.js'

/** Where an image comes from: a file path or the encoded bytes. */
export type ImageSource = string | Uint8Array

/** Names a source in messages: the path, or "buffer of N bytes". */
export function sourceName(source: ImageSource): string {
  return typeof source === 'string' ? source : `buffer of ${source.length} bytes`
}

/**
 * Reads a source's bytes. A path that is not a regular file (a FIFO, a device, a socket, a folder) is refused before
 * anything is read, so it cannot block the loader.
 * @throws SegsenseError `E_FILE_NOT_FOUND` naming a missing path, `E_FILE_READ` naming a path that is not a regular
 *   file (and what it is) or cannot be read, `E_WRONG_TYPE` for a source of the wrong type.
 */
export async function readSource(source: ImageSource, what = 'image'): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  if (typeof source !== 'string') {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${what} source must be a file path or a Uint8Array of encoded bytes, got ${describeValue(source)}`,
    )
  }
  return readRegularFile(source, `${what} file`)
}

/** Validates a maxPixels option (positive integer or Infinity) and returns it with the default applied. */
export function checkMaxPixels(value: unknown): number {
  if (value === undefined) return MAX_PIXELS
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value
  throw new SegsenseError(
    typeof value !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
    `maxPixels must be a positive integer or Infinity, got ${describeValue(value)}`,
    { details: { value } },
  )
}

/** The `E_IMAGE_TOO_LARGE` error for a file over the pixel limit. */
export function tooLarge(name: string, width: number, height: number, maxPixels: number): SegsenseError {
  return new SegsenseError(
    'E_IMAGE_TOO_LARGE',
    `image ${name} is ${width}x${height} = ${width * height} pixels, more than the limit of ${maxPixels} ` +
      `(raise the maxPixels option if the file is trusted)`,
    { details: { file: name, width, height, maxPixels } },
  )
}
