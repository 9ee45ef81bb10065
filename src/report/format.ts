// Display formatting shared by the matchers' messages, the HTML report and the command line.
import type { SweepResult } from '../results/sweep-result.js'
import type { CategoricalStability, Interval } from '../analysis/stability.js'

/** A parameter value for messages: `-15 deg`, `1.5x`, or a category name. */
export function formatValue(result: Pick<SweepResult, 'transform'>, value: number): string {
  const p = result.transform.parameter
  if (p.scale === 'categorical')
    return p.categories?.[String(value)] ? `${value} (${p.categories[String(value)]})` : String(value)
  const v = roundForDisplay(value)
  if (!p.unit) return v
  return p.unit === 'x' ? `${v}x` : `${v} ${p.unit}`
}

/** One decimal from 10 up, else 3 significant digits, no trailing zeros (interpolated bounds are not exact anyway). */
export function roundForDisplay(value: number): string {
  return String(Math.abs(value) >= 10 ? Number(value.toFixed(1)) : Number(value.toPrecision(3)))
}

/** A score with 4 decimals, or `undefined` for a null score. */
export function formatScore(score: number | null | undefined): string {
  return typeof score === 'number' ? score.toFixed(4) : 'undefined'
}

/** `[-12.4 deg, 8.1 deg]`, `full circle`, `none (fails at neutral)` or the categorical pass fraction. */
export function formatInterval(
  result: Pick<SweepResult, 'transform'>,
  interval: Interval | CategoricalStability | null,
): string {
  if (interval === null) return 'none (fails at the neutral value)'
  if (interval.kind === 'categorical') {
    const failing = interval.failing.map((v) => formatValue(result, v)).join(', ')
    return `${Math.round(interval.passFraction * 100)}% of values pass${failing ? `; failing: ${failing}` : ''}`
  }
  if (interval.full) return `the full circle`
  const lo = `${interval.censoredLow ? '<= ' : ''}${formatValue(result, interval.from)}`
  const hi = `${interval.censoredHigh ? '>= ' : ''}${formatValue(result, interval.to)}`
  return `[${lo}, ${hi}]${interval.wraps ? ' (wrapping)' : ''}`
}

/** Left-aligned text table with two spaces between columns. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  )
}
