/**
 * `segsense/transforms`: the transforms users sweep, the way to define their own, and the registry by
 * name. Loads no native module. Resampling, convolution and FFT internals are imported from their own
 * files inside the package and are not part of this entry.
 */
export {
  defineTransform,
  type ImageAxis,
  type ParameterScale,
  type Transform,
  type TransformDefinition,
  type TransformParameter,
} from './transform.js'
export type { Interpolation, MaskInterpolation, Padding } from './kernels/sampling.js'
export {
  cropPad,
  dihedral,
  flip,
  resize,
  rotate,
  translate,
  zoom,
  type ResampleOptions,
  type ResizeOptions,
  type TranslateOptions,
} from './geometric.js'
export {
  blur,
  brightness,
  contrast,
  gamma,
  noise,
  type LightingMode,
  type LightingOptions,
  type NoiseOptions,
} from './intensity.js'
export {
  anisotropy,
  biasField,
  ghosting,
  gibbs,
  motion,
  spike,
  spikePosition,
  type AnisotropyOptions,
  type BiasFieldOptions,
  type GhostingOptions,
  type GibbsOptions,
  type MotionOptions,
  type SpikeOptions,
  type SpikePositionOptions,
} from './mri/index.js'
export { elastic, type ElasticOptions } from './elastic.js'
export { corruptions, type CorruptionOptions } from './corruptions/index.js'
export { transformByName, transformsByName } from './registry.js'
