import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys } from '../core/options.js'
import type { LabelMap, Raster } from '../core/types.js'

/** How a parameter's axis is read: summaries interpolate and integrate in this working axis. */
export type ParameterScale = 'linear' | 'log' | 'circular' | 'categorical'

/** Metadata of a transform's swept parameter. */
export interface TransformParameter {
  /** Parameter name, e.g. `angle`. */
  readonly name: string
  /** Unit shown in messages, e.g. `deg`, `px`, `x` (factor), `` (none). */
  readonly unit: string
  /** The value at which the transform is the identity (always included in sweeps). */
  readonly neutral: number
  /** `log`: multiplicative factor (working axis log θ); `circular`: wraps with `period`; `categorical`: unordered codes. */
  readonly scale: ParameterScale
  /** Period of a circular parameter (360 for degrees). */
  readonly period?: number
  /** Range swept when the user gives none. */
  readonly defaultRange: readonly [number, number]
  /** Additive step (in the parameter's own unit) used with `defaultRange`; for log parameters too. */
  readonly defaultStep: number
  /** For categorical parameters: the valid codes and their names. */
  readonly categories?: Readonly<Record<number, string>>
}

/**
 * A parametrised image transformation. `image` transforms the input; when `spatial` is true, `labels`
 * transforms the ground truth with the same parameter so that prediction and truth stay aligned.
 * Transforms are pure: they never modify their input and return new data.
 */
export interface Transform<Options extends object = object> {
  /** Short name used in results and messages, e.g. `rotate`. */
  readonly name: string
  readonly parameter: TransformParameter
  /** True when the transform moves pixels (the truth must be transformed too). */
  readonly spatial: boolean
  /**
   * True when the transform draws from a seeded generator (its `seed` option): one seed is one draw, and a sweep
   * with `repeats: n` runs n seeds. Absent (false) for deterministic transforms.
   */
  readonly random?: boolean
  /** The options this instance was made with (after defaults). Plain JSON. */
  readonly options: Readonly<Options>
  /** Transforms an image. */
  image(img: Raster, value: number): Raster
  /** Transforms a mask; present (and required) when `spatial`. */
  labels?(mask: LabelMap, value: number): LabelMap
  /**
   * Returns a copy with some options changed, e.g. `rotate.with({ padding: 'reflection' })`.
   * @throws SegsenseError `E_BAD_PARAMETER` for a key the transform does not have (naming the nearest one).
   */
  with(options: Partial<Options>): Transform<Options>
}

/** What {@link defineTransform} takes: a transform without `with`, plus an optional option factory. */
export interface TransformDefinition<Options extends object = object> {
  readonly name: string
  readonly parameter: TransformParameter
  readonly spatial: boolean
  /**
   * The transform draws from a seeded generator; it must then have a `seed` option (see {@link Transform.random}).
   * A function decides per instance, from its options (motion is random only with `times: 'random'`).
   */
  readonly random?: boolean | ((options: Options) => boolean)
  /**
   * Default options (plain JSON). Its keys are the transform's options: `.with()` rejects any other key
   * (a key without a default is declared with `null`).
   */
  readonly options?: Options
  /** Validates merged options; throw a SegsenseError for bad ones. */
  readonly validate?: (options: Options) => void
  readonly image: (img: Raster, value: number, options: Options) => Raster
  readonly labels?: (mask: LabelMap, value: number, options: Options) => LabelMap
}

function validateParameter(name: string, p: TransformParameter): void {
  const bad = (what: string, v: unknown): never => {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `transform ${JSON.stringify(name)}: parameter.${what} is invalid (${describeValue(v)})`,
      { details: { transform: name, field: what, value: v } },
    )
  }
  if (typeof p.name !== 'string' || p.name === '') bad('name', p.name)
  if (!Number.isFinite(p.neutral)) bad('neutral', p.neutral)
  if (!['linear', 'log', 'circular', 'categorical'].includes(p.scale)) bad('scale', p.scale)
  if (p.scale === 'log' && !(p.neutral > 0)) bad('neutral (log scale needs > 0)', p.neutral)
  if (p.scale === 'circular' && !(typeof p.period === 'number' && p.period > 0)) bad('period', p.period)
  if (
    !Array.isArray(p.defaultRange) ||
    p.defaultRange.length !== 2 ||
    !p.defaultRange.every(Number.isFinite) ||
    p.defaultRange[0] > p.defaultRange[1]
  )
    bad('defaultRange', p.defaultRange)
  if (!(p.defaultStep > 0)) bad('defaultStep', p.defaultStep)
}

/**
 * Builds a {@link Transform} from plain functions: the way to add your own transformation to sweeps.
 *
 * @example
 * const invert = defineTransform({
 *   name: 'invert', spatial: false,
 *   parameter: { name: 'amount', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 1], defaultStep: 0.1 },
 *   image: (img, a) => ({ ...img, data: img.data.map((v) => (1 - a) * v + a * (1 - v)) }),
 * })
 */
export function defineTransform<Options extends object = object>(
  definition: TransformDefinition<Options>,
): Transform<Options> {
  if (typeof definition.name !== 'string' || definition.name === '') {
    throw new SegsenseError(
      typeof definition.name !== 'string' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `defineTransform: name must be a non-empty string, got ${describeValue(definition.name)}`,
    )
  }
  validateParameter(definition.name, definition.parameter)
  if (typeof definition.image !== 'function') {
    throw new SegsenseError('E_WRONG_TYPE', `transform ${JSON.stringify(definition.name)}: image must be a function`)
  }
  if (definition.spatial && typeof definition.labels !== 'function') {
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      `transform ${JSON.stringify(definition.name)} is spatial, so it needs a labels(mask, value) function to ` +
        `move the truth with the image`,
    )
  }
  const known = Object.keys(definition.options ?? {})
  const make = (options: Options): Transform<Options> => {
    definition.validate?.(options)
    const frozen = Object.freeze({ ...options })
    const labels = definition.labels
    const t: Transform<Options> = {
      name: definition.name,
      parameter: definition.parameter,
      spatial: definition.spatial,
      options: frozen,
      image: (img, value) => definition.image(img, value, frozen),
      with: (changes) => {
        checkKnownKeys(changes, known, `${definition.name}.with()`)
        return make({ ...frozen, ...changes })
      },
    }
    if (labels) (t as { labels?: Transform<Options>['labels'] }).labels = (mask, value) => labels(mask, value, frozen)
    const random = typeof definition.random === 'function' ? definition.random(frozen) : definition.random
    if (random === true) (t as { random?: boolean }).random = true
    return Object.freeze(t)
  }
  return make((definition.options ?? {}) as Options)
}

/** An image axis: `x` = columns (TorchIO axis 0), `y` = rows (TorchIO axis 1). */
export type ImageAxis = 'x' | 'y'

/** The two {@link ImageAxis} values. */
export const IMAGE_AXES: readonly ImageAxis[] = Object.freeze(['x', 'y'] as const)
