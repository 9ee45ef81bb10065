/**
 * The checks of transform parameters and options, all phrased `<transform>: <what> must be <expected>,
 * got <value>` with code `E_BAD_PARAMETER`, so that every transform rejects bad input the same way.
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { IMAGE_AXES, type ImageAxis } from './transform.js'

/** Numeric rules of {@link checkNumber}. */
export type NumberRule = 'finite' | 'positive' | 'nonnegative' | 'unit'

const EXPECTED: Readonly<Record<NumberRule, string>> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonnegative: 'a finite number >= 0',
  unit: 'a number in [0, 1]',
}

/**
 * Throws `E_BAD_PARAMETER`: `${transform}: ${what} must be ${expected}, got <value>`.
 * `details` default to `{ transform, parameter: what, value }`.
 */
export function reject(
  transform: string,
  what: string,
  value: unknown,
  expected: string,
  details: Readonly<Record<string, unknown>> = { transform, parameter: what, value },
): never {
  throw new SegsenseError('E_BAD_PARAMETER', `${transform}: ${what} must be ${expected}, got ${describeValue(value)}`, {
    details,
  })
}

/** {@link reject} for an option: `${transform}: option ${option} must be ...`, details `{ transform, option, value }`. */
export function rejectOption(transform: string, option: string, value: unknown, expected: string): never {
  return reject(transform, `option ${option}`, value, expected, { transform, option, value })
}

/** Returns `value` if it is a number obeying `rule` (default finite), else rejects it. */
export function checkNumber(transform: string, what: string, value: unknown, rule: NumberRule = 'finite'): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule === 'finite' ||
      (rule === 'positive' ? value > 0 : rule === 'nonnegative' ? value >= 0 : value >= 0 && value <= 1))
  if (!ok) reject(transform, what, value, EXPECTED[rule])
  return value as number
}

/** Returns `value` if it is an integer in `min..max` (no upper bound when `max` is omitted), else rejects it. */
export function checkInteger(transform: string, what: string, value: unknown, min: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    reject(transform, what, value, max === undefined ? `an integer >= ${min}` : `an integer in ${min}..${max}`)
  }
  return value as number
}

/** Returns `value` if it is a boolean, else rejects it (`must be true or false`). */
export function checkBoolean(transform: string, what: string, value: unknown): boolean {
  if (typeof value !== 'boolean') reject(transform, what, value, 'true or false')
  return value as boolean
}

/** Returns option `value` if it is one of `choices`, else rejects it listing them (`'a', 'b' or 'c'`). */
export function checkChoice<T extends string>(
  transform: string,
  option: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    const quoted = choices.map((c) => `'${c}'`)
    const expected =
      quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : (quoted[0] ?? 'nothing')
    rejectOption(transform, option, value, expected)
  }
  return value as T
}

/** Returns option `axis` if it is `'x'` or `'y'`, else rejects it. */
export function checkAxis(transform: string, value: unknown): ImageAxis {
  return checkChoice(transform, 'axis', value, IMAGE_AXES)
}
