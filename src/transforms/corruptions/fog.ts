/** The `fog` corruption: a diamond-square plasma fractal added to the image, then the range squeezed. */
import type { Rng } from '../random.js'
import { createRng } from '../random.js'
import { corruption } from './corruption.js'

/** numpy's `next_power_of_2` as the package writes it: 1 for 0, else the smallest power of two >= n. */
function nextPowerOf2(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

/**
 * imagecorruptions `plasma_fractal(mapsize, wibbledecay)` (diamond-square, after FLHerne/mapgen): a
 * `size x size` height map in [0, 1], row-major, each new point the mean of its four parents plus
 * `wibble·U(−wibble, wibble)`, wibble starting at 100 and divided by `decay` per level. The uniforms are
 * drawn from `rng` in numpy's order (each block row-major), so a seed gives one map on every platform.
 */
export function plasmaFractal(size: number, decay: number, rng: Rng): Float64Array {
  const m = new Float64Array(size * size)
  const at = (y: number, x: number): number =>
    m[(((y % size) + size) % size) * size + (((x % size) + size) % size)] as number
  let step = size
  let wibble = 100
  const wibbled = (sum: number): number => sum / 4 + wibble * (rng.next() * 2 * wibble - wibble)
  while (step >= 2) {
    const h = step / 2
    // Squares: the centre of every step x step cell from its four corners (wrapping, numpy roll).
    for (let y = 0; y < size; y += step) {
      for (let x = 0; x < size; x += step) {
        m[(y + h) * size + x + h] = wibbled(at(y, x) + at(y + step, x) + at(y, x + step) + at(y + step, x + step))
      }
    }
    // Diamonds on the rows of the corners (between two corners, above and below two centres) ...
    for (let y = 0; y < size; y += step) {
      for (let x = 0; x < size; x += step)
        m[y * size + x + h] = wibbled(at(y + h, x + h) + at(y - h, x + h) + at(y, x) + at(y, x + step))
    }
    // ... and on the rows of the centres.
    for (let y = 0; y < size; y += step) {
      for (let x = 0; x < size; x += step)
        m[(y + h) * size + x] = wibbled(at(y + h, x + h) + at(y + h, x - h) + at(y, x) + at(y + step, x))
    }
    step = h
    wibble /= decay
  }
  let lo = Infinity
  let hi = -Infinity
  for (const v of m) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const span = hi - lo || 1
  for (let i = 0; i < m.length; i++) m[i] = ((m[i] as number) - lo) / span
  return m
}

/**
 * `fog`: `x + c0·plasma[:H, :W]` (one seeded fractal of side next_pow2(max(H, W)) for every channel), then
 * `·max/(max + c0)`, max the image's largest sample; (c0, decay) = (1.5,2) (2,2) (2.5,1.7) (2.5,1.5) (3,1.4).
 */
export const fog = corruption(
  'fog',
  [
    [1.5, 2],
    [2, 2],
    [2.5, 1.7],
    [2.5, 1.5],
    [3, 1.4],
  ] as const,
  (img, [c0, decay], o) => {
    const { width: W, height: H, channels: C, data } = img
    const size = nextPowerOf2(Math.max(W, H))
    const plasma = plasmaFractal(size, decay, createRng(o.seed))
    let max = -Infinity
    for (const v of data) if (v > max) max = v
    const squeeze = max / (max + c0)
    const out = new Float64Array(data.length)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const f = c0 * (plasma[y * size + x] as number)
        for (let ch = 0; ch < C; ch++) {
          const i = (y * W + x) * C + ch
          out[i] = ((data[i] as number) + f) * squeeze
        }
      }
    }
    return out
  },
)
