import { describe, expect, it } from 'vitest'
import { progressReporter, progressSettings } from '../../../src/vitest/progress.js'

describe('sweep progress in vitest', () => {
  it('is on after 3 s locally, off in CI, and SEGSENSE_PROGRESS overrides both', () => {
    expect(progressSettings({})).toEqual({ enabled: true, everyMs: 3000 })
    expect(progressSettings({ CI: 'true' })).toEqual({ enabled: false, everyMs: 3000 })
    expect(progressSettings({ CI: 'false' }).enabled).toBe(true)
    expect(progressSettings({ CI: 'true', SEGSENSE_PROGRESS: '10' })).toEqual({ enabled: true, everyMs: 10_000 })
    expect(progressSettings({ SEGSENSE_PROGRESS: 'off' }).enabled).toBe(false)
    expect(progressReporter('x', { enabled: false, everyMs: 0 })).toBeUndefined()
  })

  it('writes nothing for a short sweep, then throttled lines and a last one for a long sweep', () => {
    let t = 0
    const lines: string[] = []
    const short = progressReporter(
      'toBeRobustTo(rotate)',
      { enabled: true, everyMs: 3000 },
      (l) => lines.push(l),
      () => t,
    )!
    t = 2000
    short({ done: 16, total: 32 })
    t = 2900
    short({ done: 32, total: 32 })
    expect(lines).toEqual([])

    t = 0
    const long = progressReporter(
      'toBeRobustTo(rotate)',
      { enabled: true, everyMs: 3000 },
      (l) => lines.push(l),
      () => t,
    )!
    for (const [time, done] of [
      [1000, 16],
      [3100, 32],
      [4000, 48],
      [6200, 64],
      [7000, 80],
    ] as const) {
      t = time
      long({ done, total: 80 })
    }
    expect(lines).toEqual([
      'segsense: toBeRobustTo(rotate) 32/80 predictions (40%), 3.1 s',
      'segsense: toBeRobustTo(rotate) 64/80 predictions (80%), 6.2 s',
      'segsense: toBeRobustTo(rotate) 80/80 predictions (100%), 7.0 s, done',
    ])
  })
})
