// segsense sweep --metric hd95 --max 5: the distance gate on the command line (in process, on a bundled sample).
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../../src/cli/shared.js'
import { runSweep } from '../../../src/cli/sweep.js'
import { fixtureModelPath } from '../../../src/models/fixtures.js'

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
  it('needs --max (mm) and refuses --min for it, and --max for a score', async () => {
    await expect(runSweep({ ...base, metric: 'hd95' })).rejects.toThrow(UsageError)
    await expect(runSweep({ ...base, metric: 'hd95' })).rejects.toThrow('--metric hd95 needs --max <mm>')
    await expect(runSweep({ ...base, metric: 'hd95', min: 0.8, max: 5 })).rejects.toThrow(
      '--min: --metric hd95 is a distance in mm',
    )
    await expect(runSweep({ ...base, metric: 'dice', max: 5 })).rejects.toThrow(
      '--max is the threshold of the distance metrics',
    )
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
