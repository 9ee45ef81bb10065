/** The window step: modality values -> the raster's intensities (rescale, VOI window, min-max, MONOCHROME1). */
import { SegsenseError } from '../../core/errors.js'
import type { Parsed } from './parse.js'
import type { DicomWindow } from './types.js'

/** Applies rescale, the window and MONOCHROME1 inversion: modality values -> the raster's intensities. */
export function toIntensities(
  values: Float64Array,
  p: Parsed,
  window: DicomWindow | undefined,
  windowIndex: number,
  range?: readonly [number, number],
): { data: Float32Array; applied: readonly [number, number] | null } {
  const { meta } = p
  const slope = meta.rescaleSlope
  const inter = meta.rescaleIntercept
  const out = new Float32Array(values.length)
  const colour = p.samplesPerPixel === 3
  if (colour) {
    const ybr = meta.photometricInterpretation === 'YBR_FULL'
    const scale = window === 'none' ? 1 : 2 ** meta.bitsStored - 1
    const half = 2 ** (meta.bitsStored - 1)
    for (let i = 0; i < values.length; i += 3) {
      let r = values[i] as number
      let g = values[i + 1] as number
      let b = values[i + 2] as number
      if (ybr) {
        // YBR_FULL -> RGB, PS3.3 C.7.6.3.1.2 (full-range BT.601).
        const y = r
        const cb = g - half
        const cr = b - half
        r = y + 1.402 * cr
        g = y - 0.344136 * cb - 0.714136 * cr
        b = y + 1.772 * cb
      }
      out[i] = r / scale
      out[i + 1] = g / scale
      out[i + 2] = b / scale
    }
    if (ybr && window !== 'none')
      for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i] as number))
    return { data: out, applied: null }
  }
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * slope + inter
  if (window === 'none') return { data: out, applied: null }
  let win: readonly [number, number] | null = null
  if (Array.isArray(window)) win = window as readonly [number, number]
  else if (window === undefined && p.windows.length > 0) {
    if (windowIndex >= p.windows.length) {
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `windowIndex ${windowIndex} is out of range: DICOM ${p.name} has ${p.windows.length} VOI ` +
          `window${p.windows.length === 1 ? '' : 's'}`,
        { details: { file: p.name, windowIndex } },
      )
    }
    win = p.windows[windowIndex] as readonly [number, number]
  }
  const invert = meta.photometricInterpretation === 'MONOCHROME1'
  if (win !== null && win[1] >= 1) {
    // DICOM's linear VOI function (PS3.3 C.11.2.1.2.1), output range [0, 1].
    const [c, w] = win
    const lo = c - 0.5 - (w - 1) / 2
    const hi = c - 0.5 + (w - 1) / 2
    for (let i = 0; i < out.length; i++) {
      const x = out[i] as number
      const y = x <= lo ? 0 : x > hi ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5
      out[i] = invert ? 1 - y : y
    }
    return { data: out, applied: win }
  }
  let [min, max] = range ?? [Infinity, -Infinity]
  if (range === undefined)
    for (let i = 0; i < out.length; i++) {
      const x = out[i] as number
      if (x < min) min = x
      if (x > max) max = x
    }
  const span = max - min
  for (let i = 0; i < out.length; i++) {
    const y = span > 0 ? ((out[i] as number) - min) / span : 0
    out[i] = invert ? 1 - y : y
  }
  return { data: out, applied: null }
}
