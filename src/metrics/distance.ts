import { nameRecord } from '../core/records.js'
import { SegsenseError, type SegsenseErrorCode, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { assertSameSize, checkSpacing, classIds } from '../core/raster.js'
import type { Classes, LabelMap, LabelVolume } from '../core/types.js'
import { ANY, boundary, count, countAtMost, distancesAt, quantile, sum, unionBox } from './boundary.js'
import { edt } from './edt.js'
import { checkDims, checkSize, checkSpacing3, checkTolerance } from './grid-checks.js'

export { checkDims, checkSpacing3, checkTolerance } from './grid-checks.js'

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
      `volumeSurfaceDistances: prediction ${prediction.dims.join('x')} (${prediction.data.length} ids) and ` +
        `truth ${dims.join('x')} (${truth.data.length} ids) must have the same dims and dims[0]·dims[1]·dims[2] ids`,
    )
  }
  const spacing = checkSpacing3(options.spacing ?? truth.spacing, 'volumeSurfaceDistances spacing')
  const { tolerance, percentile, policy } = resolveOptions({ ...options, spacing: undefined })
  const diagonal = Math.hypot(dims[0] * spacing[0], dims[1] * spacing[1], dims[2] * spacing[2])
  const out: Record<string, BoundaryDistances> = nameRecord()
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
  const out: Record<string, BoundaryDistances> = nameRecord()
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
  if (typeof percentile !== 'number') throw badOption('E_WRONG_TYPE', 'percentile', percentile, 'a number in [0, 100]')
  if (!Number.isFinite(percentile) || percentile < 0 || percentile > 100)
    throw badOption('E_OUT_OF_RANGE', 'percentile', percentile, 'a number in [0, 100]')
  const policy = options.emptyPolicy ?? DEFAULT_DISTANCE_EMPTY_POLICY
  if (!['nan', 'best'].includes(policy.bothEmpty) || !['worst', 'nan'].includes(policy.oneEmpty)) {
    throw badOption('E_OUT_OF_RANGE', 'emptyPolicy', policy, "{ bothEmpty: 'nan' | 'best', oneEmpty: 'worst' | 'nan' }")
  }
  return { spacing, tolerance, percentile, policy }
}

function badOption(code: SegsenseErrorCode, name: string, value: unknown, expected: string): SegsenseError {
  return new SegsenseError(code, `distance option ${name} is ${describeValue(value)}; expected ${expected}`, {
    details: { option: name },
  })
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
