// Drawing a Vega-Lite spec: vega in Node to SVG (no browser, no network), sharp to PNG.
import type * as Vega from 'vega'
import type { TopLevelSpec, compile as Compile } from 'vega-lite'
import { SegsenseError } from '../core/errors.js'
import { loadSharp } from '../io/sharp.js'
import type { ChartSpec } from './spec.js'
import { xmlValid } from './xml.js'

/** vega and vega-lite, loaded on the first chart drawn (see {@link loadVega}). */
interface VegaEngines {
  readonly vega: typeof Vega
  readonly compile: typeof Compile
}

let engines: Promise<VegaEngines> | undefined

/**
 * Loads vega and vega-lite once, when the first chart is drawn. Not at import time: the vitest setup entry reaches
 * this module through the matchers, which draw a chart only when a test fails, and loading vega costs every vitest
 * worker a few hundred ms.
 */
function loadVega(): Promise<VegaEngines> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({
    vega,
    compile: vegaLite.compile,
  }))
  return engines
}

/**
 * Renders a Vega-Lite spec (any of `chartSpec`, `heatmapSpec`, `gridHeatmapSpec`, or your own with inline data) to
 * an SVG string with vega in Node: no browser, no canvas, no network (a spec that names a URL is refused).
 * @example
 * const svg = await renderSpecSvg(gridHeatmapSpec(grid, { className: 'LV', min: 0.8 }))
 */
export async function renderSpecSvg(spec: ChartSpec): Promise<string> {
  const { vega, compile } = await loadVega()
  // vega-lite's types stay inside this module (see ChartSpec); vega-lite validates the spec as it compiles.
  const compiled = compile(spec as unknown as TopLevelSpec).spec
  // No loader access: every chart inlines its data, so a URL in a spec is refused rather than fetched.
  const loader = vega.loader({ mode: 'http' })
  loader.load = (uri: string) =>
    Promise.reject(new SegsenseError('E_BAD_PARAMETER', `chart specs must inline their data; refusing to load ${uri}`))
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader })
  try {
    // vega escapes markup but passes control characters and lone surrogates through, which librsvg refuses.
    return xmlValid(await view.toSVG())
  } finally {
    view.finalize()
  }
}

/**
 * Renders SVG text to PNG bytes with sharp at `scale` times its CSS size (default 2); XML-invalid code points are
 * replaced first.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const sharp = await loadSharp()
  const png = await sharp(Buffer.from(xmlValid(svg)), { density: 72 * scale })
    .png()
    .toBuffer()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}

/**
 * A Vega-Lite spec (see {@link renderSpecSvg}) as PNG bytes, at `scale` times its CSS size (default 2).
 * @example
 * writeFileSync('grid.png', await renderSpecPng(gridHeatmapSpec(grid, { className: 'LV', min: 0.8 })))
 */
export async function renderSpecPng(spec: ChartSpec, scale = 2): Promise<Uint8Array> {
  return svgToPng(await renderSpecSvg(spec), scale)
}
