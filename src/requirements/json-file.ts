import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { SegsenseError } from '../core/errors.js'

/**
 * Reads and parses a JSON file synchronously (specs are read while vitest collects tests), naming it as `what`.
 * @throws SegsenseError `E_FILE_NOT_FOUND` (no such file), `E_FILE_READ` (it exists but cannot be read: a folder,
 *   no permission), `E_SCHEMA` (not JSON).
 */
export function readJsonFile(path: string, what: string): { file: string; json: unknown } {
  const file = resolve(path)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const missing = code === 'ENOENT' || code === 'ENOTDIR'
    throw new SegsenseError(
      missing ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ',
      `${missing ? `${what} not found` : `cannot read ${what}`} ${file}: ${(e as Error).message}`,
      { cause: e, details: { file } },
    )
  }
  try {
    return { file, json: JSON.parse(text) as unknown }
  } catch (e) {
    throw new SegsenseError('E_SCHEMA', `${what} ${file} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
      details: { file },
    })
  }
}
