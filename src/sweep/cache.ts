/**
 * The sweep result cache: one file per score entry (one sample at one swept value under one set of sweep settings)
 * and one per clean prediction (`reference: 'prediction'`), content-addressed by a SHA-256 of everything that
 * decides the scores. Entries are written to a temp file and renamed (concurrent vitest workers writing the same
 * entry leave one whole file), carry a hash of their payload (a corrupt or partial entry is a miss, recomputed and
 * rewritten, never trusted), and the folder has a size bound with least-recently-used eviction (a hit refreshes the
 * entry's mtime). See docs/performance.md, "Cache".
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../core/fs.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import { checkObject, reject } from '../core/validate.js'
import type { LabelMap, Sample } from '../core/types.js'
import { stableJson } from '../models/fingerprint.js'
import type { CacheOptions, SweepPlan } from './types.js'

/** Default size bound of the cache folder: 256 MiB. */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024

/** Layout version of the cache files; part of every key and of the folder name, bumped on incompatible changes. */
const FORMAT = 1
const MAGIC = `segsense-cache/${FORMAT}`
/** Eviction stops at this fraction of the bound, so that a full cache is not pruned again after every sweep. */
const PRUNE_TO = 0.75
/** A folder is scanned for eviction at most this often (by any process), unless a process wrote maxBytes/8 since. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000
/** Temp files older than this are leftovers of a killed writer. */
const STALE_TMP_MS = 10 * 60 * 1000

/** A resolved cache: the folder (already created) and its bound. @internal */
export interface CacheStore {
  readonly dir: string
  readonly maxBytes: number
}

let warned = false
const disabledDirs = new Set<string>()

/**
 * One warning per process, whatever the cause and folder: a cache that cannot work is turned off, never a failure,
 * and a long run with many sweeps says so once. `SEGSENSE_QUIET=1` (the CLI sets it under `--quiet`) silences it:
 * the CLI promises one line on stderr for an error and nothing else when quiet.
 */
function warnOnce(message: string): void {
  if (warned) return
  warned = true
  if (process.env.SEGSENSE_QUIET === '1') return
  process.emitWarning(`segsense cache disabled: ${message}`, { code: 'SEGSENSE_CACHE_DISABLED' })
}

/** The nearest `node_modules` folder at or above `from`, or undefined. */
function nearestNodeModules(from: string): string | undefined {
  let dir = resolve(from)
  for (;;) {
    const candidate = join(dir, 'node_modules')
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * Resolves the `cache` option of a sweep: `true`/`false`, or `{ dir, maxBytes }`; null for `false` (the cache off),
 * else where it lives (`{}` for the defaults).
 * @throws SegsenseError `E_WRONG_TYPE`/`E_OUT_OF_RANGE` naming the bad value, `E_UNKNOWN_OPTION` a bad key.
 */
export function resolveCacheOption(option: unknown): CacheOptions | null {
  if (option === false) return null
  if (option === undefined || option === true) return {}
  checkObject('sweep option cache', option, 'true, false or { dir, maxBytes }')
  checkKnownKeys(option, optionKeys<CacheOptions>({ dir: true, maxBytes: true }), 'sweep option cache')
  const { dir, maxBytes } = option as CacheOptions
  if (dir !== undefined && (typeof dir !== 'string' || dir === ''))
    reject(typeof dir === 'string' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE', 'sweep option cache.dir', dir, 'a folder path')
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1)) {
    const code = typeof maxBytes === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
    reject(code, 'sweep option cache.maxBytes', maxBytes, 'an integer number of bytes >= 1')
  }
  return option
}

/**
 * Whether a transform is one of segsense's own, or made from one with `.with()`: the built-in of that name, given the
 * same options, has the very same parameter object (`defineTransform` hands it to every `.with()` product), which a
 * user's `defineTransform` under a built-in name does not. The registry is loaded lazily: it imports every transform.
 */
async function builtIn(transform: SweepPlan['transform']): Promise<boolean> {
  const { transformsByName } = await import('../transforms/registry.js')
  return Object.values(transformsByName).some((t) => {
    if (t.name !== transform.name) return false
    if (t.parameter === transform.parameter) return true
    try {
      return t.with(transform.options ?? {}).parameter === transform.parameter
    } catch {
      return false
    }
  })
}

/**
 * The cache of a planned sweep, or null when it runs uncached: see {@link openCache}, and a transform that is not
 * built into segsense (its code is no part of any key, so an edited transform could hit a stale entry).
 */
export async function cacheFor(plan: SweepPlan): Promise<CacheStore | null> {
  const { cache, model, transform } = plan
  if (cache === null || envOff() || typeof model.fingerprint !== 'string' || !(await builtIn(transform))) return null
  return openCache(cache, model.fingerprint)
}

/** `SEGSENSE_CACHE=0` (also `false`, `off`). */
function envOff(): boolean {
  const env = process.env.SEGSENSE_CACHE?.trim().toLowerCase()
  return env === '0' || env === 'false' || env === 'off'
}

/**
 * The cache folder, or null when a sweep runs uncached: `cache: false`, `SEGSENSE_CACHE=0` (also `false`/`off`),
 * a model without a `fingerprint` (a function model: its code is not part of any key, so a hit could be stale), or a
 * folder that cannot be created or written (one warning, then uncached). The folder is `cache.dir`, else
 * `SEGSENSE_CACHE_DIR`, else `.cache/segsense` in the nearest `node_modules` above the working directory (none: one
 * warning, uncached); nothing is written outside it.
 */
export function openCache(
  option: boolean | CacheOptions | undefined,
  fingerprint: string | undefined,
): CacheStore | null {
  if (option === false || envOff()) return null
  if (typeof fingerprint !== 'string' || fingerprint === '') return null
  const given = typeof option === 'object' ? option : {}
  let root = given.dir ?? (process.env.SEGSENSE_CACHE_DIR || undefined)
  if (root === undefined) {
    const modules = nearestNodeModules(process.cwd())
    if (modules === undefined) {
      warnOnce(`no node_modules folder at or above ${process.cwd()}; set SEGSENSE_CACHE_DIR or the cache.dir option`)
      return null
    }
    root = join(modules, '.cache', 'segsense')
  }
  const dir = join(resolve(root), `v${FORMAT}`)
  if (disabledDirs.has(dir)) return null
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    disable(dir, `cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    return null
  }
  return { dir, maxBytes: given.maxBytes ?? DEFAULT_CACHE_MAX_BYTES }
}

function disable(dir: string, message: string): void {
  disabledDirs.add(dir)
  warnOnce(message)
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')

let runtimeText: string | undefined
/** onnxruntime's version (read from its package.json, not by loading it), the platform and segsense's version. */
function runtime(): string {
  if (runtimeText !== undefined) return runtimeText
  const require = createRequire(import.meta.url)
  const version = (path: string): string => {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown'
    } catch {
      return 'none'
    }
  }
  let ort = 'none'
  try {
    ort = version(require.resolve('onnxruntime-node/package.json'))
  } catch {
    // Not installed: a function model with a fingerprint can still be cached.
  }
  // src/sweep and dist/sweep both sit two levels below the package root.
  const own = version(fileURLToPath(new URL('../../package.json', import.meta.url)))
  runtimeText = `segsense ${own}, onnxruntime ${ort}, ${process.platform}-${process.arch}`
  return runtimeText
}

/**
 * The part of every entry key a whole sweep shares: the model's fingerprint, the transform (a built-in one: name,
 * parameter and options), what is scored and how, onnxruntime, platform and segsense versions. The batch size is not
 * part of it (batching does not change a prediction).
 * @internal
 */
export function sweepDigest(plan: SweepPlan): string {
  const t = plan.transform
  const nsd = plan.metrics.includes('nsd')
  return sha256(
    stableJson({
      format: FORMAT,
      runtime: runtime(),
      model: plan.model.fingerprint,
      transform: { name: t.name, options: t.options ?? {}, parameter: t.parameter.name },
      metrics: [...plan.metrics].sort(),
      classes: plan.classes,
      includeBackground: plan.includeBackground,
      reference: plan.reference,
      emptyPolicy: plan.emptyPolicy.bothEmpty,
      ...(nsd ? { nsdTolerance: plan.nsdTolerance } : {}),
    }),
  )
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** The hash of a sample's pixels (and truth, when it is the reference) with their sizes and spacings; not its id. @internal */
export function sampleDigest(sample: Sample, withTruth: boolean): string {
  const h = createHash('sha256')
  const img = sample.image
  h.update(`image ${img.width}x${img.height}x${img.channels} ${String(img.spacing)}\n`)
  h.update(bytesOf(img.data))
  const truth = sample.truth
  if (withTruth && truth) {
    h.update(`\ntruth ${truth.width}x${truth.height} ${truth.data.BYTES_PER_ELEMENT} ${String(truth.spacing)}\n`)
    h.update(bytesOf(truth.data))
  }
  return h.digest('hex')
}

/** Key of the score entry of one sample at one value. @internal */
export function scoreKey(sweep: string, sample: string, value: number): string {
  return sha256(`scores ${sweep} ${sample} ${String(value)}`)
}

/** Key of a clean prediction: the model, the runtime and the image only. @internal */
export function cleanKey(fingerprint: string, image: string): string {
  return sha256(`clean ${FORMAT} ${runtime()} ${fingerprint} ${image}`)
}

function entryPath(store: CacheStore, key: string): string {
  return join(store.dir, key.slice(0, 2), `${key}.entry`)
}

/**
 * Reads an entry's payload, or null when it is absent or not whole: the header names the format, the key, the
 * payload's SHA-256 and length; anything that does not match (a truncated write, a flipped byte, another key) is a
 * miss. A hit refreshes the entry's mtime, the clock of the least-recently-used eviction.
 * @internal
 */
export function readEntry(store: CacheStore, key: string): Uint8Array | null {
  const path = entryPath(store, key)
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return null
  }
  const nl = file.indexOf(10)
  if (nl < 0) return null
  const [magic, k, hash, length] = file.subarray(0, nl).toString('latin1').split(' ')
  const payload = file.subarray(nl + 1)
  if (magic !== MAGIC || k !== key || Number(length) !== payload.length || sha256(payload) !== hash) return null
  try {
    const now = new Date()
    utimesSync(path, now, now)
  } catch {
    // Read-only cache: still served, only not refreshed.
  }
  return payload
}

const madeShards = new Set<string>()

/** An entry's path, its bytes (header and payload) and a temp path beside it unique to this process and call. */
function prepareEntry(store: CacheStore, key: string, payload: Uint8Array): { path: string; bytes: Buffer } {
  const path = entryPath(store, key)
  const header = Buffer.from(`${MAGIC} ${key} ${sha256(payload)} ${payload.length}\n`, 'latin1')
  return { path, bytes: Buffer.concat([header, payload]) }
}

/** A write failed for good: its temp file is removed and the cache turned off for the process (one warning). */
function writeFailed(store: CacheStore, error: unknown): 0 {
  disable(store.dir, `cannot write to ${store.dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  return 0
}

/** Writes in flight at once: file creation waits on the disk, so overlapping writes hide most of that wait. */
const WRITE_CONCURRENCY = 16

/**
 * Writes entries, up to 16 at a time, each atomically: a temp file beside it (unique per process and call), then a
 * rename, so a reader sees the old entry, the new one or none, never half of one. One mkdir per shard folder and
 * process, again if the folder vanished. Returns the bytes written (0 for entries after the cache turned off).
 * @internal
 */
export async function writeEntries(
  store: CacheStore,
  entries: readonly { readonly key: string; readonly payload: Uint8Array }[],
): Promise<number> {
  let written = 0
  let next = 0
  const one = async (key: string, payload: Uint8Array): Promise<number> => {
    if (disabledDirs.has(store.dir)) return 0
    const { path, bytes } = prepareEntry(store, key, payload)
    const shard = dirname(path)
    for (let attempt = 0; ; attempt++) {
      try {
        if (!madeShards.has(shard) || attempt > 0) {
          await mkdir(shard, { recursive: true })
          madeShards.add(shard)
        }
        // Not durable: an entry lost in a crash is recomputed, and a torn one fails its checksum.
        await writeFileAtomic(path, bytes, { durable: false })
        return bytes.length
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error
        // A concurrent prune may have removed the shard folder between mkdir and open: make it again, once.
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue
        return writeFailed(store, cause)
      }
    }
  }
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const e = entries[next++] as { key: string; payload: Uint8Array }
      written += await one(e.key, e.payload)
    }
  }
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, entries.length) }, worker))
  return written
}

/** A label map as an entry payload: `width height bytesPerId\n` and the ids. @internal */
export function encodeLabels(map: LabelMap): Uint8Array {
  return Buffer.concat([
    Buffer.from(`${map.width} ${map.height} ${map.data.BYTES_PER_ELEMENT}\n`, 'latin1'),
    bytesOf(map.data),
  ])
}

/** The label map of a payload written by {@link encodeLabels}, or null when it does not fit its header. @internal */
export function decodeLabels(payload: Uint8Array): LabelMap | null {
  const nl = payload.indexOf(10)
  if (nl < 0) return null
  const header = Buffer.from(payload.buffer, payload.byteOffset, nl).toString('latin1') // a view, not a copy
  const [w, h, b] = header.split(' ').map(Number)
  const width = w as number
  const height = h as number
  const body = payload.subarray(nl + 1)
  if (!(width > 0 && height > 0) || body.length !== width * height * (b as number)) return null
  // Copied into a fresh, aligned buffer: the file's buffer may start at any byte.
  const data = b === 1 ? new Uint8Array(body) : b === 2 ? new Uint16Array(new Uint8Array(body).buffer) : null
  return data ? { width, height, data } : null
}

const writtenSincePrune = new Map<string, number>()

/**
 * Prunes the folder after a sweep wrote `written` bytes, but scans it (one stat per entry) at most every 10 minutes,
 * by whichever process comes first (the mtime of `last-prune` in the folder says when), unless this process alone
 * has written an eighth of the bound since its last scan.
 * @internal
 */
export function maybePrune(store: CacheStore, written: number): void {
  const since = (writtenSincePrune.get(store.dir) ?? 0) + written
  const marker = join(store.dir, 'last-prune')
  let last = 0
  try {
    last = statSync(marker).mtimeMs
  } catch {
    // Never pruned.
  }
  if (since < store.maxBytes / 8 && Date.now() - last < PRUNE_INTERVAL_MS) {
    writtenSincePrune.set(store.dir, since)
    return
  }
  writtenSincePrune.set(store.dir, 0)
  try {
    writeFileSync(marker, '')
  } catch {
    // A read-only folder is not written by sweeps either.
  }
  pruneCache(store)
}

/** What {@link pruneCache} found and removed. */
export interface PruneReport {
  readonly files: number
  readonly bytes: number
  readonly removed: number
}

/**
 * Keeps the cache under its bound: when its entries hold more than `maxBytes`, removes the least recently used
 * (oldest mtime) until they hold at most 3/4 of it; removes temp files of killed writers. Errors (an entry removed
 * by another process meanwhile) are skipped.
 * @internal
 */
export function pruneCache(store: CacheStore): PruneReport {
  const entries: { path: string; size: number; mtime: number }[] = []
  let bytes = 0
  let removed = 0
  const now = Date.now()
  let shards: string[]
  try {
    shards = readdirSync(store.dir)
  } catch {
    return { files: 0, bytes: 0, removed: 0 }
  }
  for (const shard of shards) {
    let names: string[]
    try {
      names = readdirSync(join(store.dir, shard))
    } catch {
      continue
    }
    for (const name of names) {
      const path = join(store.dir, shard, name)
      try {
        const st = statSync(path)
        if (name.endsWith('.tmp')) {
          if (now - st.mtimeMs > STALE_TMP_MS) {
            unlinkSync(path)
            removed++
          }
          continue
        }
        entries.push({ path, size: st.size, mtime: st.mtimeMs })
        bytes += st.size
      } catch {
        // Gone meanwhile.
      }
    }
  }
  if (bytes > store.maxBytes) {
    entries.sort((a, b) => a.mtime - b.mtime)
    const target = store.maxBytes * PRUNE_TO
    for (const e of entries) {
      if (bytes <= target) break
      try {
        unlinkSync(e.path)
        removed++
      } catch {
        // Removed by another process.
      }
      bytes -= e.size
    }
  }
  return { files: entries.length, bytes, removed }
}
