// A report folder is written whole beside its final place and swapped in at the end, so that a reader (or a
// killed or out-of-space write) never leaves an old index.html beside new images, nor a larger report's files.
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SegsenseError } from '../core/errors.js'

/** The files a report folder may hold: what writeReport writes, and writeFileAtomic's leftovers of older versions. */
const REPORT_FILE = /^(index\.html|results\.json|summary\.md|sweep-\d+(-strip\.png|\.gif)|\..+\.tmp)$/

/**
 * Test seam: called after each step of a staged write (`write <name>`, `aside`, `swap`, `clean`), so that a test can
 * kill the process at a chosen point. Not part of the public API.
 */
export const stagingHooks: { afterStep?: (step: string) => void } = {}

/** A folder being written beside its final place; {@link StagedFolder.commit} swaps it in. */
export interface StagedFolder {
  /** The final folder (absolute). */
  readonly dir: string
  /** The temporary sibling folder the files go to until the commit. */
  readonly staging: string
  /** Writes one file into the staging folder (flushed to disk) and returns its final path. */
  write(name: string, bytes: Uint8Array | string): Promise<string>
  /** Replaces the final folder with the staging folder: the old one is renamed aside, then removed. */
  commit(): Promise<void>
  /** Removes the staging folder (after a failed write). */
  discard(): Promise<void>
}

const tag = (): string => `${process.pid}-${randomBytes(4).toString('hex')}`
const prefix = (dir: string, kind: 'tmp' | 'old'): string => `.${basename(dir)}.segsense-${kind}-`

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes what earlier writes to `dir` left behind when they were killed: every folder set aside (`.<name>.segsense-old-*`)
 * and the staging folders (`.<name>.segsense-tmp-<pid>-*`) of processes that no longer run (a live one may be writing).
 */
async function cleanLeftovers(dir: string): Promise<void> {
  const parent = dirname(dir)
  const names = await readdir(parent).catch(() => [] as string[])
  const old = prefix(dir, 'old'),
    tmp = prefix(dir, 'tmp')
  await Promise.all(
    names.map(async (name) => {
      const pid = name.startsWith(tmp) ? Number(name.slice(tmp.length).split('-')[0]) : NaN
      if (name.startsWith(old) || (name.startsWith(tmp) && !alive(pid)))
        await rm(join(parent, name), { recursive: true, force: true })
    }),
  )
}

/** Refuses to replace a folder that holds anything but a report's own files (writeReport would delete them). */
async function checkReplaceable(dir: string): Promise<boolean> {
  let stat
  try {
    stat = await lstat(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  if (!stat.isDirectory())
    throw new SegsenseError('E_FILE_WRITE', `report folder ${dir} exists and is not a folder`, {
      details: { file: dir },
    })
  const foreign = (await readdir(dir)).filter((name) => !REPORT_FILE.test(name))
  if (foreign.length) {
    throw new SegsenseError(
      'E_FILE_WRITE',
      `report folder ${dir} holds files that are not part of a segsense report (${foreign
        .slice(0, 3)
        .map((n) => JSON.stringify(n))
        .join(
          ', ',
        )}${foreign.length > 3 ? ', ...' : ''}); a report replaces its whole folder: give it a folder of its own`,
      { details: { file: dir } },
    )
  }
  return true
}

/**
 * Starts writing the folder `dir`: checks that an existing `dir` holds only a report's files, removes the leftovers
 * of killed writes, and creates the staging folder `.<name>.segsense-tmp-<pid>-<random>` beside it.
 * @throws SegsenseError `E_FILE_WRITE` when `dir` is not a report folder or the staging folder cannot be created.
 */
export async function stageFolder(dir: string): Promise<StagedFolder> {
  let staging: string
  try {
    await checkReplaceable(dir)
    await mkdir(dirname(dir), { recursive: true })
    await cleanLeftovers(dir)
    staging = join(dirname(dir), `${prefix(dir, 'tmp')}${tag()}`)
    await mkdir(staging)
  } catch (e) {
    if (e instanceof SegsenseError) throw e
    throw new SegsenseError('E_FILE_WRITE', `cannot create report folder ${dir}: ${(e as Error).message}`, {
      cause: e,
      details: { file: dir },
    })
  }
  const step = (name: string): void => stagingHooks.afterStep?.(name)
  return {
    dir,
    staging,
    async write(name, bytes) {
      const path = join(staging, name)
      try {
        const fh = await open(path, 'wx')
        try {
          await fh.writeFile(bytes)
          await fh.sync()
        } finally {
          await fh.close()
        }
      } catch (e) {
        throw new SegsenseError('E_FILE_WRITE', `cannot write ${join(dir, name)}: ${(e as Error).message}`, {
          cause: e,
          details: { file: join(dir, name) },
        })
      }
      step(`write ${name}`)
      return join(dir, name)
    },
    async commit() {
      try {
        // Node has no atomic exchange of two folders: between these two renames `dir` is briefly absent (a reader
        // sees no report, never a mix). A second writer may swap in between: then set its folder aside too.
        for (let attempt = 0; ; attempt++) {
          const old = join(dirname(dir), `${prefix(dir, 'old')}${tag()}`)
          const hadOld = await checkReplaceable(dir)
          if (hadOld) {
            await rename(dir, old)
            step('aside')
          }
          try {
            await rename(staging, dir)
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code
            if (attempt < 3 && (code === 'ENOTEMPTY' || code === 'EEXIST')) continue
            // Put the old report back rather than leave no report at all.
            if (hadOld) await rename(old, dir).catch(() => undefined)
            throw e
          }
          step('swap')
          if (hadOld) await rm(old, { recursive: true, force: true })
          step('clean')
          return
        }
      } catch (e) {
        if (e instanceof SegsenseError) throw e
        throw new SegsenseError('E_FILE_WRITE', `cannot replace report folder ${dir}: ${(e as Error).message}`, {
          cause: e,
          details: { file: dir },
        })
      }
    },
    async discard() {
      await rm(staging, { recursive: true, force: true })
    },
  }
}
