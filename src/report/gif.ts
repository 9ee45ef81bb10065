import { loadSharp } from '../io/sharp.js'
import { rangeOrType } from './checks.js'
import { reject } from '../core/validate.js'
import { SegsenseError } from '../core/errors.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { SweepFrames } from '../sweep/types.js'
import { formatValue } from './format.js'
import { displayFrames, fitFrame, overlayPixels, sampleFrames } from './overlay.js'
import { classPalette } from './palette.js'
import { escapeXml } from './xml.js'

/** Options of {@link sweepGif}. */
export interface GifOptions {
  /** Display time of each frame in ms (0..65535); default 400. */
  readonly delay?: number
  /** Longer side of the frame in px; default 192. */
  readonly size?: number
  /** Number of loops, 0 = forever (default). */
  readonly loop?: number
  /** Opacity of the prediction fill; default 0.45. */
  readonly alpha?: number
  /** `'auto'` (default): crop to the square around the reference's classes, as the frame strip does; `'none'`: whole images. */
  readonly crop?: 'auto' | 'none'
  /** Metric whose per-class scores are printed under each frame; default the result's first metric. */
  readonly metric?: string
}

const CAPTION = 34

/**
 * An animated GIF of one sample's sweep (`sample`, default the first): one frame per swept value, showing the
 * overlay (prediction fill, truth contour) with the value and the sample's per-class scores below it. Every frame
 * is kept even when two look alike, so frame k is always `result.values[k]`. Returns GIF bytes.
 * @throws SegsenseError `E_OUT_OF_RANGE` (`E_WRONG_TYPE` for a non-number) for a bad delay or loop count, `E_OUT_OF_RANGE`
 *   for a sample without frames.
 */
export async function sweepGif(
  result: SweepResult,
  frames: SweepFrames,
  sample?: string,
  options: GifOptions = {},
): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const delay = options.delay ?? 400
  if (!Number.isInteger(delay) || delay < 0 || delay > 65535)
    reject(rangeOrType(delay), 'GIF frame delay', options.delay, 'an integer number of ms in [0, 65535]')
  const loop = options.loop ?? 0
  if (!Number.isInteger(loop) || loop < 0 || loop > 65535)
    reject(rangeOrType(loop), 'GIF loop count', options.loop, 'an integer in [0, 65535]')
  const { id, frames: kept } = sampleFrames(frames, sample)
  if (kept.length === 0 || kept.length !== result.values.length) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `GIF: sample ${JSON.stringify(id)} has ${kept.length} frames for ${result.values.length} swept values`,
    )
  }
  const palette = classPalette(frames.classes, result.classes)
  const list = displayFrames(kept, palette, options.crop)
  const metric = (options.metric ?? result.metrics[0] ?? 'dice') as keyof SweepResult['mean']
  const scores = result.samples.find((s) => s.id === id)?.scores[metric]
  const size = options.size ?? 192
  const fitted = list.map((f) => fitFrame(f.image, f.reference, f.prediction, size))
  const w = Math.max(...fitted.map((f) => f.image.width), 160)
  const ih = Math.max(...fitted.map((f) => f.image.height))
  const h = ih + CAPTION
  const pages = Buffer.alloc(w * h * 4 * list.length)
  const font = 'font-family="DejaVu Sans, Arial, sans-serif"'
  for (const [k, f] of fitted.entries()) {
    const px = overlayPixels(f.image, f.reference, f.prediction, {
      palette,
      ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
    })
    const line = result.classes
      .map((c) => {
        const s = scores?.[c]?.[k]
        return `${c} ${typeof s === 'number' ? s.toFixed(2) : '–'}`
      })
      .join('  ')
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
      `<text x="${w / 2}" y="${ih + 14}" text-anchor="middle" font-size="12" font-weight="bold" ${font}>` +
      `${escapeXml(`${result.transform.name} ${formatValue(result, list[k]?.value as number)}`)}</text>` +
      `<text x="${w / 2}" y="${ih + 29}" text-anchor="middle" font-size="10" fill="#333" ${font}>` +
      `${escapeXml(`${metric} ${line}`)}</text></svg>`
    const frame = await sharp({ create: { width: w, height: h, channels: 4, background: '#ffffff' } })
      .composite([
        {
          input: Buffer.from(px.data.buffer, px.data.byteOffset, px.data.byteLength),
          raw: { width: px.width, height: px.height, channels: 3 },
          left: Math.floor((w - px.width) / 2),
          top: 0,
        },
        { input: Buffer.from(svg), left: 0, top: 0 },
      ])
      .raw()
      .toBuffer()
    frame.copy(pages, k * w * h * 4)
  }
  const gif = await sharp(pages, { raw: { width: w, height: h * list.length, channels: 4, pageHeight: h } })
    .gif({ delay: list.map(() => delay), loop, keepDuplicateFrames: true, effort: 1 })
    .toBuffer()
  return new Uint8Array(gif.buffer, gif.byteOffset, gif.byteLength)
}
