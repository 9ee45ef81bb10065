/** The `frost` corruption, with a procedural frost texture in place of the package's photographs. */
import { createRng, type Rng } from '../random.js'
import { corruption } from './corruption.js'
import { plasmaFractal } from './fog.js'

/**
 * Grey mean and standard deviation of the five frost photographs the package draws from (frost1.png …
 * frost5.jpg; frost6 is never picked), measured by test/oracle/oracle.py. A seed's texture takes one pair, as
 * the package takes one photograph per call.
 */
const PHOTOGRAPH_STATS: readonly (readonly [number, number])[] = [
  [0.508, 0.072],
  [0.804, 0.086],
  [0.804, 0.086],
  [0.587, 0.112],
  [0.476, 0.17],
]

/** Draws one anti-aliased needle (a line of width ~1 px) of brightness `v` into `tex` (max blend). */
function needle(
  tex: Float64Array,
  W: number,
  H: number,
  x0: number,
  y0: number,
  angle: number,
  length: number,
  v: number,
): void {
  const dx = Math.cos(angle)
  const dy = Math.sin(angle)
  for (let t = 0; t < length; t += 0.5) {
    const x = x0 + t * dx
    const y = y0 + t * dy
    const xi = Math.floor(x)
    const yi = Math.floor(y)
    // Brightness fades towards the tip; the four nearest pixels share it bilinearly.
    const b = v * (1 - (0.6 * t) / length)
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 2; i++) {
        const px = xi + i
        const py = yi + j
        if (px < 0 || py < 0 || px >= W || py >= H) continue
        const w = (1 - Math.abs(x - px)) * (1 - Math.abs(y - py))
        const k = py * W + px
        if (b * w > (tex[k] as number)) tex[k] = b * w
      }
    }
  }
}

/** A dendrite: a main needle with side branches at ±60° that branch once more, like window frost. */
function dendrite(
  tex: Float64Array,
  W: number,
  H: number,
  rng: Rng,
  x: number,
  y: number,
  angle: number,
  length: number,
  depth: number,
) {
  const v = 0.55 + 0.45 * rng.next()
  needle(tex, W, H, x, y, angle, length, v)
  if (depth === 0 || length < 3) return
  const branches = 2 + Math.floor(rng.next() * 4)
  for (let b = 0; b < branches; b++) {
    const t = length * (0.15 + 0.75 * rng.next())
    const side = rng.next() < 0.5 ? -1 : 1
    const branchLength = (length - t) * (0.3 + 0.4 * rng.next())
    dendrite(
      tex,
      W,
      H,
      rng,
      x + t * Math.cos(angle),
      y + t * Math.sin(angle),
      angle + (side * Math.PI) / 3,
      branchLength,
      depth - 1,
    )
  }
}

/**
 * A W x H frost texture in [0, 1] from `rng`: a plasma-fractal haze (ice film) under a few hundred branching
 * needles (crystals), rescaled to the grey mean and standard deviation of one of the package's photographs.
 * Not the photographs: the crystals are straighter and the haze smoother, and grey only (the photographs are
 * bluish; the package applies their colour to colour images).
 */
export function frostTexture(W: number, H: number, rng: Rng): Float64Array {
  const [mean, std] = PHOTOGRAPH_STATS[Math.floor(rng.next() * PHOTOGRAPH_STATS.length)] as readonly [number, number]
  let size = 1
  while (size < Math.max(W, H)) size *= 2
  const haze = plasmaFractal(size, 1.8, rng)
  const crystals = new Float64Array(W * H)
  const side = Math.max(W, H)
  const count = Math.max(4, Math.round((W * H) / 600))
  for (let n = 0; n < count; n++) {
    const x = rng.next() * W
    const y = rng.next() * H
    const angle = rng.next() * 2 * Math.PI
    dendrite(crystals, W, H, rng, x, y, angle, side * (0.04 + 0.12 * rng.next()), 2)
  }
  const tex = new Float64Array(W * H)
  let m = 0
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = 0.55 * (haze[y * size + x] as number) + 0.45 * (crystals[y * W + x] as number)
      tex[y * W + x] = v
      m += v
    }
  }
  m /= tex.length
  let s = 0
  for (const v of tex) s += (v - m) ** 2
  s = Math.sqrt(s / tex.length) || 1
  for (let i = 0; i < tex.length; i++) {
    const v = mean + (std * ((tex[i] as number) - m)) / s
    tex[i] = v < 0 ? 0 : v > 1 ? 1 : v
  }
  return tex
}

/**
 * `frost`: `c0·x + c1·frost` (every channel the same grey texture, {@link frostTexture} from the seed);
 * (c0, c1) = (1,.4) (.8,.6) (.7,.7) (.65,.7) (.6,.75).
 */
export const frost = corruption(
  'frost',
  [
    [1, 0.4],
    [0.8, 0.6],
    [0.7, 0.7],
    [0.65, 0.7],
    [0.6, 0.75],
  ] as const,
  (img, [c0, c1], o) => {
    const { width: W, height: H, channels: C, data } = img
    const tex = frostTexture(W, H, createRng(o.seed))
    const out = new Float64Array(data.length)
    for (let i = 0; i < data.length; i++) out[i] = c0 * (data[i] as number) + c1 * (tex[Math.floor(i / C)] as number)
    return out
  },
)
