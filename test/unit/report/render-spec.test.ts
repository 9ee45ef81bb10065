import { describe, expect, it } from 'vitest'
import { decodePng } from '../../../src/io/png.js'
import { type ChartSpec, renderSpecPng, renderSpecSvg } from '../../../src/report/chart.js'

const spec: ChartSpec = {
  width: 120,
  height: 60,
  data: {
    values: [
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ],
  },
  mark: 'point',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
}

describe('renderSpecSvg / renderSpecPng', () => {
  it('render any inline-data spec, the PNG at scale times the SVG size', async () => {
    const svg = await renderSpecSvg(spec)
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1])
    const height = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1])
    expect(width).toBeGreaterThan(120)
    const one = await decodePng(await renderSpecPng(spec, 1))
    const two = await decodePng(await renderSpecPng(spec))
    expect([one.width, one.height]).toEqual([Math.round(width), Math.round(height)])
    expect([two.width, two.height]).toEqual([one.width * 2, one.height * 2])
  })
})
