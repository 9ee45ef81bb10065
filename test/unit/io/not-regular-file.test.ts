import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDicom } from '../../../src/io/dicom/load.js'
import { loadImage } from '../../../src/io/image.js'
import { loadMask, loadSample } from '../../../src/io/mask.js'
import { loadNifti } from '../../../src/io/nifti.js'
import { loadSpec } from '../../../src/requirements/load.js'
import { expectRejection } from '../../support/helpers.js'

let dir: string
let fifo: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segsense-fifo-'))
  fifo = join(dir, 'pipe.png')
  execFileSync('mkfifo', [fifo]) // a real named pipe nobody writes to: a plain read would wait forever
  await mkdir(join(dir, 'folder.nii'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs a load and asserts it was refused with E_FILE_READ naming the path and its kind, within a second. */
async function refusedAtOnce(load: Promise<unknown>, path: string, kind: string): Promise<void> {
  const started = performance.now()
  const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 1000).unref())
  const outcome = await Promise.race([
    load.then(
      () => 'loaded',
      (e: unknown) => e,
    ),
    timeout,
  ])
  expect(outcome).not.toBe('hung')
  expect(performance.now() - started).toBeLessThan(1000)
  await expectRejection(
    outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome),
    'E_FILE_READ',
    path,
    kind,
    'expected a regular file',
  )
}

describe('a path that is not a regular file is refused at once', () => {
  it('a FIFO, through every loader', async () => {
    for (const load of [
      () => loadImage(fifo),
      () => loadMask(fifo),
      () => loadSample('s', fifo, fifo),
      () => loadNifti(fifo),
      () => loadDicom(fifo),
    ])
      await refusedAtOnce(load(), fifo, 'a FIFO (named pipe)')
  })

  it('a folder and a character device', async () => {
    // A folder without a file extension is a DICOM series to loadImage; one named like a file is refused.
    const folder = join(dir, 'folder.nii')
    await refusedAtOnce(loadImage(folder), folder, 'a folder')
    await refusedAtOnce(loadNifti(folder), folder, 'a folder')
    // /dev/zero never ends: reading it would fill memory, not just block.
    if (existsSync('/dev/zero')) await refusedAtOnce(loadImage('/dev/zero'), '/dev/zero', 'a character device')
    if (existsSync('/dev/null')) await refusedAtOnce(loadMask('/dev/null'), '/dev/null', 'a character device')
  })

  it('a spec file that is a FIFO (read synchronously while vitest collects tests) does not block', async () => {
    const spec = join(dir, 'spec.json')
    execFileSync('mkfifo', [spec])
    await refusedAtOnce(
      Promise.resolve().then(() => loadSpec(spec)),
      spec,
      'a FIFO (named pipe)',
    )
  })

  it('a missing path is still E_FILE_NOT_FOUND', async () => {
    await expectRejection(loadImage(join(dir, 'nothing.png')), 'E_FILE_NOT_FOUND', join(dir, 'nothing.png'))
  })
})
