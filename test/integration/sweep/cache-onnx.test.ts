// The result cache with real ONNX models (the hand-built test models, < 1 KB): another model file or another
// adapter option is another fingerprint, so the cache misses; the same file and options hit.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { brightness } from '../../../src/transforms/intensity.js'

const file = (name: string) => fileURLToPath(new URL(`../../../fixtures/models/test/${name}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'segsense-cache-onnx-'))
const saved = process.env.SEGSENSE_CACHE
beforeAll(() => delete process.env.SEGSENSE_CACHE)
afterAll(() => {
  if (saved !== undefined) process.env.SEGSENSE_CACHE = saved
  rmSync(dir, { recursive: true, force: true })
})

const N = 16
const img = new Float32Array(N * N)
const truth = new Uint8Array(N * N)
for (let i = 0; i < N * N; i++) if (i % N >= 4 && i % N < 12) [img[i], truth[i]] = [0.7, 1]
const samples = [sample('s', raster(N, N, 1, img), labelMap(N, N, truth))]
const grid = { values: [0.5, 1, 1.5], cache: { dir } }

async function predictions(path: string, threshold: number): Promise<number> {
  const m = await loadOnnxModel(path, { classes: { 1: 'fg' }, output: { threshold } })
  try {
    return (await sweep(m, samples, brightness, grid)).timing.predictions
  } finally {
    await m.close()
  }
}

describe('result cache with ONNX models', () => {
  it('misses on another model file or adapter option, hits on the same ones', async () => {
    expect(await predictions(file('sigmoid.onnx'), 0.5)).toBe(3)
    expect(await predictions(file('sigmoid.onnx'), 0.5)).toBe(0)
    // the same bytes at another path: the same model
    const copy = join(dir, 'copy.onnx')
    copyFileSync(file('sigmoid.onnx'), copy)
    expect(await predictions(copy, 0.5)).toBe(0)
    expect(await predictions(file('sigmoid.onnx'), 0.6)).toBe(3) // an adapter option
    expect(await predictions(file('nhwc.onnx'), 0.5)).toBe(3) // another model file
  })
})
