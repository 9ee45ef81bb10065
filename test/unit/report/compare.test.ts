// The side-by-side section of a model comparison in the HTML report, and the reporter's comparison entries.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { comparisonChartSpec, comparisonLines, differenceChartSpec, formatP } from '../../../src/report/compare.js'
import { writeReport } from '../../../src/report/html.js'
import { compareModels } from '../../../src/analysis/compare.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { type ReportedTest, reportEntries } from '../../../src/vitest/report-entries.js'
import { scene, sceneModel, xmlTags } from '../../support/report.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('comparison report', async () => {
  const samples = [scene('a'), scene('b', 40)]
  const grid = { values: [-90, -45, 0, 45, 90] }
  const candidate = await sweep(sceneModel(undefined, true), samples, rotate, grid)
  const baseline = await sweep(sceneModel(), samples, rotate, grid)
  const comparison = compareModels(candidate, baseline, { min: 0.8, resamples: 200 })

  it('puts both models in one chart (candidate solid, baseline dashed) and the difference with its band in another', () => {
    const spec = JSON.stringify(comparisonChartSpec({ candidate, baseline, comparison }))
    expect(spec).toContain('"top-blind (candidate)"')
    expect(spec).toContain('"threshold (baseline)"')
    expect(spec).toContain('"strokeDash"')
    const diff = differenceChartSpec({ candidate, comparison }) as { layer: { mark: { type: string } }[] }
    expect(diff.layer.map((l) => l.mark.type)).toEqual(['area', 'line', 'rule'])
    expect(comparisonLines({ candidate, baseline, comparison })[0]).toMatch(
      /^disc AUC -0\.\d{3} \[-0\.\d{3}, -?0\.\d{3}\], p = [\d.]+; stable \[.+\] vs .+ \(fails\)$/,
    )
    expect(formatP(0.0078125)).toBe('p = 0.0078')
    expect(formatP(0.0004)).toBe('p < 0.001')
  })

  it('writes a side-by-side section, judges the rows by the comparison and keeps it in results.json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'segsense-compare-report-')), 'r')
    dirs.push(dir)
    const [entry] = reportEntries({
      name: 'no worse',
      fullName: 'models > no worse',
      module: { relativeModuleId: 'test/models.test.ts' },
      result: () => ({ state: 'failed' }),
      meta: () =>
        ({
          segsense: {
            sweeps: [
              { matcher: 'toBeAtLeastAsRobustAs', pass: false, result: candidate, baseline, comparison, min: 0.8 },
            ],
          },
        }) as ReturnType<ReportedTest['meta']>,
    })
    expect(entry).toMatchObject({ title: 'no worse: top-blind vs threshold · rotate', baseline, comparison })
    const written = await writeReport([entry!], dir)
    expect(written.sweeps.map((s) => s.pass)).toEqual([false])
    expect(written.rows.map((r) => [r.className, r.pass])).toEqual(comparison.classes.map((c) => [c.className, c.pass]))
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    xmlTags(
      html
        .replace(/^<!doctype html>/, '')
        .replace(/<meta[^>]*>/g, '')
        .replace(/<link[^>]*>/g, '')
        .replace(/<img[^>]*>/g, ''),
    )
    expect(html).toContain('<table class="comparison">')
    expect(html).toContain('Candidate top-blind against baseline threshold on the same 2 samples')
    expect(html.match(/<svg/g)).toHaveLength(2)
    // every SVG id is scoped to its chart: none repeats on the page
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
      sweeps: { baseline: { model: string }; comparison: { pass: boolean } }[]
    }
    expect(json.sweeps[0]).toMatchObject({ baseline: { model: 'threshold' }, comparison: { pass: false } })
  })
})
