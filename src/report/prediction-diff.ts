/**
 * The diff image of a prediction snapshot: per moved prediction one row of three panels, the image with the stored
 * prediction, the image with the new one, and pixelmatch's diff of those two coloured overlays, with the pixels the
 * new prediction gained and lost in two colours. Pure JS (pixelmatch and the own PNG encoder; no sharp).
 */
import pixelmatch from 'pixelmatch'
import type { LabelMap, Raster } from '../core/types.js'
import { encodePngPixels } from '../io/png.js'
import { overlayPixels } from './overlay.js'
import type { OverlayPalette, Rgb } from './palette.js'

/** Colour of a pixel the new prediction gained: a named class where the stored prediction had another label. */
export const GAINED_COLOUR: Rgb = [255, 0, 255]
/** Colour of a pixel the new prediction lost: background (or an unnamed id) where the stored one had a class. */
export const LOST_COLOUR: Rgb = [0, 200, 255]
/** White gap between panels and rows, px. */
const GAP = 4
/** Opacity of the image under the diff (pixelmatch's `alpha`). */
const FADE = 0.3

/** One row of the diff image. */
export interface PredictionDiffRow {
  readonly image: Raster
  readonly stored: LabelMap
  readonly now: LabelMap
  /** Pixels left out of the comparison (the boundary band): drawn faded, never as gained or lost. */
  readonly ignore?: Uint8Array
}

/** A rendered diff image, interleaved 8-bit RGB. */
export interface PredictionDiffImage {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

const toRgba = (rgb: Uint8Array): Uint8Array => {
  const out = new Uint8Array((rgb.length / 3) * 4)
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    out[o] = rgb[i] as number
    out[o + 1] = rgb[i + 1] as number
    out[o + 2] = rgb[i + 2] as number
    out[o + 3] = 255
  }
  return out
}

/**
 * The diff panel of one row: pixelmatch over the stored and the new overlay (threshold 0, `includeAA: false`,
 * `diffColor` gained, `diffColorAlt` lost, the image faded below), then every pixel repainted from the class ids,
 * so that the panel agrees with the counts exactly: pixelmatch tells the directions apart by brightness, and its
 * anti-aliasing detection may skip a changed pixel; the class ids decide both.
 */
export function diffPanel(
  row: PredictionDiffRow,
  palette: OverlayPalette,
): { stored: Uint8Array; now: Uint8Array; diff: Uint8Array } {
  const { width: w, height: h } = row.image
  const stored = overlayPixels(row.image, undefined, row.stored, { palette, alpha: 0.6 }).data
  const now = overlayPixels(row.image, undefined, row.now, { palette, alpha: 0.6 }).data
  const out = new Uint8Array(w * h * 4)
  pixelmatch(toRgba(stored), toRgba(now), out, w, h, {
    threshold: 0,
    includeAA: false,
    alpha: FADE,
    diffColor: [...GAINED_COLOUR],
    diffColorAlt: [...LOST_COLOUR],
  })
  let maxId = 0
  for (const e of palette) maxId = Math.max(maxId, e.id)
  const named = new Uint8Array(maxId + 1)
  for (const e of palette) named[e.id] = 1
  const a = row.stored.data
  const b = row.now.data
  const diff = new Uint8Array(w * h * 3)
  for (let i = 0; i < w * h; i++) {
    const s = a[i] as number
    const n = b[i] as number
    let colour: Rgb | undefined
    if (s !== n && !(row.ignore && row.ignore[i])) colour = n <= maxId && named[n] ? GAINED_COLOUR : LOST_COLOUR
    if (colour) {
      diff[i * 3] = colour[0]
      diff[i * 3 + 1] = colour[1]
      diff[i * 3 + 2] = colour[2]
    } else {
      // pixelmatch's faded grey of the stored overlay (its drawGrayPixel), also where it marked a pixel that the
      // class ids do not call changed (none at threshold 0) or that lies in the ignored band.
      const o = i * 4
      const y =
        0.29889531 * (stored[i * 3] as number) +
        0.58662247 * (stored[i * 3 + 1] as number) +
        0.11448223 * (stored[i * 3 + 2] as number)
      const v = Math.round(255 + (y - 255) * FADE)
      diff[i * 3] =
        diff[i * 3 + 1] =
        diff[i * 3 + 2] =
          out[o] === out[o + 1] && out[o + 1] === out[o + 2] ? (out[o] as number) : v
    }
  }
  return { stored, now, diff }
}

/** Lays out the rows (stored | new | diff, white gaps) as one RGB image. Rows may differ in size. */
export function predictionDiffImage(rows: readonly PredictionDiffRow[], palette: OverlayPalette): PredictionDiffImage {
  const width = Math.max(1, ...rows.map((r) => 3 * r.image.width + 2 * GAP))
  const height = Math.max(1, rows.reduce((sum, r) => sum + r.image.height, 0) + GAP * Math.max(0, rows.length - 1))
  const data = new Uint8Array(width * height * 3).fill(255)
  let top = 0
  for (const row of rows) {
    const { width: w, height: h } = row.image
    const panels = diffPanel(row, palette)
    ;[panels.stored, panels.now, panels.diff].forEach((px, k) => {
      const left = k * (w + GAP)
      for (let y = 0; y < h; y++) data.set(px.subarray(y * w * 3, (y + 1) * w * 3), ((top + y) * width + left) * 3)
    })
    top += h + GAP
  }
  return { width, height, data }
}

/** {@link predictionDiffImage} as PNG bytes. */
export function predictionDiffPng(rows: readonly PredictionDiffRow[], palette: OverlayPalette): Promise<Uint8Array> {
  const img = predictionDiffImage(rows, palette)
  return encodePngPixels({ width: img.width, height: img.height, colourType: 2, bitDepth: 8, data: img.data })
}
