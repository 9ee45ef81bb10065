// The class colours shared by charts, overlays, frame strips, GIFs and the HTML report. A module of its own so that
// the pure-JS renderers (overlays) and the vitest entry reach the colours without importing the chart module.
import { reject } from '../core/validate.js'
import type { Classes } from '../core/types.js'

/** Colour of a class by its position among the result's classes, stable across charts and overlays. */
export const CLASS_COLOURS: readonly string[] = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
]

/** An 8-bit RGB colour. */
export type Rgb = readonly [number, number, number]

/** One class of an overlay palette. */
export interface PaletteEntry {
  readonly id: number
  readonly name: string
  /** CSS hex colour, as in the charts. */
  readonly colour: string
  readonly rgb: Rgb
}

/** Label id -> class colour, in legend order. Build it with {@link classPalette}. */
export type OverlayPalette = readonly PaletteEntry[]

/** `#1f77b4` -> `[31, 119, 180]`. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(hex)
  if (!m) reject(typeof hex === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE', 'colour', hex, '#rrggbb')
  const n = parseInt(m[1] as string, 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/**
 * The palette of a set of classes: each class gets `CLASS_COLOURS[i]` where i is the position of its name in
 * `order` (pass `result.classes`, so overlays use the chart's colours), else its position among the class ids.
 * A class keeps its colour in every frame, whether or not it appears there.
 */
export function classPalette(classes: Classes, order?: readonly string[]): OverlayPalette {
  const ids = Object.keys(classes)
    .map(Number)
    .filter((id) => Number.isInteger(id) && id >= 0)
    .sort((a, b) => a - b)
  return ids
    .map((id, k) => {
      const name = classes[id] as string
      const at = order ? order.indexOf(name) : -1
      const colour = CLASS_COLOURS[(at >= 0 ? at : k) % CLASS_COLOURS.length] as string
      return { id, name, colour, rgb: hexToRgb(colour) }
    })
    .sort((a, b) => (order ? order.indexOf(a.name) - order.indexOf(b.name) : a.id - b.id))
}
