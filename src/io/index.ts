/** Raster and mask file I/O: re-exports only. */
export { DEFAULT_MAX_PIXELS, loadImage, saveImage, writeFileAtomic, sourceName } from './image.js'
export type { ImageSource, LoadImageOptions, SaveImageOptions } from './image.js'
export { loadMask, saveMask, loadSample } from './mask.js'
export type { LoadMaskOptions, LoadSampleOptions, MaskPalette } from './mask.js'
export { encodePng, decodePng, isPng } from './png.js'
export type { EncodePngOptions, PngPixels, PngColourType } from './png.js'
