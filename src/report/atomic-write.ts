// The atomic file write of the job summary, `segsense diff --out` and the history store. A local stand-in: this
// branch has no src/core/fs.ts (the project's one atomic write); when it lands, these callers move to it.
import { randomBytes } from 'node:crypto'
import { link, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `path` whole or not at all: the bytes go to a temporary dot file beside it (flushed to disk), which then
 * takes the name, so a reader (or a killed write) sees the old file or the new one. With `exclusive`, the temporary
 * file is hard-linked to `path` instead of renamed over it, which fails when `path` exists: two writers never
 * overwrite each other. Returns false when `exclusive` found `path` there (nothing written).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { readonly exclusive?: boolean } = {},
): Promise<boolean> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    if (!options.exclusive) {
      await rename(tmp, path)
      return true
    }
    await link(tmp, path)
    return true
  } catch (e) {
    if (options.exclusive && (e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  } finally {
    // After a rename the temporary name is gone already; after a link (or a failure) it is removed.
    await unlink(tmp).catch(() => undefined)
  }
}
