import { SegsenseError, describeValue } from '../core/errors.js'
import { corruptions } from './corruptions/index.js'
import { elastic } from './elastic.js'
import { cropPad, dihedral, flip, resize, rotate, translate, zoom } from './geometric.js'
import { blur, brightness, contrast, gamma, noise } from './intensity.js'
import { anisotropy, biasField, ghosting, gibbs, motion, spike, spikePosition } from './mri/index.js'
import type { Transform } from './transform.js'

/**
 * Every built-in transform by the name specs and the command line use: `rotate`, `spike`, ...,
 * and the imagecorruptions set as `corruptions.gaussianNoise` and so on.
 */
export const transformsByName: Readonly<Record<string, Transform>> = Object.freeze({
  rotate,
  dihedral,
  flip,
  zoom,
  translate,
  cropPad,
  resize,
  brightness,
  contrast,
  gamma,
  noise,
  blur,
  spike,
  spikePosition,
  ghosting,
  gibbs,
  motion,
  biasField,
  anisotropy,
  elastic,
  ...Object.fromEntries(Object.entries(corruptions).map(([name, t]) => [`corruptions.${name}`, t as Transform])),
} as Record<string, Transform>)

/**
 * Looks up a built-in transform by name and applies `options` with `.with()`.
 * @throws SegsenseError `E_BAD_PARAMETER` naming the unknown transform and listing the known ones.
 */
export function transformByName(name: string, options?: Readonly<Record<string, unknown>>): Transform {
  const t = Object.hasOwn(transformsByName, name) ? transformsByName[name] : undefined
  if (!t) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `unknown transform ${describeValue(name)}; known transforms: ${Object.keys(transformsByName).join(', ')}`,
      { details: { transform: name } },
    )
  }
  return options && Object.keys(options).length ? t.with(options) : t
}
