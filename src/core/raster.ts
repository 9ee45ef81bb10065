import { SegsenseError, describeValue } from './errors.js'
import type { Classes, LabelMap, Raster, Sample } from './types.js'

function checkDimension(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SegsenseError(
      typeof value !== 'number' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `${what} must be a positive integer, got ${describeValue(value)}`,
      {
        details: { value },
      },
    )
  }
  return value
}

/**
 * Validates an optional pixel spacing: undefined, or two positive finite numbers [x, y] in mm.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` naming `what` and the value.
 */
export function checkSpacing(spacing: unknown, what = 'spacing'): readonly [number, number] | undefined {
  if (spacing === undefined) return undefined
  if (
    !Array.isArray(spacing) ||
    spacing.length !== 2 ||
    !spacing.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)
  ) {
    throw new SegsenseError(
      !Array.isArray(spacing) ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `${what} must be two positive finite numbers [x, y] in mm, got ${describeValue(spacing)}`,
      { details: { spacing } },
    )
  }
  return [spacing[0], spacing[1]] as const
}

/**
 * Creates a {@link Raster}, validating that `data` holds exactly `width * height * channels` values.
 * Without `data`, an all-zero image is allocated.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for a non-positive size, `E_SIZE_MISMATCH` for a wrong data length.
 */
export function raster(
  width: number,
  height: number,
  channels = 1,
  data?: Float32Array | ArrayLike<number>,
  spacing?: readonly [number, number],
): Raster {
  checkDimension(width, 'raster width')
  checkDimension(height, 'raster height')
  checkDimension(channels, 'raster channels')
  const n = width * height * channels
  let values: Float32Array
  if (data === undefined) values = new Float32Array(n)
  else if (data instanceof Float32Array) values = data
  else values = Float32Array.from(data)
  if (values.length !== n) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `raster data has ${values.length} values, expected ${width}x${height}x${channels} = ${n}`,
      {
        details: { width, height, channels, length: values.length },
      },
    )
  }
  const s = checkSpacing(spacing)
  return s ? { width, height, channels, data: values, spacing: s } : { width, height, channels, data: values }
}

/**
 * Creates a {@link LabelMap}, validating that `data` holds exactly `width * height` ids.
 * Without `data`, an all-background mask is allocated. Plain arrays become a Uint8Array when every id
 * fits in 8 bits, else a Uint16Array.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for a bad size or id, `E_SIZE_MISMATCH` for a wrong data length.
 */
export function labelMap(
  width: number,
  height: number,
  data?: Uint8Array | Uint16Array | ArrayLike<number>,
  spacing?: readonly [number, number],
): LabelMap {
  checkDimension(width, 'mask width')
  checkDimension(height, 'mask height')
  const n = width * height
  let ids: Uint8Array | Uint16Array
  if (data === undefined) ids = new Uint8Array(n)
  else if (data instanceof Uint8Array || data instanceof Uint16Array) ids = data
  else {
    let max = 0
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number
      if (!Number.isInteger(v) || v < 0 || v > 65535) {
        throw new SegsenseError(
          'E_OUT_OF_RANGE',
          `mask value at index ${i} must be an integer class id in 0..65535, got ${describeValue(v)}`,
          { details: { index: i, value: v } },
        )
      }
      if (v > max) max = v
    }
    ids = max > 255 ? Uint16Array.from(data) : Uint8Array.from(data)
  }
  if (ids.length !== n) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `mask data has ${ids.length} values, expected ${width}x${height} = ${n}`,
      { details: { width, height, length: ids.length } },
    )
  }
  const s = checkSpacing(spacing)
  return s ? { width, height, data: ids, spacing: s } : { width, height, data: ids }
}

/**
 * Creates a {@link Sample}, checking that image and truth have the same size.
 * @throws SegsenseError `E_SIZE_MISMATCH` naming the sample id and both sizes.
 */
export function sample(id: string, image: Raster, truth?: LabelMap): Sample {
  if (truth) assertSameSize(image, truth, `sample ${JSON.stringify(id)}: image and truth`)
  return truth ? { id, image, truth } : { id, image }
}

/** Throws `E_SIZE_MISMATCH` unless `a` and `b` have the same width and height. `what` names the pair. */
export function assertSameSize(
  a: { width: number; height: number },
  b: { width: number; height: number },
  what: string,
): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `${what} differ in size: ${a.width}x${a.height} vs ${b.width}x${b.height}`,
      {
        details: { a: [a.width, a.height], b: [b.width, b.height] },
      },
    )
  }
}

/**
 * Returns the class ids of `classes` that are scored: every named id, including 0 only when it is named
 * and `includeBackground` is set. Sorted ascending.
 */
export function classIds(classes: Classes, includeBackground = false): number[] {
  return Object.keys(classes)
    .map(Number)
    .filter((id) => Number.isInteger(id) && id >= 0 && (includeBackground || id !== 0))
    .sort((a, b) => a - b)
}

/** Copies a raster's metadata with new data (same size unless given). */
export function withData(img: Raster, data: Float32Array, width = img.width, height = img.height): Raster {
  return img.spacing
    ? { width, height, channels: img.channels, data, spacing: img.spacing }
    : { width, height, channels: img.channels, data }
}

/** Copies a mask's metadata with new ids (same size unless given). */
export function withLabels(
  mask: LabelMap,
  data: Uint8Array | Uint16Array,
  width = mask.width,
  height = mask.height,
): LabelMap {
  return mask.spacing ? { width, height, data, spacing: mask.spacing } : { width, height, data }
}
