/**
 * A small, exact PNG codec (no colour management, no gamma, no scaling of low bit depths).
 *
 * Why not sharp for everything: libvips expands palette PNGs to RGB and scales 1/2/4-bit grey to
 * 0..255, which loses what a label mask means (the palette index, the raw id). Masks are therefore
 * decoded here; photographs and scans go through sharp (see image.ts). Encoding is also done here so
 * that written files hold exactly the values given (8/16-bit grey, grey+alpha, RGB, RGBA, palette).
 */
export {
  isPng,
  readPngHeader,
  samplesPerPixel,
  type PngColourType,
  type PngHeader,
  type PngPixels,
} from './png/format.js'
export { decodePng } from './png/decode.js'
export { encodePng, encodePngPixels, type EncodePngOptions } from './png/encode.js'
