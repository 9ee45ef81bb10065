import { SegsenseError, describeValue } from '../core/errors.js'

/**
 * A small seeded pseudo-random generator. Transforms that need randomness (noise, spikes, elastic
 * fields) take a seed and draw from one of these, so the same seed always gives the same pixels
 * on every platform (only integer arithmetic, plus `Math.log`/`Math.cos` for normals).
 */
export interface Rng {
  /** Uniform in [0, 1) with 32 random bits. */
  next(): number
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number
  /** Standard normal N(0, 1) (Box-Muller; both values of a pair are used). */
  normal(): number
}

/**
 * Checks a seed: an integer in 0..2^32-1. Throws `E_BAD_PARAMETER` naming `what` otherwise.
 */
export function checkSeed(seed: unknown, what = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SegsenseError(
      typeof seed !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `${what} must be an integer in 0..4294967295, got ${describeValue(seed)}`,
      { details: { value: seed } },
    )
  }
  return seed
}

/**
 * Creates a xoshiro128** generator whose 128-bit state is filled by splitmix32 from `seed`
 * (so nearby seeds give unrelated streams, and seed 0 is valid).
 *
 * @example
 * const rng = createRng(42); const z = rng.normal()
 */
export function createRng(seed: number): Rng {
  checkSeed(seed)
  // splitmix32 expands the seed; xoshiro must not start from the all-zero state.
  let sm = seed >>> 0
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0
    let z = sm
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let s0 = splitmix()
  let s1 = splitmix()
  let s2 = splitmix()
  let s3 = splitmix()
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  const nextUint32 = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return r
  }
  const next = (): number => nextUint32() / 4294967296
  let spare = 0
  let hasSpare = false
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false
      return spare
    }
    // 1 - next() lies in (0, 1], so the log is finite.
    const u1 = 1 - next()
    const u2 = next()
    const r = Math.sqrt(-2 * Math.log(u1))
    const phi = 2 * Math.PI * u2
    spare = r * Math.sin(phi)
    hasSpare = true
    return r * Math.cos(phi)
  }
  return { next, nextUint32, normal }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/**
 * `length` independent standard-normal draws from `createRng(seed)`, in order. The same seed and length
 * always give the same field; a shorter field is a prefix of a longer one.
 */
export function normalField(length: number, seed: number): Float64Array {
  if (!Number.isInteger(length) || length < 0) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `normalField length must be a non-negative integer, got ${describeValue(length)}`,
      { details: { value: length } },
    )
  }
  const rng = createRng(seed)
  const out = new Float64Array(length)
  for (let i = 0; i < length; i++) out[i] = rng.normal()
  return out
}
