import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  markTouched,
  obsoletePredictionFiles,
  reportObsoletePredictions,
} from '../../../src/vitest/prediction-obsolete.js'
import { predictionDir } from '../../../src/vitest/prediction-store.js'

let root: string
let testPath: string
let dir: string
const sidecar = (test: string, files: string[]) =>
  JSON.stringify({
    segsense: 'prediction-snapshot',
    version: 1,
    test,
    model: { name: 'm', fingerprint: null, classes: { 1: 'a' } },
    runtime: {},
    transform: null,
    predictions: files.map((file) => ({ sample: file, file, width: 1, height: 1, sha256: '' })),
  })

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'segsense-obsolete-'))
  testPath = join(root, 'x.test.ts')
  dir = predictionDir(testPath)
  mkdirSync(dir, { recursive: true })
  // "kept 1" ran; "gone 1" belongs to a removed test; "skipped 1" to a test that did not pass; "kept 2" to a call that no longer runs
  writeFileSync(join(dir, 'kept 1.json'), sidecar('kept 1', ['kept 1.a.png']))
  writeFileSync(join(dir, 'kept 2.json'), sidecar('kept 2', ['kept 2.a.png']))
  writeFileSync(join(dir, 'gone 1.json'), sidecar('gone 1', ['gone 1.a.png']))
  writeFileSync(join(dir, 'skipped 1.json'), sidecar('skipped 1', ['skipped 1.a.png']))
  for (const f of ['kept 1.a.png', 'kept 1.old.png', 'kept 2.a.png', 'gone 1.a.png', 'skipped 1.a.png'])
    writeFileSync(join(dir, f), '')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const tests = [
  { name: 'kept', passed: true },
  { name: 'skipped', passed: false },
]
const OBSOLETE = ['gone 1.a.png', 'gone 1.json', 'kept 1.old.png', 'kept 2.a.png', 'kept 2.json']

describe('obsolete prediction snapshot files', () => {
  it('are the files no call touched, except those of tests that did not pass', async () => {
    markTouched(dir, ['kept 1.json', 'kept 1.a.png'])
    expect(await obsoletePredictionFiles(testPath, tests)).toEqual({ dir, files: OBSOLETE })
  })

  it('are listed in a warning on a local run, fail the file under CI, and are removed by -u', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      markTouched(dir, ['kept 1.json', 'kept 1.a.png'])
      await reportObsoletePredictions(testPath, tests, 'new')
      expect(warn.mock.calls[0]![0]).toMatch(
        /^segsense: 5 obsolete prediction snapshot file\(s\) in .* \(run `vitest -u` to remove them\):\n {2}gone 1\.a\.png/,
      )
      markTouched(dir, ['kept 1.json', 'kept 1.a.png'])
      await expect(reportObsoletePredictions(testPath, tests, 'none')).rejects.toThrow(
        /Obsolete prediction snapshots found when no snapshot update is expected \(5 file\(s\) in /,
      )
      markTouched(dir, ['kept 1.json', 'kept 1.a.png'])
      await reportObsoletePredictions(testPath, tests, 'all')
      expect(readdirSync(dir).sort()).toEqual(['kept 1.a.png', 'kept 1.json', 'skipped 1.a.png', 'skipped 1.json'])
    } finally {
      warn.mockRestore()
    }
  })

  it('nothing to report without a snapshot folder', async () => {
    expect(await obsoletePredictionFiles(join(root, 'other.test.ts'), [])).toEqual({
      dir: predictionDir(join(root, 'other.test.ts')),
      files: [],
    })
    expect(existsSync(predictionDir(join(root, 'other.test.ts')))).toBe(false)
  })
})
