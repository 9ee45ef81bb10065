// The reporter's entries (src/vitest/report-entries.ts) and how the report shows them: a passing sweep snapshot is
// shown as passed (it has no threshold to fail), and the summary names the test that ran each sweep.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeReport } from '../../../src/report/html.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import type { SweepRecord } from '../../../src/vitest/meta.js'
import { type ReportedTest, reportEntries } from '../../../src/vitest/report-entries.js'
import { scene, sceneModel } from '../../support/report.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function fakeTest(records: SweepRecord[], state = 'passed'): ReportedTest {
  return {
    name: 'keeps its curve',
    fullName: 'fragile model > keeps its curve',
    meta: () => ({ segsense: { sweeps: records } }) as ReturnType<ReportedTest['meta']>,
    module: { relativeModuleId: 'test/fragile.test.ts' },
    result: () => ({ state }),
  }
}

describe('reportEntries', async () => {
  // The top-blind model scores below the report's default threshold (0.8) at 90 degrees: a threshold would fail it.
  const result = await sweep(sceneModel(undefined, true), [scene('a')], rotate, { values: [-90, 0, 90] })
  const low = Object.values(result.mean.dice!).some((curve) => curve.some((s) => s !== null && s < 0.8))

  it('a snapshot record has no threshold; a gate record keeps its own', () => {
    expect(low).toBe(true)
    const [snap, gate] = reportEntries(
      fakeTest([
        { matcher: 'toMatchSweepSnapshot', pass: true, result },
        { matcher: 'toBeRobustTo', pass: true, result, min: 0.5 },
      ]),
    )
    expect(snap).toMatchObject({
      pass: true,
      min: null,
      test: {
        file: 'test/fragile.test.ts',
        name: 'fragile model > keeps its curve',
        state: 'passed',
        matcher: 'toMatchSweepSnapshot',
      },
    })
    expect(gate?.min).toBe(0.5)
  })

  it('the report shows a passing snapshot test as passed, and names the test in the summary', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'segsense-entries-')), 'r')
    dirs.push(dir)
    const written = await writeReport(
      reportEntries(fakeTest([{ matcher: 'toMatchSweepSnapshot', pass: true, result }])),
      dir,
    )
    expect(written.sweeps.map((s) => s.pass)).toEqual([true])
    expect(written.rows.map((r) => [r.min, r.pass])).toEqual([
      [null, null],
      [null, null],
    ])
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(html).not.toContain('badge fail')
    const statuses = [...html.matchAll(/<td class="status">(.*?)<\/td>/g)].map((m) => m[1])
    expect(statuses).toEqual(Array(2).fill('<span class="badge pass">pass</span>'))
    const summary = html.slice(html.indexOf('<table id="summary"'), html.indexOf('</table>'))
    expect(summary).toContain('<code>test/fragile.test.ts</code> › fragile model &gt; keeps its curve')
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).sweeps[0].min).toBe(null)
  })
})
