import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, reportedTests, runVitest } from './harness.js'

// A real vitest run of test/e2e/projects/notruth: toBeRobustTo with reference 'prediction' and models whose
// prediction cannot change (docs/sweeps.md#without-ground-truth).
let ws: ReturnType<typeof consumerWorkspace>
let tests: ReturnType<typeof reportedTests> = []
let code = 0
beforeAll(async () => {
  ws = consumerWorkspace()
  const cwd = join(ws.root, 'projects/notruth')
  ;({ code } = await runVitest(cwd, [], { ci: true }))
  tests = reportedTests(cwd)
}, 200_000)
afterAll(() => ws?.dispose())
const byName = (name: string) => {
  const t = tests.find((x) => x.name === name)
  if (!t) throw new Error(`no test ${JSON.stringify(name)} in the run (${tests.map((x) => x.name).join(', ')})`)
  return t
}

describe("toBeRobustTo with reference: 'prediction' in a real vitest run", () => {
  it('passes a model that depends on its input (the control)', () => {
    expect(code).toBe(1)
    expect(byName('control: a model that depends on its input passes').state).toBe('passed')
  })

  it.each([
    ['an all-foreground model is refused', /clean prediction of sample "square" is fg at every pixel/],
    ['a sigmoid model read with threshold -1 is refused', /clean prediction of sample "square" is fg at every pixel/],
    ['a model that returns the same labels for any input is refused', /model "constant" predicts the same labels/],
  ])('%s: fails with E_DEGENERATE_REFERENCE, not Dice 1', (name, reason) => {
    const t = byName(name)
    expect(t.state).toBe('failed')
    expect(t.errors.join('\n')).toMatch(reason)
    expect(t.errors.join('\n')).toMatch(/E_DEGENERATE_REFERENCE|reference: 'prediction'/)
  })

  it('lists a large-class warning in the failure message', () => {
    const t = byName('not: a class covering most of the clean prediction is listed under Warnings')
    expect(t.state).toBe('failed')
    expect(t.errors[0]).toContain('Warnings (1):')
    expect(t.errors[0]).toContain(`sample "bright": the clean prediction's fg covers 96.9% of the image (over 90%)`)
  })
})
