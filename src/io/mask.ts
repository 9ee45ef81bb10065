/**
 * Label masks (class id per pixel) from grey, palette and RGB files, and loading image + mask pairs.
 */
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { sample } from '../core/raster.js'
import type { LabelMap, Sample } from '../core/types.js'
import { decodeWithSharp, loadImage, type LoadImageOptions } from './image.js'
import { checkMaxPixels, readSource, sourceName, type ImageSource } from './source.js'
import { writeFileAtomic } from '../core/fs.js'
import { decodePng, encodePng, isPng, samplesPerPixel } from './png.js'
import { loadMedicalMask, loadNiftiPair, medicalFormat, type MedicalSliceOptions } from './medical.js'

/** Class id -> the [r, g, b] colour (0..255 each) that marks it in an RGB or palette mask. */
export type MaskPalette = Readonly<Record<number, readonly [number, number, number]>>

/**
 * Options of {@link loadMask}. Of the {@link MedicalSliceOptions}, `frame` applies to a DICOM file and `axis`,
 * `slice` and `volume` to a NIfTI label map (whose ids are read exactly, never scaled).
 */
export interface LoadMaskOptions extends Omit<MedicalSliceOptions, 'window' | 'windowIndex'> {
  /**
   * Class id -> colour, for colour masks (RGB, RGBA, and palette PNGs whose colours should be mapped
   * rather than their indices used). Ignored for grey masks, whose values are the ids.
   */
  readonly palette?: MaskPalette
  /** Pixel limit checked before decoding (default 100 000 000); `Infinity` disables it. */
  readonly maxPixels?: number
}

interface ColourLookup {
  readonly byKey: Map<number, number>
  readonly wide: boolean
}

// A colour key that fits 16-bit samples too (r * 2^32 + g * 2^16 + b stays below 2^53).
function colourKey(r: number, g: number, b: number): number {
  return r * 4294967296 + g * 65536 + b
}

function checkPalette(palette: unknown, name: string): ColourLookup {
  if (palette === null || typeof palette !== 'object' || Array.isArray(palette)) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `palette must be an object of class id -> [r, g, b], got ${describeValue(palette)}`,
    )
  }
  const byKey = new Map<number, number>()
  let wide = false
  for (const [key, colour] of Object.entries(palette)) {
    const id = Number(key)
    if (!Number.isInteger(id) || id < 0 || id > 65535)
      throw new SegsenseError('E_OUT_OF_RANGE', `palette key ${JSON.stringify(key)} must be a class id in 0..65535`)
    if (
      !Array.isArray(colour) ||
      colour.length !== 3 ||
      !colour.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)
    ) {
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `palette colour of class ${id} must be [r, g, b] with integers in 0..255, got ${describeValue(colour)}`,
      )
    }
    const [r, g, b] = colour as [number, number, number]
    const k = colourKey(r, g, b)
    const other = byKey.get(k)
    if (other !== undefined) {
      throw new SegsenseError(
        'E_PALETTE',
        `palette for ${name} gives colour [${colour.join(', ')}] to both class ${other} and class ${id}`,
        { details: { file: name, colour, ids: [other, id] } },
      )
    }
    byKey.set(k, id)
    if (id > 255) wide = true
  }
  return { byKey, wide }
}

function describePalette(lookup: ColourLookup): string {
  const entries = [...lookup.byKey.entries()]
    .slice(0, 8)
    .map(([k, id]) => `${id}: [${Math.floor(k / 4294967296)}, ${Math.floor(k / 65536) % 65536}, ${k % 65536}]`)
  return `{ ${entries.join(', ')}${lookup.byKey.size > 8 ? ', …' : ''} }`
}

/**
 * Maps the colour samples of an image to class ids. `samples` holds `spp` samples per pixel (RGB first);
 * `bits` 16 means 16-bit samples, matched against palette colours times 257 (the exact 8->16 expansion).
 * Without a palette, an image whose R, G and B are equal everywhere is a grey mask stored as RGB and
 * its value is the id; otherwise it is an `E_BAD_MASK`.
 */
function mapColours(
  samples: Uint8Array | Uint16Array,
  spp: number,
  bits: 8 | 16,
  width: number,
  height: number,
  palette: MaskPalette | undefined,
  name: string,
): Uint8Array | Uint16Array {
  const n = width * height
  if (palette === undefined) {
    for (let i = 0; i < n; i++) {
      const p = i * spp
      const r = samples[p] as number
      if (r !== samples[p + 1] || r !== samples[p + 2]) {
        const x = i % width
        const y = (i - x) / width
        throw new SegsenseError(
          'E_BAD_MASK',
          `mask ${name} is a colour image (pixel (${x}, ${y}) is [${samples[p]}, ${samples[p + 1]}, ` +
            `${samples[p + 2]}]); pass the palette option (class id -> [r, g, b]) to map its colours to class ids`,
          { details: { file: name, x, y } },
        )
      }
    }
    const ids = bits === 16 ? new Uint16Array(n) : new Uint8Array(n)
    for (let i = 0; i < n; i++) ids[i] = samples[i * spp] as number
    return ids
  }
  const lookup = checkPalette(palette, name)
  const f = bits === 16 ? 257 : 1
  const byKey = f === 1 ? lookup.byKey : new Map([...lookup.byKey].map(([k, id]) => [k * f, id] as const))
  const ids = lookup.wide ? new Uint16Array(n) : new Uint8Array(n)
  // Masks are mostly runs of one colour: remembering the last lookup skips most Map accesses.
  let lastKey = -1
  let lastId = 0
  for (let i = 0; i < n; i++) {
    const p = i * spp
    const key = colourKey(samples[p] as number, samples[p + 1] as number, samples[p + 2] as number)
    if (key !== lastKey) {
      const id = byKey.get(key)
      if (id === undefined) {
        const x = i % width
        const y = (i - x) / width
        const colour = [samples[p], samples[p + 1], samples[p + 2]]
        throw new SegsenseError(
          'E_PALETTE',
          `mask ${name}: pixel (${x}, ${y}) has colour ` +
            `[${colour.join(', ')}]${bits === 16 ? ' (16-bit)' : ''}, which is not in the palette ${describePalette(lookup)}`,
          { details: { file: name, x, y, colour } },
        )
      }
      lastKey = key
      lastId = id
    }
    ids[i] = lastId
  }
  return ids
}

/**
 * Loads a label mask. What a pixel's id is depends on how the file stores it:
 * - grey (PNG 1-16 bit, or any grey file sharp reads): the stored value, exactly (no scaling of 1/2/4-bit
 *   PNGs; a 16-bit file gives a Uint16Array, otherwise a Uint8Array); a grey+alpha file ignores alpha;
 * - palette PNG: the palette index, unless `palette` is given, in which case the entry's colour is mapped;
 * - RGB/RGBA: the class whose `palette` colour matches (alpha ignored); an unknown colour is `E_PALETTE`.
 *   Without `palette`, an RGB file whose three channels are equal at every pixel is read as grey (its
 *   value is the id); any other RGB file is `E_BAD_MASK`.
 * PNG files are decoded by segsense's own exact decoder; other formats through sharp (lossy formats such
 * as JPEG are accepted but rarely hold exact ids).
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND`, `E_IMAGE_DECODE`, `E_IMAGE_TOO_LARGE`, `E_BAD_MASK`, `E_PALETTE`
 *   (naming the file, the pixel (x, y) and the colour).
 * @example
 * const truth = await loadMask('case1_gt.png', { palette: { 1: [255, 0, 0], 2: [0, 255, 0] } })
 */
export async function loadMask(source: ImageSource, options: LoadMaskOptions = {}): Promise<LabelMap> {
  checkKnownKeys(
    options,
    optionKeys<LoadMaskOptions>({ palette: true, maxPixels: true, frame: true, axis: true, slice: true, volume: true }),
    'loadMask options',
  )
  const maxPixels = checkMaxPixels(options.maxPixels)
  const format = await medicalFormat(source)
  if (format !== undefined) {
    const { palette: _palette, ...medical } = options
    return loadMedicalMask(format, source, medical, sourceName(source))
  }
  const bytes = await readSource(source, 'mask')
  const name = sourceName(source)
  if (options.palette !== undefined) checkPalette(options.palette, name)
  if (isPng(bytes)) {
    const png = await decodePng(bytes, { name, maxPixels })
    const { width, height } = png
    const spp = samplesPerPixel(png.colourType)
    const bits = png.bitDepth === 16 ? 16 : 8
    if (png.colourType === 0) return { width, height, data: png.data }
    if (png.colourType === 4) {
      const ids = bits === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height)
      for (let i = 0; i < ids.length; i++) ids[i] = png.data[2 * i] as number
      return { width, height, data: ids }
    }
    if (png.colourType === 3) {
      if (options.palette === undefined) return { width, height, data: png.data }
      // Expand indices to their PLTE colours, then map colours like an RGB mask (decodePng checked every index).
      const pal = png.palette as Uint8Array
      const rgb = new Uint8Array(width * height * 3)
      for (let i = 0; i < png.data.length; i++) {
        const idx = png.data[i] as number
        rgb[3 * i] = pal[3 * idx] as number
        rgb[3 * i + 1] = pal[3 * idx + 1] as number
        rgb[3 * i + 2] = pal[3 * idx + 2] as number
      }
      return { width, height, data: mapColours(rgb, 3, 8, width, height, options.palette, name) }
    }
    return { width, height, data: mapColours(png.data, spp, bits, width, height, options.palette, name) }
  }
  const s = await decodeWithSharp(bytes, name, maxPixels, false)
  if (s.grey) return { width: s.width, height: s.height, data: s.data }
  return {
    width: s.width,
    height: s.height,
    data: mapColours(s.data, s.channels, s.bits, s.width, s.height, options.palette, name),
  }
}

/**
 * Saves a mask as a grey PNG: 8-bit, or 16-bit when any id exceeds 255. Atomic like `saveImage`.
 * @throws SegsenseError `E_FILE_WRITE` naming the path; `E_BAD_PARAMETER` for data that is not a label map.
 */
export async function saveMask(mask: LabelMap, path: string): Promise<void> {
  if (!mask || !(mask.data instanceof Uint8Array || mask.data instanceof Uint16Array)) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `saveMask expects a LabelMap with Uint8Array or Uint16Array data, got ${describeValue(mask?.data ?? mask)}`,
    )
  }
  await writeFileAtomic(path, await encodePng(mask))
}

/** Options of {@link loadSample}: the image options, plus the mask's palette. `maxPixels` applies to both files. */
export interface LoadSampleOptions extends LoadImageOptions {
  /** Class id -> colour for a colour mask (see {@link loadMask}). */
  readonly palette?: MaskPalette
}

/**
 * Loads an image and (optionally) its ground-truth mask as a {@link Sample}.
 *
 * @throws SegsenseError `E_SIZE_MISMATCH` naming both files and their sizes when they differ, and every
 *   error of {@link loadImage} and {@link loadMask}.
 * @example
 * const s = await loadSample('case1', 'case1.png', 'case1_gt.png')
 */
export async function loadSample(
  id: string,
  imageSource: ImageSource,
  maskSource?: ImageSource,
  options: LoadSampleOptions = {},
): Promise<Sample> {
  if (typeof id !== 'string' || id === '')
    throw new SegsenseError(
      typeof id !== 'string' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `sample id must be a non-empty string, got ${describeValue(id)}`,
    )
  checkKnownKeys(
    options,
    optionKeys<LoadSampleOptions>({
      keepAlpha: true,
      grey: true,
      maxPixels: true,
      palette: true,
      frame: true,
      window: true,
      windowIndex: true,
      axis: true,
      slice: true,
      volume: true,
    }),
    'loadSample options',
  )
  const { palette, ...imageOptions } = options
  const formats = maskSource === undefined ? [] : [await medicalFormat(imageSource), await medicalFormat(maskSource)]
  if (formats.includes('nifti') && formats.includes('dicom-folder')) {
    // A DICOM series keeps its acquired voxel order, a NIfTI volume is turned to RAS+: their slices need not match.
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      `sample ${JSON.stringify(id)}: image ${sourceName(imageSource)} and mask ` +
        `${sourceName(maskSource as ImageSource)} are a DICOM series and a NIfTI volume, whose slices are not ` +
        `in one voxel order; convert both to NIfTI (e.g. dcm2niix)`,
      {
        details: { id },
      },
    )
  }
  if (maskSource !== undefined && formats[0] === 'nifti' && formats[1] === 'nifti') {
    const { keepAlpha: _k, grey: _g, maxPixels: _m, ...medical } = imageOptions
    const pair = await loadNiftiPair(imageSource, maskSource, medical, {
      image: sourceName(imageSource),
      mask: sourceName(maskSource),
    })
    return sample(id, pair.image, pair.truth)
  }
  const { frame, axis, slice, volume } = options
  const maskOptions: LoadMaskOptions = { palette, maxPixels: options.maxPixels, frame, axis, slice, volume }
  const [image, truth] = await Promise.all([
    loadImage(imageSource, imageOptions),
    maskSource === undefined ? undefined : loadMask(maskSource, maskOptions),
  ])
  if (truth && (truth.width !== image.width || truth.height !== image.height)) {
    const imageName = sourceName(imageSource)
    const maskName = sourceName(maskSource as ImageSource)
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `sample ${JSON.stringify(id)}: image ${imageName} is ${image.width}x${image.height} but mask ${maskName} ` +
        `is ${truth.width}x${truth.height}; they must be the same size`,
      {
        details: {
          id,
          image: imageName,
          mask: maskName,
          imageSize: [image.width, image.height],
          maskSize: [truth.width, truth.height],
        },
      },
    )
  }
  return sample(id, image, truth)
}
