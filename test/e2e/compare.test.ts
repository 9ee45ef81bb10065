import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, reportedTests, runVitest } from './harness.js'

// A real vitest run of toBeAtLeastAsRobustAs on the bundled models and samples (test/e2e/projects/compare),
// both directions, and a spec requirement with a baseline: about 50 s on 2 cores.
let ws: ReturnType<typeof consumerWorkspace>
beforeAll(() => {
  ws = consumerWorkspace()
})
afterAll(() => ws?.dispose())

describe('toBeAtLeastAsRobustAs in a real vitest run', () => {
  let code = 0
  let output = ''
  let tests: ReturnType<typeof reportedTests> = []
  beforeAll(async () => {
    const cwd = join(ws.root, 'projects/compare')
    ;({ code, output } = await runVitest(cwd, [], { ci: true }))
    tests = reportedTests(cwd)
  }, 180_000)
  const byName = (name: string) => tests.find((t) => t.name === name)!

  it('passes robust against fragile and fails fragile against robust with p < 0.05', () => {
    expect(code, output).toBe(1)
    expect(byName('robust is at least as robust as fragile').state).toBe('passed')
    const failed = byName('fragile is not at least as robust as robust')
    expect(failed.state).toBe('failed')
    const message = failed.errors[0]!
    expect(message).toContain('expect(candidate).toBeAtLeastAsRobustAs(baseline, transform)')
    expect(message).toContain(
      'cardiac-fragile is less robust to rotate than cardiac-robust (dice over [-60 deg, 60 deg], 3 values, 8 samples; required: lower 95% bound of the AUC difference >= -0.02)',
    )
    const line =
      /LV AUC (-0\.\d{3}) \[(-0\.\d{3}), (-0\.\d{3})\], p = ([\d.]+); stable \[[^\]]+\] vs \[[^\]]+\] \(fails\)/.exec(
        message,
      )
    expect(line, message).not.toBeNull()
    const [difference, lower, upper, p] = line!.slice(1).map(Number) as [number, number, number, number]
    expect(lower).toBeLessThanOrEqual(difference)
    expect(upper).toBeGreaterThanOrEqual(difference)
    expect(upper).toBeLessThan(-0.02)
    expect(p).toBeLessThan(0.05)
    // scoreClasses: LV only
    expect(message).not.toMatch(/^\s+MYO AUC/m)
  })

  it('runs a spec requirement with a baseline as a comparison', () => {
    const spec = byName('no less robust to rotation than cardiac-robust')
    expect(spec.state).toBe('failed')
    expect(spec.errors[0]).toContain(
      'cardiac-fragile is less robust to rotate than cardiac-robust (dice over [-90 deg, 90 deg], 3 values, 2 samples; required: AUC difference >= -0.02)',
    )
    expect(spec.errors[0]).toMatch(/^\s+LV AUC -0\.\d{3} \[/m)
    expect(spec.meta.segsense!.sweeps[0]).toMatchObject({ matcher: 'toBeAtLeastAsRobustAs', pass: false })
  })

  it('.not passes for a less robust model; a baseline that is not a model and a misspelt option are refused', () => {
    expect(byName('not: a model blind to the left half is less robust than one that sees everything').state).toBe(
      'passed',
    )
    expect(byName('a baseline that is not a model is refused').errors[0]).toContain(
      'toBeAtLeastAsRobustAs(baseline, transform, options): baseline must be a SegmentationModel',
    )
    expect(byName('a misspelt option is refused').errors[0]).toContain(
      `toBeAtLeastAsRobustAs(rotate): unknown key "margn" (did you mean 'margin'?)`,
    )
  })

  it('attaches a chart of both curves to the failing test, and records both sweeps and the comparison', () => {
    const failed = byName('fragile is not at least as robust as robust')
    expect(failed.annotations).toHaveLength(1)
    expect(failed.annotations[0]).toMatchObject({ type: 'error', contentType: 'image/png' })
    expect(failed.annotations[0]!.bodyLength).toBeGreaterThan(1000)
    expect(byName('robust is at least as robust as fragile').annotations).toEqual([])
    const record = byName('robust is at least as robust as fragile').meta.segsense!.sweeps[0] as unknown as {
      matcher: string
      pass: boolean
      baseline: { model: string }
      comparison: { pass: boolean; classes: { className: string; wilcoxon: { pvalue: number } }[] }
    }
    expect(record).toMatchObject({
      matcher: 'toBeAtLeastAsRobustAs',
      pass: true,
      baseline: { model: 'cardiac-fragile' },
      comparison: { pass: true },
    })
    expect(record.comparison.classes.map((c) => c.className)).toEqual(['RV', 'MYO', 'LV'])
  })
})
