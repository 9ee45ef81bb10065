// segsense/reporter's options are checked when vitest builds the reporter: a misspelt one would silently keep no
// history or write no summary.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gatesOf } from '../../../src/history/gates.js'
import { historyRecord } from '../../../src/history/records.js'
import { addToHistory } from '../../../src/report/history-store.js'
import SegsenseReporter from '../../../src/vitest/reporter.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'
import { rotationResult } from '../../support/history.js'

describe('segsense/reporter options', () => {
  it('names a misspelt option, a misspelt history key and a bad history folder', () => {
    expect(
      () =>
        new SegsenseReporter({
          summary: 'x.md',
          history: { dir: 'h', margin: 2 },
          stepSummary: false,
          reportUrl: 'https://x',
        }),
    ).not.toThrow()
    expectThrow(
      () => new SegsenseReporter({ histroy: { dir: 'h' } } as never),
      'E_UNKNOWN_OPTION',
      'histroy',
      'history',
    )
    expectThrow(() => new SegsenseReporter({ history: { dri: 'h' } } as never), 'E_UNKNOWN_OPTION', 'dri')
    expectThrow(
      () => new SegsenseReporter({ history: {} } as never),
      'E_WRONG_TYPE',
      'history.dir must be a folder path',
    )
    expectThrow(
      () => new SegsenseReporter({ history: { dir: '' } }),
      'E_OUT_OF_RANGE',
      'history.dir must be a folder path',
    )
    expectThrow(() => new SegsenseReporter({ history: 'h' } as never), 'E_WRONG_TYPE', 'history must be an object')
    expectThrow(() => new SegsenseReporter({ summary: '' }), 'E_OUT_OF_RANGE', 'summary must be a non-empty string')
    expectThrow(() => new SegsenseReporter({ reportUrl: 3 } as never), 'E_WRONG_TYPE', 'reportUrl must be a non-empty')
  })
})

describe("addToHistory's onConflict: 'keep' (the reporter's choice)", () => {
  it('keeps the stored run of a commit and says so, instead of failing the test run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segsense-keep-'))
    try {
      const run = (width: number) =>
        historyRecord(
          gatesOf([{ result: rotationResult({ LV: { width } }), test: { file: 'a.test.ts', name: 'g' } }]),
          'abc',
          '2026-12-01T00:00:00Z',
        )
      await addToHistory(dir, run(40))
      expect(await addToHistory(dir, run(20), { onConflict: 'keep' })).toMatchObject({ added: false, conflict: true })
      await expectRejection(addToHistory(dir, run(20)), 'E_FILE_WRITE', 'append-only')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
