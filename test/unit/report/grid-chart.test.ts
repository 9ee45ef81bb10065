import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { gridHeatmapSpec, renderSpecSvg, svgToPng } from '../../../src/report/chart.js'
import { gridOf } from '../../support/grid.js'
import { expectThrow } from '../../support/helpers.js'

// Rows = first axis (x in the chart), columns = second axis (y). Neutral [1, 0]; the region is the L of 4 cells
// connected to it; the passing cell at [3, 2] is an island outside it.
const grid = gridOf(['#..', '#..', '##.', '..#'], [1, 0], {
  a: {
    values: [-20, 0, 20, 40],
    parameter: { name: 'angle', unit: 'deg', neutral: 0, scale: 'linear', defaultRange: [-20, 40], defaultStep: 20 },
    transform: 'rotate',
  },
  b: {
    values: [1, 1.5, 2],
    parameter: { name: 'factor', unit: 'x', neutral: 1, scale: 'log', defaultRange: [1, 2], defaultStep: 0.5 },
    transform: 'zoom',
  },
})

/** The `<path>` count of each rect layer, in layer order. */
function rectLayers(svg: string): number[] {
  return [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].map(
    (m) => (m[1] as string).match(/<path\b/g)?.length ?? 0,
  )
}

describe('gridHeatmapSpec', () => {
  it('draws the grid with the first axis along x, outlines the stable region and names its extent', async () => {
    const spec = gridHeatmapSpec(grid, { className: 'LV', min: 0.5 })
    const svg = await renderSpecSvg(spec)
    // Scored cells, (no undefined cells,) then the region's 4 cells outlined orange.
    expect(rectLayers(svg)).toEqual([12, 0, 4])
    expect(svg.match(/<path\b[^>]*stroke="#ff7f0e"/g)).toHaveLength(4)
    expect(svg).toContain(
      'stable region at dice &gt;= 0.5 (orange): 4 of 12 cells, angle -20 to 20 deg, factor 1 to 1.5 x',
    )
    expect(svg).toContain('crafted: dice of LV under rotate: angle x zoom: factor')
    expect(svg).toMatch(/<text[^>]*>●<\/text>/)
    // x labels in the first axis' order, y labels in the second's (ascending upwards).
    const labels = [...svg.matchAll(/<text[^>]*>(-20|0|20|40|1|1\.5|2)<\/text>/g)].map((m) => m[1])
    expect(labels).toEqual(['-20', '0', '20', '40', '2', '1.5', '1'])
    const png = await sharp(await svgToPng(svg)).metadata()
    expect(png.format).toBe('png')
  })

  it('says when the neutral cell fails, and draws no region without min', async () => {
    const failing = gridOf(['.#'], [0, 0])
    expect(await renderSpecSvg(gridHeatmapSpec(failing, { min: 0.5 }))).toContain(
      'no stable region at dice &gt;= 0.5: the neutral cell fails',
    )
    const plain = await renderSpecSvg(gridHeatmapSpec(grid))
    expect(plain).not.toContain('stroke="#ff7f0e"')
    expect(plain).not.toContain('stable region')
  })

  it('names what the grid lacks', () => {
    expectThrow(
      () => gridHeatmapSpec(grid, { className: 'RV' }),
      'E_OUT_OF_RANGE',
      'no dice scores for class "RV"',
      'classes: LV',
    )
    expectThrow(() => gridHeatmapSpec(grid, { sample: 'x' }), 'E_OUT_OF_RANGE', 'of sample "x"')
  })
})
