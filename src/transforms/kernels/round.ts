/**
 * Rounds half to even: C `nearbyint` (torch's nearest grid_sample), Python's `round` and numpy's `round`
 * (scipy zoom output sizes, TorchIO ghosting `restore`): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  // Math.round rounds .5 up; step back when that landed on an odd number.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}
