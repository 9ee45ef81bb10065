import type { OverlayOptions as SharpOverlay } from 'sharp'
import { loadSharp } from '../io/sharp.js'
import { emptyBounds, extendBounds } from '../core/bounds.js'
import { rangeOrType } from './checks.js'
import { reject } from '../core/validate.js'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { LabelMap, Raster } from '../core/types.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { SweepFrame, SweepFrames } from '../sweep/types.js'
import { blendBilinear } from '../transforms/kernels/bilinear.js'
import { formatValue } from './format.js'
import { type OverlayPalette, classPalette } from './palette.js'
import { escapeXml } from './xml.js'

/** Options of {@link overlayPixels} and {@link overlayPng}. */
export interface OverlayOptions {
  readonly palette: OverlayPalette
  /** Opacity of the prediction fill, 0..1; default 0.45. */
  readonly alpha?: number
}

/** Interleaved 8-bit RGB pixels. */
export interface RgbPixels {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

/** Label id -> palette index + 1 (0 = no colour), for the hot loops. */
function colourIndex(palette: OverlayPalette): Uint16Array {
  let max = 0
  for (const e of palette) max = Math.max(max, e.id)
  const lut = new Uint16Array(max + 1)
  palette.forEach((e, k) => {
    lut[e.id] = k + 1
  })
  return lut
}

function checkMask(mask: LabelMap | undefined, image: Raster, what: string): void {
  if (mask && (mask.width !== image.width || mask.height !== image.height)) {
    throw new SegsenseError(
      'E_SIZE_MISMATCH',
      `overlay: ${what} is ${mask.width}x${mask.height}, the image ${image.width}x${image.height}`,
    )
  }
}

/**
 * Draws an overlay: the image in grey (or its RGB), the prediction as a translucent fill and the reference (the
 * truth) as a 1 px contour with a 1 px white edge outside it, each in its class colour from `palette`. Label ids not
 * in the palette are not drawn. A contour pixel is a pixel of a coloured class with a 4-neighbour (inside the image)
 * of another label; its white edge, the pixels of other labels beside it that are no contour themselves.
 */
export function overlayPixels(
  image: Raster,
  reference: LabelMap | undefined,
  prediction: LabelMap | undefined,
  options: OverlayOptions,
): RgbPixels {
  const { width: w, height: h, channels: c } = image
  checkMask(reference, image, 'the reference mask')
  checkMask(prediction, image, 'the prediction')
  const alpha = options.alpha ?? 0.45
  // typeof first: a string such as '1' compares as a number and would pass the range test.
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1))
    reject(rangeOrType(alpha), 'overlay alpha', options.alpha, 'in [0, 1]')
  const lut = colourIndex(options.palette)
  const n = lut.length
  const pr = new Uint8Array(options.palette.length + 1),
    pg = new Uint8Array(pr.length),
    pb = new Uint8Array(pr.length)
  options.palette.forEach((e, k) => {
    pr[k + 1] = e.rgb[0]
    pg[k + 1] = e.rgb[1]
    pb[k + 1] = e.rgb[2]
  })
  const out = new Uint8Array(w * h * 3)
  const src = image.data
  const pred = prediction?.data
  for (let i = 0, o = 0; i < w * h; i++, o += 3) {
    let r: number, g: number, b: number
    if (c >= 3) {
      r = (src[i * c] as number) * 255
      g = (src[i * c + 1] as number) * 255
      b = (src[i * c + 2] as number) * 255
    } else {
      r = g = b = (src[i * c] as number) * 255
    }
    if (pred) {
      const label = pred[i] as number
      const k = label < n ? (lut[label] as number) : 0
      if (k) {
        r = r * (1 - alpha) + (pr[k] as number) * alpha
        g = g * (1 - alpha) + (pg[k] as number) * alpha
        b = b * (1 - alpha) + (pb[k] as number) * alpha
      }
    }
    // Uint8Array stores modulo 256: clamp before rounding.
    out[o] = r <= 0 ? 0 : r >= 255 ? 255 : Math.round(r)
    out[o + 1] = g <= 0 ? 0 : g >= 255 ? 255 : Math.round(g)
    out[o + 2] = b <= 0 ? 0 : b >= 255 ? 255 : Math.round(b)
  }
  if (reference) {
    const t = reference.data
    // Contour: a pixel of a coloured class with a 4-neighbour (inside the image) of another label.
    const contour = new Uint8Array(w * h)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        const label = t[i] as number
        const k = label < n ? (lut[label] as number) : 0
        if (!k) continue
        const edge =
          (x > 0 && t[i - 1] !== label) ||
          (x < w - 1 && t[i + 1] !== label) ||
          (y > 0 && t[i - w] !== label) ||
          (y < h - 1 && t[i + w] !== label)
        if (!edge) continue
        contour[i] = 1
        out[i * 3] = pr[k] as number
        out[i * 3 + 1] = pg[k] as number
        out[i * 3 + 2] = pb[k] as number
      }
    }
    // A white edge just outside the contour: the truth reads as an outline, never as the edge of the prediction's fill
    // (which has the same colour).
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x
        if (contour[i]) continue
        const label = t[i]
        const by = (j: number): boolean => contour[j] === 1 && t[j] !== label
        if ((x > 0 && by(i - 1)) || (x < w - 1 && by(i + 1)) || (y > 0 && by(i - w)) || (y < h - 1 && by(i + w)))
          out.fill(255, i * 3, i * 3 + 3)
      }
    }
  }
  return { width: w, height: h, data: out }
}

const FONT = `font-family="DejaVu Sans, Arial, sans-serif"`

/** Height in px of the legend that {@link legendSvg} draws. */
export const LEGEND_HEIGHT = 40

/**
 * The legend as an SVG fragment (no `<svg>` root) of height {@link LEGEND_HEIGHT} at (`x`, `y`): per class a fill
 * swatch (the prediction) and a white-edged outline swatch (the reference), and the class name, escaped.
 */
export function legendSvg(palette: OverlayPalette, x: number, y: number, referenceName = 'truth'): string {
  const parts: string[] = [
    `<text x="${x}" y="${y + 13}" font-size="11" fill="#444" ${FONT}>` +
      `fill: prediction · white-edged outline: ${escapeXml(referenceName)}</text>`,
  ]
  let cx = x
  for (const e of palette) {
    // Two swatches per class, drawn as the overlay draws them: the prediction's fill, the reference's outline.
    parts.push(`<rect x="${cx}" y="${y + 22}" width="14" height="14" fill="${e.colour}" fill-opacity="0.45"/>`)
    parts.push(
      `<rect x="${cx + 18}" y="${y + 22}" width="14" height="14" fill="#999" stroke="#fff" stroke-width="4"/>` +
        `<rect x="${cx + 19}" y="${y + 23}" width="12" height="12" fill="none" stroke="${e.colour}" stroke-width="2"/>`,
    )
    parts.push(`<text x="${cx + 37}" y="${y + 34}" font-size="12" fill="#222" ${FONT}>${escapeXml(e.name)}</text>`)
    cx += 37 + 8 * Math.min(24, e.name.length) + 16
  }
  return parts.join('')
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

/** Options of {@link overlayPng}. */
export interface OverlayPngOptions extends OverlayOptions {
  /** Draw the legend below the image; default true. */
  readonly legend?: boolean
  /** Side of the output image in px (the longer side), resampled as the frame strip does; default the image's size. */
  readonly size?: number
}

/** The overlay of {@link overlayPixels} as PNG bytes, with a legend below it unless `legend: false`. */
export async function overlayPng(
  image: Raster,
  reference: LabelMap | undefined,
  prediction: LabelMap | undefined,
  options: OverlayPngOptions,
): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const fitted =
    options.size === undefined ? { image, reference, prediction } : fitFrame(image, reference, prediction, options.size)
  const px = overlayPixels(fitted.image, fitted.reference, fitted.prediction, options)
  const base = sharp(toBuffer(px.data), { raw: { width: px.width, height: px.height, channels: 3 } })
  if (options.legend === false) return toBytes(await base.png().toBuffer())
  const width = Math.max(px.width, 260)
  const height = px.height + LEGEND_HEIGHT + 6
  const legend = legendSvg(options.palette, 4, px.height + 4)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${legend}</svg>`
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: toBuffer(px.data), raw: { width: px.width, height: px.height, channels: 3 }, left: 0, top: 0 },
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .png()
    .toBuffer()
  return toBytes(png)
}

/** Nearest-neighbour resampling of a label map (masks never get invented labels). */
function resizeLabels(mask: LabelMap, w: number, h: number): LabelMap {
  const out = mask.data instanceof Uint16Array ? new Uint16Array(w * h) : new Uint8Array(w * h)
  const src = mask.data
  const sx = mask.width / w,
    sy = mask.height / h
  for (let y = 0; y < h; y++) {
    const row = Math.min(mask.height - 1, Math.floor((y + 0.5) * sy)) * mask.width
    for (let x = 0; x < w; x++)
      out[y * w + x] = src[row + Math.min(mask.width - 1, Math.floor((x + 0.5) * sx))] as number
  }
  return { width: w, height: h, data: out }
}

/** Bilinear resampling of a raster (pixel centres aligned), for display only. */
function resizeRaster(image: Raster, w: number, h: number): Raster {
  const { width: iw, height: ih, channels: c } = image
  const src = image.data
  const out = new Float32Array(w * h * c)
  const sx = iw / w,
    sy = ih / h
  for (let y = 0; y < h; y++) {
    const fy = Math.min(ih - 1, Math.max(0, (y + 0.5) * sy - 0.5))
    const y0 = Math.floor(fy),
      y1 = Math.min(ih - 1, y0 + 1),
      ty = fy - y0
    for (let x = 0; x < w; x++) {
      const fx = Math.min(iw - 1, Math.max(0, (x + 0.5) * sx - 0.5))
      const x0 = Math.floor(fx),
        x1 = Math.min(iw - 1, x0 + 1),
        tx = fx - x0
      for (let ch = 0; ch < c; ch++) {
        const a = src[(y0 * iw + x0) * c + ch] as number,
          b = src[(y0 * iw + x1) * c + ch] as number
        const d = src[(y1 * iw + x0) * c + ch] as number,
          e = src[(y1 * iw + x1) * c + ch] as number
        out[(y * w + x) * c + ch] = blendBilinear(a, b, d, e, tx, ty)
      }
    }
  }
  return { width: w, height: h, channels: c, data: out }
}

/**
 * Resamples a frame so that its longer side is `size` px (aspect kept): the image bilinearly, the masks by
 * nearest neighbour, so that contours are drawn at display resolution and stay 1 px sharp.
 */
export function fitFrame(
  image: Raster,
  reference: LabelMap | undefined,
  prediction: LabelMap | undefined,
  size: number,
): { image: Raster; reference: LabelMap | undefined; prediction: LabelMap | undefined } {
  if (!Number.isInteger(size) || size < 8) reject(rangeOrType(size), 'frame size', size, 'an integer >= 8 px')
  const k = size / Math.max(image.width, image.height)
  const w = Math.max(1, Math.round(image.width * k)),
    h = Math.max(1, Math.round(image.height * k))
  if (w === image.width && h === image.height) return { image, reference, prediction }
  return {
    image: resizeRaster(image, w, h),
    reference: reference && resizeLabels(reference, w, h),
    prediction: prediction && resizeLabels(prediction, w, h),
  }
}

/** A pixel rectangle: left, top, width, height. */
export interface Box {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/**
 * The square around what the frames show: the bounding box of every coloured label of the reference masks of all
 * frames, grown by `margin` times its longer side on each side (and to at least a quarter of the image), clipped
 * to the image. `null` when the frames differ in size or no reference has a coloured label (nothing to crop to).
 * One box for all frames, so that the strip and the GIF show the same field of view at every value.
 */
export function contentBox(frames: readonly SweepFrame[], palette: OverlayPalette, margin = 0.25): Box | null {
  const first = frames[0]
  if (!first) return null
  const { width: w, height: h } = first.image
  if (
    frames.some(
      (f) => f.image.width !== w || f.image.height !== h || f.reference.width !== w || f.reference.height !== h,
    )
  )
    return null
  const lut = colourIndex(palette)
  const bounds = emptyBounds(w, h)
  for (const f of frames) extendBounds(bounds, f.reference.data, w, h, lut)
  const [x0, y0, x1, y1] = bounds as unknown as [number, number, number, number]
  if (x1 < 0) return null
  const side = Math.min(
    Math.max(w, h),
    Math.max(Math.ceil(Math.max(x1 - x0 + 1, y1 - y0 + 1) * (1 + 2 * margin)), Math.ceil(Math.max(w, h) / 4)),
  )
  const sw = Math.min(w, side),
    sh = Math.min(h, side)
  const cx = (x0 + x1 + 1) / 2,
    cy = (y0 + y1 + 1) / 2
  const left = Math.min(w - sw, Math.max(0, Math.round(cx - sw / 2)))
  const top = Math.min(h - sh, Math.max(0, Math.round(cy - sh / 2)))
  return { left, top, width: sw, height: sh }
}

/** Crops an image and its masks to `box` (which must lie inside them). */
export function cropFrame(
  image: Raster,
  reference: LabelMap | undefined,
  prediction: LabelMap | undefined,
  box: Box,
): { image: Raster; reference: LabelMap | undefined; prediction: LabelMap | undefined } {
  const { left, top, width: bw, height: bh } = box
  if (left < 0 || top < 0 || bw < 1 || bh < 1 || left + bw > image.width || top + bh > image.height) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `crop box ${describeValue(box)} does not lie inside the ${image.width}x${image.height} image`,
    )
  }
  const c = image.channels
  const data = new Float32Array(bw * bh * c)
  for (let y = 0; y < bh; y++)
    data.set(
      image.data.subarray(((top + y) * image.width + left) * c, ((top + y) * image.width + left + bw) * c),
      y * bw * c,
    )
  const cropMask = (m: LabelMap | undefined): LabelMap | undefined => {
    if (!m) return undefined
    const out = m.data instanceof Uint16Array ? new Uint16Array(bw * bh) : new Uint8Array(bw * bh)
    for (let y = 0; y < bh; y++)
      out.set(m.data.subarray((top + y) * m.width + left, (top + y) * m.width + left + bw), y * bw)
    return { width: bw, height: bh, data: out }
  }
  return {
    image: { width: bw, height: bh, channels: c, data },
    reference: cropMask(reference),
    prediction: cropMask(prediction),
  }
}

/** The frames of one sample, cropped to their {@link contentBox} when `crop` is `'auto'`. */
export function displayFrames(
  frames: readonly SweepFrame[],
  palette: OverlayPalette,
  crop: 'auto' | 'none' = 'auto',
): SweepFrame[] {
  const box = crop === 'auto' ? contentBox(frames, palette) : null
  if (!box) return [...frames]
  return frames.map((f) => {
    const c = cropFrame(f.image, f.reference, f.prediction, box)
    return { value: f.value, image: c.image, reference: c.reference as LabelMap, prediction: c.prediction as LabelMap }
  })
}

/** The frames of one sample of a sweep (the first sample by default). */
export function sampleFrames(frames: SweepFrames, sample?: string): { id: string; frames: readonly SweepFrame[] } {
  const found = sample === undefined ? frames.samples[0] : frames.samples.find((s) => s.id === sample)
  if (!found) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `no frames for sample ${describeValue(sample)}; the sweep kept frames of ` +
        (frames.samples.map((s) => JSON.stringify(s.id)).join(', ') || 'no sample'),
    )
  }
  return found
}

/** Options of {@link frameStrip}. */
export interface FrameStripOptions {
  /** Frames per row; default 9 (the strip wraps onto more rows). */
  readonly columns?: number
  /** Longer side of each frame in px; default 128. */
  readonly cell?: number
  /** Opacity of the prediction fill; default 0.45. */
  readonly alpha?: number
  /** Draw the legend below the strip; default true. */
  readonly legend?: boolean
  /**
   * `'auto'` (default): crop every frame to the same square around the reference's classes ({@link contentBox});
   * `'none'`: whole images.
   */
  readonly crop?: 'auto' | 'none'
}

const LABEL_BAND = 18
const GAP = 4

/**
 * Lays out the frames of one sample of a sweep (`sample`, default the first) as a grid of overlays (see
 * {@link overlayPixels}; colours by the class's position in `result.classes`), with the parameter value under each
 * frame and the legend below. Returns PNG bytes.
 * @throws SegsenseError `E_OUT_OF_RANGE` for a sample without frames or frames that do not match the result's values.
 */
export async function frameStrip(
  result: SweepResult,
  frames: SweepFrames,
  sample?: string,
  options: FrameStripOptions = {},
): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const { id, frames: kept } = sampleFrames(frames, sample)
  if (kept.length !== result.values.length) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `frame strip: sample ${JSON.stringify(id)} has ${kept.length} frames for ${result.values.length} swept values`,
    )
  }
  const palette = classPalette(frames.classes, result.classes)
  const list = displayFrames(kept, palette, options.crop)
  const columns = options.columns ?? 9
  if (!Number.isInteger(columns) || columns < 1)
    reject(rangeOrType(columns), 'frame strip columns', columns, 'an integer >= 1')
  const cell = options.cell ?? 128
  const cols = Math.min(columns, list.length)
  const rows = Math.ceil(list.length / cols)
  const overlays = list.map((f) => {
    const fitted = fitFrame(f.image, f.reference, f.prediction, cell)
    return overlayPixels(fitted.image, fitted.reference, fitted.prediction, {
      palette,
      ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
    })
  })
  const cw = Math.max(...overlays.map((o) => o.width)),
    ch = Math.max(...overlays.map((o) => o.height))
  const legend = options.legend !== false
  const width = Math.max(cols * (cw + GAP) + GAP, legend ? 300 : 0)
  const gridHeight = rows * (ch + LABEL_BAND + GAP) + GAP
  const height = gridHeight + (legend ? LEGEND_HEIGHT + 4 : 0)
  const texts: string[] = []
  const composites: SharpOverlay[] = overlays.map((o, k) => {
    const left = GAP + (k % cols) * (cw + GAP) + Math.floor((cw - o.width) / 2)
    const top = GAP + Math.floor(k / cols) * (ch + LABEL_BAND + GAP)
    const f = list[k] as SweepFrame
    const neutral = f.value === result.transform.parameter.neutral
    texts.push(
      `<text x="${GAP + (k % cols) * (cw + GAP) + cw / 2}" y="${top + ch + 13}" text-anchor="middle" font-size="11" ` +
        `fill="${neutral ? '#000' : '#333'}"${neutral ? ' font-weight="bold"' : ''} ${FONT}>` +
        `${escapeXml(formatValue(result, f.value))}</text>`,
    )
    return { input: toBuffer(o.data), raw: { width: o.width, height: o.height, channels: 3 }, left, top }
  })
  if (legend)
    texts.push(legendSvg(palette, GAP, gridHeight, result.reference === 'truth' ? 'truth' : 'clean prediction'))
  composites.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texts.join('')}</svg>`,
    ),
    left: 0,
    top: 0,
  })
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer()
  return toBytes(png)
}
