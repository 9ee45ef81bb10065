/**
 * Geometric transforms with fastai v1 sampling semantics (the misas paper's): every one resamples through
 * {@link gridSample} (torch grid_sample, align_corners=true) with an exact pixel-space affine map, except
 * `cropPad`, which is a pixel mask. The truth moves with the image (nearest or one-hot bilinear argmax).
 */
import { checkPixelBudget } from '../core/limits.js'
import type { LabelMap, Raster } from '../core/types.js'
import { defineTransform, type ImageAxis, type Transform } from './transform.js'
import { areaResize, fastaiAffine, gridSample, gridSampleLabels } from './kernels/grid-sample.js'
import { type AffineMap, type Interpolation, type MaskInterpolation, type Padding } from './kernels/sampling.js'
import { checkAxis, checkChoice, checkInteger, checkNumber, reject } from './validate.js'

/** Options shared by the resampling transforms (rotate, zoom, translate). */
export interface ResampleOptions {
  /** Image interpolation; default `bilinear` (fastai v1). */
  readonly interpolation: Interpolation
  /** Default `zeros` (fastai's default is `reflection`; zeros does not invent anatomy at the borders). */
  readonly padding: Padding
  /** Mask interpolation; default `nearest` (fastai v1). */
  readonly maskInterpolation: MaskInterpolation
}

/** Options of {@link translate}. */
export interface TranslateOptions extends ResampleOptions {
  /** Axis of the shift: `x` (positive moves content right) or `y` (positive moves content down). */
  readonly axis: ImageAxis
}

/** Options of {@link resize}. */
export interface ResizeOptions {
  /** Image interpolation; default `bilinear` (with fastai's area pre-filter when shrinking more than 2x). */
  readonly interpolation: Interpolation
  /** Mask interpolation; default `nearest`. */
  readonly maskInterpolation: MaskInterpolation
}

const RESAMPLE_DEFAULTS: ResampleOptions = { interpolation: 'bilinear', padding: 'zeros', maskInterpolation: 'nearest' }
const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest']
const PADDINGS: readonly Padding[] = ['zeros', 'border', 'reflection']
const MASK_INTERPOLATIONS: readonly MaskInterpolation[] = ['nearest', 'onehot-bilinear']

function checkResampleOptions(transform: string, o: Partial<ResampleOptions>, withPadding = true): void {
  checkChoice(transform, 'interpolation', o.interpolation, INTERPOLATIONS)
  if (withPadding) checkChoice(transform, 'padding', o.padding, PADDINGS)
  checkChoice(transform, 'maskInterpolation', o.maskInterpolation, MASK_INTERPOLATIONS)
}

function withSpacing<T extends Raster | LabelMap>(result: T, spacing: readonly [number, number] | undefined): T {
  if (spacing === undefined) return result
  return { ...result, spacing }
}

// ---------------------------------------------------------------------------------------------- rotate

/** cos/sin of `degrees`, exact for multiples of 90 (so 90-degree steps on a square image are permutations). */
function cosSin(degrees: number): [number, number] {
  const r = ((degrees % 360) + 360) % 360
  if (r === 0) return [1, 0]
  if (r === 90) return [0, 1]
  if (r === 180) return [-1, 0]
  if (r === 270) return [0, -1]
  const t = (degrees * Math.PI) / 180
  return [Math.cos(t), Math.sin(t)]
}

/** fastai v1 `_rotate`: `M = [[cos, −sin, 0], [sin, cos, 0]]` in normalised coordinates (aspect-corrected). */
export function rotateMap(degrees: number, width: number, height: number): AffineMap {
  const [c, s] = cosSin(degrees)
  return fastaiAffine([c, -s, 0, s, c, 0], width, height)
}

/**
 * Rotation about the image centre ((W−1)/2, (H−1)/2), positive = counter-clockwise (fastai v1, PIL),
 * fastai v1 sampling (bilinear, align_corners) including its aspect correction on non-square images.
 * Padding defaults to `zeros` (fastai: reflection; use `.with({ padding: 'reflection' })` for parity with
 * the misas paper). The size and spacing are unchanged.
 *
 * @example
 * rotate.image(img, 30); rotate.with({ padding: 'reflection', maskInterpolation: 'onehot-bilinear' })
 */
export const rotate: Transform<ResampleOptions> = defineTransform<ResampleOptions>({
  name: 'rotate',
  parameter: {
    name: 'angle',
    unit: 'deg',
    neutral: 0,
    scale: 'circular',
    period: 360,
    defaultRange: [-180, 180],
    defaultStep: 10,
  },
  spatial: true,
  options: RESAMPLE_DEFAULTS,
  validate: (o) => checkResampleOptions('rotate', o),
  image: (img, value, o) => {
    checkNumber('rotate', 'angle', value)
    return gridSample(img, rotateMap(value, img.width, img.height), { mode: o.interpolation, padding: o.padding })
  },
  labels: (mask, value, o) => {
    checkNumber('rotate', 'angle', value)
    return gridSampleLabels(mask, rotateMap(value, mask.width, mask.height), {
      mode: o.maskInterpolation,
      padding: o.padding,
    })
  },
})

// -------------------------------------------------------------------------------------- dihedral, flip

/** Names of the 8 dihedral codes (fastai v1 numbering: bit 1 vertical flip, bit 2 horizontal flip, bit 4 transpose). */
export const DIHEDRAL_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'identity',
  1: 'flip vertical',
  2: 'flip horizontal',
  3: 'rotate 180',
  4: 'transpose',
  5: 'rotate 90 cw', // flip rows, then transpose: pixel (r, c) -> (c, H-1-r)
  6: 'rotate 90 ccw', // flip columns, then transpose: pixel (r, c) -> (W-1-c, r) = rotate(90)
  7: 'anti-transpose',
})

/**
 * The exact index map of fastai v1 `_dihedral(x, k)` on (C, H, W): `k&1` flips rows, `k&2` flips columns,
 * then `k&4` transposes (the output is H wide and W high). Returns the map and the output size.
 */
export function dihedralMap(
  k: number,
  width: number,
  height: number,
): { map: AffineMap; width: number; height: number } {
  const fv = (k & 1) !== 0
  const fh = (k & 2) !== 0
  if ((k & 4) === 0) {
    return {
      map: { a: fh ? -1 : 1, b: 0, c: fh ? width - 1 : 0, d: 0, e: fv ? -1 : 1, f: fv ? height - 1 : 0 },
      width,
      height,
    }
  }
  // Transposed: output (x, y) reads the flipped image at row x, column y.
  return {
    map: { a: 0, b: fh ? -1 : 1, c: fh ? width - 1 : 0, d: fv ? -1 : 1, e: 0, f: fv ? height - 1 : 0 },
    width: height,
    height: width,
  }
}

function swapSpacing(spacing: readonly [number, number] | undefined, k: number): readonly [number, number] | undefined {
  return spacing && (k & 4) !== 0 ? [spacing[1], spacing[0]] : spacing
}

/**
 * The 8 symmetries of the square (exact permutations, applied identically to the truth), fastai v1
 * numbering: `k&1` vertical flip, `k&2` horizontal flip, then `k&4` transpose (a non-square image swaps
 * width and height, and x/y spacing).
 */
export const dihedral: Transform<object> = defineTransform<object>({
  name: 'dihedral',
  parameter: {
    name: 'k',
    unit: '',
    neutral: 0,
    scale: 'categorical',
    defaultRange: [0, 7],
    defaultStep: 1,
    categories: DIHEDRAL_NAMES,
  },
  spatial: true,
  image: (img, value) => {
    const k = checkInteger('dihedral', 'k', value, 0, 7)
    const m = dihedralMap(k, img.width, img.height)
    return withSpacing(
      gridSample(img, m.map, { mode: 'nearest', width: m.width, height: m.height }),
      swapSpacing(img.spacing, k),
    )
  },
  labels: (mask, value) => {
    const k = checkInteger('dihedral', 'k', value, 0, 7)
    const m = dihedralMap(k, mask.width, mask.height)
    return withSpacing(
      gridSampleLabels(mask, m.map, { mode: 'nearest', width: m.width, height: m.height }),
      swapSpacing(mask.spacing, k),
    )
  },
})

/** Codes of {@link flip}. */
export const FLIP_NAMES: Readonly<Record<number, string>> = Object.freeze({ 0: 'none', 1: 'horizontal', 2: 'vertical' })

/** flip code -> dihedral code (horizontal = fastai bit 2, vertical = bit 1). */
const FLIP_TO_DIHEDRAL = [0, 2, 1] as const

/** Mirror: 0 none, 1 horizontal (left-right), 2 vertical (top-bottom). Exact permutations. */
export const flip: Transform<object> = defineTransform<object>({
  name: 'flip',
  parameter: {
    name: 'direction',
    unit: '',
    neutral: 0,
    scale: 'categorical',
    defaultRange: [0, 2],
    defaultStep: 1,
    categories: FLIP_NAMES,
  },
  spatial: true,
  image: (img, value) => {
    const k = FLIP_TO_DIHEDRAL[checkInteger('flip', 'direction', value, 0, 2)] as number
    return gridSample(img, dihedralMap(k, img.width, img.height).map, { mode: 'nearest' })
  },
  labels: (mask, value) => {
    const k = FLIP_TO_DIHEDRAL[checkInteger('flip', 'direction', value, 0, 2)] as number
    return gridSampleLabels(mask, dihedralMap(k, mask.width, mask.height).map, { mode: 'nearest' })
  },
})

// ------------------------------------------------------------------------------------------------ zoom

/** fastai v1 `_zoom(scale)` centred: `M = [[1/scale, 0, 0], [0, 1/scale, 0]]`, i.e. `u = c_x + (u − c_x)/scale`. */
export function zoomMap(scale: number, width: number, height: number): AffineMap {
  return fastaiAffine([1 / scale, 0, 0, 0, 1 / scale, 0], width, height)
}

function scaleSpacing(
  spacing: readonly [number, number] | undefined,
  fx: number,
  fy: number,
): readonly [number, number] | undefined {
  return spacing ? [spacing[0] * fx, spacing[1] * fy] : undefined
}

/**
 * Zoom about the centre by a factor (> 1 zooms in, < 1 zooms out with the border filled by `padding`),
 * output size unchanged (fastai v1 `zoom(scale)`); the spacing becomes spacing / factor.
 */
export const zoom: Transform<ResampleOptions> = defineTransform<ResampleOptions>({
  name: 'zoom',
  parameter: { name: 'factor', unit: 'x', neutral: 1, scale: 'log', defaultRange: [0.5, 2], defaultStep: 0.1 },
  spatial: true,
  options: RESAMPLE_DEFAULTS,
  validate: (o) => checkResampleOptions('zoom', o),
  image: (img, value, o) => {
    const s = checkNumber('zoom', 'factor', value, 'positive')
    const out = gridSample(img, zoomMap(s, img.width, img.height), { mode: o.interpolation, padding: o.padding })
    return withSpacing(out, scaleSpacing(img.spacing, 1 / s, 1 / s))
  },
  labels: (mask, value, o) => {
    const s = checkNumber('zoom', 'factor', value, 'positive')
    const out = gridSampleLabels(mask, zoomMap(s, mask.width, mask.height), {
      mode: o.maskInterpolation,
      padding: o.padding,
    })
    return withSpacing(out, scaleSpacing(mask.spacing, 1 / s, 1 / s))
  },
})

// ------------------------------------------------------------------------------------------- translate

function translateMap(shift: number, axis: ImageAxis): AffineMap {
  return axis === 'x' ? { a: 1, b: 0, c: -shift, d: 0, e: 1, f: 0 } : { a: 1, b: 0, c: 0, d: 0, e: 1, f: -shift }
}

/**
 * Shift by a number of pixels (positive moves the content right, or down with `.with({ axis: 'y' })`);
 * integer shifts are exact, fractional ones interpolate. Size and spacing unchanged.
 */
export const translate: Transform<TranslateOptions> = defineTransform<TranslateOptions>({
  name: 'translate',
  parameter: { name: 'shift', unit: 'px', neutral: 0, scale: 'linear', defaultRange: [-32, 32], defaultStep: 4 },
  spatial: true,
  options: { ...RESAMPLE_DEFAULTS, axis: 'x' },
  validate: (o) => {
    checkResampleOptions('translate', o)
    checkAxis('translate', o.axis)
  },
  image: (img, value, o) =>
    gridSample(img, translateMap(checkNumber('translate', 'shift', value), o.axis), {
      mode: o.interpolation,
      padding: o.padding,
    }),
  labels: (mask, value, o) =>
    gridSampleLabels(mask, translateMap(checkNumber('translate', 'shift', value), o.axis), {
      mode: o.maskInterpolation,
      padding: o.padding,
    }),
})

// --------------------------------------------------------------------------------------------- cropPad

/**
 * The kept window of {@link cropPad} along one axis of length n: fastai v1 `crop_pad` starts at
 * `int((n − p + 1)·0.5)`; misas' rotate(180) round trip puts the zero-padded result back at that place.
 */
function keptRange(n: number, side: number): [number, number] {
  if (side >= n) return [0, n]
  const start = Math.floor((n - side + 1) / 2)
  return [start, start + side]
}

function checkSide(value: number): number {
  return Math.round(checkNumber('cropPad', 'side', value, 'nonnegative'))
}

/**
 * Keeps the central `side x side` square and zeroes the rest (misas' fastai-era "crop":
 * `crop_pad(p); rotate(180); crop_pad(F, zeros); rotate(180)`); the image size is unchanged, the kept
 * window starts at `floor((n − side + 1)/2)` along each axis. A side >= the image's width and height is
 * the identity (the parameter's neutral 256 is misas' final size: the identity only for images up to
 * 256 px). Fractional sides are rounded to whole pixels. The truth outside the window becomes background 0.
 */
export const cropPad: Transform<object> = defineTransform<object>({
  name: 'cropPad',
  parameter: { name: 'side', unit: 'px', neutral: 256, scale: 'linear', defaultRange: [56, 256], defaultStep: 8 },
  spatial: true,
  image: (img, value) => {
    const p = checkSide(value)
    const [x0, x1] = keptRange(img.width, p)
    const [y0, y1] = keptRange(img.height, p)
    const C = img.channels
    const out = new Float32Array(img.data.length)
    for (let y = y0; y < y1; y++) {
      const from = (y * img.width + x0) * C
      out.set(img.data.subarray(from, from + (x1 - x0) * C), from)
    }
    return { ...img, data: out }
  },
  labels: (mask, value) => {
    const p = checkSide(value)
    const [x0, x1] = keptRange(mask.width, p)
    const [y0, y1] = keptRange(mask.height, p)
    const out = mask.data instanceof Uint16Array ? new Uint16Array(mask.data.length) : new Uint8Array(mask.data.length)
    for (let y = y0; y < y1; y++) {
      const from = y * mask.width + x0
      out.set(mask.data.subarray(from, from + (x1 - x0)), from)
    }
    return { ...mask, data: out }
  },
})

// ---------------------------------------------------------------------------------------------- resize

/** Output size of {@link resize}: the longer side becomes `target`, the shorter keeps the aspect (at least 1 px). */
export function resizeShape(width: number, height: number, target: number): [number, number] {
  if (width >= height) return [target, Math.max(1, Math.round((height * target) / width))]
  return [Math.max(1, Math.round((width * target) / height)), target]
}

/** fastai v1 resize grid: output pixel x samples input `x·(W_in − 1)/(W_out − 1)` (corners map exactly). */
function resizeMap(inW: number, inH: number, outW: number, outH: number): AffineMap {
  return { a: outW > 1 ? (inW - 1) / (outW - 1) : 0, b: 0, c: 0, d: 0, e: outH > 1 ? (inH - 1) / (outH - 1) : 0, f: 0 }
}

/** New spacing: the input distance between neighbouring output samples (align_corners grid). */
function resizeSpacing(
  spacing: readonly [number, number] | undefined,
  inW: number,
  inH: number,
  outW: number,
  outH: number,
): readonly [number, number] | undefined {
  if (!spacing) return undefined
  const fx = outW > 1 ? (inW - 1) / (outW - 1) : inW
  const fy = outH > 1 ? (inH - 1) / (outH - 1) : inH
  // A 1-px input axis has no extent to stretch; keep the old/new ratio there.
  return [spacing[0] * (inW > 1 ? fx : inW / outW), spacing[1] * (inH > 1 ? fy : inH / outH)]
}

function checkTarget(value: number): number {
  const t = Math.round(checkNumber('resize', 'size', value, 'positive'))
  if (t < 1) reject('resize', 'size', value, 'at least 1 px')
  return t
}

/**
 * Resizes so that the longer side is `size` px (aspect kept, shorter side rounded, at least 1 px);
 * the truth is resized with it. fastai v1 `Image.resize`: output grid `linspace(−1, 1, n)`, bilinear
 * grid-sample with align_corners (corner pixels map exactly), and, when bilinear shrinks by more than 2x
 * (`d = min(H_in/H_out, W_in/W_out)/2 > 1`), fastai's `area` pre-filter (average pooling to
 * `floor(n/d)`) first, against aliasing. Masks are sampled without the pre-filter. A size equal to the
 * image's longer side is the identity (the parameter's neutral 256 is only the identity for 256 px images).
 * The spacing follows the sampling step: spacing·(n_in − 1)/(n_out − 1).
 */
export const resize: Transform<ResizeOptions> = defineTransform<ResizeOptions>({
  name: 'resize',
  parameter: { name: 'size', unit: 'px', neutral: 256, scale: 'log', defaultRange: [64, 512], defaultStep: 32 },
  spatial: true,
  options: { interpolation: 'bilinear', maskInterpolation: 'nearest' },
  validate: (o) => checkResampleOptions('resize', o, false),
  image: (img, value, o) => {
    const [outW, outH] = resizeShape(img.width, img.height, checkTarget(value))
    checkPixelBudget(outW, outH, 'resize: size', value)
    let src = img
    if (o.interpolation === 'bilinear') {
      const d = Math.min(img.height / outH, img.width / outW) / 2
      if (d > 1) src = areaResize(img, Math.floor(img.width * (1 / d)), Math.floor(img.height * (1 / d)))
    }
    const out = gridSample(src, resizeMap(src.width, src.height, outW, outH), {
      mode: o.interpolation,
      padding: 'border',
      width: outW,
      height: outH,
    })
    return withSpacing(out, resizeSpacing(img.spacing, img.width, img.height, outW, outH))
  },
  labels: (mask, value, o) => {
    const [outW, outH] = resizeShape(mask.width, mask.height, checkTarget(value))
    checkPixelBudget(outW, outH, 'resize: size', value)
    const out = gridSampleLabels(mask, resizeMap(mask.width, mask.height, outW, outH), {
      mode: o.maskInterpolation,
      padding: 'border',
      width: outW,
      height: outH,
    })
    return withSpacing(out, resizeSpacing(mask.spacing, mask.width, mask.height, outW, outH))
  },
})
