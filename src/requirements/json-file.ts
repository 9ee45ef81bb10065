import { resolve } from 'node:path'
import { SegsenseError } from '../core/errors.js'
import { readRegularFileSync } from '../core/fs.js'

/**
 * Reads and parses a JSON file synchronously (specs are read while vitest collects tests), naming it as `what`.
 * @throws SegsenseError `E_FILE_NOT_FOUND` (no such file), `E_FILE_READ` (it exists but cannot be read: a folder,
 *   a FIFO or a device, refused before any read; no permission), `E_SCHEMA` (not JSON).
 */
export function readJsonFile(path: string, what: string): { file: string; json: unknown } {
  const file = resolve(path)
  const text = readRegularFileSync(file, what).toString('utf8')
  try {
    return { file, json: JSON.parse(text) as unknown }
  } catch (e) {
    throw new SegsenseError('E_SCHEMA', `${what} ${file} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
      details: { file },
    })
  }
}
