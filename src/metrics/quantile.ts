/**
 * The value at fractional position `h` (0 to n - 1) of ascending `sorted` values, interpolated linearly between the
 * order statistics on either side: numpy's default (`linear`) quantile once the caller has placed `h`, as
 * `(n - 1) · q`. Shared by hd95 (metrics/distance.ts) and the bootstrap's percentile intervals (analysis/stats/bootstrap.ts),
 * each of which keeps its own arithmetic for `h`.
 */
export function atSortedPosition(sorted: ArrayLike<number>, h: number): number {
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, sorted.length - 1)
  const a = sorted[lo] as number
  return a + (h - lo) * ((sorted[hi] as number) - a)
}
