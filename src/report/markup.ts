// Small HTML helpers shared by the report's render functions.
import { escapeXml } from './xml.js'

/** HTML-escapes a user-supplied string. */
export const esc = escapeXml

/** A score with 3 decimals, `-` for none. */
export const fmt3 = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(3) : '-')

/** `3 samples`, `1 sample`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** The pass / fail badge; `-` when not judged. */
export const badge = (pass: boolean | null): string =>
  pass === null
    ? '<span class="badge none">-</span>'
    : pass
      ? '<span class="badge pass">pass</span>'
      : '<span class="badge fail">fail</span>'

/** Makes the ids of an inline SVG unique on the page (vega names its clip paths `clip1`, ... in every chart). */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`)
    .replace(/^<\?xml[^>]*>\s*/, '')
}

/** `<figure class="...">body<figcaption>caption</figcaption></figure>` (caption already escaped). */
export const figure = (className: string, body: string, caption: string): string =>
  `<figure class="${className}">${body}<figcaption>${caption}</figcaption></figure>`
