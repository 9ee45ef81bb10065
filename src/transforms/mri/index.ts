/**
 * MR physics transforms with TorchIO v1 semantics (fepegar/torchio @ 9051dbcd, see
 * reference/algorithms.md §1): k-space spike, ghosting, motion, bias field and anisotropy, and MONAI's
 * Gibbs ringing (`GibbsNoise`), one per file (k-space helpers in kspace.ts; the spatial `elastic` lives
 * beside the geometric transforms). Axis mapping: TorchIO axis 0 is segsense x (columns), axis 1 is y (rows).
 * Every channel is processed independently with the same parameters, in Float64; nothing is clipped
 * unless `clip: true` is given (misas clamps to [0, 1]; TorchIO does not).
 */
export type { ImageAxis } from '../transform.js'
export { anisotropy, anisotropyArtifact, type AnisotropyOptions } from './anisotropy.js'
export { biasField, biasFieldMap, type BiasFieldOptions } from './bias-field.js'
export { ghosting, ghostingArtifact, type GhostingOptions } from './ghosting.js'
export { gibbs, gibbsArtifact, type GibbsOptions } from './gibbs.js'
export { motion, motionArtifact, type MotionOptions } from './motion.js'
export { spike, spikeArtifact, spikePosition, type SpikeOptions, type SpikePositionOptions } from './spike.js'
