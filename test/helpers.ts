// Small helpers shared by the unit tests.
import { isSegsenseError } from '../src/core/errors.js'

/** The SegsenseError code `fn` throws, a note when it throws something else, or undefined when it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return isSegsenseError(e) ? e.code : `not a SegsenseError: ${String(e)}`
  }
  return undefined
}

/** The message of the error `fn` throws, or '' when it does not throw. */
export function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    return (e as Error).message
  }
  return ''
}
