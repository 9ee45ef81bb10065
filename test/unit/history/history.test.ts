// History over commits: records, the store (append-only, atomic, deduplicated, corrupt files named), trends.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gatesOf } from '../../../src/history/gates.js'
import { checkCommit, checkDate, deltaAgainst, historyRecord, historyTrends } from '../../../src/history/records.js'
import { addToHistory, readHistory } from '../../../src/report/history-store.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'
import { rotationResult } from '../../support/history.js'

const test = { file: 'rotation.test.ts', name: 'LV under rotation' }
/** Commit i of 20: LV stable within ±40 deg, except from commit 13 on, where it narrows to ±20 deg. */
const run = (i: number) =>
  historyRecord(
    gatesOf([{ result: rotationResult({ LV: { width: i >= 13 ? 20 : 40 }, RV: { width: 30 } }), test, min: 0.8 }]),
    `c${String(i).padStart(2, '0')}`,
    new Date(Date.UTC(2026, 11, 1, i)).toISOString(),
  )

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'segsense-history-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('history records', () => {
  it('checks commits and dates', () => {
    expect(checkCommit('0123abc')).toBe('0123abc')
    for (const bad of ['', '../x', 'a/b', '.hidden', 'a..b', 'x'.repeat(101)])
      expectThrow(() => checkCommit(bad), 'E_OUT_OF_RANGE', 'commit must be')
    expectThrow(() => checkCommit(3), 'E_WRONG_TYPE', 'commit must be a SHA')
    expect(checkDate('2026-12-08T10:00:00+02:00')).toBe('2026-12-08T08:00:00.000Z')
    expectThrow(() => checkDate('yesterday'), 'E_OUT_OF_RANGE', 'ISO 8601')
    expectThrow(() => checkDate(20261208), 'E_WRONG_TYPE', 'ISO 8601')
  })

  it('keeps no sweep result, only the gates', () => {
    const r = run(1)
    expect(JSON.stringify(r)).not.toContain('"samples":[')
    expect(r.gates[0]).not.toHaveProperty('result')
  })
})

describe('the history store', () => {
  it('stores 20 commits, one file each; the trend flags the one narrowing, the delta of the next run shows it', async () => {
    for (let i = 1; i <= 20; i++) {
      const added = await addToHistory(dir, run(i))
      expect(added.added).toBe(true)
      if (i === 13) {
        const delta = deltaAgainst(added.before, run(13))!
        expect(delta.previous.commit).toBe('c12')
        const lv = delta.diff.gates[0]!.classes.find((c) => c.className === 'LV')!
        expect(lv.widthChange).toBeCloseTo(-40, 9)
        expect(delta.diff.regressed).toBe(true)
      }
    }
    expect(readdirSync(dir).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `c${String(i + 1).padStart(2, '0')}.json`),
    )
    const { records } = await readHistory(dir)
    expect(records.map((r) => r.commit)).toEqual(
      Array.from({ length: 20 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`),
    )
    const [trend] = historyTrends(records)
    expect(trend!.commits).toHaveLength(20)
    const flagged = trend!.points.filter((p) => p.narrowed).map((p) => [p.commit, p.className])
    expect(flagged).toEqual([['c13', 'LV']])
    expect(trend!.points.filter((p) => p.aucDropped).map((p) => p.commit)).toEqual(['c13'])
    // The last N: the narrowing stays inside the last 10.
    expect(historyTrends(records, { last: 10 })[0]!.commits).toEqual([
      'c11',
      'c12',
      'c13',
      'c14',
      'c15',
      'c16',
      'c17',
      'c18',
      'c19',
      'c20',
    ])
    // A margin as wide as the loss: nothing flagged.
    expect(
      historyTrends(records, { margin: 40, aucMargin: 1 })[0]!.points.some((p) => p.narrowed || p.aucDropped),
    ).toBe(false)
  })

  it('adds a re-run of a stored commit as nothing, and refuses a different run of it (append-only)', async () => {
    await addToHistory(dir, run(1))
    const before = readFileSync(join(dir, 'c01.json'), 'utf8')
    expect((await addToHistory(dir, { ...run(1), date: '2027-01-01T00:00:00.000Z' })).added).toBe(false)
    await expectRejection(
      addToHistory(dir, { ...run(13), commit: 'c01' }),
      'E_FILE_WRITE',
      'c01.json already holds a different run of commit c01',
      'append-only',
    )
    expect(readFileSync(join(dir, 'c01.json'), 'utf8')).toBe(before)
    // No temporary file is left beside the records.
    expect(readdirSync(dir)).toEqual(['c01.json'])
  })

  it('names a corrupt file, adds nothing, and loses nothing already stored', async () => {
    for (let i = 1; i <= 3; i++) await addToHistory(dir, run(i))
    const stored = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]))
    writeFileSync(join(dir, 'c02.json'), '{"schemaVersion":1,"kind":"segsense-hist')
    await expectRejection(
      addToHistory(dir, run(4)),
      'E_SCHEMA',
      `history file ${join(dir, 'c02.json')} is not valid JSON`,
    )
    await expectRejection(readHistory(dir), 'E_SCHEMA', 'c02.json')
    expect(readdirSync(dir).sort()).toEqual(['c01.json', 'c02.json', 'c03.json'])
    expect(readFileSync(join(dir, 'c01.json'), 'utf8')).toBe(stored['c01.json'])
    expect(readFileSync(join(dir, 'c03.json'), 'utf8')).toBe(stored['c03.json'])
    // Valid JSON that is not a record, and a record under another commit's name, are named too.
    writeFileSync(join(dir, 'c02.json'), '{"kind":"something-else"}')
    await expectRejection(
      readHistory(dir),
      'E_SCHEMA',
      'c02.json is not a segsense history record: kind is "something-else"',
    )
    writeFileSync(join(dir, 'c02.json'), JSON.stringify(run(3)))
    await expectRejection(readHistory(dir), 'E_SCHEMA', 'c02.json holds commit c03')
    // Restored: the history reads again, whole.
    writeFileSync(join(dir, 'c02.json'), stored['c02.json']!)
    expect((await readHistory(dir)).records).toHaveLength(3)
  })

  it('skips dot files (a write in progress or killed) and reads a missing folder as empty', async () => {
    await addToHistory(dir, run(1))
    writeFileSync(join(dir, '.c02.json.123-ab.tmp'), '{"half')
    writeFileSync(join(dir, '.c02.json'), '{"half')
    expect((await readHistory(dir)).records.map((r) => r.commit)).toEqual(['c01'])
    expect((await readHistory(join(dir, 'nope'))).records).toEqual([])
  })

  it('orders by date, not by file name, and takes the newest earlier run as the previous one', async () => {
    await addToHistory(dir, { ...run(1), commit: 'zzz', date: '2026-01-01T00:00:00.000Z' })
    await addToHistory(dir, { ...run(13), commit: 'aaa', date: '2026-01-02T00:00:00.000Z' })
    const { records } = await readHistory(dir)
    expect(records.map((r) => r.commit)).toEqual(['zzz', 'aaa'])
    expect(deltaAgainst(records, { ...run(2), commit: 'new', date: '2026-01-03T00:00:00.000Z' })!.previous.commit).toBe(
      'aaa',
    )
    expect(deltaAgainst(records, { ...run(2), commit: 'old', date: '2025-01-01T00:00:00.000Z' })).toBeUndefined()
  })
})
