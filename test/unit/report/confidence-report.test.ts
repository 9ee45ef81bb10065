// The bootstrap band in the chart, the confusion chart, and the report's summary with a confidence verdict.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chartSpec, renderSpecSvg } from '../../../src/report/chart.js'
import { confusionSpec } from '../../../src/report/confusion-chart.js'
import { reportRows, writeReport } from '../../../src/report/html.js'
import { aggregate } from '../../../src/analysis/aggregate.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { brightness } from '../../../src/transforms/intensity.js'
import { expectThrow } from '../../support/helpers.js'
import { scene, sceneModel, xmlTags } from '../../support/report.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

type Layer = { mark: { type: string }; data: { values: Record<string, unknown>[] } }

describe('charts and report with confidence and confusion', async () => {
  const samples = [scene('a', 32), scene('b', 32), scene('c', 32)]
  const result = await sweep(sceneModel(), samples, rotate, { values: [-60, -30, 0, 30, 60], confusion: true })
  const lit = await sweep(sceneModel(), samples, brightness, { values: [1, 1.5], confusion: true })

  it('draws the bootstrap band of aggregate() under the curves, only when asked', () => {
    const plain = chartSpec(result, { min: 0.8 }) as unknown as { layer: Layer[] }
    expect(plain.layer.some((l) => l.mark.type === 'area')).toBe(false)
    const spec = chartSpec(result, { min: 0.8, confidence: 0.9, seed: 4, resamples: 300 }) as unknown as {
      layer: Layer[]
    }
    const areaAt = spec.layer.findIndex((l) => l.mark.type === 'area')
    const lineAt = spec.layer.findIndex((l) => l.mark.type === 'line')
    expect(areaAt).toBeGreaterThanOrEqual(0)
    expect(areaAt).toBeLessThan(lineAt)
    const agg = aggregate(result, { min: 0, confidence: 0.9, seed: 4, resamples: 300 }).classes.disc
    const band = (spec.layer[areaAt] as Layer).data.values.filter((p) => p.class === 'disc')
    expect(band.map((p) => p.lower)).toEqual(agg?.lower)
    expect(band.map((p) => p.upper)).toEqual(agg?.upper)
  })

  it('draws the confusion counts as one stacked chart per truth class', async () => {
    const spec = confusionSpec(lit) as unknown as {
      data: { values: { value: string; truth: string; predicted: string; share: number }[] }
    }
    const square = spec.data.values.filter((p) => p.truth === 'square')
    expect(square).toEqual([
      { value: '1', truth: 'square', predicted: 'square', share: 1 },
      { value: '1.5', truth: 'square', predicted: 'disc', share: 1 },
    ])
    expect(xmlTags(await renderSpecSvg(confusionSpec(lit)))).toContain('svg')
    const { confusion: _c, ...without } = lit
    expectThrow(() => confusionSpec(without), 'E_BAD_PARAMETER', 'confusion: true')
  })

  it("shows the lower bound's interval beside the mean's in the summary, the band and the confusion chart", async () => {
    const verdict = evaluateRequirement(result, { min: 0.8, confidence: 0.9, resamples: 300 })
    const rows = reportRows([{ result, verdict }])
    expect(rows[0]).toMatchObject({ className: 'disc', confidence: 0.9 })
    expect(rows[0]?.lowerInterval).toMatch(/^\[/)
    const dir = mkdtempSync(join(tmpdir(), 'segsense-confidence-'))
    dirs.push(dir)
    await writeReport([{ result, verdict }], dir, { gif: false })
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(html).toContain('<div class="lower">90 % lower bound: [')
    expect(html).toContain('90 % bootstrap band over samples')
    expect(html).toContain('class="chart confusion"')
    expect(html.match(/<svg/g)?.length).toBe(2)
  })
})
