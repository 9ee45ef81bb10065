import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import {
  chartSpec,
  heatmapSpec,
  renderChartPng,
  renderChartSvg,
  renderSpecSvg,
  svgToPng,
} from '../../../src/report/chart.js'
import { CLASS_COLOURS } from '../../../src/report/palette.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate, zoom } from '../../../src/transforms/geometric.js'
import { expectThrow } from '../../support/helpers.js'
import { scene, sceneModel, xmlTags } from '../../support/report.js'

const samples = [scene('a'), scene('b')]

/** The `<path>` elements inside vega's line-mark groups. */
function linePaths(svg: string): string[] {
  const groups = [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].map(
    (m) => m[1] as string,
  )
  return groups.flatMap((g) => [...g.matchAll(/<path\b[^>]*>/g)].map((m) => m[0]))
}

describe('sweep chart', () => {
  it('renders valid XML with one line path per class, in the class colours', async () => {
    const result = await sweep(sceneModel(), samples, rotate, { range: [-90, 90], step: 30 })
    const svg = await renderChartSvg(result, { min: 0.8, required: [-30, 30] })
    const tags = xmlTags(svg)
    expect(tags[0]).toBe('svg')
    const paths = linePaths(svg)
    expect(paths).toHaveLength(result.classes.length)
    // Each line is stroked in its class colour (by position in result.classes).
    result.classes.forEach((_, i) => expect(paths.some((p) => p.includes(`stroke="${CLASS_COLOURS[i]}"`))).toBe(true))
    // librsvg (sharp) is a strict XML parser: it decodes the SVG too.
    expect((await sharp(Buffer.from(svg)).metadata()).format).toBe('svg')
  })

  it('plots one class when asked to, and a log axis for log parameters', async () => {
    const result = await sweep(sceneModel(), samples, zoom, { range: [0.5, 2], steps: 5 })
    const svg = await renderChartSvg(result, { classes: ['square'] })
    expect(linePaths(svg)).toHaveLength(1)
    const spec = chartSpec(result) as unknown as {
      layer: { encoding: { x: { scale?: { type: string; zero?: boolean } } } }[]
    }
    const x = spec.layer.at(-1)!.encoding.x
    expect(x.scale?.type).toBe('log')
    // Vega-Lite drops `zero` for log scales with a warning: it must not be set.
    expect(x.scale).not.toHaveProperty('zero')
  })

  it('escapes class and model names in the SVG', async () => {
    const evil = '<img src=x onerror=alert(1)>'
    const result = await sweep(sceneModel({ 1: evil, 2: 'a&b' }), samples, rotate, { values: [-30, 0, 30] })
    const svg = await renderChartSvg(result, { min: 0.5 })
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(() => xmlTags(svg)).not.toThrow()
  })

  it('renders a PNG at twice the SVG size', async () => {
    const result = await sweep(sceneModel(), samples, rotate, { values: [-30, 0, 30] })
    const svg = await renderChartSvg(result)
    const [w, h] = [
      Number(/<svg[^>]*\bwidth="(\d+)"/.exec(svg)?.[1]),
      Number(/<svg[^>]*\bheight="(\d+)"/.exec(svg)?.[1]),
    ]
    expect(w).toBeGreaterThan(480)
    const meta = await sharp(await renderChartPng(result)).metadata()
    expect(meta.format).toBe('png')
    expect([meta.width, meta.height]).toEqual([2 * w, 2 * h])
    const png3 = await sharp(await svgToPng(svg, 3)).metadata()
    expect([png3.width, png3.height]).toEqual([3 * w, 3 * h])
  })
})

describe('heatmap', () => {
  const data = {
    x: { name: 'angle', unit: 'deg', values: [-30, 0, 30] },
    y: { name: 'zoom', unit: 'x', values: [0.8, 1, 1.25] },
    scores: [
      [0.2, 0.9, 0.3],
      [0.8, 1, 0.7],
      [null, 0.95, 0.6],
    ],
  }

  it('draws one cell per grid point with its score, outlining cells below min', async () => {
    const svg = await renderSpecSvg(heatmapSpec(data, { min: 0.75 }))
    xmlTags(svg)
    const rects = [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].map(
      (m) => (m[1] as string).match(/<path\b/g)?.length ?? 0,
    )
    // First layer: the 8 defined cells (Vega-Lite filters nulls); second: the undefined one in grey, outlined.
    expect(rects).toEqual([8, 1])
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])
    for (const s of ['0.20', '0.90', '0.30', '0.80', '1.00', '0.70', '–', '0.95', '0.60']) expect(texts).toContain(s)
    // Below 0.75: 0.20, 0.30, 0.70, 0.60 and the undefined cell are outlined.
    expect(svg.match(/<path\b[^>]*stroke="#222"/g)).toHaveLength(5)
  })

  it('refuses scores of the wrong shape', () => {
    expect(() =>
      heatmapSpec({
        ...data,
        scores: [
          [1, 1, 1],
          [1, 1],
        ],
      }),
    ).toThrow(/3 rows \(y values\) of 3 scores/)
    expectThrow(
      () =>
        heatmapSpec({
          ...data,
          scores: [
            [1, 1, 1],
            [1, 1],
          ],
        }),
      'E_OUT_OF_RANGE',
      '3 rows (y values)',
    )
    expectThrow(() => heatmapSpec({ ...data, scores: [1, 2, 3] as never }), 'E_WRONG_TYPE', '3 rows (y values)')
  })
})
