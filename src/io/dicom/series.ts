/** A folder holding one DICOM series, read as a {@link Volume}: slices sorted along the normal, spacing and affine. */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SegsenseError } from '../../core/errors.js'
import { checkKnownKeys, optionKeys } from '../../core/options.js'
import type { Volume } from '../../core/types.js'
import { checkMaxPixels, readSource, tooLarge } from '../source.js'
import { checkOptions } from './load.js'
import { hasPreamble } from './magic.js'
import { parse, type Parsed } from './parse.js'
import { frameSamples } from './pixel-data.js'
import type { LoadDicomSeriesOptions } from './types.js'
import { toIntensities } from './window.js'

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!
}

/** The parsed DICOM files of folder `dir` in name order (files without the 'DICM' preamble and DICOMDIR skipped). */
async function readSlices(dir: string): Promise<Parsed[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).sort()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new SegsenseError('E_FILE_NOT_FOUND', `DICOM folder not found: ${dir}`, {
        cause: e,
        details: { file: dir },
      })
    throw new SegsenseError('E_FILE_READ', `cannot read DICOM folder ${dir}: ${(e as Error).message}`, {
      cause: e,
      details: { file: dir },
    })
  }
  const slices: Parsed[] = []
  for (const n of names) {
    const path = join(dir, n)
    // DICOMDIR indexes files; it is DICOM but no slice.
    if (!(await stat(path)).isFile() || n.toUpperCase() === 'DICOMDIR') continue
    const bytes = await readSource(path)
    if (!hasPreamble(bytes)) continue
    slices.push(await parse(bytes, path))
  }
  const first = slices[0]
  if (first === undefined)
    throw new SegsenseError(
      'E_FILE_READ',
      `cannot read folder ${dir} as a DICOM series: it holds no DICOM file (none has the 'DICM' preamble)`,
      { details: { file: dir } },
    )
  return slices
}

/** Checks that `slices` are one series of single-frame grey slices of one size; returns that size. */
function checkOneSeries(dir: string, slices: readonly Parsed[]): { rows: number; columns: number } {
  const first = slices[0] as Parsed
  const { rows, columns } = first.meta
  const series = new Set(slices.map((s) => s.meta.seriesInstanceUid))
  if (series.size > 1)
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `folder ${dir} holds ${series.size} DICOM series (${[...series].join(', ')}); give a folder with one series`,
      { details: { file: dir } },
    )
  for (const s of slices) {
    if (s.meta.rows !== rows || s.meta.columns !== columns || s.samplesPerPixel !== 1 || s.frames !== 1) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: ${s.name} is ${s.meta.columns}x${s.meta.rows}x${s.samplesPerPixel} with ` +
          `${s.frames} frame(s), ${first.name} is ${columns}x${rows}x1; a series needs single-frame grey slices of one size`,
        {
          details: { file: s.name },
        },
      )
    }
  }
  return { rows, columns }
}

/**
 * Sorts `slices` in place along the slice normal (by Instance Number without positions), checks that they share one
 * orientation and distinct positions, and returns the directions and the spacing [dx, dy, dz].
 */
function orderSlices(dir: string, slices: Parsed[]) {
  const first = slices[0] as Parsed
  const ori = first.meta.imageOrientation ?? [1, 0, 0, 0, 1, 0]
  const rowDir = ori.slice(0, 3)
  const colDir = ori.slice(3, 6)
  const normal = cross(rowDir, colDir)
  const positioned = slices.every((s) => s.meta.imagePosition !== undefined)
  const key = (s: Parsed) =>
    positioned ? dot(s.meta.imagePosition as readonly number[], normal) : (s.meta.instanceNumber ?? 0)
  slices.sort((a, b) => key(a) - key(b))
  for (const s of slices) {
    const o = s.meta.imageOrientation
    if (o && o.some((v, i) => Math.abs(v - (ori[i] as number)) > 1e-3)) {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: ${s.name} has Image Orientation [${o.join(', ')}], ${first.name} has ` +
          `[${ori.join(', ')}]; a series needs one orientation`,
        { details: { file: s.name } },
      )
    }
  }
  const [dy, dx] = first.meta.pixelSpacing ?? [1, 1]
  let dz = first.meta.sliceThickness ?? 1
  if (positioned && slices.length > 1) {
    const gaps = slices
      .slice(1)
      .map((s, i) => key(s) - key(slices[i] as Parsed))
      .sort((a, b) => a - b)
    dz = gaps[Math.floor(gaps.length / 2)] as number
    if (!(dz > 0))
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `DICOM series ${dir}: two slices share one position along the normal; a series needs distinct slice positions`,
        { details: { file: dir } },
      )
  }
  return { rowDir, colDir, normal, dx, dy, dz }
}

/**
 * Loads a folder holding one DICOM series (one single-frame grey file per slice) as a {@link Volume}. Slices are
 * sorted by their position along the slice normal (Image Position (Patient) projected on the cross product of the
 * Image Orientation's row and column directions), not by file name; without positions, by Instance Number.
 * Voxel order: i along a row (the file's columns), j down the rows, k by increasing position along the normal, so
 * every slice k is the raster {@link loadDicom} gives for that file. `affine` maps voxels to RAS mm (DICOM's LPS
 * with x and y negated); `spacing` is [column spacing, row spacing, distance between slice positions]. Files that
 * are not DICOM (no 'DICM' preamble) and a DICOMDIR are skipped.
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND`; `E_FILE_READ` for a folder that cannot be read or holds no DICOM file;
 *   `E_BAD_PARAMETER` when it holds more than one series, or slices of different sizes or orientations, and the
 *   errors of {@link loadDicom}.
 * @example
 * const volume = await loadDicomSeries('scans/patient1/series3')
 */
export async function loadDicomSeries(dir: string, options: LoadDicomSeriesOptions = {}): Promise<Volume> {
  checkKnownKeys(
    options,
    optionKeys<LoadDicomSeriesOptions>({ window: true, windowIndex: true, maxPixels: true }),
    'loadDicomSeries options',
  )
  const { windowIndex } = checkOptions(
    { window: options.window, windowIndex: options.windowIndex },
    'loadDicomSeries options',
  )
  const maxVoxels = options.maxPixels === undefined ? checkMaxPixels(undefined) * 16 : checkMaxPixels(options.maxPixels)
  const slices = await readSlices(dir)
  const { rows, columns } = checkOneSeries(dir, slices)
  if (rows * columns * slices.length > maxVoxels) throw tooLarge(dir, columns, rows * slices.length, maxVoxels)
  const { rowDir, colDir, normal, dx, dy, dz } = orderSlices(dir, slices)
  const n = rows * columns
  const modality = new Float64Array(n * slices.length)
  for (let k = 0; k < slices.length; k++) {
    const s = slices[k] as Parsed
    const v = await frameSamples(s, 0)
    const { rescaleSlope: m, rescaleIntercept: b } = s.meta
    // Each slice may carry its own rescale: bring all to modality values first, then scale the series as one.
    for (let i = 0; i < n; i++) modality[k * n + i] = (v[i] as number) * m + b
  }
  // The window tags of the lowest slice (after sorting) stand for the series.
  const lowest = slices[0] as Parsed
  const unit: Parsed = { ...lowest, meta: { ...lowest.meta, rescaleSlope: 1, rescaleIntercept: 0 } }
  const { data } = toIntensities(modality, unit, options.window, windowIndex)
  const p0 = (slices[0] as Parsed).meta.imagePosition ?? [0, 0, 0]
  // LPS -> RAS: negate x and y.
  const lps = (v: readonly number[]) => [-(v[0] as number), -(v[1] as number), v[2] as number]
  const r = lps(rowDir).map((v) => v * dx)
  const c = lps(colDir).map((v) => v * dy)
  const z = lps(normal).map((v) => v * dz)
  const t = lps(p0)
  const affine = [r[0]!, c[0]!, z[0]!, t[0]!, r[1]!, c[1]!, z[1]!, t[1]!, r[2]!, c[2]!, z[2]!, t[2]!, 0, 0, 0, 1]
  return { dims: [columns, rows, slices.length], channels: 1, data, spacing: [dx, dy, dz], affine }
}
