/**
 * torch `grid_sample(align_corners=True)` for rasters and masks, torch `interpolate(mode='area')`, and
 * the fastai-v1 affine conversion: the resampler of every geometric transform.
 */
import { SegsenseError, describeValue } from '../../core/errors.js'
import { withData, withLabels } from '../../core/raster.js'
import type { LabelMap, Raster } from '../../core/types.js'
import { affineBilinear, affineNearest, affineNearestLabels } from './affine.js'
import { bilinearTaps } from './bilinear.js'
import { reflectCoordinate } from './border.js'
import { channelMin } from './channels.js'
import { roundHalfEven } from './round.js'
import type {
  AffineMap,
  CoordinateFunction,
  CoordinateMap,
  Interpolation,
  MaskInterpolation,
  Padding,
} from './sampling.js'

/** Options of {@link gridSample}. */
export interface GridSampleOptions {
  /** Default `bilinear`. */
  readonly mode?: Interpolation
  /** Default `zeros`. */
  readonly padding?: Padding
  /** Output width (default: the input's). */
  readonly width?: number
  /** Output height (default: the input's). */
  readonly height?: number
}

/** Options of {@link gridSampleLabels}. */
export interface GridSampleLabelsOptions {
  /** Default `nearest`. */
  readonly mode?: MaskInterpolation
  /** Default `zeros` (outside = background 0). */
  readonly padding?: Padding
  /** Output width (default: the input's). */
  readonly width?: number
  /** Output height (default: the input's). */
  readonly height?: number
}

const PADDINGS: readonly Padding[] = ['zeros', 'border', 'reflection']

/** The identity pixel map. */
export const IDENTITY_MAP: AffineMap = Object.freeze({ a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 })

/** Applies the padding rule to one coordinate (zeros: unchanged; the taps are bounds-checked later). */
function padCoordinate(u: number, size: number, padding: Padding): number {
  if (padding === 'border') return u < 0 ? 0 : u > size - 1 ? size - 1 : u
  if (padding === 'reflection') return reflectCoordinate(u, size)
  return u
}

/**
 * Converts a fastai-v1 affine matrix in normalised coordinates (`[x_in, y_in] = M·[x_n, y_n] + t`, rows
 * `[m00, m01, m02]`, `[m10, m11, m12]`, mapping output to input) to a pixel-space {@link AffineMap}.
 * Applies fastai's aspect correction `m01 *= H/W`, `m10 *= W/H` (H, W = output size, as `_affine_mult`
 * does with the flow's size), the output grid `linspace(-1, 1, n)` (`[-1]` when n = 1) and the
 * align_corners unnormalisation `u = (x_in + 1)/2·(W_in − 1)`.
 */
export function fastaiAffine(
  matrix: readonly [number, number, number, number, number, number],
  inWidth: number,
  inHeight: number,
  outWidth = inWidth,
  outHeight = inHeight,
): AffineMap {
  const [m00, m02, m11, m12] = [matrix[0], matrix[2], matrix[4], matrix[5]]
  const m01 = matrix[1] * (outHeight / outWidth)
  const m10 = matrix[3] * (outWidth / outHeight)
  // Ratios are formed directly ((W_in-1)/(W_out-1), not ((W_in-1)/2)·(2/(W_out-1))) so that a square
  // identity or 90-degree map has exactly integer coefficients.
  const rx = outWidth > 1 ? (inWidth - 1) / (outWidth - 1) : 0
  const ry = outHeight > 1 ? (inHeight - 1) / (outHeight - 1) : 0
  const rxy = outHeight > 1 ? (inWidth - 1) / (outHeight - 1) : 0
  const ryx = outWidth > 1 ? (inHeight - 1) / (outWidth - 1) : 0
  const hx = (inWidth - 1) / 2
  const hy = (inHeight - 1) / 2
  return {
    a: m00 * rx,
    b: m01 * rxy,
    c: hx * (1 + m02 - m00 - m01),
    d: m10 * ryx,
    e: m11 * ry,
    f: hy * (1 + m12 - m10 - m11),
  }
}

function checkOutputSize(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `gridSample: output ${what} must be a positive integer, got ${describeValue(value)}`,
      { details: { value } },
    )
  }
  return value
}

function checkPadding(padding: unknown): Padding {
  if (!PADDINGS.includes(padding as Padding)) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `gridSample: padding must be one of ${PADDINGS.join(', ')}, got ${describeValue(padding)}`,
      { details: { value: padding } },
    )
  }
  return padding as Padding
}

/** Throws `E_BAD_PARAMETER` unless every coefficient of the affine map is finite. */
function checkAffine(map: AffineMap): void {
  const { a, b, c, d, e, f } = map
  for (const [k, v] of Object.entries({ a, b, c, d, e, f })) {
    if (!Number.isFinite(v))
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `gridSample: affine map coefficient ${k} must be finite, got ${describeValue(v)}`,
        { details: { value: v } },
      )
  }
}

/** Returns a coordinate evaluator writing (u, v) into `out` (shared, no allocation per pixel). */
function evaluator(map: CoordinateMap): CoordinateFunction {
  if (typeof map === 'function') return map
  checkAffine(map)
  const { a, b, c, d, e, f } = map
  return (x, y, out) => {
    out[0] = a * x + b * y + c
    out[1] = d * x + e * y + f
  }
}

/**
 * Resamples an image at the coordinates given by `map` (output pixel -> input pixel), with the semantics
 * of torch `grid_sample(align_corners=True)` as fastai v1 uses it: bilinear taps outside the image
 * contribute 0 with `zeros` padding; `border` clamps and `reflection` mirrors the coordinate first;
 * `nearest` rounds half to even. Every geometric transform of segsense goes through this function.
 *
 * @example
 * const shifted = gridSample(img, { a: 1, b: 0, c: -2, d: 0, e: 1, f: 0 }) // content moves 2 px right
 * @throws SegsenseError `E_BAD_PARAMETER` for a bad mode, padding, size or a non-finite coordinate.
 */
export function gridSample(img: Raster, map: CoordinateMap, options: GridSampleOptions = {}): Raster {
  const mode = options.mode ?? 'bilinear'
  if (mode !== 'bilinear' && mode !== 'nearest') {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `gridSample: mode must be 'bilinear' or 'nearest', got ${describeValue(mode)}`,
      { details: { value: mode } },
    )
  }
  const padding = checkPadding(options.padding ?? 'zeros')
  const outW = checkOutputSize(options.width, img.width, 'width')
  const outH = checkOutputSize(options.height, img.height, 'height')
  const { width: W, height: H, channels: C, data: src } = img
  const out = new Float32Array(outW * outH * C)
  if (typeof map !== 'function') {
    // Affine maps (every geometric transform) take the specialised kernels: same arithmetic, bit-identical output.
    checkAffine(map)
    if (mode === 'bilinear') affineBilinear(src, W, H, C, map, padding, out, outW, outH)
    else affineNearest(src, W, H, C, map, padding, out, outW, outH, 'gridSample')
    return withData(img, out, outW, outH)
  }
  const at = evaluator(map)
  const uv = new Float64Array(2)
  const taps = new Int32Array(4)
  const weights = new Float64Array(4)
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      at(x, y, uv)
      const o = (y * outW + x) * C
      const u = padCoordinate(uv[0] as number, W, padding)
      const v = padCoordinate(uv[1] as number, H, padding)
      if (!Number.isFinite(u) || !Number.isFinite(v)) {
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `gridSample: the coordinate map gave a non-finite input coordinate (${uv[0]}, ${uv[1]}) at output pixel (${x}, ${y})`,
        )
      }
      if (mode === 'nearest') {
        const xi = roundHalfEven(u)
        const yi = roundHalfEven(v)
        if (xi >= 0 && xi < W && yi >= 0 && yi < H) {
          const s = (yi * W + xi) * C
          for (let ch = 0; ch < C; ch++) out[o + ch] = src[s + ch] as number
        }
        continue
      }
      bilinearTaps(u, v, W, H, taps, weights)
      for (let ch = 0; ch < C; ch++) {
        let sum = 0
        for (let t = 0; t < 4; t++) {
          const i = taps[t] as number
          if (i >= 0) sum += (weights[t] as number) * (src[i * C + ch] as number)
        }
        out[o + ch] = sum
      }
    }
  }
  return withData(img, out, outW, outH)
}

/**
 * Resamples a mask at the coordinates given by `map`, never inventing class ids:
 * `nearest` (fastai's mask path) reads the nearest pixel (round half to even);
 * `onehot-bilinear` computes the bilinear weight of every class id among the 4 taps and keeps the largest
 * (ties -> lower id), which avoids the jagged, shifted boundaries of nearest. With `zeros` padding,
 * taps outside the mask count as background 0.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for a bad mode, padding, size or a non-finite coordinate.
 */
export function gridSampleLabels(mask: LabelMap, map: CoordinateMap, options: GridSampleLabelsOptions = {}): LabelMap {
  const mode = options.mode ?? 'nearest'
  if (mode !== 'nearest' && mode !== 'onehot-bilinear') {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `gridSampleLabels: mode must be 'nearest' or 'onehot-bilinear', got ${describeValue(mode)}`,
      { details: { value: mode } },
    )
  }
  const padding = checkPadding(options.padding ?? 'zeros')
  const outW = checkOutputSize(options.width, mask.width, 'width')
  const outH = checkOutputSize(options.height, mask.height, 'height')
  if (typeof map !== 'function' && mode === 'nearest') {
    checkAffine(map)
    return withLabels(mask, affineNearestLabels(mask, map, padding, outW, outH), outW, outH)
  }
  const { width: W, height: H, data: src } = mask
  const n = outW * outH
  const out = src instanceof Uint16Array ? new Uint16Array(n) : new Uint8Array(n)
  const at = evaluator(map)
  const uv = new Float64Array(2)
  const ids = new Int32Array(4)
  const taps = new Int32Array(4)
  const ws = new Float64Array(4)
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      at(x, y, uv)
      const o = y * outW + x
      const u = padCoordinate(uv[0] as number, W, padding)
      const v = padCoordinate(uv[1] as number, H, padding)
      if (!Number.isFinite(u) || !Number.isFinite(v)) {
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `gridSampleLabels: the coordinate map gave a non-finite input coordinate (${uv[0]}, ${uv[1]}) at output pixel (${x}, ${y})`,
        )
      }
      if (mode === 'nearest') {
        const xi = roundHalfEven(u)
        const yi = roundHalfEven(v)
        out[o] = xi >= 0 && xi < W && yi >= 0 && yi < H ? (src[yi * W + xi] as number) : 0
        continue
      }
      // Taps outside read background 0 with their full weight (the one-hot of zeros padding).
      bilinearTaps(u, v, W, H, taps, ws)
      for (let t = 0; t < 4; t++) ids[t] = (taps[t] as number) >= 0 ? (src[taps[t] as number] as number) : 0
      let best = -1
      let bestW = -1
      for (let i = 0; i < 4; i++) {
        const id = ids[i] as number
        if ((ws[i] as number) <= 0 && best >= 0) continue
        let total = 0
        for (let j = 0; j < 4; j++) if (ids[j] === id) total += ws[j] as number
        if (total > bestW || (total === bestW && id < best)) {
          best = id
          bestW = total
        }
      }
      out[o] = best
    }
  }
  return withLabels(mask, out, outW, outH)
}

/**
 * torch `F.interpolate(mode='area')` = adaptive average pooling to `outW x outH`: output bin i averages
 * input indices `[floor(i·n/n_out), ceil((i+1)·n/n_out))` along each axis (separable).
 * fastai uses it as a pre-filter before bilinear downscaling by more than 2x.
 */
export function areaResize(img: Raster, outW: number, outH: number): Raster {
  checkOutputSize(outW, 1, 'width')
  checkOutputSize(outH, 1, 'height')
  const { width: W, height: H, channels: C, data: src } = img
  // Pass 1: average along x into a Float64 buffer (outW x H), pass 2: along y.
  const tmp = new Float64Array(outW * H * C)
  for (let i = 0; i < outW; i++) {
    const start = Math.floor((i * W) / outW)
    const end = Math.ceil(((i + 1) * W) / outW)
    const inv = 1 / (end - start)
    for (let y = 0; y < H; y++) {
      const o = (y * outW + i) * C
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let x = start; x < end; x++) s += src[(y * W + x) * C + ch] as number
        tmp[o + ch] = s * inv
      }
    }
  }
  const out = new Float32Array(outW * outH * C)
  for (let j = 0; j < outH; j++) {
    const start = Math.floor((j * H) / outH)
    const end = Math.ceil(((j + 1) * H) / outH)
    const inv = 1 / (end - start)
    for (let x = 0; x < outW; x++) {
      const o = (j * outW + x) * C
      for (let ch = 0; ch < C; ch++) {
        let s = 0
        for (let y = start; y < end; y++) s += tmp[(y * outW + x) * C + ch] as number
        out[o + ch] = s * inv
      }
    }
  }
  return withData(img, out, outW, outH)
}

/**
 * Bilinear resampling whose outside samples read min(channel) (TorchIO's default `pad_value`), done as
 * zero padding of `x − min`, so that gridSample's `zeros` rule serves.
 */
export function gridSampleMinFill(img: Raster, map: CoordinateMap): Raster {
  const C = img.channels
  const mins = new Float64Array(C)
  for (let ch = 0; ch < C; ch++) mins[ch] = channelMin(img, ch)
  const shifted = new Float32Array(img.data.length)
  for (let i = 0; i < shifted.length; i++) shifted[i] = (img.data[i] as number) - (mins[i % C] as number)
  const moved = gridSample({ ...img, data: shifted }, map, { mode: 'bilinear', padding: 'zeros' })
  const d = moved.data
  for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) + (mins[i % C] as number)
  return moved
}
