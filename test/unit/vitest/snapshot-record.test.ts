import { describe, expect, it } from 'vitest'
import { rotate } from '../../../src/transforms/geometric.js'
import { sweep } from '../../../src/sweep/sweep.js'
import {
  type SweepCapture,
  matchSweepSnapshot,
  parseSweepSnapshot,
  renderSweepSnapshot,
} from '../../../src/vitest/snapshot.js'
import {
  parseRecordLine,
  recordLine,
  settingsChanges,
  type SweepSettings,
} from '../../../src/vitest/snapshot-record.js'
import { scene, sceneModel } from '../../support/report.js'

const settings = (over: Partial<SweepSettings> = {}): SweepSettings => ({
  model: 'file:aaaa,options:bbbb',
  transform: 'rotate',
  options: rotate.options,
  ...over,
})

describe('the record line of a sweep snapshot', () => {
  it('is one readable line that reads back, whatever the key order', () => {
    const line = recordLine(settings({ options: { padding: 'zeros', interpolation: 'bilinear' } }))
    expect(line).toBe('recorded: model file:aaaa,options:bbbb · rotate {"interpolation":"bilinear","padding":"zeros"}')
    const stored = parseRecordLine(line)!
    expect(settingsChanges(stored, settings({ options: { interpolation: 'bilinear', padding: 'zeros' } }))).toEqual([])
    expect(recordLine(settings({ model: undefined, options: {} }))).toBe('recorded: model none · rotate {}')
    expect(parseRecordLine('recorded: model none · rotate {broken')).toBeUndefined()
  })

  it('names each setting that changed: an option, a part of the fingerprint, a model that gained one', () => {
    const stored = parseRecordLine(recordLine(settings({ options: { padding: 'zeros', seed: 1 } })))!
    expect(settingsChanges(stored, settings({ options: { padding: 'border', seed: 1 } }))).toEqual([
      'rotate option padding: "zeros" -> "border"',
    ])
    expect(settingsChanges(stored, settings({ options: { padding: 'zeros' } }))).toEqual([
      'rotate option seed: 1 -> unset',
    ])
    expect(
      settingsChanges(stored, settings({ model: 'file:aaaa,options:cccc', options: { padding: 'zeros', seed: 1 } })),
    ).toEqual(['model options: bbbb -> cccc'])
    const none = parseRecordLine(recordLine(settings({ model: undefined, options: {} })))!
    expect(settingsChanges(none, settings({ options: {} }))).toEqual([
      'model fingerprint: none -> file:aaaa,options:bbbb',
    ])
  })
})

describe('sweep snapshots with a record', async () => {
  const result = await sweep(sceneModel({ 1: 'disc', 2: 'square' }), [scene('a')], rotate, { values: [0, 30] })
  const capture = (over: Partial<SweepSettings> = {}): SweepCapture => ({
    result,
    tolerance: 0.02,
    min: 0.8,
    settings: settings(over),
  })
  const text = renderSweepSnapshot(capture())

  it('writes the record as the third header line and matches the same settings', () => {
    expect(text.split('\n')[3]).toMatch(/^recorded: model file:aaaa,options:bbbb · rotate \{.*"padding":"zeros".*\}$/)
    expect(matchSweepSnapshot(capture(), parseSweepSnapshot(text))).toMatchObject({ pass: true, settings: [] })
  })

  it('fails other settings though the curve is the same, and resolves to the new record', () => {
    const m = matchSweepSnapshot(
      capture({ options: { ...rotate.options, padding: 'border' } }),
      parseSweepSnapshot(text),
    )
    expect(m).toMatchObject({
      pass: false,
      moved: [],
      structural: [],
      settings: ['rotate option padding: "zeros" -> "border"'],
    })
    expect(m.resolved).toContain('"padding":"border"')
  })

  it('passes an old snapshot without a record (unless updating, so that -u adds it)', () => {
    const old = parseSweepSnapshot(text.replace(/^recorded: .*\n/m, ''))
    expect(old.record).toBeUndefined()
    expect(matchSweepSnapshot(capture({ model: 'file:other,options:other' }), old).pass).toBe(true)
    const updated = matchSweepSnapshot(capture(), old, { update: true })
    expect(updated.pass).toBe(false)
    expect(updated.resolved).toContain('recorded: model file:aaaa,options:bbbb')
  })
})
