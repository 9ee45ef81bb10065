// `node --import ./test/support/import-log.mjs`: appends the URL of every ES module the process resolves (one per
// line) to the file named by SEGSENSE_IMPORT_LOG, so a test can tell which packages an entry point loads.
// Node 20 runs module hooks on a separate thread: the hooks write the file themselves (synchronously, so nothing is
// lost at exit) instead of messaging the main thread.
import { appendFileSync } from 'node:fs'
import { register } from 'node:module'
import { isMainThread } from 'node:worker_threads'

const log = process.env.SEGSENSE_IMPORT_LOG
if (!log) throw new Error('import-log.mjs: set SEGSENSE_IMPORT_LOG to the file to append resolved URLs to')

// This file is both the --import entry (main thread: register the hooks) and the hooks module (hooks thread).
if (isMainThread) register(import.meta.url)

/** The module resolve hook: records each resolved URL. */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  appendFileSync(log, `${resolved.url}\n`)
  return resolved
}
