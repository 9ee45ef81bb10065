/**
 * Specialised resamplers for affine maps (rotate, zoom, translate, dihedral, flip, resize): the per-pixel work of
 * the general grid sampler without its per-pixel closure call, coordinate array and tap arrays. They compute the
 * same floating-point expressions in the same order as the general path (`u = a·x + b·y + c`, torch's tap weights,
 * taps summed NW, NE, SW, SE), so their output is bit-identical to it (pinned by test/unit/transforms/kernels).
 */
import { SegsenseError } from '../../core/errors.js'
import type { LabelMap } from '../../core/types.js'
import { reflectCoordinate } from './border.js'
// Types only (erased): grid-sample.ts imports these kernels at run time, never the other way round.
import type { AffineMap as Affine, Padding as PaddingRule } from './sampling.js'
import { roundHalfEven } from './round.js'

function badCoordinate(kernel: string, u: number, v: number, x: number, y: number): SegsenseError {
  return new SegsenseError(
    'E_OUT_OF_RANGE',
    `${kernel}: the coordinate map gave a non-finite input coordinate (${u}, ${v}) at output pixel (${x}, ${y})`,
  )
}

/** Border rule on one coordinate; zeros leaves it (taps are bounds-checked). */
function pad(u: number, size: number, padding: PaddingRule): number {
  if (padding === 'zeros') return u
  if (padding === 'border') return u < 0 ? 0 : u > size - 1 ? size - 1 : u
  return reflectCoordinate(u, size)
}

/**
 * Bilinear resampling of interleaved `src` (W x H x C) through an affine map into `out` (outW x outH x C), torch
 * `grid_sample(align_corners=True)` semantics: with `zeros` padding, outside taps contribute 0.
 */
export function affineBilinear(
  src: Float32Array,
  W: number,
  H: number,
  C: number,
  m: Affine,
  padding: PaddingRule,
  out: Float32Array,
  outW: number,
  outH: number,
): void {
  const { a, b, c, d, e, f } = m
  const rowStride = W * C
  for (let y = 0; y < outH; y++) {
    // b·y and e·y once per row: the sums below associate exactly as a·x + b·y + c does.
    const by = b * y
    const ey = e * y
    let o = y * outW * C
    for (let x = 0; x < outW; x++, o += C) {
      const ru = a * x + by + c
      const rv = d * x + ey + f
      const u = pad(ru, W, padding)
      const v = pad(rv, H, padding)
      // NaN or +-Infinity (v - v is NaN exactly then).
      if (u - u !== 0 || v - v !== 0) throw badCoordinate('gridSample', ru, rv, x, y)
      const x0 = Math.floor(u)
      const y0 = Math.floor(v)
      const x1 = x0 + 1
      const y1 = y0 + 1
      const wx1 = u - x0
      const wx0 = x1 - u
      const wy1 = v - y0
      const wy0 = y1 - v
      const w00 = wx0 * wy0
      const w01 = wx1 * wy0
      const w10 = wx0 * wy1
      const w11 = wx1 * wy1
      if (x0 >= 0 && x1 < W && y0 >= 0 && y1 < H) {
        // All four taps inside: the common case, no bounds tests.
        const i = y0 * rowStride + x0 * C
        for (let ch = 0; ch < C; ch++) {
          let sum = 0
          sum += w00 * (src[i + ch] as number)
          sum += w01 * (src[i + C + ch] as number)
          sum += w10 * (src[i + rowStride + ch] as number)
          sum += w11 * (src[i + rowStride + C + ch] as number)
          out[o + ch] = sum
        }
        continue
      }
      const in0x = x0 >= 0 && x0 < W
      const in1x = x1 >= 0 && x1 < W
      const in0y = y0 >= 0 && y0 < H
      const in1y = y1 >= 0 && y1 < H
      if (!((in0x || in1x) && (in0y || in1y))) {
        for (let ch = 0; ch < C; ch++) out[o + ch] = 0
        continue
      }
      for (let ch = 0; ch < C; ch++) {
        let sum = 0
        if (in0x && in0y) sum += w00 * (src[y0 * rowStride + x0 * C + ch] as number)
        if (in1x && in0y) sum += w01 * (src[y0 * rowStride + x1 * C + ch] as number)
        if (in0x && in1y) sum += w10 * (src[y1 * rowStride + x0 * C + ch] as number)
        if (in1x && in1y) sum += w11 * (src[y1 * rowStride + x1 * C + ch] as number)
        out[o + ch] = sum
      }
    }
  }
}

/**
 * Nearest-neighbour resampling (round half to even, as torch's `nearbyint`) through an affine map, for images
 * (`C` interleaved channels) and label maps (`C` = 1); outside samples are 0 with `zeros` padding. `out` must be
 * zero-filled by the caller (fresh typed arrays are).
 */
export function affineNearest(
  src: Float32Array | Uint8Array | Uint16Array,
  W: number,
  H: number,
  C: number,
  m: Affine,
  padding: PaddingRule,
  out: Float32Array | Uint8Array | Uint16Array,
  outW: number,
  outH: number,
  kernel: string,
): void {
  const { a, b, c, d, e, f } = m
  for (let y = 0; y < outH; y++) {
    const by = b * y
    const ey = e * y
    let o = y * outW * C
    for (let x = 0; x < outW; x++, o += C) {
      const ru = a * x + by + c
      const rv = d * x + ey + f
      const u = pad(ru, W, padding)
      const v = pad(rv, H, padding)
      if (u - u !== 0 || v - v !== 0) throw badCoordinate(kernel, ru, rv, x, y)
      const xi = roundHalfEven(u)
      const yi = roundHalfEven(v)
      if (xi >= 0 && xi < W && yi >= 0 && yi < H) {
        const s = (yi * W + xi) * C
        for (let ch = 0; ch < C; ch++) out[o + ch] = src[s + ch] as number
      }
    }
  }
}

/** {@link affineNearest} for a label map, into a fresh array of the mask's type. */
export function affineNearestLabels(
  mask: LabelMap,
  m: Affine,
  padding: PaddingRule,
  outW: number,
  outH: number,
): Uint8Array | Uint16Array {
  const n = outW * outH
  const out = mask.data instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)
  affineNearest(mask.data, mask.width, mask.height, 1, m, padding, out, outW, outH, 'gridSampleLabels')
  return out
}
