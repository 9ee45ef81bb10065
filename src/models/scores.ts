/**
 * Output mapping: where one image's scores sit in an output tensor, and the scores back on the image's grid (resized
 * through the fit plan, argmax to labels, non-finite values refused).
 */
import { SegsenseError } from '../core/errors.js'
import { lerpBilinear } from '../transforms/kernels/bilinear.js'
import { imageToTensorAxis, isIdentityPlan, type FitPlan, type TensorLayout } from './prepare.js'

/**
 * Where one image's scores sit in an output tensor: element (class c, row y, column x) is at
 * `base + c * channelStride + (y * width + x) * pixelStride`.
 */
export interface ScoreLayout {
  readonly base: number
  readonly channels: number
  readonly width: number
  readonly height: number
  readonly channelStride: number
  readonly pixelStride: number
}

/** Score layout of batch item `index` in an `N x C x H x W` or `N x H x W x C` tensor. */
export function scoreLayout(
  layout: TensorLayout,
  index: number,
  channels: number,
  width: number,
  height: number,
): ScoreLayout {
  const plane = width * height
  return layout === 'NCHW'
    ? { base: index * channels * plane, channels, width, height, channelStride: plane, pixelStride: 1 }
    : { base: index * channels * plane, channels, width, height, channelStride: 1, pixelStride: channels }
}

/** Numeric array an output tensor may arrive in (int64 outputs are converted before use). */
export type NumericArray =
  Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array

/**
 * Resizes a score map (layout `s`) back to the image of `plan` (`plan.width x plan.height`), bilinear with
 * align corners, returning `C x H x W` planes. Pixels a centre crop cut away get 0. This is the
 * reference form of what {@link scoresToLabels} does fused with the argmax.
 */
export function resizeScores(scores: NumericArray, s: ScoreLayout, plan: FitPlan): Float32Array {
  const xs = imageToTensorAxis(plan.width, plan.scaledWidth, plan.offsetX, s.width)
  const ys = imageToTensorAxis(plan.height, plan.scaledHeight, plan.offsetY, s.height)
  const plane = plan.width * plan.height
  const out = new Float32Array(s.channels * plane)
  for (let c = 0; c < s.channels; c++) {
    const cb = s.base + c * s.channelStride
    for (let y = 0; y < plan.height; y++) {
      if (ys.valid[y] !== 1) continue
      const r0 = (ys.lo[y] as number) * s.width
      const r1 = (ys.hi[y] as number) * s.width
      const wy = ys.w[y] as number
      for (let x = 0; x < plan.width; x++) {
        if (xs.valid[x] !== 1) continue
        out[c * plane + y * plan.width + x] = bilinear(
          scores,
          cb,
          s.pixelStride,
          r0,
          r1,
          xs.lo[x] as number,
          xs.hi[x] as number,
          xs.w[x] as number,
          wy,
        )
      }
    }
  }
  return out
}

function bilinear(
  a: NumericArray,
  cb: number,
  ps: number,
  r0: number,
  r1: number,
  x0: number,
  x1: number,
  wx: number,
  wy: number,
): number {
  const v00 = a[cb + (r0 + x0) * ps] as number
  const v01 = a[cb + (r0 + x1) * ps] as number
  const v10 = a[cb + (r1 + x0) * ps] as number
  const v11 = a[cb + (r1 + x1) * ps] as number
  return lerpBilinear(v00, v01, v10, v11, wx, wy)
}

/** How scores become class ids. */
export type ScoreDecoding =
  /** Argmax over channels; channel index = class id. Ties go to the lower id. */
  | { readonly kind: 'argmax' }
  /** One channel: value > threshold -> `classId`, else 0. */
  | { readonly kind: 'threshold'; readonly threshold: number; readonly classId: number }
  /** One channel of integer ids, sampled nearest (never smoothed). */
  | { readonly kind: 'labels' }

/**
 * Maps one image's scores back to the image size and decodes them into `out` (`plan.width * plan.height`
 * ids) in one pass: scores are interpolated bilinearly (align corners) and then argmaxed or thresholded,
 * so boundaries fall where the interpolated scores cross, never on a smoothed label. Integer label maps
 * are sampled nearest. Pixels a centre crop cut away are 0 (background): the model never saw them.
 */
export function scoresToLabels(
  scores: NumericArray,
  s: ScoreLayout,
  plan: FitPlan,
  decoding: ScoreDecoding,
  out: Uint8Array | Uint16Array,
): void {
  const W = plan.width
  const H = plan.height
  if (out.length !== W * H)
    throw new SegsenseError('E_SIZE_MISMATCH', `label buffer has ${out.length} values, expected ${W}x${H}`)
  const xs = imageToTensorAxis(W, plan.scaledWidth, plan.offsetX, s.width)
  const ys = imageToTensorAxis(H, plan.scaledHeight, plan.offsetY, s.height)
  const ps = s.pixelStride
  const C = s.channels
  const identity = isIdentityPlan(plan)
  for (let y = 0; y < H; y++) {
    const row = y * W
    if (ys.valid[y] !== 1) {
      out.fill(0, row, row + W)
      continue
    }
    const r0 = (ys.lo[y] as number) * s.width
    const r1 = (ys.hi[y] as number) * s.width
    const wy = ys.w[y] as number
    for (let x = 0; x < W; x++) {
      if (xs.valid[x] !== 1) {
        out[row + x] = 0
        continue
      }
      const x0 = xs.lo[x] as number
      if (decoding.kind === 'labels') {
        // Nearest: the tap with the larger weight (ties to the lower index).
        const nx = (xs.w[x] as number) > 0.5 ? (xs.hi[x] as number) : x0
        const nr = wy > 0.5 ? r1 : r0
        out[row + x] = scores[s.base + (nr + nx) * ps] as number
        continue
      }
      const x1 = xs.hi[x] as number
      const wx = xs.w[x] as number
      if (identity) {
        // Pad-to-multiple: scores sit on the image grid; read them directly.
        const p = s.base + (r0 + x0) * ps
        if (decoding.kind === 'threshold') {
          out[row + x] = (scores[p] as number) > decoding.threshold ? decoding.classId : 0
        } else {
          let best = 0
          let bestV = scores[p] as number
          for (let c = 1; c < C; c++) {
            const v = scores[p + c * s.channelStride] as number
            if (v > bestV) {
              bestV = v
              best = c
            }
          }
          out[row + x] = best
        }
        continue
      }
      if (decoding.kind === 'threshold') {
        out[row + x] = bilinear(scores, s.base, ps, r0, r1, x0, x1, wx, wy) > decoding.threshold ? decoding.classId : 0
      } else {
        let best = 0
        let bestV = bilinear(scores, s.base, ps, r0, r1, x0, x1, wx, wy)
        for (let c = 1; c < C; c++) {
          const v = bilinear(scores, s.base + c * s.channelStride, ps, r0, r1, x0, x1, wx, wy)
          if (v > bestV) {
            bestV = v
            best = c
          }
        }
        out[row + x] = best
      }
    }
  }
}

/**
 * {@link scoresToLabels} fused with the finite check, for the common case of a score map exactly the image's size
 * (an identity plan whose tensor is the image): one pass reads every score once, decodes it (`argmax` or
 * `threshold`) into `out` and notes whether any score was NaN or infinite. Returns false then (`out` is not to be
 * used; the caller finds the first bad index with {@link firstNonFinite} for its message). Decodes exactly as
 * scoresToLabels does: ties go to the lower class id.
 */
export function decodeFinite(
  scores: Float32Array | Float64Array,
  s: ScoreLayout,
  decoding: ScoreDecoding,
  out: Uint8Array | Uint16Array,
): boolean {
  const n = s.width * s.height
  if (out.length !== n)
    throw new SegsenseError('E_SIZE_MISMATCH', `label buffer has ${out.length} values, expected ${s.width}x${s.height}`)
  const ps = s.pixelStride
  const cs = s.channelStride
  const C = s.channels
  // bad stays 0 while every score is finite: v - v is 0 for finite v and NaN otherwise, and NaN !== 0.
  let bad = false
  if (decoding.kind === 'threshold') {
    const { threshold, classId } = decoding
    for (let p = 0, i = s.base; p < n; p++, i += ps) {
      const v = scores[i] as number
      if (v - v !== 0) bad = true
      out[p] = v > threshold ? classId : 0
    }
    return !bad
  }
  if (decoding.kind !== 'argmax')
    throw new SegsenseError('E_OUT_OF_RANGE', `decodeFinite decodes argmax or threshold scores, not ${decoding.kind}`)
  for (let p = 0, i = s.base; p < n; p++, i += ps) {
    let best = 0
    let bestV = scores[i] as number
    if (bestV - bestV !== 0) bad = true
    for (let c = 1, j = i + cs; c < C; c++, j += cs) {
      const v = scores[j] as number
      if (v - v !== 0) bad = true
      if (v > bestV) {
        bestV = v
        best = c
      }
    }
    out[p] = best
  }
  return !bad
}

/**
 * Index of the first NaN or infinite value in `a[start..end)`, or -1. Used to reject a model's output
 * before it is decoded (argmax over NaN would silently pick class 0).
 */
export function firstNonFinite(a: NumericArray, start = 0, end = a.length): number {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) return -1
  for (let i = start; i < end; i++) {
    const v = a[i] as number
    // v - v is NaN exactly for NaN and +-Infinity.
    if (v - v !== 0) return i
  }
  return -1
}
