/**
 * Where and how prediction snapshots are stored: beside the test file in
 * `__snapshots__/<test file>.predictions/`, one lossless PNG of class ids per test, sample and value, and one JSON
 * sidecar per matcher call (what produced the predictions, and each PNG's hash and size). Files are written to a
 * temporary name and renamed, so a crash never leaves half a snapshot.
 */
import { createHash } from 'node:crypto'
import { readFile, readdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { SegsenseError } from '../core/errors.js'
import { writeFileAtomic } from '../core/fs.js'
import type { Classes, LabelMap } from '../core/types.js'
import { safeFileName } from '../io/file-name.js'
import { decodePng, encodePng } from '../io/png.js'

/** One stored prediction, as the sidecar lists it. */
export interface StoredPrediction {
  readonly sample: string
  /** The transform's value; absent without a transform. */
  readonly value?: number
  /** The PNG's file name in the snapshot folder. */
  readonly file: string
  readonly width: number
  readonly height: number
  /** {@link labelMapHash} of the prediction. */
  readonly sha256: string
}

/** What ran the model, recorded so that a failure can say when the runtime or platform changed. */
export interface PredictionRuntime {
  /** onnxruntime-node's version for an ONNX model, else null. */
  readonly onnxruntime: string | null
  /** `process.platform-process.arch`, e.g. `linux-x64`. */
  readonly platform: string
  readonly node: string
}

/** The JSON sidecar of one `toMatchPredictionSnapshot` call. */
export interface PredictionSidecar {
  readonly segsense: 'prediction-snapshot'
  readonly version: 1
  /** The snapshot key: the test's name (describe names joined by ` > `) and the call's number in the test. */
  readonly test: string
  readonly model: { readonly name: string; readonly fingerprint: string | null; readonly classes: Classes }
  readonly runtime: PredictionRuntime
  readonly transform: { readonly name: string; readonly options: Readonly<Record<string, unknown>> } | null
  readonly predictions: readonly StoredPrediction[]
}

/** The folder of a test file's prediction snapshots. */
export function predictionDir(testPath: string): string {
  return join(dirname(testPath), '__snapshots__', `${basename(testPath)}.predictions`)
}

const short = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8)

/**
 * A file name for `parts` joined by `.`: each part sanitised, and a short hash of the whole added when sanitising
 * cut or changed it (two long test names never share a file).
 */
export function snapshotFileName(parts: readonly string[], ext: string): string {
  const raw = parts.join('.')
  const safe = safeFileName(raw, 'snapshot')
  return `${safe}${safe === raw ? '' : `-${short(raw)}`}${ext}`
}

/** The runtime of this process for `model` (onnxruntime's version read from its package.json, never loaded). */
export function currentRuntime(model: { readonly fingerprint?: string }): PredictionRuntime {
  let onnxruntime: string | null = null
  if (model.fingerprint?.startsWith('file:')) {
    try {
      onnxruntime = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version
    } catch {
      onnxruntime = 'unknown'
    }
  }
  return { onnxruntime, platform: `${process.platform}-${process.arch}`, node: process.version }
}

/** Writes a prediction snapshot's file atomically (its folder created first). */
export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFileAtomic(path, bytes, { what: 'prediction snapshot', makeDir: true, durable: false })
}

/** Reads a sidecar; `undefined` when there is none. */
export async function readSidecar(path: string): Promise<PredictionSidecar | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined
    throw new SegsenseError('E_FILE_READ', `cannot read prediction snapshot ${path}: ${(e as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new SegsenseError(
      'E_SCHEMA',
      `prediction snapshot ${path} is not valid JSON (${(e as Error).message}); delete it or run \`vitest -u\``,
    )
  }
  const d = data as Partial<PredictionSidecar> | null
  if (
    !d ||
    d.segsense !== 'prediction-snapshot' ||
    d.version !== 1 ||
    !Array.isArray(d.predictions) ||
    !d.model ||
    typeof d.model.classes !== 'object'
  ) {
    throw new SegsenseError(
      'E_SCHEMA',
      `${path} is not a segsense prediction snapshot (version 1); delete it or run \`vitest -u\``,
    )
  }
  return d as PredictionSidecar
}

/** Reads a stored prediction PNG back as a label map. */
export async function readPredictionPng(path: string): Promise<LabelMap> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (e) {
    throw new SegsenseError(
      (e as { code?: string }).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ',
      `stored prediction ${path} cannot be read (${(e as Error).message}); run \`vitest -u\` to write it again`,
    )
  }
  const png = await decodePng(bytes, { name: path })
  if (png.colourType !== 0 || (png.bitDepth !== 8 && png.bitDepth !== 16)) {
    throw new SegsenseError(
      'E_IMAGE_DECODE',
      `stored prediction ${path} is not an 8- or 16-bit grey PNG of class ids; run \`vitest -u\` to write it again`,
    )
  }
  return { width: png.width, height: png.height, data: png.data }
}

/** The PNG bytes of a prediction (grey class ids, 8-bit, 16-bit when an id exceeds 255). */
export function predictionPng(map: LabelMap): Promise<Uint8Array> {
  return encodePng(map)
}

/** Removes files of the snapshot folder (missing ones are fine). */
export async function removeFiles(dir: string, files: Iterable<string>): Promise<void> {
  for (const f of files) await rm(join(dir, f), { force: true })
}

/** The files of a snapshot folder; none when it does not exist. */
export async function listSnapshotFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.png') || f.endsWith('.json'))
  } catch {
    return []
  }
}
