import type { Raster } from '../core/types.js'
import type { TransformParameter } from '../transforms/transform.js'

/**
 * Swept values a circular parameter repeats (rotate's -180 and 180): per value index, the index of the first earlier
 * value congruent to it modulo the period, or -1. The runner predicts such a pair once when the two transformed
 * images are bit-identical ({@link samePixels}); otherwise it predicts both, so results never depend on this.
 */
export function repeatedValues(
  values: readonly number[],
  parameter: Pick<TransformParameter, 'scale' | 'period'>,
): Int32Array {
  const first = new Int32Array(values.length).fill(-1)
  const period = parameter.period
  if (parameter.scale !== 'circular' || period === undefined || !(period > 0)) return first
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number
    for (let j = 0; j < k; j++) {
      if ((v - (values[j] as number)) % period === 0) {
        first[k] = j
        break
      }
    }
  }
  return first
}

/** Whether two rasters hold the same size and the same bits in every sample (so a model sees the same input). */
export function samePixels(a: Raster, b: Raster): boolean {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels || a.data.length !== b.data.length)
    return false
  const x = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)
  const y = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength)
  return x.equals(y)
}
