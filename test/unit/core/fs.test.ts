// createFileAtomic: the exclusive create of core/fs.ts (the history store's append-only write).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileAtomic, writeFileAtomic } from '../../../src/core/fs.js'
import { expectRejection } from '../../support/helpers.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'segsense-fs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('createFileAtomic', () => {
  it('creates a missing file, and leaves an existing one untouched (false), with no temporary file left', async () => {
    const file = join(dir, 'sub', 'a.json')
    expect(await createFileAtomic(file, 'first', { makeDir: true })).toBe(true)
    expect(await createFileAtomic(file, 'second')).toBe(false)
    expect(readFileSync(file, 'utf8')).toBe('first')
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.json'])
  })

  it('lets exactly one of many concurrent writers create the file, whole', async () => {
    const file = join(dir, 'c.json')
    const texts = Array.from({ length: 12 }, (_, i) => `writer ${i} `.repeat(5000))
    const created = await Promise.all(texts.map((t) => createFileAtomic(file, t)))
    expect(created.filter(Boolean)).toHaveLength(1)
    expect(readFileSync(file, 'utf8')).toBe(texts[created.indexOf(true)])
    expect(readdirSync(dir)).toEqual(['c.json'])
  })

  it('is an E_FILE_WRITE naming the file when the folder is missing, unlike writeFileAtomic over an existing file', async () => {
    await expectRejection(
      createFileAtomic(join(dir, 'none', 'x.json'), 'x', { what: 'history record' }),
      'E_FILE_WRITE',
      'history record',
    )
    writeFileSync(join(dir, 'w.json'), 'old')
    await writeFileAtomic(join(dir, 'w.json'), 'new')
    expect(readFileSync(join(dir, 'w.json'), 'utf8')).toBe('new')
  })
})
