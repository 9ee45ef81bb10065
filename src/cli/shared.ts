import { readdirSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
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
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)\s*=\s*(.+)$/.exec(part)
    if (!m) throw new UsageError(`--model-classes: ${JSON.stringify(part)} is not id=name (e.g. --model-classes 1=RV,2=MYO,3=LV)`)
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
  if (text.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${option}: ${JSON.stringify(text)} is not a number`)
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
  if (text.trim() === '') throw new UsageError('--values needs at least one value (e.g. --values 0,90,180); leave it out for the default grid')
  return text.split(',').map((s) => parseNumber('--values', s.trim()))
}

/** Parses `LV,MYO` into names; an empty list is an error. */
export function parseNames(flag: string, text: string): string[] {
  const names = text.split(',').map((c) => c.trim()).filter(Boolean)
  if (names.length === 0) throw new UsageError(`${flag} needs at least one name (e.g. ${flag} LV,MYO); leave it out for every class`)
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
const MASK_NAME = /[-_](mask|gt|seg|label|labels)$/i

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** Image files of a folder (sorted), leaving out masks named `*-mask`, `*_gt`, `*-seg`, `*-label(s)`. */
export function imagesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()) && !MASK_NAME.test(basename(f, extname(f)))).sort().map((f) => join(dir, f))
}

/**
 * Pairs `--image` and `--truth` arguments: files pair in the order given; a folder of images pairs with a folder of
 * masks by file name (`a.png` with `a.png`, `a-mask.png` or `a_gt.png` there).
 */
export function samplePaths(images: readonly string[], truths: readonly string[]): { id: string; image: string; truth?: string }[] {
  if (images.length === 0) throw new UsageError('give at least one --image (a file or a folder)')
  const imageFiles: string[] = []
  for (const p of images) imageFiles.push(...(isDir(p) ? imagesIn(p) : [p]))
  if (imageFiles.length === 0) throw new UsageError(`no images (.png, .jpg, .tif, .webp) in ${images.join(', ')}`)
  let truthFiles: (string | undefined)[] = imageFiles.map(() => undefined)
  if (truths.length === 1 && isDir(truths[0] as string)) {
    const dir = truths[0] as string
    const names = new Set(readdirSync(dir))
    truthFiles = imageFiles.map((img) => {
      const ext = extname(img), stem = basename(img, ext)
      const found = [basename(img), `${stem}-mask${ext}`, `${stem}_mask${ext}`, `${stem}_gt${ext}`, `${stem}-gt${ext}`, `${stem}-mask.png`].find((n) => names.has(n) && join(dir, n) !== img)
      if (!found) throw new UsageError(`no mask for ${img} in ${dir} (looked for ${basename(img)}, ${stem}-mask${ext}, ${stem}_gt${ext})`)
      return join(dir, found)
    })
  } else if (truths.length > 0) {
    if (truths.length !== imageFiles.length) throw new UsageError(`${imageFiles.length} image(s) but ${truths.length} --truth file(s): give one --truth per --image, in the same order, or a folder`)
    truthFiles = [...truths]
  }
  const used = new Map<string, number>()
  return imageFiles.map((image, i) => {
    const stem = basename(image, extname(image))
    const n = (used.get(stem) ?? 0) + 1
    used.set(stem, n)
    const truth = truthFiles[i]
    return { id: n === 1 ? stem : `${stem}-${n}`, image, ...(truth ? { truth } : {}) }
  })
}

/** The summary rows as a text table. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const fmt = (x: number | null): string => (x === null ? '-' : x.toFixed(3))
  const out = [['sweep', 'model', 'transform', 'class', 'threshold', 'required', 'stable interval', 'AUC', 'worst', 'status']]
  for (const r of rows) {
    out.push([r.sweep.replace('sweep-', '#'), r.model, r.transform, r.className, r.min === null ? '-' : String(r.min), r.required, r.interval, fmt(r.auc), r.worst ? `${r.worst.score.toFixed(3)} at ${r.worst.value}` : '-', r.pass === null ? '-' : r.pass ? 'pass' : 'FAIL'])
  }
  const lines = table(out)
  const width = Math.max(...lines.map((l) => l.length))
  return [lines[0], '-'.repeat(width), ...lines.slice(1)].join('\n')
}

/** The message of an error as one line (multi-line messages are joined with `; `). */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  return message.split('\n').map((l) => l.trim()).filter(Boolean).join('; ')
}
