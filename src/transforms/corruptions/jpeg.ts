/** The `jpeg_compression` corruption. */
import { corruption } from './corruption.js'
import { jpegCompress } from './jpeg-codec.js'

/** `jpeg_compression`: quality 25 18 15 10 7 (see {@link jpegCompress}). */
export const jpeg = corruption('jpeg', [25, 18, 15, 10, 7], (img, q) => jpegCompress(img, q))
