import { SegsenseError, assertInteger, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { assertSameSize, checkSpacing, classIds } from '../core/raster.js'
import type { Classes, LabelMap, LabelVolume } from '../core/types.js'
import { atSortedPosition } from './quantile.js'

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
export function squaredDistanceTransform(
  feature: ArrayLike<number>,
  width: number,
  height: number,
  spacing: readonly [number, number] = [1, 1],
): Float64Array {
  checkSize(width, height)
  if (feature.length !== width * height)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `squaredDistanceTransform: feature has ${feature.length} values, expected width * height = ${width * height}`,
    )
  const [sx, sy] = checkSpacing(spacing, 'squaredDistanceTransform spacing') ?? [1, 1]
  return edt(feature, [width, height, 1], [sx, sy, 1])
}

/**
 * The 3D twin of {@link squaredDistanceTransform} for a volume (i fastest, then j, then k, as `Volume` stores it):
 * the squared distance of every voxel to the nearest non-zero voxel of `feature`, with voxel spacing [i, j, k] (mm);
 * Infinity when there is none. The same exact algorithm run separably along each axis in turn, O(voxels).
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` when `feature` does not hold `dims[0]·dims[1]·dims[2]` values,
 *   `E_BAD_PARAMETER` for bad dims or spacing.
 * @example
 * Math.sqrt(squaredDistanceTransform3d(feature, [64, 64, 20], [1, 1, 2.5])[0]) // mm from voxel (0, 0, 0)
 */
export function squaredDistanceTransform3d(
  feature: ArrayLike<number>,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number] = [1, 1, 1],
): Float64Array {
  checkDims(dims, 'squaredDistanceTransform3d dims')
  const n = dims[0] * dims[1] * dims[2]
  if (feature.length !== n)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `squaredDistanceTransform3d: feature has ${feature.length} values, expected dims[0] * dims[1] * dims[2] = ${n}`,
    )
  return edt(feature, dims, checkSpacing3(spacing, 'squaredDistanceTransform3d spacing'))
}

// Separable EDT over a [nx, ny, nz] grid (x fastest): the 1D envelope along each axis of length > 1 in turn.
function edt(
  feature: ArrayLike<number>,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): Float64Array {
  const [nx, ny, nz] = dims
  const g = new Float64Array(nx * ny * nz)
  for (let i = 0; i < g.length; i++) g[i] = feature[i] ? 0 : Number.POSITIVE_INFINITY
  const n = Math.max(nx, ny, nz)
  const line = new Float64Array(n)
  const out = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  const strides = [1, nx, nx * ny] as const
  for (let axis = 0; axis < 3; axis++) {
    const len = dims[axis] as number
    if (len === 1) continue
    const stride = strides[axis] as number
    const s = spacing[axis] as number
    // Every line along `axis` starts at a voxel whose coordinate on that axis is 0.
    for (let k = 0; k < nz; k++) {
      if (axis === 2 && k > 0) break
      for (let j = 0; j < ny; j++) {
        if (axis === 1 && j > 0) break
        for (let i = 0; i < nx; i++) {
          if (axis === 0 && i > 0) break
          const start = (k * ny + j) * nx + i
          for (let q = 0, at = start; q < len; q++, at += stride) line[q] = g[at]!
          envelope(line, len, s, out, v, z)
          for (let q = 0, at = start; q < len; q++, at += stride) g[at] = out[q]!
        }
      }
    }
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
export function boundaryDistances(
  prediction: ArrayLike<number>,
  truth: ArrayLike<number>,
  width: number,
  height: number,
  options: BoundaryDistanceOptions = {},
): BoundaryDistances {
  checkSize(width, height)
  for (const [name, m] of [
    ['prediction', prediction],
    ['truth', truth],
  ] as const) {
    if (m.length !== width * height)
      throw new SegsenseError(
        'E_SIZE_MISMATCH',
        `boundaryDistances: ${name} has ${m.length} values, expected width * height = ${width * height}`,
      )
  }
  const { spacing, tolerance, percentile, policy } = resolveOptions(options)
  const diagonal = Math.hypot(width * spacing[0], height * spacing[1])
  return classDistances(prediction, truth, ANY, [width, height, 1], [spacing[0], spacing[1], 1], {
    tolerance,
    percentile,
    policy,
    diagonal,
  })
}

/** Options of {@link volumeSurfaceDistances}: {@link SurfaceDistanceOptions} with a 3D spacing. */
export interface VolumeDistanceOptions extends Omit<SurfaceDistanceOptions, 'spacing'> {
  /** Millimetres per voxel along [i, j, k]; default the truth volume's `spacing`. */
  readonly spacing?: readonly [number, number, number]
}

/**
 * Boundary distances per class between a predicted label volume and the truth, in 3D with the voxel spacing
 * (mm): the boundary of a class is its voxels with a face neighbour (6-connectivity) of another class or outside the
 * volume, along the axes longer than one voxel (a one-slice volume scores as its image does in
 * {@link surfaceDistances}). Exact 3D EDT ({@link squaredDistanceTransform3d}) on the bounding box of both masks.
 * One side empty: the image diagonal becomes the volume diagonal under `oneEmpty: 'worst'`.
 *
 * @returns `{ [className]: BoundaryDistances }` for every class in `classes` (id 0 only with `includeBackground`).
 * @throws SegsenseError `E_SIZE_MISMATCH` when the volumes differ in dims or data length.
 * @example
 * volumeSurfaceDistances(pred, truth, { 1: 'LV' }).LV.hd95 // mm
 */
export function volumeSurfaceDistances(
  prediction: LabelVolume,
  truth: LabelVolume,
  classes: Classes,
  options: VolumeDistanceOptions = {},
): Record<string, BoundaryDistances> {
  checkKnownKeys(
    options,
    optionKeys<VolumeDistanceOptions>({
      spacing: true,
      tolerance: true,
      percentile: true,
      emptyPolicy: true,
      includeBackground: true,
    }),
    'volumeSurfaceDistances options',
  )
  const dims = truth.dims
  checkDims(dims, 'truth volume dims')
  const n = dims[0] * dims[1] * dims[2]
  if (
    prediction.dims[0] !== dims[0] ||
    prediction.dims[1] !== dims[1] ||
    prediction.dims[2] !== dims[2] ||
    prediction.data.length !== n ||
    truth.data.length !== n
  ) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `volumeSurfaceDistances: prediction ${prediction.dims.join('x')} (${prediction.data.length} ids) and truth ${dims.join('x')} (${truth.data.length} ids) must have the same dims and dims[0]·dims[1]·dims[2] ids`,
    )
  }
  const spacing = checkSpacing3(options.spacing ?? truth.spacing, 'volumeSurfaceDistances spacing')
  const { tolerance, percentile, policy } = resolveOptions({ ...options, spacing: undefined })
  const diagonal = Math.hypot(dims[0] * spacing[0], dims[1] * spacing[1], dims[2] * spacing[2])
  const out: Record<string, BoundaryDistances> = {}
  for (const id of classIds(classes, options.includeBackground ?? false)) {
    out[classes[id] as string] = classDistances(prediction.data, truth.data, id, dims, spacing, {
      tolerance,
      percentile,
      policy,
      diagonal,
    })
  }
  return out
}

/** `id` of {@link classDistances} meaning "any non-zero value" (binary masks). */
const ANY = -1

interface ResolvedDistanceOptions {
  readonly tolerance: number
  readonly percentile: number
  readonly policy: DistanceEmptyPolicy
  /** What a distance is under `oneEmpty: 'worst'`: the image (volume) diagonal in spacing units. */
  readonly diagonal: number
}

/**
 * Boundary distances of one class (`id`, or any non-zero value for {@link ANY}) between two label grids of
 * `dims` [x, y, z] (x fastest): the 2D metrics are this with z = 1. Works on the bounding box of both masks grown by
 * one voxel (clamped to the grid): every boundary voxel lies in it and its inner faces are background, so
 * boundaries and distances are those of the whole grid at the cost of the box.
 * @internal
 */
export function classDistances(
  prediction: ArrayLike<number>,
  truth: ArrayLike<number>,
  id: number,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  o: ResolvedDistanceOptions,
): BoundaryDistances {
  const box = unionBox(prediction, truth, id, dims)
  if (box === null) return emptyCase(0, 0, { prediction: 0, truth: 0 }, o.policy, o.diagonal)
  const bp = boundary(prediction, id, dims, box)
  const bt = boundary(truth, id, dims, box)
  const nP = count(bp)
  const nT = count(bt)
  const boundaryPixels = { prediction: nP, truth: nT }
  if (nP === 0 || nT === 0) return emptyCase(nP, nT, boundaryPixels, o.policy, o.diagonal)
  const boxDims = [box[3], box[4], box[5]] as const
  const dPT = distancesAt(bp, edt(bt, boxDims, spacing), nP)
  const dTP = distancesAt(bt, edt(bp, boxDims, spacing), nT)
  dPT.sort()
  dTP.sort()
  const sumP = sum(dPT)
  const sumT = sum(dTP)
  return {
    case: 'both',
    hd: Math.max(dPT[nP - 1]!, dTP[nT - 1]!),
    hd95: Math.max(quantile(dPT, o.percentile), quantile(dTP, o.percentile)),
    assd: (sumP + sumT) / (nP + nT),
    masd: (sumP / nP + sumT / nT) / 2,
    asd: sumP / nP,
    nsd: (countAtMost(dPT, o.tolerance) + countAtMost(dTP, o.tolerance)) / (nP + nT),
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
export function surfaceDistances(
  prediction: LabelMap,
  truth: LabelMap,
  classes: Classes,
  options: SurfaceDistanceOptions = {},
): Record<string, BoundaryDistances> {
  checkKnownKeys(
    options,
    optionKeys<SurfaceDistanceOptions>({
      spacing: true,
      tolerance: true,
      percentile: true,
      emptyPolicy: true,
      includeBackground: true,
    }),
    'surfaceDistances options',
  )
  assertSameSize(prediction, truth, 'surfaceDistances: prediction and truth')
  const { width, height } = truth
  const { spacing, tolerance, percentile, policy } = resolveOptions({
    ...options,
    spacing: options.spacing ?? truth.spacing ?? [1, 1],
  })
  const resolved = { tolerance, percentile, policy, diagonal: Math.hypot(width * spacing[0], height * spacing[1]) }
  const out: Record<string, BoundaryDistances> = {}
  for (const id of classIds(classes, options.includeBackground ?? false)) {
    out[classes[id] as string] = classDistances(
      prediction.data,
      truth.data,
      id,
      [width, height, 1],
      [spacing[0], spacing[1], 1],
      resolved,
    )
  }
  return out
}

function resolveOptions(options: BoundaryDistanceOptions) {
  const spacing = checkSpacing(options.spacing, 'distance option spacing') ?? [1, 1]
  const tolerance = options.tolerance ?? 1
  checkTolerance(tolerance, 'distance option tolerance')
  const percentile = options.percentile ?? 95
  if (!Number.isFinite(percentile) || percentile < 0 || percentile > 100)
    throw badOption('percentile', percentile, 'a number in [0, 100]')
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

/** Throws `E_BAD_PARAMETER` unless `dims` is three integers >= 1. */
export function checkDims(dims: unknown, what: string): asserts dims is readonly [number, number, number] {
  if (!Array.isArray(dims) || dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${what} must be three integers >= 1 ([i, j, k]), got ${describeValue(dims)}`,
    )
  }
}

/** A checked 3D spacing: three finite numbers > 0 (mm along i, j, k). */
export function checkSpacing3(spacing: unknown, what: string): readonly [number, number, number] {
  if (
    !Array.isArray(spacing) ||
    spacing.length !== 3 ||
    !spacing.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)
  ) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${what} must be three finite numbers > 0 (mm along i, j, k), got ${describeValue(spacing)}`,
    )
  }
  return spacing as unknown as readonly [number, number, number]
}

/** Throws `E_BAD_PARAMETER` unless `tolerance` (NSD) is a finite number >= 0; `what` names it in the message. */
export function checkTolerance(tolerance: unknown, what: string): asserts tolerance is number {
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${what} must be a finite number >= 0 (in the truth's spacing units), got ${describeValue(tolerance)}`,
    )
  }
}

function badOption(name: string, value: unknown, expected: string): SegsenseError {
  return new SegsenseError(
    'E_BAD_PARAMETER',
    `distance option ${name} is ${describeValue(value)}; expected ${expected}`,
    { details: { option: name } },
  )
}

/** [x0, y0, z0, w, h, d]: a box in a grid. */
type Box = readonly [number, number, number, number, number, number]

// The voxels of class `id` (ANY: non-zero) in either grid, their bounding box grown by 1 and clamped; null if none.
function unionBox(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  id: number,
  dims: readonly [number, number, number],
): Box | null {
  const [nx, ny, nz] = dims
  let minX = nx,
    minY = ny,
    minZ = nz,
    maxX = -1,
    maxY = -1,
    maxZ = -1
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const pa = a[i] as number
        const pb = b[i] as number
        if (id === ANY ? pa === 0 && pb === 0 : pa !== id && pb !== id) continue
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        if (y > maxY) maxY = y
        if (z < minZ) minZ = z
        if (z > maxZ) maxZ = z
      }
    }
  }
  if (maxX < 0) return null
  const x0 = Math.max(0, minX - 1)
  const y0 = Math.max(0, minY - 1)
  const z0 = Math.max(0, minZ - 1)
  return [
    x0,
    y0,
    z0,
    Math.min(nx - 1, maxX + 1) - x0 + 1,
    Math.min(ny - 1, maxY + 1) - y0 + 1,
    Math.min(nz - 1, maxZ + 1) - z0 + 1,
  ]
}

// Inner boundary within the box: voxels of the class with a face neighbour outside it or outside the grid, along
// the axes longer than one voxel. The box's faces are grid faces or background, so testing them as the box's own
// faces is exact (an axis of length 1 in the grid has length 1 in the box, and only those are skipped).
function boundary(mask: ArrayLike<number>, id: number, dims: readonly [number, number, number], box: Box): Uint8Array {
  const [nx, ny] = dims
  const [x0, y0, z0, w, h, d] = box
  const b = new Uint8Array(w * h * d)
  const inside = (i: number): boolean => (id === ANY ? mask[i] !== 0 : mask[i] === id)
  const sy = nx
  const sz = nx * ny
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = ((z + z0) * ny + y + y0) * nx + x + x0
        if (!inside(i)) continue
        const edgeX = w > 1 && (x === 0 || x === w - 1 || !inside(i - 1) || !inside(i + 1))
        const edgeY = h > 1 && (y === 0 || y === h - 1 || !inside(i - sy) || !inside(i + sy))
        const edgeZ = d > 1 && (z === 0 || z === d - 1 || !inside(i - sz) || !inside(i + sz))
        if (edgeX || edgeY || edgeZ) b[(z * h + y) * w + x] = 1
      }
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

// The p-th percentile (0..100) of sorted values, np.percentile's default.
function quantile(sorted: Float64Array, p: number): number {
  return atSortedPosition(sorted, ((sorted.length - 1) * p) / 100)
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

function emptyCase(
  nP: number,
  nT: number,
  boundaryPixels: BoundaryDistances['boundaryPixels'],
  policy: DistanceEmptyPolicy,
  diagonal: number,
): BoundaryDistances {
  const both = nP === 0 && nT === 0
  const kase = both ? 'bothEmpty' : nP === 0 ? 'predictionEmpty' : 'truthEmpty'
  const [distance, nsd] = both
    ? policy.bothEmpty === 'best'
      ? [0, 1]
      : [Number.NaN, Number.NaN]
    : policy.oneEmpty === 'worst'
      ? [diagonal, 0]
      : [Number.NaN, Number.NaN]
  return {
    case: kase,
    hd: distance,
    hd95: distance,
    assd: distance,
    masd: distance,
    asd: distance,
    nsd,
    boundaryPixels,
  }
}
