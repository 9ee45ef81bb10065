import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeReport } from '../../../src/report/html.js'
import { gridOf } from '../../support/grid.js'
import { expectRejection } from '../../support/helpers.js'

const root = mkdtempSync(join(tmpdir(), 'segsense-grid-report-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

// Neutral [1, 0]: the region is the 3 cells of column 0 in rows 0-2 plus (2, 1); the cell (3, 2) passes alone.
const grid = gridOf(['#..', '#..', '##.', '..#'], [1, 0], {
  a: {
    values: [-20, 0, 20, 40],
    transform: 'rotate',
    parameter: { name: 'angle', unit: 'deg', neutral: 0, scale: 'linear', defaultRange: [-20, 40], defaultStep: 20 },
  },
  b: {
    values: [1, 1.5, 2],
    transform: 'zoom',
    parameter: { name: 'factor', unit: 'x', neutral: 1, scale: 'log', defaultRange: [1, 2], defaultStep: 0.5 },
  },
})

describe('writeReport with grids', () => {
  it('writes a section per grid: the stable region in a table and a heatmap per class, the verdict in results.json', async () => {
    const dir = join(root, 'one')
    const written = await writeReport([], dir, {
      grids: [{ result: grid, min: 0.5, title: 'rotation x zoom' }],
      date: new Date('2026-01-01T00:00:00Z'),
    })
    const html = readFileSync(written.index, 'utf8')
    expect(html).toContain('<section class="sweep grid" id="grid-01">')
    expect(html).toContain('grid #01 rotation x zoom <span class="badge fail">fail</span>')
    expect(html).toContain('4 of 12 cells; rotate angle -20 deg to 20 deg, zoom factor 1x to 1.5x')
    expect(html).toContain('0 sweeps · 1 grid (0 passed · 1 failed)')
    expect(html.match(/stroke="#ff7f0e"/g)).toHaveLength(4)
    // Every SVG id on the page is scoped to its figure.
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
    expect(json.sweeps).toEqual([])
    expect(json.grids).toHaveLength(1)
    expect(json.grids[0]).toMatchObject({
      id: 'grid-01',
      pass: false,
      metric: 'dice',
      verdict: { classes: [{ className: 'LV', min: 0.5, pass: false, region: { cells: 4 } }] },
    })
    expect(json.grids[0].result).toEqual(JSON.parse(JSON.stringify(grid)))
  })

  it('refuses an invalid grid before writing anything, and an empty report', async () => {
    const broken = { ...grid, neutral: [0, 0] as const }
    await expectRejection(
      writeReport([], join(root, 'two'), { grids: [broken] }),
      'E_SCHEMA',
      'grid 1 is not a valid GridResult',
      '/neutral/0',
    )
    await expectRejection(
      writeReport([], join(root, 'three'), { grids: [] }),
      'E_OUT_OF_RANGE',
      'at least one sweep result',
    )
  })
})
