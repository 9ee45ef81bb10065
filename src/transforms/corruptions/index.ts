/**
 * The imagecorruptions set (Michaelis et al. 2019, `bethgelab/imagecorruptions`; tables in
 * reference/algorithms.md §3.1) as severity transforms: severity 0 returns the input unchanged, 1..5
 * index the package's parameter tables. Inputs are [0, 1] floats instead of uint8; every channel is
 * corrupted independently (the package stacks grey images to RGB and draws colour noise; segsense keeps
 * one channel); outputs are clipped to [0, 1] like the package, and truncated to uint8 levels only with
 * `quantize: true`. Random corruptions are deterministic for a seed (distributional parity only: the
 * package uses numpy's global RNG).
 *
 * All 19 are here. frost draws a procedural, seeded frost texture (frost.ts) instead of the package's
 * photographs, calibrated to their grey statistics; glass_blur's pixel shuffle is a typed-array loop; spatter's
 * OpenCV steps are in cv-ops.ts. The random ones match the package in distribution, not pixel for pixel.
 *
 * One corruption (or family, the noises) per file; the JPEG codec in jpeg-codec.ts.
 */
import { brightness } from './brightness.js'
import { contrast } from './contrast.js'
import { defocusBlur } from './defocus-blur.js'
import { elastic } from './elastic.js'
import { fog } from './fog.js'
import { frost } from './frost.js'
import { gaussianBlur } from './gaussian-blur.js'
import { glassBlur } from './glass-blur.js'
import { jpeg } from './jpeg.js'
import { motionBlur } from './motion-blur.js'
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './noise.js'
import { pixelate } from './pixelate.js'
import { saturate } from './saturate.js'
import { snow } from './snow.js'
import { spatter } from './spatter.js'
import { zoomBlur } from './zoom-blur.js'

export type { CorruptionOptions } from './corruption.js'
export { defocusKernel } from './defocus-blur.js'
export { corruptionElasticField } from './elastic.js'
export { jpegCompress, jpegQuantTable } from './jpeg-codec.js'

/**
 * The imagecorruptions set as severity transforms (`severity` 0 = clean, 1..5 = the package's tables),
 * each with `.with({ seed, quantize })`. All are intensity-only except `elastic` (spatial: the truth is
 * deformed with the same field, nearest).
 *
 * @example
 * corruptions.gaussianNoise.with({ seed: 3 }).image(img, 2)
 */
export const corruptions = Object.freeze({
  gaussianNoise,
  shotNoise,
  impulseNoise,
  speckleNoise,
  defocusBlur,
  motionBlur,
  zoomBlur,
  gaussianBlur,
  contrast,
  brightness,
  saturate,
  pixelate,
  jpeg,
  elastic,
  glassBlur,
  snow,
  frost,
  fog,
  spatter,
})
