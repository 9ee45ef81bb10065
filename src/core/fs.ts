/**
 * The one atomic file write of the library: images, prediction snapshots, cache entries, reports and histories all
 * go through it, so a crash or a full disk leaves the old file or the new one, never half a file. And the one guarded
 * read: a path that is not a regular file (a FIFO, a device, a socket, a folder) is refused before a byte is read.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs'
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises'
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

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; on a regular file it changes nothing.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** What a non-regular file is, for the message: "a FIFO (named pipe)", "a folder", ... */
function kindOf(info: Stats | undefined): string {
  if (!info) return 'not a regular file'
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

function notRegular(path: string, what: string, info: Stats | undefined): SegsenseError {
  const kind = kindOf(info)
  return new SegsenseError('E_FILE_READ', `cannot read ${what} ${path}: it is ${kind}, expected a regular file`, {
    details: { file: path, kind },
  })
}

function readFailure(path: string, what: string, e: unknown, info: Stats | undefined): SegsenseError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new SegsenseError('E_FILE_NOT_FOUND', `${what} not found: ${path}`, { cause: e, details: { file: path } })
  // ENXIO: a socket cannot be opened; EISDIR: a folder on some systems. Both are named by what they are.
  if (info && !info.isFile()) return notRegular(path, what, info)
  return new SegsenseError('E_FILE_READ', `cannot read ${what} ${path}: ${(e as Error).message}`, {
    cause: e,
    details: { file: path },
  })
}

/**
 * Reads a whole file, refusing at once a path that is not a regular file: it is opened without blocking and checked
 * with fstat before any read, so a FIFO, a device (/dev/zero would never end), a socket or a folder cannot hang the
 * caller, and no check-then-open race lets one in.
 * @param what names the file in messages ("image file", "robustness spec").
 * @throws SegsenseError `E_FILE_NOT_FOUND` for a missing path; `E_FILE_READ` naming the path and what it is (a FIFO,
 *   a folder, ...), or the system's reason (no permission).
 */
export async function readRegularFile(path: string, what: string): Promise<Buffer> {
  let fh: Awaited<ReturnType<typeof open>> | undefined
  try {
    fh = await open(path, READ_FLAGS)
    const info = await fh.stat()
    if (!info.isFile()) throw notRegular(path, what, info)
    return await fh.readFile()
  } catch (e) {
    if (e instanceof SegsenseError) throw e
    throw readFailure(path, what, e, await stat(path).catch(() => undefined))
  } finally {
    await fh?.close()
  }
}

/** {@link readRegularFile}, synchronously (spec files are read while vitest collects tests). */
export function readRegularFileSync(path: string, what: string): Buffer {
  let fd: number | undefined
  try {
    fd = openSync(path, READ_FLAGS)
    const info = fstatSync(fd)
    if (!info.isFile()) throw notRegular(path, what, info)
    return readFileSync(fd)
  } catch (e) {
    if (e instanceof SegsenseError) throw e
    let info: Stats | undefined
    try {
      info = statSync(path)
    } catch {
      info = undefined
    }
    throw readFailure(path, what, e, info)
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
