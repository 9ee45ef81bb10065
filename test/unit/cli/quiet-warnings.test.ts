// --quiet silences the library's own warnings too (the result cache's "disabled"): the CLI sets SEGSENSE_QUIET=1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src/cli/main.js'
import { fixtureModelPath } from '../../../src/models/fixtures.js'

const sample = (name: string) => fileURLToPath(new URL(`../../../fixtures/samples/cardiac/${name}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'segsense-quiet-'))

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  delete process.env.SEGSENSE_CACHE_DIR
  delete process.env.SEGSENSE_QUIET
  rmSync(dir, { recursive: true, force: true })
})

describe('segsense --quiet', () => {
  it('prints no cache-disabled warning for an unwritable cache folder, nothing at all on stderr', async () => {
    writeFileSync(join(dir, 'file'), '')
    process.env.SEGSENSE_CACHE_DIR = join(dir, 'file', 'cache') // below a plain file: cannot be created, even as root
    delete process.env.SEGSENSE_QUIET
    vi.stubEnv('SEGSENSE_CACHE', '1') // vitest.config turns the cache off for the suite; this test needs it on
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    let stderr = ''
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true))
    const argv = ['sweep', '-m', fixtureModelPath('cardiac-fragile'), '-c', '1=RV,2=MYO,3=LV', '-T', 'rotate']
    const code = await main([
      ...argv,
      '--values',
      '0,20',
      '-i',
      sample('sa-01.png'),
      '-t',
      sample('sa-01-mask.png'),
      '-q',
    ])
    expect(code).toBe(0)
    expect(process.env.SEGSENSE_QUIET).toBe('1')
    expect(warn).not.toHaveBeenCalled()
    expect(stderr).toBe('')
  }, 60_000)
})
