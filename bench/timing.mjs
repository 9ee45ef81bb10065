// Shared by the benchmarks: median wall time of a synchronous call.

/** Median ms per call over `rounds` rounds of at least `minMs` each, after `warmup` calls. */
export function medianMs(fn, { warmup = 5, rounds = 15, minMs = 40 } = {}) {
  for (let i = 0; i < warmup; i++) fn()
  const per = []
  for (let r = 0; r < rounds; r++) {
    let n = 0
    const t0 = performance.now()
    let t1 = t0
    do {
      fn()
      n++
      t1 = performance.now()
    } while (t1 - t0 < minMs)
    per.push((t1 - t0) / n)
  }
  per.sort((a, b) => a - b)
  return per[Math.floor(per.length / 2)]
}
