import { SegsenseError, describeValue } from '../../core/errors.js'

/**
 * How {@link wilcoxonSignedRank} computed its p-value (scipy's `method='auto'` choice):
 * - `exact`: no zero and no tied |difference|, n <= 50: the exact null distribution of the rank sum;
 * - `permutation`: zeros or ties and n <= 13: every one of the 2^n sign flips (scipy's deterministic
 *   `PermutationMethod` for such n);
 * - `asymptotic`: otherwise: the normal approximation with the tie correction of the variance, without continuity
 *   correction (scipy's default `correction=False`).
 */
export type WilcoxonMethod = 'exact' | 'permutation' | 'asymptotic'

/** What {@link wilcoxonSignedRank} returns. */
export interface WilcoxonResult {
  /** `min(R+, R-)`, scipy's two-sided statistic (ranks of |d| with zeros dropped, ties averaged). */
  readonly statistic: number
  /** Two-sided p-value; 1 when every difference is zero. */
  readonly pvalue: number
  /** Pairs compared (zeros included; pairs with an undefined value left out). */
  readonly n: number
  /** Zero differences, dropped from the ranks (`zero_method='wilcox'`). */
  readonly zeros: number
  readonly method: WilcoxonMethod
}

/** Rank sums of the positive differences and the ranks (averaged over ties) of the non-zero |d|. */
function ranksOf(d: readonly number[]): { ranks: number[]; tieTerm: number; ties: boolean } {
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[a] as number) - Math.abs(d[b] as number) || a - b)
  const ranks = new Array<number>(d.length).fill(0)
  let tieTerm = 0
  let ties = false
  for (let i = 0; i < order.length;) {
    let j = i + 1
    const v = Math.abs(d[order[i] as number] as number)
    while (j < order.length && Math.abs(d[order[j] as number] as number) === v) j++
    const t = j - i
    // Average rank of positions i+1..j (1-based).
    for (let k = i; k < j; k++) ranks[order[k] as number] = (i + 1 + j) / 2
    tieTerm += t * t * t - t
    if (t > 1) ties = true
    i = j
  }
  return { ranks, tieTerm, ties }
}

/**
 * `P(Z >= z)` for a standard normal Z, to full double precision: `erfc(z / √2) / 2` from the series
 * `erf(x) = 2/√π · e^{-x²} · Σ 2^k x^{2k+1} / (1·3·…·(2k+1))` (positive terms: no cancellation) for x < 2, and the
 * continued fraction of erfc beyond.
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  if (z < 0) return 1 - normalSf(-z)
  const x = z / Math.SQRT2
  if (x < 2) {
    let term = x
    let sum = x
    for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1)
      sum += term
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum
    return (1 - erf) / 2
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated with Lentz's method.
  const tiny = 1e-300
  let f = x
  let C = x
  let D = 0
  for (let k = 1; k < 500; k++) {
    const a = k / 2
    D = x + a * D
    D = D === 0 ? 1 / tiny : 1 / D
    C = x + a / C
    if (C === 0) C = tiny
    const delta = C * D
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f / 2
}

/**
 * Counts of the exact null distribution of R+ for n pairs without ties: `counts[r]` of the 2^n sign patterns give
 * rank sum r (integers below 2^53 up to n = 50, so the p-value is exact to the last bit of its division).
 */
function rankSumCounts(n: number): Float64Array {
  let c = new Float64Array(1).fill(1)
  for (let k = 1; k <= n; k++) {
    const next = new Float64Array((k * (k + 1)) / 2 + 1)
    for (let r = 0; r < c.length; r++) {
      next[r] = (next[r] as number) + (c[r] as number)
      next[r + k] = (next[r + k] as number) + (c[r] as number)
    }
    c = next
  }
  return c
}

/**
 * Paired Wilcoxon signed-rank test, two-sided, of `x - y` (or of `x` alone when `y` is omitted): scipy's
 * `scipy.stats.wilcoxon(x, y)` with its defaults (`zero_method='wilcox'`: zero differences are dropped from the
 * ranks; `correction=False`; `method='auto'`, which picks {@link WilcoxonMethod}); the p-values agree with scipy
 * 1.17 to 1e-12 (test/unit/sweep/wilcoxon.test.ts). Pairs where either value is `null` or not finite are left out
 * (scipy's `nan_policy='omit'`).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when `x` and `y` differ in length, `E_BAD_PARAMETER` when no pair is left.
 */
export function wilcoxonSignedRank(x: readonly (number | null)[], y?: readonly (number | null)[]): WilcoxonResult {
  if (y !== undefined && y.length !== x.length) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `wilcoxon: x has ${x.length} values but y has ${y.length}; the test pairs them one to one`,
    )
  }
  const d: number[] = []
  x.forEach((a, i) => {
    const b = y === undefined ? 0 : y[i]
    if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) d.push(a - b)
  })
  const n = d.length
  if (n === 0)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `wilcoxon: no pair with two defined values (got ${describeValue(x)}${y ? ` and ${describeValue(y)}` : ''})`,
    )
  const zeros = d.filter((v) => v === 0).length
  const nonZero = d.filter((v) => v !== 0)
  const m = nonZero.length
  const { ranks, tieTerm, ties } = ranksOf(nonZero)
  let plus = 0
  let minus = 0
  nonZero.forEach((v, i) => {
    if (v > 0) plus += ranks[i] as number
    else minus += ranks[i] as number
  })
  const statistic = Math.min(plus, minus)
  if (m === 0) return { statistic, pvalue: 1, n, zeros, method: n <= 13 ? 'permutation' : 'asymptotic' }
  let method: WilcoxonMethod
  let pvalue: number
  if (n <= 50 && !ties && zeros === 0) {
    method = 'exact'
    const counts = rankSumCounts(m)
    const total = 2 ** m
    // scipy: 2 * min(sf(R+), cdf(R+)), each summed from its own tail.
    let cdf = 0
    for (let r = 0; r <= plus; r++) cdf += counts[r] as number
    let sf = 0
    for (let r = plus; r < counts.length; r++) sf += counts[r] as number
    pvalue = Math.min(1, (2 * Math.min(cdf, sf)) / total)
  } else if (n <= 13) {
    method = 'permutation'
    // Every sign pattern of the non-zero differences (zeros flip to themselves and only scale the counts).
    // scipy compares with a relative tolerance of 100 eps so that equal sums computed in another order still tie.
    const gamma = Math.abs(plus * 2.220446049250313e-14)
    let less = 0
    let greater = 0
    const patterns = 2 ** m
    for (let s = 0; s < patterns; s++) {
      let r = 0
      for (let i = 0; i < m; i++) if (s & (1 << i)) r += ranks[i] as number
      if (r <= plus + gamma) less++
      if (r >= plus - gamma) greater++
    }
    pvalue = Math.min(1, (2 * Math.min(less, greater)) / patterns)
  } else {
    method = 'asymptotic'
    const mean = (m * (m + 1)) / 4
    const se = Math.sqrt((m * (m + 1) * (2 * m + 1) - tieTerm / 2) / 24)
    const z = (plus - mean) / se
    pvalue = Math.min(1, 2 * normalSf(Math.abs(z)))
  }
  return { statistic, pvalue, n, zeros, method }
}
