// Small helpers shared by the unit and integration tests.
import { expect } from 'vitest'
import { type SegsenseError, type SegsenseErrorCode, isSegsenseError } from '../../src/core/errors.js'

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

/** The message `promise` rejects with (a matcher's failure); throws when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected a failure, but the promise resolved')
}

/** Expects `caught` to be a SegsenseError of `code` whose message contains each fragment, and returns it. */
function expectSegsenseError(caught: unknown, code: SegsenseErrorCode, fragments: readonly string[]): SegsenseError {
  expect(isSegsenseError(caught), `expected a SegsenseError ${code}, got ${String(caught)}`).toBe(true)
  const err = caught as SegsenseError
  expect(err.code, err.message).toBe(code)
  for (const f of fragments) expect(err.message).toContain(f)
  return err
}

/** Awaits `promise`, expects it to reject with a SegsenseError of `code` whose message contains each fragment. */
export async function expectRejection(
  promise: Promise<unknown>,
  code: SegsenseErrorCode,
  ...fragments: string[]
): Promise<SegsenseError> {
  let caught: unknown
  try {
    await promise
  } catch (e) {
    caught = e
  }
  return expectSegsenseError(caught, code, fragments)
}

/** Calls `fn`, expects it to throw a SegsenseError of `code` whose message contains each fragment. */
export function expectThrow(fn: () => unknown, code: SegsenseErrorCode, ...fragments: string[]): SegsenseError {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  return expectSegsenseError(caught, code, fragments)
}
