import { describe, expect, it } from 'vitest'
import { normalSf, wilcoxonSignedRank } from '../../../../src/analysis/stats/wilcoxon.js'
import { codeOf } from '../../../support/helpers.js'

// Reference numbers: scipy 1.17.1, `scipy.stats.wilcoxon(x, y)` with its defaults (zero_method='wilcox',
// correction=False, method='auto'), printed with repr():
//   from scipy.stats import wilcoxon
//   r = wilcoxon(x, y); print(repr(float(r.statistic)), repr(float(r.pvalue)))
// The vectors are written out, or built from integer formulas that Python and JS evaluate alike (shown).
const i20 = Array.from({ length: 20 }, (_, i) => i)
const i60 = Array.from({ length: 60 }, (_, i) => i)

describe('wilcoxonSignedRank against scipy.stats.wilcoxon', () => {
  it('exact distribution: small n, no ties, no zeros', () => {
    const r = wilcoxonSignedRank(
      [0.91, 0.85, 0.78, 0.88, 0.95, 0.7, 0.82, 0.9],
      [0.8, 0.86, 0.6, 0.79, 0.93, 0.52, 0.81, 0.71],
    )
    expect(r).toMatchObject({ statistic: 2, method: 'exact', n: 8, zeros: 0 })
    expect(r.pvalue).toBeCloseTo(0.0234375, 12)
    // x = list(range(1, 41)); y = [v - (1 if i % 3 else -0.5) for i, v in enumerate(x)]: 40 pairs, exact
    const x = Array.from({ length: 40 }, (_, i) => i + 1)
    const e = wilcoxonSignedRank(
      x,
      x.map((v, i) => v - (i % 3 ? 1 : -0.5)),
    )
    // |d| are 0.5 and 1 only: ties, so scipy (n > 13) uses the normal approximation
    expect(e).toMatchObject({ statistic: 105, method: 'asymptotic' })
    expect(e.pvalue).toBeCloseTo(1.9933893015297466e-5, 12)
  })

  it('ties or zeros with n <= 13: all 2^n sign flips (scipy PermutationMethod, deterministic)', () => {
    const ties = wilcoxonSignedRank(
      [0.5, 0.7, 0.6, 0.9, 0.4, 0.8, 0.3, 0.65],
      [0.4, 0.6, 0.7, 0.8, 0.5, 0.6, 0.1, 0.45],
    )
    expect(ties).toMatchObject({ statistic: 6, method: 'permutation' })
    expect(ties.pvalue).toBeCloseTo(0.1328125, 12)
    const zeros = wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2.5, 1, 4, 2, 9, 3, 8, 1, 10])
    expect(zeros).toMatchObject({ statistic: 4.5, method: 'permutation', zeros: 4 })
    expect(zeros.pvalue).toBeCloseTo(0.25, 12)
  })

  it('normal approximation with the tie correction for larger n', () => {
    // x = [((i*7)%11)/10 for i in range(20)]; y = [((i*5+3)%11)/10 for i in range(20)]
    const a = wilcoxonSignedRank(
      i20.map((i) => ((i * 7) % 11) / 10),
      i20.map((i) => ((i * 5 + 3) % 11) / 10),
    )
    expect(a).toMatchObject({ statistic: 83, method: 'asymptotic' })
    expect(a.pvalue).toBeCloseTo(0.9131057758956294, 12)
    // zeros too: y = [((i*7)%11)/10 if i % 4 == 0 else ((i*3+1)%11)/10 for i in range(20)]
    const z = wilcoxonSignedRank(
      i20.map((i) => ((i * 7) % 11) / 10),
      i20.map((i) => (i % 4 === 0 ? ((i * 7) % 11) / 10 : ((i * 3 + 1) % 11) / 10)),
    )
    expect(z).toMatchObject({ statistic: 44, method: 'asymptotic', zeros: 7 })
    expect(z.pvalue).toBeCloseTo(0.9162824413291019, 12)
    // n > 50: asymptotic. x = [((i*37)%101)/101 for i in range(60)]; y = [v - (((i*53)%61) - 25)/200 for i, v in enumerate(x)]
    const x = i60.map((i) => ((i * 37) % 101) / 101)
    const b = wilcoxonSignedRank(
      x,
      x.map((v, i) => v - (((i * 53) % 61) - 25) / 200),
    )
    expect(b).toMatchObject({ statistic: 597.5, method: 'asymptotic' })
    expect(b.pvalue).toBeCloseTo(0.029994802359555102, 12)
    // far tail: x = [(i+1)/100 for i in range(60)], y = 0
    const t = wilcoxonSignedRank(
      i60.map((i) => (i + 1) / 100),
      i60.map(() => 0),
    )
    expect(t.statistic).toBe(0)
    expect(t.pvalue / 1.6295557943119345e-11).toBeCloseTo(1, 12)
  })

  it('degenerate inputs: all zero differences give p = 1; nulls are left out; errors are typed', () => {
    expect(wilcoxonSignedRank([0.5, 0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5, 0.5])).toMatchObject({
      statistic: 0,
      pvalue: 1,
    })
    expect(wilcoxonSignedRank([0.7], [0.5])).toMatchObject({ statistic: 0, pvalue: 1, method: 'exact' })
    expect(wilcoxonSignedRank([0.91, null, 0.85], [0.8, 0.3, 0.86])).toMatchObject({ n: 2 })
    expect(codeOf(() => wilcoxonSignedRank([0.5, 0.6], [0.5]))).toBe('E_SIZE_MISMATCH')
    expect(codeOf(() => wilcoxonSignedRank([null], [0.5]))).toBe('E_BAD_PARAMETER')
  })
})

describe('normalSf', () => {
  it('matches scipy.stats.norm.sf to full precision', () => {
    // from scipy.stats import norm; [repr(float(norm.sf(z))) for z in zs]
    const ref: [number, number][] = [
      [0, 0.5],
      [0.5, 0.3085375387259869],
      [1, 0.15865525393145707],
      [1.96, 0.024997895148220435],
      [2.5, 0.006209665325776132],
      [3, 0.0013498980316300933],
      [4, 3.167124183311986e-5],
      [4.2426, 1.1047251836953543e-5],
      [5, 2.866515718791933e-7],
      [7.5, 3.1908916729108844e-14],
      [10, 7.61985302416047e-24],
    ]
    for (const [z, p] of ref) expect(normalSf(z) / p, `z = ${z}`).toBeCloseTo(1, 13)
    expect(normalSf(-1)).toBeCloseTo(1 - 0.15865525393145707, 15)
  })
})
