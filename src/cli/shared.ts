import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import type { Classes } from '../core/types.js'
import { table } from '../report/format.js'
import type { SummaryRow } from '../report/html.js'

/** A mistake in the command line (exit code 2, message printed without a stack trace). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Exit codes of the `segsense` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** Options every command takes. */
export interface CommonOptions {
  readonly quiet?: boolean
  readonly debug?: boolean
}

/** Parses `1=RV,2=MYO,3=LV` into a Classes map. */
export function parseClasses(text: string): Classes {
  const classes: Record<number, string> = {}
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)\s*=\s*(.+)$/.exec(part)
    if (!m)
      throw new UsageError(
        `--model-classes: ${JSON.stringify(part)} is not id=name (e.g. --model-classes 1=RV,2=MYO,3=LV)`,
      )
    const id = Number(m[1])
    if (id in classes) throw new UsageError(`--model-classes: id ${id} is given twice`)
    classes[id] = (m[2] as string).trim()
  }
  if (Object.keys(classes).length === 0) throw new UsageError('--model-classes needs at least one id=name')
  return classes
}

/** Parses a number option, naming it in the error. */
export function parseNumber(option: string, text: string): number {
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not a number`)
  return v
}

/** Parses `from:to` (e.g. `-90:90`). */
export function parseRange(text: string): [number, number] {
  const m = /^\s*([^:]+):([^:]+)\s*$/.exec(text)
  if (!m) throw new UsageError(`--range: ${JSON.stringify(text)} is not from:to (e.g. --range -90:90)`)
  return [parseNumber('--range', m[1] as string), parseNumber('--range', m[2] as string)]
}

/** Parses `a,b,c` into numbers; an empty list is an error (it must not mean "the default grid"). */
export function parseValues(text: string): number[] {
  if (text.trim() === '')
    throw new UsageError(
      '--values needs at least one value (e.g. --values 0,90,180); leave it out for the default grid',
    )
  return text.split(',').map((s) => parseNumber('--values', s.trim()))
}

/** Parses `LV,MYO` into names; an empty list is an error. */
export function parseNames(flag: string, text: string): string[] {
  const names = text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
  if (names.length === 0)
    throw new UsageError(`${flag} needs at least one name (e.g. ${flag} LV,MYO); leave it out for every class`)
  return names
}

/** Parses `key=value` transform options; values are JSON when they parse, else strings. */
export function parseOption(text: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const m = /^([A-Za-z_][\w]*)=(.*)$/.exec(text)
  if (!m) throw new UsageError(`--option: ${JSON.stringify(text)} is not key=value (e.g. --option padding=reflection)`)
  let value: unknown = m[2]
  try {
    value = JSON.parse(m[2] as string)
  } catch {
    // A bare word such as reflection stays a string.
  }
  return { ...previous, [m[1] as string]: value }
}

/** Collects a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'])
const MASK_SUFFIXES = ['-mask', '_mask', '_gt', '-gt', '-seg', '_seg', '-label', '_label', '-labels', '_labels']
const MASK_NAME = /[-_](mask|gt|seg|label|labels)$/i

/** What a path is: a folder, a regular file (symlinks followed), something else (a FIFO, a socket, a device), missing. */
function kindOf(path: string): 'dir' | 'file' | 'other' | 'missing' {
  try {
    const st = statSync(path)
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other'
  } catch {
    return 'missing'
  }
}

/**
 * The real path of an existing file (symlinks and `.`/`..` resolved), else its absolute path: two spellings of one
 * file compare equal.
 */
function identity(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

/**
 * Image files of a folder (sorted), leaving out masks named `*-mask`, `*_gt`, `*-seg`, `*-label(s)` and anything
 * that is not a regular file (a sub-folder named `x.png`, a FIFO would hang the loader).
 */
export function imagesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter(
      (f) =>
        IMAGE_EXT.has(extname(f).toLowerCase()) &&
        !MASK_NAME.test(basename(f, extname(f))) &&
        kindOf(join(dir, f)) === 'file',
    )
    .sort()
    .map((f) => join(dir, f))
}

/**
 * True for a folder holding DICOM files (`.dcm`, or the 'DICM' preamble) and no raster images: a DICOM series,
 * which `--image` loads as one volume (a slice of it, chosen by --axis and --slice).
 */
export function isDicomSeriesFolder(dir: string): boolean {
  if (imagesIn(dir).length > 0) return false
  return readdirSync(dir).some((f) => {
    const path = join(dir, f)
    if (kindOf(path) !== 'file') return false
    if (extname(f).toLowerCase() === '.dcm') return true
    const head = Buffer.alloc(132)
    const fd = openSync(path, 'r')
    try {
      return readSync(fd, head, 0, 132, 0) === 132 && head.toString('latin1', 128, 132) === 'DICM'
    } finally {
      closeSync(fd)
    }
  })
}

/**
 * Mask file names tried for an image, in order: the same name, then `-mask`, `_gt`, ... with the image's extension,
 * then the same with `.png`.
 */
export function maskCandidates(image: string): string[] {
  const ext = extname(image)
  const stem = basename(image, ext)
  const exts = ext.toLowerCase() === '.png' ? [ext] : [ext, '.png']
  return exts.flatMap((e) => [`${stem}${e}`, ...MASK_SUFFIXES.map((s) => `${stem}${s}${e}`)])
}

/** A sample id for `stem` not yet in `used` (`a`, then `a-2`, `a-3`, ... skipping ids a file already has). */
function uniqueId(stem: string, used: Set<string>): string {
  let id = stem
  for (let n = 2; used.has(id); n++) id = `${stem}-${n}`
  used.add(id)
  return id
}

/**
 * Pairs `--image` and `--truth` arguments: files pair in the order given; a folder of images pairs with a folder of
 * masks by file name (`a.png` with `a.png`, `a-mask.png`, `a_gt.png`, ... there, and `a.jpg` with `a.png` too).
 * Paths are compared as real paths, so a folder spelled two ways (`data/` and `./data/../data`, a symlink) is one
 * folder: an image never pairs with itself, and an image given twice is an error. Ids are the file names without
 * extension, made unique with `-2`, `-3`, ...
 */
export function samplePaths(
  images: readonly string[],
  truths: readonly string[],
): { id: string; image: string; truth?: string }[] {
  if (images.length === 0) throw new UsageError('give at least one --image (a file or a folder)')
  const imageFiles: string[] = []
  for (const p of images) {
    const kind = kindOf(p)
    if (kind === 'other') throw new UsageError(`--image ${p} is not a regular file or a folder`)
    imageFiles.push(...(kind === 'dir' ? (isDicomSeriesFolder(p) ? [p] : imagesIn(p)) : [p]))
  }
  if (imageFiles.length === 0) throw new UsageError(`no images (.png, .jpg, .tif, .webp) in ${images.join(', ')}`)
  const seen = new Map<string, string>()
  for (const img of imageFiles) {
    const real = identity(img)
    const before = seen.get(real)
    if (before !== undefined)
      throw new UsageError(`image ${img} is given twice (also as ${before}); give each image once`)
    seen.set(real, img)
  }
  let truthFiles: (string | undefined)[] = imageFiles.map(() => undefined)
  const truthDirs = truths.filter((t) => kindOf(t) === 'dir')
  if (truthDirs.length > 0 && truths.length > 1)
    throw new UsageError(
      `--truth ${truthDirs[0]} is a folder: give one --truth folder, or one --truth file per --image`,
    )
  if (truths.length === 1 && truthDirs.length === 1) {
    const dir = truths[0] as string
    const names = new Set(readdirSync(dir))
    truthFiles = imageFiles.map((img) => {
      const self = identity(img)
      const candidates = maskCandidates(img)
      const found = candidates.find(
        (n) => names.has(n) && kindOf(join(dir, n)) === 'file' && identity(join(dir, n)) !== self,
      )
      if (!found)
        throw new UsageError(
          `no mask for ${img} in ${dir} (looked for ${[candidates[0], candidates[1], candidates[3]].join(', ')} ` +
            `and ${candidates.length - 3} more names)`,
        )
      return join(dir, found)
    })
  } else if (truths.length > 0) {
    if (truths.length !== imageFiles.length)
      throw new UsageError(
        `${imageFiles.length} image(s) but ${truths.length} --truth file(s): ` +
          'give one --truth per --image, in the same order, or a folder',
      )
    truthFiles = truths.map((t, i) => {
      if (kindOf(t) === 'other') throw new UsageError(`--truth ${t} is not a regular file`)
      if (identity(t) === identity(imageFiles[i] as string))
        throw new UsageError(`--truth ${t} is the image ${imageFiles[i]} itself`)
      return t
    })
  }
  // Every file's own name is taken first, so that a generated `a-2` never shadows a file a-2.png.
  const stems = imageFiles.map((image) => basename(image, extname(image)))
  const used = new Set(stems)
  const named = new Set<string>()
  return imageFiles.map((image, i) => {
    const stem = stems[i] as string
    const id = named.has(stem) ? uniqueId(stem, used) : stem
    named.add(stem)
    const truth = truthFiles[i]
    return { id, image, ...(truth ? { truth } : {}) }
  })
}

/** The summary rows as a text table. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const fmt = (x: number | null): string => (x === null ? '-' : x.toFixed(3))
  const out = [
    ['sweep', 'model', 'transform', 'class', 'threshold', 'required', 'stable interval', 'AUC', 'worst', 'status'],
  ]
  for (const r of rows) {
    out.push([
      r.sweep.replace('sweep-', '#'),
      r.model,
      r.transform,
      r.className,
      r.max != null ? `max ${r.max} mm` : r.min === null ? '-' : String(r.min),
      r.required,
      r.lowerInterval !== undefined
        ? `${r.interval}; ${Number(((r.confidence ?? 0) * 100).toPrecision(3))} % lower bound ${r.lowerInterval}`
        : r.interval,
      fmt(r.auc),
      r.worst ? `${r.worst.score.toFixed(3)} at ${r.worst.value}` : '-',
      r.pass === null ? '-' : r.pass ? 'pass' : 'FAIL',
    ])
  }
  const lines = table(out)
  const width = Math.max(...lines.map((l) => l.length))
  return [lines[0], '-'.repeat(width), ...lines.slice(1)].join('\n')
}

/** The message of an error as one line (multi-line messages are joined with `; `). */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ')
}
