import { describe, expect, test } from 'vitest'
import { SegsenseError, isSegsenseError } from '../../../src/core/errors.js'
import {
  checkBoolean,
  checkChoice,
  checkInteger,
  checkNumber,
  checkObject,
  rejectCombination,
} from '../../../src/core/validate.js'

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return (e as SegsenseError).code
  }
  return undefined
}

describe('the validator vocabulary', () => {
  test('a value of the wrong kind is E_WRONG_TYPE, the right kind out of range E_OUT_OF_RANGE', () => {
    expect(codeOf(() => checkNumber('sigma', '1', 'positive'))).toBe('E_WRONG_TYPE')
    expect(codeOf(() => checkNumber('sigma', -1, 'positive'))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => checkNumber('sigma', Number.NaN))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => checkInteger('batchSize', 2.5, 1))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => checkInteger('batchSize', null, 1))).toBe('E_WRONG_TYPE')
    expect(codeOf(() => checkBoolean('cache', 'yes'))).toBe('E_WRONG_TYPE')
    expect(codeOf(() => checkChoice('padding', 'paddin', ['zeros', 'border']))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => checkObject('refine', [1]))).toBe('E_WRONG_TYPE')
    expect(codeOf(() => rejectCombination('refine cannot be combined with repeats > 1'))).toBe('E_INCOMPATIBLE_OPTIONS')
  })

  test('accepted values come back unchanged; messages name the value and what was expected, on one line', () => {
    expect(checkNumber('x', 0.5, 'unit')).toBe(0.5)
    expect(checkInteger('n', 3, 1, 5)).toBe(3)
    expect(checkChoice('p', 'border', ['zeros', 'border'])).toBe('border')
    expect(() => checkInteger('sweep option batchSize', 0, 1)).toThrow(
      'sweep option batchSize must be an integer >= 1, got 0',
    )
    expect(() => checkChoice('rotate: option padding', 'x', ['zeros', 'border', 'reflection'])).toThrow(
      `rotate: option padding must be 'zeros', 'border' or 'reflection', got "x"`,
    )
  })

  test('isSegsenseError(e, "E_BAD_PARAMETER") matches the four precise kinds, and nothing else', () => {
    for (const code of ['E_UNKNOWN_OPTION', 'E_WRONG_TYPE', 'E_OUT_OF_RANGE', 'E_INCOMPATIBLE_OPTIONS'] as const) {
      const e = new SegsenseError(code, 'x')
      expect(isSegsenseError(e, 'E_BAD_PARAMETER')).toBe(true)
      expect(isSegsenseError(e, code)).toBe(true)
    }
    expect(isSegsenseError(new SegsenseError('E_WRONG_TYPE', 'x'), 'E_OUT_OF_RANGE')).toBe(false)
    expect(isSegsenseError(new SegsenseError('E_MODEL_OUTPUT', 'x'), 'E_BAD_PARAMETER')).toBe(false)
    expect(isSegsenseError(new Error('x'), 'E_BAD_PARAMETER')).toBe(false)
  })
})
