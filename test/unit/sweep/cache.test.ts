import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import type { Raster, Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { type CacheStore, pruneCache, readEntry, writeEntries } from '../../../src/sweep/cache.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { type SweepOptions } from '../../../src/sweep/types.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { brightness } from '../../../src/transforms/intensity.js'
import { defineTransform } from '../../../src/transforms/transform.js'

// The suite runs with SEGSENSE_CACHE=0 (vitest.config.ts); these tests turn the cache on for themselves.
const saved = { cache: process.env.SEGSENSE_CACHE, dir: process.env.SEGSENSE_CACHE_DIR }
beforeAll(() => {
  delete process.env.SEGSENSE_CACHE
  delete process.env.SEGSENSE_CACHE_DIR
})
afterAll(() => {
  if (saved.cache !== undefined) process.env.SEGSENSE_CACHE = saved.cache
  if (saved.dir !== undefined) process.env.SEGSENSE_CACHE_DIR = saved.dir
})
const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'segsense-cache-test-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) {
    if (existsSync(join(d, 'ro'))) chmodSync(join(d, 'ro'), 0o755)
    rmSync(d, { recursive: true, force: true })
  }
})

const N = 16
/** A 16x16 image with a bright square (class 1) at rows/columns 4..11 shifted by `dx`, and its truth. */
function square(id: string, dx = 0, level = 1): Sample {
  const img = new Float32Array(N * N)
  const truth = new Uint8Array(N * N)
  for (let y = 4; y < 12; y++)
    for (let x = 4 + dx; x < 12 + dx; x++) {
      img[y * N + x] = level
      truth[y * N + x] = 1
    }
  return sample(id, raster(N, N, 1, img), labelMap(N, N, truth))
}

/** Threshold model (class 1 where intensity > cut) with a fingerprint, counting the images it predicts. */
function model(fingerprint: string | undefined, cut = 0.5): SegmentationModel & { predicted: number } {
  const inner = functionModel('threshold', { 1: 'fg' }, (img: Raster) =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v) => (v > cut ? 1 : 0)),
    ),
  )
  const m = {
    name: 'threshold',
    classes: inner.classes,
    predicted: 0,
    ...(fingerprint === undefined ? {} : { fingerprint }),
    predict(images: readonly Raster[]) {
      m.predicted += images.length
      return inner.predict(images)
    },
  }
  return m
}

const samples = [square('a'), square('b', 2)]
const grid = { range: [-30, 30] as [number, number], step: 15 }
const entries = (dir: string): string[] =>
  (existsSync(join(dir, 'v1')) ? readdirSync(join(dir, 'v1'), { recursive: true, withFileTypes: true }) : [])
    .filter((e) => e.isFile() && e.name.endsWith('.entry'))
    .map((e) => join(e.parentPath, e.name))
/** A result without its timing (which differs between cached and uncached runs by design). */
const scoresOf = (r: Awaited<ReturnType<typeof sweep>>) => {
  const { timing: _timing, ...rest } = r
  return rest
}

describe('sweep result cache', () => {
  it('a cached re-run gives the same result as uncached runs, predicting nothing', async () => {
    const dir = tempDir()
    const m = model('m1')
    const cold = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    expect(m.predicted).toBe(10)
    expect(cold.timing.cached).toBeUndefined()
    const warm = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    expect(m.predicted).toBe(10)
    expect(warm.timing).toMatchObject({ predictions: 0, cached: 10 })
    const uncached = await sweep(m, samples, rotate, { ...grid, cache: false })
    expect(m.predicted).toBe(20)
    expect(scoresOf(warm)).toEqual(scoresOf(cold))
    expect(scoresOf(uncached)).toEqual(scoresOf(cold))
    expect(() => validateSweepResult(warm)).not.toThrow()
    // samples are keyed by their pixels, not their ids
    const renamed = await sweep(m, [square('x'), square('y', 2)], rotate, { ...grid, cache: { dir } })
    expect(renamed.timing.cached).toBe(10)
  })

  it('an entry altered or cut short on disk is a miss: recomputed and rewritten', async () => {
    const dir = tempDir()
    const m = model('m1')
    const cold = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    const files = entries(dir)
    expect(files).toHaveLength(10)
    const flipped = files[3] as string
    const bytes = readFileSync(flipped)
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01 // one bit of one score
    writeFileSync(flipped, bytes)
    writeFileSync(files[7] as string, bytes.subarray(0, 20)) // a partial write
    const again = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    expect(again.timing).toMatchObject({ predictions: 2, cached: 8 })
    expect(scoresOf(again)).toEqual(scoresOf(cold))
    const third = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    expect(third.timing).toMatchObject({ predictions: 0, cached: 10 })
  })

  it('misses when the model, a sample, the transform option or value, or what is scored changes', async () => {
    const dir = tempDir()
    const base: SweepOptions = { ...grid, cache: { dir } }
    await sweep(model('m1'), samples, rotate, base)
    const misses = async (m: SegmentationModel, s: Sample[], t: typeof rotate, o: SweepOptions): Promise<number> =>
      (await sweep(m, s, t, o)).timing.predictions
    expect(await misses(model('m1'), samples, rotate, base)).toBe(0)
    expect(await misses(model('m2'), samples, rotate, base)).toBe(10) // another fingerprint (model file or adapter option)
    expect(await misses(model('m1'), [square('a', 0, 0.9), square('b', 2)], rotate, base)).toBe(5) // one sample's pixels
    const truthChanged = square('a')
    ;(truthChanged.truth?.data as Uint8Array)[0] = 1
    expect(await misses(model('m1'), [truthChanged, square('b', 2)], rotate, base)).toBe(5) // one sample's truth
    expect(await misses(model('m1'), samples, rotate.with({ padding: 'border' }), base)).toBe(10) // a transform option
    expect(await misses(model('m1'), samples, rotate, { ...base, range: [-30, 45] })).toBe(2) // one new value, the rest reused
    expect(await misses(model('m1'), samples, rotate, { ...base, metrics: ['dice', 'iou'] })).toBe(10) // the metric set
    expect(await misses(model('m1'), samples, rotate, { ...base, emptyPolicy: { bothEmpty: 'nan' } })).toBe(10)
    expect(await misses(model('m1'), samples, rotate, { ...base, metrics: ['nsd'], nsdTolerance: 1 })).toBe(10)
    expect(await misses(model('m1'), samples, rotate, { ...base, metrics: ['nsd'], nsdTolerance: 2 })).toBe(10) // a metric option
    expect(await misses(model('m1'), samples, rotate, { ...base, reference: 'prediction' })).toBe(16) // 10 + 2 clean + 4 probes
  })

  it('a stale hit cannot pass a gate: a worse model under another fingerprint is predicted, not read', async () => {
    const dir = tempDir()
    const gate = { min: 0.9 }
    const good = await sweep(model('v1', 0.5), samples, brightness, { values: [0.8, 1, 1.2], cache: { dir } })
    expect(evaluateRequirement(good, gate).pass).toBe(true)
    // the retrained model sees nothing at these brightnesses; the old entries must not answer for it
    const worse = await sweep(model('v2', 2), samples, brightness, { values: [0.8, 1, 1.2], cache: { dir } })
    expect(worse.timing.cached).toBeUndefined()
    expect(evaluateRequirement(worse, gate).pass).toBe(false)
  })

  it('never caches a model without a fingerprint or a transform not built into segsense', async () => {
    const dir = tempDir()
    const m = model(undefined)
    await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    expect(m.predicted).toBe(20)
    // a user's transform under a built-in name, with the same parameter written out
    const fake = defineTransform({
      name: 'brightness',
      spatial: false,
      parameter: { ...brightness.parameter },
      image: (img: Raster) => img,
    })
    const f = model('m1')
    await sweep(f, samples, fake, { values: [1, 2], cache: { dir } })
    await sweep(f, samples, fake, { values: [1, 2], cache: { dir } })
    expect(f.predicted).toBe(8)
    expect(entries(dir)).toEqual([])
    // a built-in modal transform in its other mode is still recognised
    const g = model('m1')
    const fastai = brightness.with({ mode: 'fastai' })
    await sweep(g, samples, fastai, { values: [0.4, 0.5], cache: { dir } })
    await sweep(g, samples, fastai, { values: [0.4, 0.5], cache: { dir } })
    expect(g.predicted).toBe(4)
  })

  it('cache: false and SEGSENSE_CACHE=0 turn it off; SEGSENSE_CACHE_DIR chooses the folder', async () => {
    const dir = tempDir()
    const m = model('m1')
    await sweep(m, samples, rotate, { ...grid, cache: false })
    process.env.SEGSENSE_CACHE_DIR = dir
    try {
      process.env.SEGSENSE_CACHE = '0'
      await sweep(m, samples, rotate, grid)
      expect(readdirSync(dir)).toEqual([])
      delete process.env.SEGSENSE_CACHE
      await sweep(m, samples, rotate, grid)
      expect(entries(dir)).toHaveLength(10)
      expect((await sweep(m, samples, rotate, grid)).timing.cached).toBe(10)
    } finally {
      delete process.env.SEGSENSE_CACHE_DIR
    }
  })

  it('a folder that cannot be written turns the cache off with one warning, never a failure', async () => {
    const parent = tempDir()
    // Root writes into read-only folders, so the unwritable folder is one below a plain file (as root, too).
    writeFileSync(join(parent, 'file'), '')
    const unwritable = [join(parent, 'file', 'cache')]
    if (process.getuid?.() !== 0) {
      const readOnly = join(parent, 'ro')
      mkdirSync(readOnly)
      chmodSync(readOnly, 0o555)
      unwritable.push(readOnly)
    }
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    try {
      for (const dir of unwritable) {
        const r1 = await sweep(model('m1'), samples, rotate, { ...grid, cache: { dir } })
        const r2 = await sweep(model('m1'), samples, rotate, { ...grid, cache: { dir } })
        expect(r2.timing.predictions).toBe(10)
        expect(scoresOf(r2)).toEqual(scoresOf(r1))
      }
      // Once per process, not once per folder or per sweep.
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^segsense cache disabled: cannot (create|write)/)
    } finally {
      warn.mockRestore()
    }
  })

  it('caches the clean predictions of reference: prediction, so new values predict no clean image', async () => {
    const dir = tempDir()
    const m = model('m1')
    await sweep(m, samples, rotate, { ...grid, reference: 'prediction', cache: { dir } })
    expect(m.predicted).toBe(14) // 10 pairs less 2 neutral (the clean images), 2 clean predictions, 4 probes
    const wider = await sweep(m, samples, rotate, {
      range: [-45, 45],
      step: 15,
      reference: 'prediction',
      cache: { dir },
    })
    expect(wider.timing).toMatchObject({ predictions: 4, cached: 10 })
    expect(scoresOf(wider)).toEqual(
      scoresOf(await sweep(m, samples, rotate, { range: [-45, 45], step: 15, reference: 'prediction', cache: false })),
    )
  })

  it('refinement reuses cached values: a re-run predicts nothing, a finer tolerance only the new bisection values', async () => {
    const dir = tempDir()
    const m = model('m1')
    // Dice 1 while factor * 1 > 0.5: the bracket [0.5, 1] is halved geometrically to 0.7071, then 0.5946
    const refined = { values: [0.25, 0.5, 1], cache: { dir }, refine: { min: 0.8, tolerance: 0.1 } }
    const first = await sweep(m, samples, brightness, refined)
    expect(first.refined?.values.map((v) => Number(v.toFixed(4)))).toEqual([0.5946, 0.7071])
    expect(m.predicted).toBe(10)
    const again = await sweep(m, samples, brightness, refined)
    expect(again.timing).toMatchObject({ predictions: 0, cached: 10 })
    expect(scoresOf(again)).toEqual(scoresOf(first))
    const finer = await sweep(m, samples, brightness, { ...refined, refine: { min: 0.8, tolerance: 0.05 } })
    expect(finer.timing).toMatchObject({ predictions: 2, cached: 10 })
  })

  it('a sample whose frames are kept is predicted again (frames are not cached); the others are read', async () => {
    const dir = tempDir()
    const m = model('m1')
    const cold = await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    const kept = await sweep(m, samples, rotate, { ...grid, cache: { dir }, keep: { frames: ['b'] } })
    expect(kept.timing).toMatchObject({ predictions: 5, cached: 5 })
    expect(kept.frames.samples.map((s) => [s.id, s.frames.map((f) => f.value)])).toEqual([['b', [-30, -15, 0, 15, 30]]])
    expect(scoresOf(kept)).toEqual(scoresOf(cold))
  })

  it('reports progress over cached and predicted pairs alike', async () => {
    const dir = tempDir()
    const m = model('m1')
    await sweep(m, samples, rotate, { ...grid, cache: { dir } })
    const seen: { done: number; total: number }[] = []
    await sweep(m, samples, rotate, { range: [-30, 45], step: 15, cache: { dir }, onProgress: (p) => seen.push(p) })
    expect(seen[0]).toEqual({ done: 10, total: 12 })
    expect(seen.at(-1)).toEqual({ done: 12, total: 12 })
  })

  it('rejects a bad cache option', async () => {
    await expect(
      sweep(model('m1'), samples, rotate, { ...grid, cache: { folder: 'x' } as never }),
    ).rejects.toMatchObject({ code: 'E_UNKNOWN_OPTION', message: expect.stringContaining('unknown key "folder"') })
    await expect(sweep(model('m1'), samples, rotate, { ...grid, cache: { maxBytes: -1 } })).rejects.toMatchObject({
      code: 'E_OUT_OF_RANGE',
      message: expect.stringContaining('cache.maxBytes'),
    })
    await expect(sweep(model('m1'), samples, rotate, { ...grid, cache: 'yes' as never })).rejects.toMatchObject({
      code: 'E_WRONG_TYPE',
    })
  })
})

describe('cache entries', () => {
  it('are read back whole, and a wrong key or a truncated file is a miss', async () => {
    const store: CacheStore = { dir: join(tempDir(), 'v1'), maxBytes: 1e6 }
    const key = 'ab'.repeat(32)
    expect(readEntry(store, key)).toBeNull()
    await writeEntries(store, [{ key, payload: Buffer.from('payload') }])
    expect(readEntry(store, key)?.toString()).toBe('payload')
    expect(readEntry(store, 'cd'.repeat(32))).toBeNull()
    const path = entries(join(store.dir, '..'))[0] as string
    writeFileSync(path, readFileSync(path).subarray(0, -1))
    expect(readEntry(store, key)).toBeNull()
  })

  it('are evicted least recently used first once the folder passes its bound', async () => {
    const store: CacheStore = { dir: join(tempDir(), 'v1'), maxBytes: 4000 }
    const keys = Array.from({ length: 8 }, (_, i) => `${i}`.repeat(64))
    await writeEntries(
      store,
      keys.map((key) => ({ key, payload: Buffer.alloc(900, 1) })),
    )
    // entry i last used i minutes ago, then entry 7 (the oldest) read again: it becomes the most recent
    const now = Date.now() / 1000
    keys.forEach((k, i) => {
      const p = join(store.dir, k.slice(0, 2), `${k}.entry`)
      utimesSync(p, now - 60 * i, now - 60 * i)
    })
    expect(readEntry(store, keys[7] as string)).not.toBeNull()
    const report = pruneCache(store)
    expect(report.bytes).toBeLessThanOrEqual(3000)
    const left = keys.filter((k) => readEntry(store, k) !== null)
    expect(left).toEqual([keys[0], keys[7]])
    // below the bound nothing goes
    expect(pruneCache(store).removed).toBe(0)
    expect(statSync(store.dir).isDirectory()).toBe(true)
  })

  it('a sweep keeps its folder under the bound', async () => {
    const dir = tempDir()
    await sweep(model('m1'), samples, rotate, { ...grid, cache: { dir, maxBytes: 2000 } })
    const sizes = entries(dir).map((f) => statSync(f).size)
    expect(sizes.length).toBeGreaterThan(0)
    expect(sizes.length).toBeLessThan(10)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1500)
  })
})
