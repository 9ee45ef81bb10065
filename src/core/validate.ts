/**
 * The one vocabulary of input checks: every `check*` returns the value it accepted or throws a one-line
 * `SegsenseError` phrased `<what> must be <expected>, got <value>`, with the code a caller branches on:
 *
 * | code | when |
 * | --- | --- |
 * | `E_WRONG_TYPE` | a value of the wrong kind: a string where a number goes, an array where an object goes |
 * | `E_OUT_OF_RANGE` | the right kind outside what is allowed: a negative sigma, an integer out of its bounds, not one of the choices |
 * | `E_UNKNOWN_OPTION` | an options object with a key nobody reads (`checkKnownKeys` in core/options.ts) |
 * | `E_INCOMPATIBLE_OPTIONS` | options each valid alone that cannot be combined ({@link rejectCombination}) |
 *
 * All four are kinds of `E_BAD_PARAMETER`: `isSegsenseError(e, 'E_BAD_PARAMETER')` is true for each of them, so code
 * written against the old single code keeps working.
 */
import { SegsenseError, type SegsenseErrorCode, describeValue } from './errors.js'

/** Numeric rules of {@link checkNumber}. */
export type NumberRule = 'finite' | 'positive' | 'nonnegative' | 'unit'

const EXPECTED: Readonly<Record<NumberRule, string>> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonnegative: 'a finite number >= 0',
  unit: 'a number in [0, 1]',
}

/** Throws `${what} must be ${expected}, got <value>` with `code`; `details` default to `{ value }`. */
export function reject(
  code: SegsenseErrorCode,
  what: string,
  value: unknown,
  expected: string,
  details: Readonly<Record<string, unknown>> = { value },
): never {
  throw new SegsenseError(code, `${what} must be ${expected}, got ${describeValue(value)}`, { details })
}

/** Throws `E_INCOMPATIBLE_OPTIONS` with `message` (which names both options and what to do instead). */
export function rejectCombination(message: string, details?: Readonly<Record<string, unknown>>): never {
  throw new SegsenseError('E_INCOMPATIBLE_OPTIONS', message, details ? { details: { ...details } } : undefined)
}

/**
 * Returns `value` if it is a number obeying `rule` (default finite): `E_WRONG_TYPE` for a non-number, `E_OUT_OF_RANGE`
 * for NaN, an infinity or a number outside the rule.
 */
export function checkNumber(
  what: string,
  value: unknown,
  rule: NumberRule = 'finite',
  details?: Readonly<Record<string, unknown>>,
): number {
  if (typeof value !== 'number') return reject('E_WRONG_TYPE', what, value, EXPECTED[rule], details)
  const ok =
    Number.isFinite(value) &&
    (rule === 'finite' ||
      (rule === 'positive' ? value > 0 : rule === 'nonnegative' ? value >= 0 : value >= 0 && value <= 1))
  if (!ok) reject('E_OUT_OF_RANGE', what, value, EXPECTED[rule], details)
  return value
}

/** Returns `value` if it is an integer in `min..max` (either bound may be infinite), else throws as {@link checkNumber}. */
export function checkInteger(
  what: string,
  value: unknown,
  min = -Infinity,
  max = Infinity,
  details?: Readonly<Record<string, unknown>>,
): number {
  const expected = !Number.isFinite(max)
    ? Number.isFinite(min)
      ? `an integer >= ${min}`
      : 'an integer'
    : `an integer in ${Number.isFinite(min) ? min : '-inf'}..${max}`
  if (typeof value !== 'number') return reject('E_WRONG_TYPE', what, value, expected, details)
  if (!Number.isInteger(value) || value < min || value > max) reject('E_OUT_OF_RANGE', what, value, expected, details)
  return value
}

/** Returns `value` if it is a boolean, else throws `E_WRONG_TYPE` (`must be true or false`). */
export function checkBoolean(what: string, value: unknown, details?: Readonly<Record<string, unknown>>): boolean {
  if (typeof value !== 'boolean') reject('E_WRONG_TYPE', what, value, 'true or false', details)
  return value
}

/** `'a', 'b' or 'c'`: the choices as a message lists them. */
export function listChoices(choices: readonly (string | number)[]): string {
  const quoted = choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c)))
  return quoted.length > 1
    ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
    : (quoted[0] ?? 'nothing')
}

/** Returns `value` if it is one of `choices`, else throws `E_OUT_OF_RANGE` listing them. */
export function checkChoice<T extends string | number>(
  what: string,
  value: unknown,
  choices: readonly T[],
  details?: Readonly<Record<string, unknown>>,
): T {
  if (!choices.includes(value as T)) reject('E_OUT_OF_RANGE', what, value, listChoices(choices), details)
  return value as T
}

/** Returns `value` if it is a plain object (not null, not an array), else throws `E_WRONG_TYPE`. */
export function checkObject(
  what: string,
  value: unknown,
  expected = 'an object',
  details?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    reject('E_WRONG_TYPE', what, value, expected, details)
  return value as Record<string, unknown>
}
