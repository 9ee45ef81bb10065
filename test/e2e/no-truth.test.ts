import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, repo, reportedTests, runVitest } from './harness.js'

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

describe('segsense sweep without --truth', () => {
  const sweepCli = (threshold: string) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      const args = [
        join(repo, 'dist/cli/main.js'),
        'sweep',
        '--model',
        join(repo, 'fixtures/models/test/sigmoid.onnx'),
        '--model-classes',
        '1=fg',
        '--output-threshold',
        threshold,
        '--image',
        join(repo, 'fixtures/samples/cardiac/sa-01.png'),
        '--transform',
        'brightness',
        '--values',
        '0.5,1,2',
        '--no-cache',
        '--quiet',
      ]
      execFile(process.execPath, args, { timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
      )
    })

  it('refuses a sigmoid threshold below the output range: exit 2, one line naming the sample and the fix', async () => {
    const run = await sweepCli('-1')
    expect(run.code).toBe(2)
    const lines = run.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /clean prediction of sample "sa-01" is fg at every pixel, so no transform can show a change/,
    )
    // The control: the default threshold is scored.
    expect((await sweepCli('0.5')).code).toBe(0)
  }, 130_000)
})
