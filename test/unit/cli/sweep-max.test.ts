// segsense sweep --metric hd95 --max 5: the distance gate on the command line (in process, on a bundled sample).
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../../src/cli/shared.js'
import { runSweep } from '../../../src/cli/sweep.js'
import { fixtureModelPath } from '../../../src/models/fixtures.js'
import { isSegsenseError } from '../../../src/core/errors.js'
import { expectRejection } from '../../support/helpers.js'

const sample = (name: string) => fileURLToPath(new URL(`../../../fixtures/samples/cardiac/${name}`, import.meta.url))
const base = {
  model: fixtureModelPath('cardiac-fragile'),
  modelClasses: '1=RV,2=MYO,3=LV',
  image: [sample('sa-01.png')],
  truth: [sample('sa-01-mask.png')],
  transform: 'rotate',
  quiet: true,
}

afterEach(() => vi.restoreAllMocks())

describe('segsense sweep with a distance metric', () => {
  it('needs --max (mm) and refuses --min for it, and --max for a score: the resolver says so, before any prediction', async () => {
    // planRequirement refuses these (the CLI does not check them a second time): one wording for every entry point.
    await expectRejection(
      runSweep({ ...base, metric: 'hd95' }),
      'E_BAD_PARAMETER',
      'needs a threshold',
      'hd95 is a distance',
    )
    await expectRejection(
      runSweep({ ...base, metric: 'hd95', min: 0.8, max: 5 }),
      'E_BAD_PARAMETER',
      'give max',
      'not min',
    )
    await expectRejection(runSweep({ ...base, metric: 'hd95', min: 0.8 }), 'E_BAD_PARAMETER', 'give max', 'not min')
    await expectRejection(runSweep({ ...base, metric: 'dice', max: 5 }), 'E_BAD_PARAMETER', 'give min, not max')
    // The range of a threshold is the CLI's to check up front (the requirement checks it only after the sweep).
    await expect(runSweep({ ...base, metric: 'hd95', max: -1 })).rejects.toThrow(UsageError)
    await expect(runSweep({ ...base, min: 1.5 })).rejects.toThrow('--min: 1.5 is not a score in [0, 1]')
    // Contradicting grid flags: the grid resolver refuses them (a kind of E_BAD_PARAMETER, whichever precise code).
    for (const flags of [
      { values: '0,30', range: '-10:10' },
      { step: 5, steps: 3 },
    ]) {
      const e: unknown = await runSweep({ ...base, ...flags }).catch((x: unknown) => x)
      expect(isSegsenseError(e, 'E_BAD_PARAMETER'), String(e)).toBe(true)
      expect(String(e)).toMatch(/cannot be combined/)
    }
  })

  it('--check exits 1 where hd95 exceeds --max, 0 where it does not; the summary reads in mm', async () => {
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true))
    const loose = await runSweep({
      ...base,
      metric: 'hd95',
      max: 1000,
      values: '0,30',
      check: true,
      scoreClasses: 'LV',
    })
    expect(out).toContain('hd95 <= 1000 mm')
    expect(out).toMatch(/max 1000 mm/)
    out = ''
    const json = await runSweep({
      ...base,
      metric: 'hd95',
      max: 0.1,
      values: '0,30',
      check: true,
      scoreClasses: 'LV',
      json: true,
    })
    const parsed = JSON.parse(out) as { pass: boolean; verdict: { direction: string; classes: { max: number }[] } }
    expect({ loose, json }).toEqual({ loose: 0, json: 1 })
    expect(parsed.pass).toBe(false)
    expect(parsed.verdict.direction).toBe('lower')
    expect(parsed.verdict.classes[0]?.max).toBe(0.1)
  }, 60_000)
})
