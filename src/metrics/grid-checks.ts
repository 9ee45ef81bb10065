/** The checks of grid sizes, 3D spacings and the NSD tolerance that the distance metrics and the volume sweep share. */
import { checkInteger, reject } from '../core/validate.js'

/** Throws unless `width` and `height` are integers >= 1 (`E_WRONG_TYPE` or `E_OUT_OF_RANGE`). */
export function checkSize(width: number, height: number): void {
  checkInteger('mask width', width, 1)
  checkInteger('mask height', height, 1)
}

/** Throws unless `dims` is three integers >= 1: `E_WRONG_TYPE` for a non-array, else `E_OUT_OF_RANGE`. */
export function checkDims(dims: unknown, what: string): asserts dims is readonly [number, number, number] {
  const expected = 'three integers >= 1 ([i, j, k])'
  if (!Array.isArray(dims)) reject('E_WRONG_TYPE', what, dims, expected)
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && (d as number) >= 1))
    reject('E_OUT_OF_RANGE', what, dims, expected)
}

/** A checked 3D spacing: three finite numbers > 0 (mm along i, j, k); `E_WRONG_TYPE` or `E_OUT_OF_RANGE` otherwise. */
export function checkSpacing3(spacing: unknown, what: string): readonly [number, number, number] {
  const expected = 'three finite numbers > 0 (mm along i, j, k)'
  if (!Array.isArray(spacing) || !spacing.every((s) => typeof s === 'number'))
    reject('E_WRONG_TYPE', what, spacing, expected)
  if (spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0))
    reject('E_OUT_OF_RANGE', what, spacing, expected)
  return spacing as unknown as readonly [number, number, number]
}

/** Throws unless `tolerance` (NSD) is a finite number >= 0 (`E_WRONG_TYPE`, `E_OUT_OF_RANGE`); `what` names it. */
export function checkTolerance(tolerance: unknown, what: string): asserts tolerance is number {
  const expected = "a finite number >= 0 (in the truth's spacing units)"
  if (typeof tolerance !== 'number') reject('E_WRONG_TYPE', what, tolerance, expected)
  if (!Number.isFinite(tolerance) || tolerance < 0) reject('E_OUT_OF_RANGE', what, tolerance, expected)
}
