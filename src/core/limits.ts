/**
 * The pixel budget: the largest image segsense allocates (width x height). Checked before an allocation whose
 * size comes from an option or a swept value (`input.size`, `multipleOf`, `resize`, `cropPad`), so that a typo
 * such as `1e6` fails with an error naming the option instead of a raw `RangeError` or an exhausted heap.
 */
import { SegsenseError, describeValue } from './errors.js'

/** Largest width x height segsense decodes or allocates by default: 100 megapixels. */
export const MAX_PIXELS = 100_000_000

/**
 * Throws `E_IMAGE_TOO_LARGE` when a `width x height` image exceeds `maxPixels` (default {@link MAX_PIXELS}).
 * @param what names the option or value that asked for the size, e.g. `resize: size`.
 * @param value the option's value as the caller gave it (shown in the message).
 */
export function checkPixelBudget(
  width: number,
  height: number,
  what: string,
  value: unknown,
  maxPixels: number = MAX_PIXELS,
): void {
  if (width * height <= maxPixels) return
  throw new SegsenseError(
    'E_IMAGE_TOO_LARGE',
    `${what} ${describeValue(value)} asks for a ${width}x${height} image (${width * height} pixels), more than ` +
      `the budget of ${maxPixels} pixels`,
    {
      details: { option: what, value, width, height, maxPixels },
    },
  )
}
