/**
 * The checks of transform parameters and options, all phrased `<transform>: <what> must be <expected>, got <value>`:
 * a thin layer over core/validate.ts that prefixes the transform's name and puts `{ transform, parameter, value }` in
 * the details. Codes as there: `E_WRONG_TYPE` for a value of the wrong kind, `E_OUT_OF_RANGE` for one outside what
 * is allowed or not one of the choices (both match `isSegsenseError(e, 'E_BAD_PARAMETER')`).
 */
import * as core from '../core/validate.js'
import { IMAGE_AXES, type ImageAxis } from './transform.js'

/** Numeric rules of {@link checkNumber}. */
export type NumberRule = core.NumberRule

/**
 * Throws `E_OUT_OF_RANGE`: `${transform}: ${what} must be ${expected}, got <value>` (callers reach it for a value
 * the `check*` below do not describe: a size under 1 px, a malformed pair). `details` default to
 * `{ transform, parameter: what, value }`.
 */
export function reject(
  transform: string,
  what: string,
  value: unknown,
  expected: string,
  details: Readonly<Record<string, unknown>> = { transform, parameter: what, value },
): never {
  return core.reject('E_OUT_OF_RANGE', `${transform}: ${what}`, value, expected, details)
}

/** {@link reject} for an option: `${transform}: option ${option} must be ...`, details `{ transform, option, value }`. */
export function rejectOption(transform: string, option: string, value: unknown, expected: string): never {
  return reject(transform, `option ${option}`, value, expected, { transform, option, value })
}

/** The details every check of `transform` attaches. */
function detailsOf(transform: string, what: string, value: unknown): Readonly<Record<string, unknown>> {
  return { transform, parameter: what, value }
}

/** Returns `value` if it is a number obeying `rule` (default finite), else rejects it. */
export function checkNumber(transform: string, what: string, value: unknown, rule: NumberRule = 'finite'): number {
  return core.checkNumber(`${transform}: ${what}`, value, rule, detailsOf(transform, what, value))
}

/** Returns `value` if it is an integer in `min..max` (no upper bound when `max` is omitted), else rejects it. */
export function checkInteger(transform: string, what: string, value: unknown, min: number, max?: number): number {
  return core.checkInteger(`${transform}: ${what}`, value, min, max, detailsOf(transform, what, value))
}

/** Returns `value` if it is a boolean, else rejects it (`must be true or false`). */
export function checkBoolean(transform: string, what: string, value: unknown): boolean {
  return core.checkBoolean(`${transform}: ${what}`, value, detailsOf(transform, what, value))
}

/** Returns option `value` if it is one of `choices`, else rejects it listing them (`'a', 'b' or 'c'`). */
export function checkChoice<T extends string>(
  transform: string,
  option: string,
  value: unknown,
  choices: readonly T[],
): T {
  return core.checkChoice(`${transform}: option ${option}`, value, choices, { transform, option, value })
}

/** Returns option `axis` if it is `'x'` or `'y'`, else rejects it. */
export function checkAxis(transform: string, value: unknown): ImageAxis {
  return checkChoice(transform, 'axis', value, IMAGE_AXES)
}
