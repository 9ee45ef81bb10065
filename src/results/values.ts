import { SegsenseError, type SegsenseErrorCode, describeValue } from '../core/errors.js'
import type { TransformParameter } from '../transforms/transform.js'

/** How the swept values are chosen. Give `values`, or a `range` with `step` or `steps`, or nothing (the parameter's defaults). */
export interface GridOptions {
  /** `[from, to]`, inclusive at both ends; default `parameter.defaultRange`. */
  readonly range?: readonly [number, number]
  /** Additive step in the parameter's unit (log parameters too); default `parameter.defaultStep`. */
  readonly step?: number
  /** Number of values over the range (integer >= 2): geometric for log parameters, linear otherwise. */
  readonly steps?: number
  /** Explicit values; not combined with `range`, `step` or `steps`. */
  readonly values?: readonly number[]
}

/** Largest grid a sweep accepts: a typo such as `step: 0.0001` should fail fast, not run for hours. */
export const MAX_GRID_VALUES = 100_000

/** `E_OUT_OF_RANGE` for a value of the right kind (a number, an array), else `E_WRONG_TYPE`. */
function kindOf(value: unknown, kind: 'number' | 'array'): SegsenseErrorCode {
  const right = kind === 'array' ? Array.isArray(value) : typeof value === 'number'
  return right ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
}

function bad(code: SegsenseErrorCode, option: string, value: unknown, expected: string): never {
  throw new SegsenseError(code, `sweep option ${option} ${expected}, got ${describeValue(value)}`, {
    details: { option, value },
  })
}

/** Number of decimals needed to write `x` exactly as JavaScript prints it (1e-7 -> 7, 0.25 -> 2). */
function decimals(x: number): number {
  const s = String(Math.abs(x))
  const e = s.indexOf('e')
  const mantissa = e < 0 ? s : s.slice(0, e)
  const exponent = e < 0 ? 0 : Number(s.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1
  return Math.max(0, frac - exponent)
}

/** Rounds to `d` decimals and turns -0 into 0, so grids print as the user wrote them. */
function roundTo(x: number, d: number): number {
  return Number(x.toFixed(Math.min(100, Math.max(0, d)))) + 0
}

/** 12 significant digits: removes float drift from products such as exp(i * log step). */
function roundSignificant(x: number): number {
  return Number(x.toPrecision(12)) + 0
}

/**
 * The working axis of a parameter: summaries interpolate, integrate and differentiate in it.
 * Log parameters use u = ln θ; linear, circular (unwrapped, see stability) and categorical use θ itself.
 */
export function toWorking(parameter: Pick<TransformParameter, 'scale'>, value: number): number {
  return parameter.scale === 'log' ? Math.log(value) : value
}

/** Inverse of {@link toWorking}. */
export function fromWorking(parameter: Pick<TransformParameter, 'scale'>, u: number): number {
  return parameter.scale === 'log' ? Math.exp(u) : u
}

function checkValue(parameter: TransformParameter, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(kindOf(v, 'number'), option, v, 'must be a finite number')
  if (parameter.scale === 'log' && !(v > 0))
    bad('E_OUT_OF_RANGE', option, v, `must be > 0 (${parameter.name} is a log-scale factor)`)
  if (
    parameter.scale === 'categorical' &&
    parameter.categories &&
    !Object.prototype.hasOwnProperty.call(parameter.categories, String(v))
  ) {
    bad(
      'E_OUT_OF_RANGE',
      option,
      v,
      `must be one of the categories of ${parameter.name} (${Object.keys(parameter.categories).join(', ')})`,
    )
  }
  return v
}

/**
 * The values a sweep visits, from the user's grid options and the parameter's metadata.
 *
 * - `range` + `step`: `from + i * step`, rounded to the decimals of `from` and `step` (no 0.30000000000000004);
 *   `to` is always included, so the last step is shorter when `step` does not divide the range.
 * - `range` + `steps`: `steps` values from `from` to `to`, geometric for log parameters, linear otherwise.
 * - `values`: as given.
 * - The neutral value is always included (inserted in order, never duplicated). Values are sorted ascending
 *   and unique; categorical values keep the given order (neutral first when it had to be added).
 * - Circular parameters are not wrapped: `[-180, 180]` keeps both ends (the same angle; stability summaries
 *   merge them so the angle is not counted twice).
 *
 * @throws SegsenseError `E_WRONG_TYPE`, `E_OUT_OF_RANGE` or `E_INCOMPATIBLE_OPTIONS` naming the option and value:
 *   from > to, step <= 0, steps not an
 *   integer >= 2, non-finite values, log-scale values <= 0, categorical values outside `parameter.categories`,
 *   conflicting options, or a grid of more than {@link MAX_GRID_VALUES} values.
 * @example
 * sweepValues(rotate.parameter, { range: [-15, 15], step: 5 }) // [-15, -10, -5, 0, 5, 10, 15]
 */
export function sweepValues(parameter: TransformParameter, options: GridOptions = {}): number[] {
  const { range, step, steps, values } = options
  const categorical = parameter.scale === 'categorical'
  let grid: number[]
  if (values !== undefined) {
    if (range !== undefined || step !== undefined || steps !== undefined) {
      bad('E_INCOMPATIBLE_OPTIONS', 'values', values, 'cannot be combined with range, step or steps')
    }
    if (!Array.isArray(values) || values.length === 0)
      bad(kindOf(values, 'array'), 'values', values, 'must be a non-empty array of numbers')
    if (values.length > MAX_GRID_VALUES)
      bad('E_OUT_OF_RANGE', 'values', values, `must hold at most ${MAX_GRID_VALUES} values`)
    grid = values.map((v, i) => checkValue(parameter, `values[${i}]`, v))
  } else {
    if (step !== undefined && steps !== undefined)
      bad('E_INCOMPATIBLE_OPTIONS', 'step', step, 'cannot be combined with steps (give one)')
    const r = range ?? parameter.defaultRange
    if (!Array.isArray(r) || r.length !== 2) bad(kindOf(r, 'array'), 'range', r, 'must be [from, to]')
    const from = checkValue(parameter, 'range[0]', r[0])
    const to = checkValue(parameter, 'range[1]', r[1])
    if (from > to) bad('E_OUT_OF_RANGE', 'range', r, 'must have from <= to')
    if (steps !== undefined) {
      if (categorical)
        bad(
          'E_OUT_OF_RANGE',
          'steps',
          steps,
          `does not apply to the categorical parameter ${parameter.name} (use values or range with step)`,
        )
      if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 2)
        bad(kindOf(steps, 'number'), 'steps', steps, 'must be an integer >= 2')
      if (steps > MAX_GRID_VALUES) bad('E_OUT_OF_RANGE', 'steps', steps, `must be at most ${MAX_GRID_VALUES}`)
      grid = new Array<number>(steps)
      if (parameter.scale === 'log') {
        const a = Math.log(from)
        const du = (Math.log(to) - a) / (steps - 1)
        for (let i = 0; i < steps; i++) grid[i] = roundSignificant(Math.exp(a + i * du))
      } else {
        // 12 significant digits of the range's magnitude: [0, 1] in 11 steps gives 0.1, 0.2, ... exactly.
        const scale = Math.max(Math.abs(from), Math.abs(to))
        const d = scale === 0 ? 0 : 11 - Math.floor(Math.log10(scale))
        const dv = (to - from) / (steps - 1)
        for (let i = 0; i < steps; i++) grid[i] = roundTo(from + i * dv, d)
      }
      grid[0] = from
      grid[steps - 1] = to
    } else {
      const s = step ?? parameter.defaultStep
      if (typeof s !== 'number' || !Number.isFinite(s) || !(s > 0))
        bad(kindOf(s, 'number'), 'step', s, 'must be a finite number > 0')
      const n = Math.floor((to - from) / s + 1e-9)
      if (n + 2 > MAX_GRID_VALUES) {
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `sweep option step ${describeValue(s)} makes ${n + 1} values over [${from}, ${to}]; at most ${MAX_GRID_VALUES} are allowed`,
          { details: { option: 'step', value: s } },
        )
      }
      const d = Math.max(decimals(from), decimals(s))
      grid = []
      for (let i = 0; i <= n; i++) grid.push(roundTo(from + i * s, d))
      // The user asked for the range end to end: include `to` even when the step does not land on it.
      const last = grid[grid.length - 1] as number
      if (last > to) grid[grid.length - 1] = to
      else if (to - last > 1e-9 * s) grid.push(to)
      for (let i = 0; i < grid.length; i++)
        checkValue(parameter, `range [${from}, ${to}] with step ${s}: value`, grid[i])
    }
  }
  return withNeutral(parameter, grid)
}

/** Sorts (unless categorical), removes duplicates and inserts the neutral value. */
function withNeutral(parameter: TransformParameter, grid: number[]): number[] {
  const neutral = parameter.neutral
  if (parameter.scale === 'categorical') {
    const out: number[] = []
    for (const v of grid) if (!out.includes(v)) out.push(v)
    if (!out.includes(neutral)) out.unshift(neutral)
    return out
  }
  const sorted = [...grid].sort((a, b) => a - b)
  const span = (sorted[sorted.length - 1] as number) - (sorted[0] as number)
  const tol = 1e-12 * Math.max(1, Math.abs(span), Math.abs(neutral))
  const out: number[] = []
  for (const v0 of sorted) {
    // A value within rounding of neutral *is* the neutral value (e.g. 1.0000000000000002 for a factor).
    const v = Math.abs(v0 - neutral) <= tol ? neutral : v0
    if (out.length === 0 || (out[out.length - 1] as number) !== v) out.push(v)
  }
  if (!out.includes(neutral)) {
    let i = 0
    while (i < out.length && (out[i] as number) < neutral) i++
    out.splice(i, 0, neutral)
  }
  return out
}
