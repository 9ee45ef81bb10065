/**
 * segsense: robustness assertions for image-segmentation models.
 *
 * Sweep a transformation's parameter, predict on every transformed image, score against the correspondingly
 * transformed truth, and report the stable parameter interval. This module re-exports the public API only.
 * @packageDocumentation
 */
export * from './core/index.js'
export {
  DEFAULT_MAX_PIXELS, loadImage, saveImage, loadMask, saveMask, loadSample, encodePng, decodePng, isPng,
  type ImageSource, type LoadImageOptions, type SaveImageOptions, type LoadMaskOptions, type LoadSampleOptions,
  type MaskPalette, type EncodePngOptions, type PngPixels, type PngColourType,
} from './io/index.js'
export * from './transforms/index.js'
export * from './metrics/index.js'
export * from './models/index.js'
export * from './sweep/index.js'
export * from './spec/index.js'
export * from './report/index.js'
