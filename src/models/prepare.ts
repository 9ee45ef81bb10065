import { checkPixelBudget } from '../core/limits.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { Raster } from '../core/types.js'
import { lerp, lerpOnGrid } from '../transforms/kernels/bilinear.js'

/**
 * Input preparation for model adapters: channel conversion, fitting an image to the tensor size
 * (stretch, letterbox pad, centre crop, pad to a multiple), layout and normalisation. Mapping a score map back to
 * the image's own size is scores.ts.
 *
 * Every resampling here uses align-corners semantics, like the rest of segsense (fastai v1 `resize`,
 * reference §2.6): pixel centres are the sample points and the first and last pixel centres of the source
 * map exactly onto the first and last pixel centres of the destination. Pure functions over typed arrays.
 */

/** Memory layout of an image tensor: channels first (`NCHW`) or channels last (`NHWC`). */
export type TensorLayout = 'NCHW' | 'NHWC'

/** How an image is fitted to a fixed tensor size. */
export type FitMode = 'stretch' | 'pad' | 'crop'

/**
 * Per-channel normalisation `(x - mean[c]) / std[c]`, in the model's channel order. A single value (a number or a
 * one-element array) applies to every channel, as torchvision's `Normalize` broadcasts it.
 */
export interface Normalization {
  readonly mean: number | readonly number[]
  readonly std: number | readonly number[]
}

/** `values` for `channels` channels: a single value (number or one-element array) repeated, else a copy. */
export function broadcastChannels(values: number | readonly number[], channels: number): number[] {
  if (typeof values === 'number') return new Array<number>(channels).fill(values)
  return values.length === 1 ? new Array<number>(channels).fill(values[0] as number) : [...values]
}

/**
 * Where an image lands in a tensor: the image (width x height) is resampled to `scaledWidth x scaledHeight`
 * and placed with its top-left pixel at (`offsetX`, `offsetY`) in a `tensorWidth x tensorHeight` tensor.
 * Negative offsets crop; tensor pixels not covered by the scaled image are padding.
 */
export interface FitPlan {
  readonly width: number
  readonly height: number
  readonly tensorWidth: number
  readonly tensorHeight: number
  readonly scaledWidth: number
  readonly scaledHeight: number
  readonly offsetX: number
  readonly offsetY: number
}

/**
 * Plans the fit of a `width x height` image to a fixed `tensorWidth x tensorHeight` tensor.
 * - `stretch`: bilinear resize to the tensor size (aspect ratio not kept).
 * - `pad`: letterbox: scale so the whole image fits keeping aspect, centred, the rest zero.
 * - `crop`: scale so the shorter side (relative to the tensor) fills it, keeping aspect, centre crop.
 * Scaled sizes are rounded to whole pixels; centring puts any odd pixel on the bottom/right.
 */
export function planFit(
  width: number,
  height: number,
  tensorWidth: number,
  tensorHeight: number,
  fit: FitMode,
): FitPlan {
  checkSize(width, height, 'image')
  checkSize(tensorWidth, tensorHeight, 'tensor')
  checkPixelBudget(tensorWidth, tensorHeight, 'input.size', [tensorWidth, tensorHeight])
  let sw = tensorWidth
  let sh = tensorHeight
  if (fit === 'pad' || fit === 'crop') {
    const s =
      fit === 'pad'
        ? Math.min(tensorWidth / width, tensorHeight / height)
        : Math.max(tensorWidth / width, tensorHeight / height)
    sw = Math.max(1, Math.round(width * s))
    sh = Math.max(1, Math.round(height * s))
    // Rounding must not push a letterboxed side past the tensor or a cropped side below it.
    if (fit === 'pad') {
      sw = Math.min(sw, tensorWidth)
      sh = Math.min(sh, tensorHeight)
    } else {
      sw = Math.max(sw, tensorWidth)
      sh = Math.max(sh, tensorHeight)
      // A long thin image cropped to a square tensor is first scaled far beyond it.
      checkPixelBudget(sw, sh, `input.fit 'crop' of a ${width}x${height} image to`, [tensorWidth, tensorHeight])
    }
  } else if (fit !== 'stretch') {
    throw new SegsenseError('E_OUT_OF_RANGE', `fit must be 'stretch', 'pad' or 'crop', got ${describeValue(fit)}`)
  }
  return {
    width,
    height,
    tensorWidth,
    tensorHeight,
    scaledWidth: sw,
    scaledHeight: sh,
    offsetX: Math.floor((tensorWidth - sw) / 2),
    offsetY: Math.floor((tensorHeight - sh) / 2),
  }
}

/**
 * Plans padding a `width x height` image with zeros at the bottom and right up to the next multiple of
 * `multipleOf` (no resampling; the prediction is cropped back).
 */
export function planPadToMultiple(width: number, height: number, multipleOf: number): FitPlan {
  checkSize(width, height, 'image')
  if (!Number.isInteger(multipleOf) || multipleOf < 1) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `size.multipleOf must be a positive integer, got ${describeValue(multipleOf)}`,
    )
  }
  const tw = Math.ceil(width / multipleOf) * multipleOf
  const th = Math.ceil(height / multipleOf) * multipleOf
  checkPixelBudget(tw, th, 'input.size.multipleOf', multipleOf)
  return {
    width,
    height,
    tensorWidth: tw,
    tensorHeight: th,
    scaledWidth: width,
    scaledHeight: height,
    offsetX: 0,
    offsetY: 0,
  }
}

function checkSize(w: number, h: number, what: string): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `${what} size must be positive integers, got ${describeValue(w)}x${describeValue(h)}`,
    )
  }
}

/**
 * Linear interpolation along one axis, precomputed: destination index `i` reads source indices
 * `lo[i]` and `hi[i]` with weight `w[i]` on `hi`, or nothing when `valid[i]` is 0.
 */
export interface AxisMap {
  readonly lo: Int32Array
  readonly hi: Int32Array
  readonly w: Float64Array
  readonly valid: Uint8Array
}

function makeAxis(n: number): { lo: Int32Array; hi: Int32Array; w: Float64Array; valid: Uint8Array } {
  return { lo: new Int32Array(n), hi: new Int32Array(n), w: new Float64Array(n), valid: new Uint8Array(n) }
}

function setTap(
  axis: { lo: Int32Array; hi: Int32Array; w: Float64Array; valid: Uint8Array },
  i: number,
  coord: number,
  length: number,
): void {
  const c = coord <= 0 ? 0 : coord >= length - 1 ? length - 1 : coord
  const lo = Math.floor(c)
  // On a grid point read one tap only: 0 * NaN would spread one bad pixel to its neighbours.
  const hi = c > lo && lo + 1 < length ? lo + 1 : lo
  axis.lo[i] = lo
  axis.hi[i] = hi
  axis.w[i] = c - lo
  axis.valid[i] = 1
}

/** Align-corners ratio between two lengths of one axis (source units per destination pixel). */
function ratio(src: number, dst: number): number {
  return dst > 1 ? (src - 1) / (dst - 1) : 0
}

/**
 * Axis map from tensor to image (the forward direction, for sampling the image into the tensor):
 * tensor index `t` is scaled index `t - offset`, inside the image when `0 <= t - offset <= scaled - 1`,
 * and then reads image coordinate `(t - offset) * (imageLength - 1) / (scaled - 1)`.
 */
export function tensorToImageAxis(
  tensorLength: number,
  scaledLength: number,
  offset: number,
  imageLength: number,
): AxisMap {
  const axis = makeAxis(tensorLength)
  const r = ratio(imageLength, scaledLength)
  for (let t = 0; t < tensorLength; t++) {
    const s = t - offset
    if (s < 0 || s > scaledLength - 1) continue
    // A 1-pixel scaled axis reads the image's centre.
    setTap(axis, t, scaledLength > 1 ? s * r : (imageLength - 1) / 2, imageLength)
  }
  return axis
}

/**
 * Axis map from image to tensor (the backward direction, for mapping scores back): image index `i` is
 * scaled coordinate `i * (scaled - 1) / (imageLength - 1)`, tensor coordinate that plus `offset`.
 * Image pixels whose tensor coordinate lies outside the tensor by more than half a pixel (the parts a
 * centre crop cut away) are not valid.
 */
export function imageToTensorAxis(
  imageLength: number,
  scaledLength: number,
  offset: number,
  tensorLength: number,
): AxisMap {
  const axis = makeAxis(imageLength)
  const r = ratio(scaledLength, imageLength)
  for (let i = 0; i < imageLength; i++) {
    const t = (imageLength > 1 ? i * r : (scaledLength - 1) / 2) + offset
    if (t < -0.5 || t > tensorLength - 0.5) continue
    setTap(axis, i, t, tensorLength)
  }
  return axis
}

/** ITU-R BT.601 luma weights (R, G, B): Pillow's `L` conversion uses them in 16-bit fixed point. */
export const LUMA_601: readonly [number, number, number] = [0.299, 0.587, 0.114]

/**
 * Converts an image's channels to what a model takes, returning HWC data with `channels` channels:
 * - equal counts pass through (3 channels in `BGR` order are swapped);
 * - a grey image (1 channel, or 2 = grey + alpha) fed to a 3-channel model is replicated to all three;
 * - an RGB image (3 channels, or 4 = RGBA) fed to a 1-channel model becomes ITU-R 601 luma
 *   `0.299 R + 0.587 G + 0.114 B`;
 * - RGBA fed to a 3-channel model drops alpha; grey + alpha fed to a 1-channel model keeps grey.
 * Returns `img.data` itself when nothing changes.
 *
 * @throws SegsenseError `E_MODEL_INPUT` for any other combination (e.g. a 2-channel model and an RGB image).
 */
export function convertChannels(img: Raster, channels: number, order: 'RGB' | 'BGR' = 'RGB'): Float32Array {
  const src = img.data
  const ci = img.channels
  const n = img.width * img.height
  const swap = order === 'BGR' && channels === 3
  if (ci === channels && !swap) return src
  const out = new Float32Array(n * channels)
  if (channels === 3 && (ci === 3 || ci === 4)) {
    const r = swap ? 2 : 0
    const b = swap ? 0 : 2
    for (let p = 0, s = 0, d = 0; p < n; p++, s += ci, d += 3) {
      out[d + r] = src[s] as number
      out[d + 1] = src[s + 1] as number
      out[d + b] = src[s + 2] as number
    }
    return out
  }
  if (channels === 3 && (ci === 1 || ci === 2)) {
    for (let p = 0, s = 0, d = 0; p < n; p++, s += ci, d += 3) {
      const v = src[s] as number
      out[d] = v
      out[d + 1] = v
      out[d + 2] = v
    }
    return out
  }
  if (channels === 1 && (ci === 3 || ci === 4)) {
    const [wr, wg, wb] = LUMA_601
    for (let p = 0, s = 0; p < n; p++, s += ci) {
      out[p] = wr * (src[s] as number) + wg * (src[s + 1] as number) + wb * (src[s + 2] as number)
    }
    return out
  }
  if (channels === 1 && ci === 2) {
    for (let p = 0, s = 0; p < n; p++, s += 2) out[p] = src[s] as number
    return out
  }
  throw new SegsenseError(
    'E_MODEL_INPUT',
    `cannot feed a ${ci}-channel image to a model input with ${channels} channels`,
    {
      details: { imageChannels: ci, modelChannels: channels },
    },
  )
}

/**
 * Writes one image into a tensor slot: samples `src` (HWC, `channels` channels, already converted by
 * {@link convertChannels}) through the plan bilinearly (align corners), normalises, and stores it at
 * `out[offset..]` in `layout` order (`C x H x W` or `H x W x C`). Padding is image-space zero (black),
 * normalised like the image, so a normalised model sees padding as black, not as the channel mean.
 * A pad-to-multiple plan copies without resampling.
 */
export function writeTensor(
  src: Float32Array,
  channels: number,
  plan: FitPlan,
  out: Float32Array,
  offset: number,
  layout: TensorLayout,
  normalize?: Normalization,
): void {
  const { width: W, tensorWidth: TW, tensorHeight: TH } = plan
  const C = channels
  if (src.length !== plan.width * plan.height * C) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `image data has ${src.length} values, expected ${plan.width}x${plan.height}x${C}`,
    )
  }
  const scale = new Float32Array(C)
  const shift = new Float32Array(C)
  const means = normalize ? broadcastChannels(normalize.mean, C) : undefined
  const stds = normalize ? broadcastChannels(normalize.std, C) : undefined
  for (let c = 0; c < C; c++) {
    const m = means ? (means[c] as number) : 0
    const s = stds ? (stds[c] as number) : 1
    scale[c] = 1 / s
    shift[c] = (0 - m) / s // not -m / s: -0 would leak into the padding
  }
  const plane = TW * TH
  const pixelStride = layout === 'NCHW' ? 1 : C
  const channelStride = layout === 'NCHW' ? plane : 1
  if (isIdentityPlan(plan)) {
    // The image sits on the tensor grid (pad to a multiple, or the tensor's own size): a copy, no interpolation.
    // v * scale + shift is what the general path computes on grid points too, so the tensors are identical.
    const H = plan.height
    for (let ty = 0; ty < TH; ty++) {
      let o = offset + ty * TW * pixelStride
      let i = ty * W * C
      const rowEnd = ty < H ? W : 0
      for (let tx = 0; tx < TW; tx++, o += pixelStride) {
        if (tx < rowEnd) {
          for (let c = 0; c < C; c++)
            out[o + c * channelStride] = (src[i + c] as number) * (scale[c] as number) + (shift[c] as number)
          i += C
        } else {
          for (let c = 0; c < C; c++) out[o + c * channelStride] = shift[c] as number
        }
      }
    }
    return
  }
  const xs = tensorToImageAxis(TW, plan.scaledWidth, plan.offsetX, plan.width)
  const ys = tensorToImageAxis(TH, plan.scaledHeight, plan.offsetY, plan.height)
  for (let ty = 0; ty < TH; ty++) {
    const yValid = ys.valid[ty] === 1
    const r0 = (ys.lo[ty] as number) * W
    const r1 = (ys.hi[ty] as number) * W
    const wy = ys.w[ty] as number
    let o = offset + ty * TW * pixelStride
    for (let tx = 0; tx < TW; tx++, o += pixelStride) {
      if (!yValid || xs.valid[tx] !== 1) {
        for (let c = 0; c < C; c++) out[o + c * channelStride] = shift[c] as number
        continue
      }
      const x0 = xs.lo[tx] as number
      const x1 = xs.hi[tx] as number
      const wx = xs.w[tx] as number
      const i00 = (r0 + x0) * C
      const i01 = (r0 + x1) * C
      const i10 = (r1 + x0) * C
      const i11 = (r1 + x1) * C
      for (let c = 0; c < C; c++) {
        // Grid points skip the blend: Inf - Inf would turn an infinite pixel into NaN.
        const top = lerpOnGrid(src[i00 + c] as number, src[i01 + c] as number, wx)
        const v = wy === 0 ? top : lerp(top, lerpOnGrid(src[i10 + c] as number, src[i11 + c] as number, wx), wy)
        out[o + c * channelStride] = v * (scale[c] as number) + (shift[c] as number)
      }
    }
  }
}

/** Whether the image sits on the tensor's grid unscaled at offset 0 (pad to a multiple, or an image of the tensor's size). */
export function isIdentityPlan(plan: FitPlan): boolean {
  return (
    plan.scaledWidth === plan.width && plan.scaledHeight === plan.height && plan.offsetX === 0 && plan.offsetY === 0
  )
}
