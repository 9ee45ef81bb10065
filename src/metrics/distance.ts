import { emptyBounds, extendBounds } from '../core/bounds.js'
import { SegsenseError, assertInteger, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { assertSameSize, checkSpacing, classIds } from '../core/raster.js'
import type { Classes, LabelMap } from '../core/types.js'

/**
 * Boundary-distance metrics (Hausdorff, HD95, ASSD, MASD, directed ASD, NSD) in the MONAI / Metrics Reloaded
 * pixel-boundary variant: the boundary of a mask is its foreground pixels with a 4-neighbour in the background
 * or outside the image (`binary_erosion(mask) XOR mask`), distances are Euclidean between boundary-pixel centres
 * in physical units, from an exact Felzenszwalb–Huttenlocher EDT. Percentiles interpolate linearly
 * (`np.percentile`). Lower is better for every distance; NSD is in [0, 1], higher is better.
 */

/** What a distance metric is when a mask is empty. */
export interface DistanceEmptyPolicy {
  /**
   * Class absent from both masks: `'nan'` (default; MONAI, undefined and left out of means) or `'best'`
   * (distances 0, NSD 1; Metrics Reloaded, BraTS).
   */
  readonly bothEmpty: 'nan' | 'best'
  /**
   * Class in exactly one mask: `'worst'` (default; distances = the image diagonal in physical units, NSD 0, so the
   * miss is never silently dropped) or `'nan'` (MONAI gives +Inf or NaN; segsense never passes Inf along).
   */
  readonly oneEmpty: 'worst' | 'nan'
}

/** The default {@link DistanceEmptyPolicy}: both empty -> NaN, one empty -> the worst value. */
export const DEFAULT_DISTANCE_EMPTY_POLICY: DistanceEmptyPolicy = Object.freeze({ bothEmpty: 'nan', oneEmpty: 'worst' })

/** Options of {@link boundaryDistances} and {@link surfaceDistances}. */
export interface BoundaryDistanceOptions {
  /** Millimetres per pixel along (x, y); default the truth's `spacing`, else [1, 1] (pixel units). */
  readonly spacing?: readonly [number, number]
  /** NSD tolerance τ in the same units as the spacing (inclusive: d <= τ counts); default 1. */
  readonly tolerance?: number
  /** Percentile of the robust Hausdorff distance; default 95. */
  readonly percentile?: number
  /** Empty-mask policy; default {@link DEFAULT_DISTANCE_EMPTY_POLICY}. */
  readonly emptyPolicy?: DistanceEmptyPolicy
}

/** Options of {@link surfaceDistances}: {@link BoundaryDistanceOptions} plus the background switch. */
export interface SurfaceDistanceOptions extends BoundaryDistanceOptions {
  /** Score class id 0 too when it is named in `classes`. Default false. */
  readonly includeBackground?: boolean
}

/** The boundary-distance metrics of one class. */
export interface BoundaryDistances {
  /** Which masks hold the class: the empty cases follow {@link DistanceEmptyPolicy}. */
  readonly case: 'both' | 'bothEmpty' | 'predictionEmpty' | 'truthEmpty'
  /** Hausdorff distance: max over both directions of the largest boundary distance. */
  readonly hd: number
  /** Robust Hausdorff: max of the per-direction percentiles (`percentile`, default 95). */
  readonly hd95: number
  /** Average symmetric surface distance: all boundary distances of both directions pooled. */
  readonly assd: number
  /** Mean average surface distance: the mean of the two directed means (Metrics Reloaded `masd`). */
  readonly masd: number
  /** Directed mean distance prediction -> truth (MONAI `SurfaceDistanceMetric(symmetric=False)`). */
  readonly asd: number
  /** Normalised surface distance: share of boundary pixels of both masks within `tolerance` of the other. */
  readonly nsd: number
  /** Boundary pixels of the prediction and of the truth. */
  readonly boundaryPixels: { readonly prediction: number; readonly truth: number }
}

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every pixel, the squared
 * distance to the nearest pixel where `feature` is non-zero, with pixel spacing (x, y); Infinity when there is
 * no feature pixel. Two separable passes of the 1D lower envelope of parabolas, O(width·height).
 *
 * @example
 * Math.sqrt(squaredDistanceTransform(feature, 6, 5, [1, 1.5])[0]) // distance of pixel (0, 0)
 */
export function squaredDistanceTransform(feature: ArrayLike<number>, width: number, height: number, spacing: readonly [number, number] = [1, 1]): Float64Array {
  checkSize(width, height)
  if (feature.length !== width * height) throw new SegsenseError('E_SIZE_MISMATCH', `squaredDistanceTransform: feature has ${feature.length} values, expected width * height = ${width * height}`)
  const [sx, sy] = checkSpacing(spacing, 'squaredDistanceTransform spacing') ?? [1, 1]
  const g = new Float64Array(width * height)
  for (let i = 0; i < g.length; i++) g[i] = feature[i] ? 0 : Number.POSITIVE_INFINITY
  const n = Math.max(width, height)
  const line = new Float64Array(n)
  const out = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = g[y * width + x]!
    envelope(line, height, sy, out, v, z)
    for (let y = 0; y < height; y++) g[y * width + x] = out[y]!
  }
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) line[x] = g[row + x]!
    envelope(line, width, sx, out, v, z)
    for (let x = 0; x < width; x++) g[row + x] = out[x]!
  }
  return g
}

// 1D squared distance along a line of n samples at spacing s: the lower envelope of the parabolas rooted at the
// finite samples of f (only those enter, so a line with no feature stays Infinity).
function envelope(f: Float64Array, n: number, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  const s2 = s * s
  let k = -1
  for (let q = 0; q < n; q++) {
    const fq = f[q]!
    if (fq === Number.POSITIVE_INFINITY) continue
    if (k < 0) {
      k = 0
      v[0] = q
      z[0] = Number.NEGATIVE_INFINITY
      z[1] = Number.POSITIVE_INFINITY
      continue
    }
    let p = v[k]!
    let x = (fq + q * q * s2 - (f[p]! + p * p * s2)) / (2 * s2 * (q - p))
    while (x <= z[k]!) {
      k--
      p = v[k]!
      x = (fq + q * q * s2 - (f[p]! + p * p * s2)) / (2 * s2 * (q - p))
    }
    k++
    v[k] = q
    z[k] = x
    z[k + 1] = Number.POSITIVE_INFINITY
  }
  if (k < 0) {
    out.fill(Number.POSITIVE_INFINITY, 0, n)
    return
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    const p = v[k]!
    const d = (q - p) * s
    out[q] = d * d + f[p]!
  }
}

/**
 * Boundary distances between two binary masks of the same size (non-zero = foreground).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when the masks differ in length from width·height, `E_BAD_PARAMETER`
 * for a bad spacing, tolerance or percentile.
 * @example
 * boundaryDistances(pred, truth, 32, 32, { tolerance: 2 }).hd95
 */
export function boundaryDistances(prediction: ArrayLike<number>, truth: ArrayLike<number>, width: number, height: number, options: BoundaryDistanceOptions = {}): BoundaryDistances {
  checkSize(width, height)
  for (const [name, m] of [['prediction', prediction], ['truth', truth]] as const) {
    if (m.length !== width * height) throw new SegsenseError('E_SIZE_MISMATCH', `boundaryDistances: ${name} has ${m.length} values, expected width * height = ${width * height}`)
  }
  const { spacing, tolerance, percentile, policy } = resolveOptions(options)
  const diagonal = Math.hypot(width * spacing[0], height * spacing[1])
  // Work on the bounding box of both masks grown by 1 px (clamped to the image): every boundary pixel lies in
  // it, pixels on its inner edges are background, so boundaries and distances are those of the whole image.
  const box = unionBox(prediction, truth, width, height)
  if (box === null) return emptyCase(0, 0, { prediction: 0, truth: 0 }, policy, diagonal)
  const [x0, y0, w, h] = box
  const bp = boundary(prediction, width, x0, y0, w, h)
  const bt = boundary(truth, width, x0, y0, w, h)
  const nP = count(bp)
  const nT = count(bt)
  const boundaryPixels = { prediction: nP, truth: nT }
  if (nP === 0 || nT === 0) return emptyCase(nP, nT, boundaryPixels, policy, diagonal)
  const dPT = distancesAt(bp, squaredDistanceTransform(bt, w, h, spacing), nP)
  const dTP = distancesAt(bt, squaredDistanceTransform(bp, w, h, spacing), nT)
  dPT.sort()
  dTP.sort()
  const sumP = sum(dPT)
  const sumT = sum(dTP)
  return {
    case: 'both',
    hd: Math.max(dPT[nP - 1]!, dTP[nT - 1]!),
    hd95: Math.max(quantile(dPT, percentile), quantile(dTP, percentile)),
    assd: (sumP + sumT) / (nP + nT),
    masd: (sumP / nP + sumT / nT) / 2,
    asd: sumP / nP,
    nsd: (countAtMost(dPT, tolerance) + countAtMost(dTP, tolerance)) / (nP + nT),
    boundaryPixels,
  }
}

/**
 * Boundary distances per class between a predicted label map and the truth, in the truth's spacing unless
 * `options.spacing` says otherwise.
 *
 * @returns `{ [className]: BoundaryDistances }` for every class in `classes` (id 0 only with `includeBackground`).
 * @throws SegsenseError `E_SIZE_MISMATCH` when the maps differ in size.
 * @example
 * surfaceDistances(pred, truth, { 1: 'RV', 2: 'MYO', 3: 'LV' }, { tolerance: 2 }).LV.hd95
 */
export function surfaceDistances(prediction: LabelMap, truth: LabelMap, classes: Classes, options: SurfaceDistanceOptions = {}): Record<string, BoundaryDistances> {
  checkKnownKeys(options, optionKeys<SurfaceDistanceOptions>({ spacing: true, tolerance: true, percentile: true, emptyPolicy: true, includeBackground: true }), 'surfaceDistances options')
  assertSameSize(prediction, truth, 'surfaceDistances: prediction and truth')
  const { width, height } = truth
  const resolved = { ...options, spacing: options.spacing ?? truth.spacing ?? [1, 1] }
  const p = new Uint8Array(width * height)
  const t = new Uint8Array(width * height)
  const out: Record<string, BoundaryDistances> = {}
  for (const id of classIds(classes, options.includeBackground ?? false)) {
    for (let i = 0; i < p.length; i++) {
      p[i] = prediction.data[i] === id ? 1 : 0
      t[i] = truth.data[i] === id ? 1 : 0
    }
    out[classes[id] as string] = boundaryDistances(p, t, width, height, resolved)
  }
  return out
}

function resolveOptions(options: BoundaryDistanceOptions) {
  const spacing = checkSpacing(options.spacing, 'distance option spacing') ?? [1, 1]
  const tolerance = options.tolerance ?? 1
  checkTolerance(tolerance, 'distance option tolerance')
  const percentile = options.percentile ?? 95
  if (!Number.isFinite(percentile) || percentile < 0 || percentile > 100) throw badOption('percentile', percentile, 'a number in [0, 100]')
  const policy = options.emptyPolicy ?? DEFAULT_DISTANCE_EMPTY_POLICY
  if (!['nan', 'best'].includes(policy.bothEmpty) || !['worst', 'nan'].includes(policy.oneEmpty)) {
    throw badOption('emptyPolicy', policy, "{ bothEmpty: 'nan' | 'best', oneEmpty: 'worst' | 'nan' }")
  }
  return { spacing, tolerance, percentile, policy }
}

function checkSize(width: number, height: number): void {
  assertInteger(width, 'mask width', 1)
  assertInteger(height, 'mask height', 1)
}

/** Throws `E_BAD_PARAMETER` unless `tolerance` (NSD) is a finite number >= 0; `what` names it in the message. */
export function checkTolerance(tolerance: unknown, what: string): asserts tolerance is number {
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new SegsenseError('E_BAD_PARAMETER', `${what} must be a finite number >= 0 (in the truth's spacing units), got ${describeValue(tolerance)}`)
  }
}

function badOption(name: string, value: unknown, expected: string): SegsenseError {
  return new SegsenseError('E_BAD_PARAMETER', `distance option ${name} is ${describeValue(value)}; expected ${expected}`, { details: { option: name } })
}

// [x0, y0, w, h] of the pixels set in either mask, grown by 1 and clamped to the image; null when both are empty.
function unionBox(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number): [number, number, number, number] | null {
  const bounds = emptyBounds(width, height)
  extendBounds(bounds, a, width, height)
  extendBounds(bounds, b, width, height)
  const [minX, minY, maxX, maxY] = bounds as unknown as [number, number, number, number]
  if (maxX < 0) return null
  const x0 = Math.max(0, minX - 1)
  const y0 = Math.max(0, minY - 1)
  return [x0, y0, Math.min(width - 1, maxX + 1) - x0 + 1, Math.min(height - 1, maxY + 1) - y0 + 1]
}

// Inner boundary within the box (w x h at x0, y0 of an image `width` wide): foreground pixels with a 4-neighbour
// in the background or outside the image. The box's edges are image edges or background, so testing them as
// the box's own edges is exact.
function boundary(mask: ArrayLike<number>, width: number, x0: number, y0: number, w: number, h: number): Uint8Array {
  const b = new Uint8Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + y0) * width + x + x0
      if (!mask[i]) continue
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width]) b[y * w + x] = 1
    }
  }
  return b
}

function count(b: Uint8Array): number {
  let n = 0
  for (let i = 0; i < b.length; i++) n += b[i]!
  return n
}

function distancesAt(b: Uint8Array, squared: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n)
  let k = 0
  for (let i = 0; i < b.length; i++) if (b[i]) d[k++] = Math.sqrt(squared[i]!)
  return d
}

function sum(a: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

// Linear-interpolation quantile of sorted values (np.percentile's default).
function quantile(sorted: Float64Array, p: number): number {
  const h = ((sorted.length - 1) * p) / 100
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

function countAtMost(sorted: Float64Array, t: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

function emptyCase(nP: number, nT: number, boundaryPixels: BoundaryDistances['boundaryPixels'], policy: DistanceEmptyPolicy, diagonal: number): BoundaryDistances {
  const both = nP === 0 && nT === 0
  const kase = both ? 'bothEmpty' : nP === 0 ? 'predictionEmpty' : 'truthEmpty'
  const [distance, nsd] = both
    ? policy.bothEmpty === 'best' ? [0, 1] : [Number.NaN, Number.NaN]
    : policy.oneEmpty === 'worst' ? [diagonal, 0] : [Number.NaN, Number.NaN]
  return { case: kase, hd: distance, hd95: distance, assd: distance, masd: distance, asd: distance, nsd, boundaryPixels }
}
