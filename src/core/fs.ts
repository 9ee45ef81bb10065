/**
 * The one atomic file write of the library: images, prediction snapshots, cache entries, reports and histories all
 * go through it, so a crash or a full disk leaves the old file or the new one, never half a file.
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SegsenseError, describeValue } from './errors.js'

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Names the file in the error message: `cannot write prediction snapshot a.png: ...`; default none. */
  readonly what?: string
  /** Create the parent folder first (recursively); default false. */
  readonly makeDir?: boolean
  /** Flush the data to disk before the rename (fsync); default true. A cache entry that can be recomputed skips it. */
  readonly durable?: boolean
}

let counter = 0

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same folder is written (and flushed to disk unless
 * `durable: false`) and renamed over `path`. The temporary file is removed when anything fails.
 * @throws SegsenseError `E_BAD_PARAMETER` for an empty path; `E_FILE_WRITE` naming the path and the reason (the
 *   system error is its `cause`, so a caller can tell ENOENT from ENOSPC).
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeThenCommit(path, bytes, options, (tmp) => rename(tmp, path))
}

/**
 * Creates `path` atomically and only if it does not exist: as {@link writeFileAtomic}, but the temporary file is
 * hard-linked to `path` instead of renamed over it, and a link fails when `path` exists, so two writers never
 * overwrite each other (append-only stores: the history folder). Returns false when `path` was there already
 * (nothing written).
 * @throws SegsenseError as {@link writeFileAtomic}.
 */
export async function createFileAtomic(
  path: string,
  bytes: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  let created = true
  await writeThenCommit(path, bytes, options, async (tmp) => {
    try {
      await link(tmp, path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      created = false
    } finally {
      // After a link (or a failed one) the temporary name is still there.
      await rm(tmp, { force: true })
    }
  })
  return created
}

/** Writes a temporary file beside `path`, then `commit(tmp)` gives it the name; the temporary file never stays. */
async function writeThenCommit(
  path: string,
  bytes: Uint8Array | string,
  options: AtomicWriteOptions,
  commit: (tmp: string) => Promise<void>,
): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new SegsenseError(
      typeof path !== 'string' ? 'E_WRONG_TYPE' : 'E_OUT_OF_RANGE',
      `output path must be a non-empty string, got ${describeValue(path)}`,
    )
  }
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${(counter++).toString(36)}${randomBytes(4).toString('hex')}.tmp`,
  )
  let created = false
  try {
    if (options.makeDir) await mkdir(dirname(path), { recursive: true })
    const fh = await open(tmp, 'wx')
    created = true
    try {
      await fh.writeFile(bytes)
      if (options.durable !== false) await fh.sync()
    } finally {
      await fh.close()
    }
    await commit(tmp)
  } catch (e) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined)
    const what = options.what ? `${options.what} ` : ''
    throw new SegsenseError('E_FILE_WRITE', `cannot write ${what}${path}: ${(e as Error).message}`, {
      cause: e,
      details: { file: path },
    })
  }
}
