/**
 * The vocabulary of resampling shared by the kernels: interpolation, padding and the coordinate maps from output
 * pixel to input coordinate (types only, so that every kernel imports it and none imports another for a type).
 */
/** Image interpolation of `gridSample`. */
export type Interpolation = 'bilinear' | 'nearest'
/** What a sample outside the image reads (torch `padding_mode`). */
export type Padding = 'zeros' | 'border' | 'reflection'
/** Mask interpolation of `gridSampleLabels`. */
export type MaskInterpolation = 'nearest' | 'onehot-bilinear'

/**
 * A pixel-space affine map from output pixel centre (x, y) to input coordinate (u, v):
 * `u = a*x + b*y + c`, `v = d*x + e*y + f`. Pixel j has its centre at j (align_corners=true).
 */
export interface AffineMap {
  readonly a: number
  readonly b: number
  readonly c: number
  readonly d: number
  readonly e: number
  readonly f: number
}

/**
 * Output pixel (x, y) -> input coordinate, written to `out[0]` (u, column) and `out[1]` (v, row).
 * Used for non-affine warps; called once per output pixel, so it must not allocate.
 */
export type CoordinateFunction = (x: number, y: number, out: Float64Array) => void

/** An affine map (fast path) or a per-pixel coordinate function. */
export type CoordinateMap = AffineMap | CoordinateFunction
