/** Seeded Poisson sampling with numpy's algorithms (shot noise). */
import type { Rng } from '../random.js'

/** ln(k!) exactly for small k, Stirling series beyond. */
function logFactorial(k: number): number {
  if (k < 20) {
    let s = 0
    for (let i = 2; i <= k; i++) s += Math.log(i)
    return s
  }
  const k2 = k * k
  return (
    k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k * k2) + 1 / (1260 * k2 * k2 * k)
  )
}

/** Poisson sample: multiplication method for λ < 10, Hörmann's PTRS (numpy's choice) above. */
export function poisson(rng: Rng, lam: number): number {
  if (lam <= 0) return 0
  if (lam < 10) {
    const limit = Math.exp(-lam)
    let k = 0
    let p = rng.next()
    while (p > limit) {
      k++
      p *= rng.next()
    }
    return k
  }
  const slam = Math.sqrt(lam)
  const loglam = Math.log(lam)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const U = rng.next() - 0.5
    const V = rng.next()
    const us = 0.5 - Math.abs(U)
    const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43)
    if (us >= 0.07 && V <= vr) return k
    if (k < 0 || (us < 0.013 && V > us)) continue
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k
  }
}
