// Charts and report rows of a distance metric: mm from 0 up, the max as the threshold rule, rows holding max.
import { describe, expect, it } from 'vitest'
import { chartSpec, renderChartSvg } from '../../../src/report/chart.js'
import { reportRows } from '../../../src/report/html.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { ballVolume, gain, thresholdModel } from '../../support/volumes.js'

describe('a distance in the chart and the report', () => {
  it('is drawn in mm (lower is better) with the max rule, and its rows carry max, not min', async () => {
    const result = await sweep(thresholdModel().model, ballVolume('ball', [16, 16, 8], [1, 1, 2], 5), gain, {
      values: [0.8, 1, 1.5],
      metrics: ['hd95', 'dice'],
    })
    const spec = chartSpec(result, { metric: 'hd95', max: 2 }) as unknown as {
      layer: {
        mark: { type: string }
        encoding: { y?: { title?: string; scale?: object; field?: string } }
        data: { values: { min?: number }[] }
      }[]
    }
    const line = spec.layer.find((l) => l.mark.type === 'line')!
    expect(line.encoding.y).toMatchObject({ title: 'hd95 (mm, lower is better)', scale: { zero: true } })
    const rule = spec.layer.find((l) => l.mark.type === 'rule')!
    expect(rule.data.values).toEqual([{ min: 2, class: 'ball' }])
    expect(spec.layer.some((l) => l.mark.type === 'rect')).toBe(true)
    expect(() => chartSpec(result, { metric: 'hd95', min: 0.5 })).toThrow(/give max/)
    expect(await renderChartSvg(result, { metric: 'hd95', max: 2 })).toContain('hd95 (mm, lower is better)')
    const [row] = reportRows([{ result, metric: 'hd95', max: { ball: 2 } }])
    expect(row).toMatchObject({ metric: 'hd95', min: null, max: 2 })
    expect(row?.pass).toBe(result.mean.hd95!.ball!.every((d) => d !== null && d <= 2))
    // Without max a distance entry judges nothing (never the report's default score threshold 0.8).
    expect(reportRows([{ result, metric: 'hd95' }])[0]).toMatchObject({ max: null, pass: null })
  })
})
