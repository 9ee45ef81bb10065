// Golden-image comparison for rendered outputs: the PNG under test against a committed golden PNG, with pixelmatch.
// Goldens are written only when SEGSENSE_UPDATE_GOLDEN=1 (review the new files before committing them); a missing
// golden fails the test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pixelmatch from 'pixelmatch'
import sharp from 'sharp'
import { expect } from 'vitest'

/** A pixel rectangle of the image under test. */
export interface Region {
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** Options of {@link expectGolden}. */
export interface GoldenOptions {
  /**
   * Pixels allowed to differ over the whole image. 0 (default): every pixel must be equal (pixelmatch threshold 0,
   * anti-aliasing counted). Above 0 the comparison is pixelmatch's perceptual one (threshold 0.1, pixels it takes
   * for anti-aliasing not counted), for text whose antialiasing depends on the fonts installed.
   */
  readonly maxDiffPixels?: number
  /** Regions drawn by segsense's own pixel code: exact there (0 pixels may differ) whatever `maxDiffPixels` allows. */
  readonly exact?: readonly Region[]
}

/** The environment variable that makes {@link expectGolden} (re)write goldens instead of comparing. */
export const UPDATE_GOLDEN = 'SEGSENSE_UPDATE_GOLDEN'

async function rgba(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height }
}

/** Differing pixels (diff mask alpha set) inside `r`. */
function countIn(mask: Uint8Array, width: number, r: Region): number {
  let n = 0
  for (let y = r.top; y < r.top + r.height; y++)
    for (let x = r.left; x < r.left + r.width; x++) if (mask[(y * width + x) * 4 + 3]) n++
  return n
}

/**
 * Compares the PNG `png` with the golden `<dir>/<name>.png`. On a mismatch the actual image and pixelmatch's diff
 * are written to the system temp folder, and the failure names them.
 */
export async function expectGolden(
  dir: string,
  name: string,
  png: Uint8Array,
  options: GoldenOptions = {},
): Promise<void> {
  const golden = join(dir, `${name}.png`)
  if (process.env[UPDATE_GOLDEN] === '1') {
    mkdirSync(dirname(golden), { recursive: true })
    writeFileSync(golden, png)
    console.warn(`golden ${golden} written (${UPDATE_GOLDEN}=1): review it before committing`)
    return
  }
  if (!existsSync(golden))
    throw new Error(`golden ${golden} is missing: create it with ${UPDATE_GOLDEN}=1, review it and commit it`)
  const actual = await rgba(png)
  const expected = await rgba(readFileSync(golden))
  expect([actual.width, actual.height], `${name}: size`).toEqual([expected.width, expected.height])
  const { width, height } = actual
  const budget = options.maxDiffPixels ?? 0
  const exactMask = new Uint8Array(width * height * 4)
  const exactDiff = pixelmatch(actual.data, expected.data, exactMask, width, height, {
    threshold: 0,
    includeAA: true,
    diffMask: true,
  })
  const inExact = (options.exact ?? []).map((r) => countIn(exactMask, width, r))
  const diff =
    budget === 0 ? exactDiff : pixelmatch(actual.data, expected.data, undefined, width, height, { threshold: 0.1 })
  if (diff <= budget && inExact.every((n) => n === 0)) return
  const out = join(tmpdir(), 'segsense-golden')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, `${name}.actual.png`), png)
  const diffImage = new Uint8Array(width * height * 4)
  pixelmatch(actual.data, expected.data, diffImage, width, height, { threshold: 0, includeAA: true })
  await sharp(diffImage, { raw: { width, height, channels: 4 } })
    .png()
    .toFile(join(out, `${name}.diff.png`))
  const where = `see ${join(out, `${name}.actual.png`)} and ${name}.diff.png beside it`
  expect(inExact, `${name}: pixels differing in the exact regions (${where})`).toEqual(inExact.map(() => 0))
  expect(diff, `${name}: ${diff} pixels differ, ${budget} allowed (${where})`).toBeLessThanOrEqual(budget)
}
