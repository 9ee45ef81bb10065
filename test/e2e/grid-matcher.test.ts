import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, reportedTests, runVitest } from './harness.js'

// toBeRobustTo([a, b]) in a real vitest run (test/e2e/projects/grid), with the annotations and segsense reporters.
let ws: ReturnType<typeof consumerWorkspace>
let run: Awaited<ReturnType<typeof runVitest>>
let tests: ReturnType<typeof reportedTests>
const cwd = () => join(ws.root, 'projects/grid')
beforeAll(async () => {
  ws = consumerWorkspace()
  run = await runVitest(cwd(), [], { ci: true })
  tests = reportedTests(cwd())
}, 120_000)
afterAll(() => ws?.dispose())
const byName = (name: string) => tests.find((t) => t.name === name)!

describe('toBeRobustTo([a, b]) in a real vitest run', () => {
  it('passes when every cell passes and fails with the stable region, the grid as text and the failing cells', () => {
    expect(run.code, run.output).toBe(1)
    expect(byName('a model that follows the image passes every cell').state).toBe('passed')
    const failing = byName('a model that stays in place fails the corners')
    expect(failing.state).toBe('failed')
    const message = failing.errors[0]!
    expect(message).toContain('expect(model).toBeRobustTo([a, b])')
    expect(message).toContain(
      'square stable region: 5 of 9 cells, translate shift -2 px to 2 px, translate shift -2 px to 2 px',
    )
    expect(message).toContain(['  -2 px  .#.', '   0 px  ###', '   2 px  .#.'].join('\n'))
    expect(message).toContain('Cells that failed (4):')
  })

  it('attaches a heatmap PNG to the failing test and records the grid in task.meta', () => {
    const failing = byName('a model that stays in place fails the corners')
    expect(failing.annotations).toHaveLength(1)
    expect(failing.annotations[0]).toMatchObject({ type: 'error', contentType: 'image/png' })
    expect(failing.annotations[0]!.bodyLength).toBeGreaterThan(1000)
    expect(byName('a model that follows the image passes every cell').annotations).toEqual([])
    const grids = (failing.meta.segsense as unknown as { grids: { pass: boolean; result: { axes: unknown[] } }[] })
      .grids
    expect(grids).toHaveLength(1)
    expect(grids[0]!.pass).toBe(false)
    expect(grids[0]!.result.axes).toHaveLength(2)
  })

  it('segsense/reporter puts both grids in the HTML report, linked to their tests', () => {
    expect(run.output).toMatch(/segsense report: 0 sweeps, 2 grids -> /)
    const html = readFileSync(join(cwd(), 'segsense-report/index.html'), 'utf8')
    expect(html).toContain(
      'grid #01 a model that follows the image passes every cell: threshold · translate shift x translate shift <span class="badge pass">pass</span>',
    )
    expect(html).toContain(
      'grid #02 a model that stays in place fails the corners: fixed-place · translate shift x translate shift <span class="badge fail">fail</span>',
    )
    expect(html).toContain('<code>grid.test.ts</code>')
  })
})
