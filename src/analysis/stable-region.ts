import { SegsenseError, describeValue } from '../core/errors.js'
import type { MetricName } from '../metrics/overlap.js'
import type { GridResult } from '../results/grid-result.js'
import type { SweepParameter } from '../results/sweep-result.js'

/** Options of {@link stableRegion}. */
export interface RegionOptions {
  /** The class whose scores decide. */
  readonly className: string
  /** Metric; default `dice`. */
  readonly metric?: MetricName
  /** A cell passes when its score is at least `min` (an undefined score never passes). */
  readonly min: number
  /** A sample id: that sample's grid; default the mean over samples. */
  readonly sample?: string
}

/**
 * How far a stable region reaches along one axis (grid values only, no interpolation).
 * `from`/`to` are the first and last values the region occupies; on a circular axis whose grid closes the circle,
 * a region may cross the wrap point: then `wraps` is true and `from > to` (e.g. from 150 deg to -150 deg).
 */
export interface AxisExtent {
  readonly from: number
  readonly to: number
  /** Indices of `from` and `to` in the axis' values. */
  readonly fromIndex: number
  readonly toIndex: number
  /** The region crosses the wrap point of a circular axis (`from > to`). */
  readonly wraps: boolean
  /** The region occupies every value of the axis (in some row or column, not necessarily one). */
  readonly full: boolean
}

/**
 * The stable region of a two-parameter grid at a threshold: the cells that pass and are connected (4-connectivity:
 * left, right, up, down) to the neutral cell, which must pass itself. Connected, not convex: a region may bend
 * round failing cells and hold holes.
 */
export interface StableRegion {
  readonly className: string
  readonly metric: MetricName
  readonly min: number
  /** The sample whose grid was read, or null for the mean. */
  readonly sample: string | null
  /** The neutral cell `[i, j]` the region grows from. */
  readonly neutral: readonly [number, number]
  /** `mask[i][j]`: cell (axes[0].values[i], axes[1].values[j]) belongs to the region. */
  readonly mask: boolean[][]
  /** Number of cells in the region, and in the grid. */
  readonly cells: number
  readonly total: number
  /** Extent along the first and the second axis. */
  readonly extent: readonly [AxisExtent, AxisExtent]
}

/**
 * Whether an axis closes the circle: a circular parameter whose wrap gap (`values[0] + period - values[last]`) is
 * no wider than its widest step, so that the first and last values are neighbours (`-180` and `180` deg are even
 * the same angle, gap 0).
 */
export function axisWraps(parameter: Pick<SweepParameter, 'scale' | 'period'>, values: readonly number[]): boolean {
  if (parameter.scale !== 'circular' || parameter.period === undefined || values.length < 3) return false
  let widest = 0
  for (let k = 1; k < values.length; k++) widest = Math.max(widest, (values[k] as number) - (values[k - 1] as number))
  const gap = (values[0] as number) + parameter.period - (values[values.length - 1] as number)
  const tol = 1e-9 * parameter.period
  return gap >= -tol && gap <= widest + tol
}

/**
 * The cells connected to `start` through passing cells (4-connectivity, breadth first), or null when `start`
 * fails. `wrap[a]` makes the first and last index of axis a neighbours (a closed circular axis).
 * `pass[i][j]` must be a full rectangle.
 */
export function connectedRegion(
  pass: readonly (readonly boolean[])[],
  start: readonly [number, number],
  wrap: readonly [boolean, boolean] = [false, false],
): boolean[][] | null {
  const n = pass.length
  const m = n > 0 ? (pass[0] as readonly boolean[]).length : 0
  const [si, sj] = start
  if (!(si >= 0 && si < n && sj >= 0 && sj < m) || !pass[si]?.[sj]) return null
  const seen = new Uint8Array(n * m)
  const queue = new Int32Array(n * m)
  let head = 0
  let tail = 0
  seen[si * m + sj] = 1
  queue[tail++] = si * m + sj
  const visit = (i: number, j: number): void => {
    if (i < 0) {
      if (!wrap[0]) return
      i = n - 1
    } else if (i >= n) {
      if (!wrap[0]) return
      i = 0
    }
    if (j < 0) {
      if (!wrap[1]) return
      j = m - 1
    } else if (j >= m) {
      if (!wrap[1]) return
      j = 0
    }
    const c = i * m + j
    if (seen[c] || !pass[i]?.[j]) return
    seen[c] = 1
    queue[tail++] = c
  }
  while (head < tail) {
    const c = queue[head++] as number
    const i = Math.floor(c / m)
    const j = c % m
    visit(i - 1, j)
    visit(i + 1, j)
    visit(i, j - 1)
    visit(i, j + 1)
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => seen[i * m + j] === 1))
}

/**
 * The extent of the occupied indices of one axis. On a wrapping axis the extent is the circle minus its widest run
 * of unoccupied indices (so a region across the wrap point reads `from 150 to -150`, not the whole axis).
 */
export function axisExtent(values: readonly number[], occupied: readonly boolean[], wraps: boolean): AxisExtent {
  const n = values.length
  const first = occupied.indexOf(true)
  if (first < 0) throw new SegsenseError('E_BAD_PARAMETER', 'axisExtent: no occupied index')
  const last = occupied.lastIndexOf(true)
  const full = occupied.every(Boolean)
  const at = (fromIndex: number, toIndex: number, wrapsHere: boolean): AxisExtent => ({
    from: values[fromIndex] as number,
    to: values[toIndex] as number,
    fromIndex,
    toIndex,
    wraps: wrapsHere,
    full,
  })
  if (!wraps || full) return at(first, last, false)
  // Widest circular run of unoccupied indices: the region's extent is what lies outside it.
  let bestStart = -1
  let bestLength = 0
  for (let s = 0; s < n; s++) {
    if (occupied[s] || !occupied[(s - 1 + n) % n]) continue // runs start right after an occupied index
    let length = 0
    while (length < n && !occupied[(s + length) % n]) length++
    if (length > bestLength) {
      bestLength = length
      bestStart = s
    }
  }
  const fromIndex = (bestStart + bestLength) % n
  const toIndex = (bestStart - 1 + n) % n
  return at(fromIndex, toIndex, fromIndex > toIndex)
}

/**
 * The stable region of a grid result at a threshold: the passing cells connected to the neutral cell
 * (4-connectivity; a closed circular axis wraps), with its extent along each axis.
 *
 * @returns the region, or `null` when the neutral cell itself fails (or is undefined).
 * @throws SegsenseError `E_BAD_PARAMETER` for a metric the grid lacks, an unknown class or sample, or a threshold
 *   that is not a number in [0, 1].
 * @example
 * const region = stableRegion(grid, { className: 'LV', min: 0.8 })
 * region?.extent[0] // { from: -30, to: 20, ... } along the first axis
 */
export function stableRegion(result: GridResult, options: RegionOptions): StableRegion | null {
  const metric = options.metric ?? 'dice'
  const { className, min } = options
  if (typeof min !== 'number' || !(min >= 0 && min <= 1)) {
    throw new SegsenseError(
      typeof min === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `stableRegion: min must be a number in [0, 1], got ${describeValue(min)}`,
      { details: { min } },
    )
  }
  let table = result.mean
  if (options.sample !== undefined) {
    const s = result.samples.find((x) => x.id === options.sample)
    if (!s)
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `stableRegion: no sample ${JSON.stringify(options.sample)} in the grid (samples: ${result.samples.map((x) => x.id).join(', ')})`,
      )
    table = s.scores
  }
  const grid = table[metric]?.[className]
  if (!grid) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `stableRegion: the grid has no ${metric} scores for class ${JSON.stringify(className)} (metrics: ` +
        `${result.metrics.join(', ')}; classes: ${result.classes.join(', ')})`,
    )
  }
  const pass = grid.map((row) => row.map((s) => typeof s === 'number' && s >= min))
  const [a, b] = result.axes
  const wrap = [axisWraps(a.parameter, a.values), axisWraps(b.parameter, b.values)] as const
  const mask = connectedRegion(pass, result.neutral, wrap)
  if (!mask) return null
  let cells = 0
  const rows = new Array<boolean>(a.values.length).fill(false)
  const cols = new Array<boolean>(b.values.length).fill(false)
  mask.forEach((row, i) =>
    row.forEach((inside, j) => {
      if (!inside) return
      cells++
      rows[i] = true
      cols[j] = true
    }),
  )
  return {
    className,
    metric,
    min,
    sample: options.sample ?? null,
    neutral: [result.neutral[0], result.neutral[1]],
    mask,
    cells,
    total: a.values.length * b.values.length,
    extent: [axisExtent(a.values, rows, wrap[0]), axisExtent(b.values, cols, wrap[1])],
  }
}
