/**
 * The machinery shared by the imagecorruptions set: the severity parameter, its options and the factory
 * that turns a per-severity table and a kernel into a transform (severity 0 copies, output clipped).
 */
import type { LabelMap, Raster } from '../../core/types.js'
import { defineTransform, type Transform, type TransformParameter } from '../transform.js'
import { checkSeed } from '../random.js'
import { checkBoolean, reject } from '../validate.js'

/** Options shared by every corruption. */
export interface CorruptionOptions {
  /** Seed of the random corruptions (ignored by deterministic ones). Default 0. */
  readonly seed: number
  /** Truncate the output to uint8 levels (`floor(255·x)/255`, the package's `np.uint8`). Default false. */
  readonly quantize: boolean
}

/** The severity parameter shared by every corruption: 0 = clean, 1..5 = the package's tables. */
export const SEVERITY: TransformParameter = {
  name: 'severity',
  unit: '',
  neutral: 0,
  scale: 'categorical',
  defaultRange: [0, 5],
  defaultStep: 1,
  categories: { 0: 'clean', 1: 'severity 1', 2: 'severity 2', 3: 'severity 3', 4: 'severity 4', 5: 'severity 5' },
}

// The corruptions that draw from their seed (the others ignore it): sweeps with `repeats` need one of these.
const RANDOM_CORRUPTIONS: ReadonlySet<string> = new Set([
  'gaussianNoise',
  'shotNoise',
  'impulseNoise',
  'speckleNoise',
  'motionBlur',
  'elastic',
  'glassBlur',
  'snow',
  'frost',
  'fog',
  'spatter',
])

/** Returns the severity, an integer in 0..5, or rejects it. */
function checkSeverity(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 5)
    reject(`corruptions.${name}`, 'severity', v, 'an integer in 0..5 (0 = clean)', { transform: name, value: v })
  return v
}

/** Clips to [0, 1] (and truncates to uint8 levels with `quantize`) into a new Float32 raster. */
function finish(img: Raster, data: Float32Array | Float64Array, quantize: boolean): Raster {
  const out = new Float32Array(data.length)
  for (let i = 0; i < data.length; i++) {
    let v = data[i] as number
    v = v < 0 ? 0 : v > 1 ? 1 : v
    // The epsilon keeps exact uint8 levels k/255 on level k despite float rounding.
    if (quantize) v = Math.floor(v * 255 + 1e-6) / 255
    out[i] = v
  }
  return { ...img, data: out }
}

/** A corruption at one severity's parameter `P`: the unclipped output samples. */
export type CorruptionKernel<P> = (img: Raster, param: P, o: CorruptionOptions) => Float32Array | Float64Array

/**
 * Builds a severity transform from its table (severity s uses `table[s − 1]`) and kernel; `spatial`
 * gives the mask path of a corruption that moves pixels.
 */
export function corruption<P>(
  name: string,
  table: readonly P[],
  kernel: CorruptionKernel<P>,
  spatial?: (mask: LabelMap, param: P, o: CorruptionOptions) => LabelMap,
): Transform<CorruptionOptions> {
  const base = {
    name,
    parameter: SEVERITY,
    spatial: spatial !== undefined,
    random: RANDOM_CORRUPTIONS.has(name),
    options: { seed: 0, quantize: false },
    validate: (o: CorruptionOptions) => {
      checkSeed(o.seed, `corruptions.${name}: option seed`)
      checkBoolean(`corruptions.${name}`, 'option quantize', o.quantize)
    },
    image: (img: Raster, value: number, o: CorruptionOptions): Raster => {
      const s = checkSeverity(name, value)
      if (s === 0) return { ...img, data: Float32Array.from(img.data) }
      return finish(img, kernel(img, table[s - 1] as P, o), o.quantize)
    },
  }
  if (!spatial) return defineTransform<CorruptionOptions>(base)
  return defineTransform<CorruptionOptions>({
    ...base,
    labels: (mask, value, o) => {
      const s = checkSeverity(name, value)
      if (s === 0) return { ...mask, data: mask.data.slice() }
      return spatial(mask, table[s - 1] as P, o)
    },
  })
}
