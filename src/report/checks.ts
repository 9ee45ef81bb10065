// The code of a rejected report option: a number out of its range, or not a number at all.
import type { SegsenseErrorCode } from '../core/errors.js'

/** `E_OUT_OF_RANGE` for a number (NaN included) that breaks its rule, `E_WRONG_TYPE` for anything else. */
export function rangeOrType(value: unknown): SegsenseErrorCode {
  return typeof value === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
}
