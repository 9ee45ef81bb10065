import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'

const file = (name: string) => fileURLToPath(new URL(`../../../fixtures/models/test/${name}`, import.meta.url))

describe('model fingerprints', () => {
  it('an ONNX model hashes its bytes and the options that change predictions', async () => {
    const load = async (source: string | Uint8Array, options: Parameters<typeof loadOnnxModel>[1]) => {
      const m = await loadOnnxModel(source, options)
      await m.close()
      return m.fingerprint
    }
    const base = await load(file('sigmoid.onnx'), { classes: { 1: 'fg' }, output: { threshold: 0.3 } })
    expect(base).toMatch(/^file:[0-9a-f]{16},options:[0-9a-f]{16}$/)
    // the same bytes from memory, another name and batch size: the same fingerprint
    expect(
      await load(readFileSync(file('sigmoid.onnx')), {
        classes: { 1: 'fg' },
        output: { threshold: 0.3 },
        name: 'other',
        batchSize: 2,
      }),
    ).toBe(base)
    // another threshold: only the options part changes
    const other = await load(file('sigmoid.onnx'), { classes: { 1: 'fg' }, output: { threshold: 0.6 } })
    expect(other.split(',')[0]).toBe(base.split(',')[0])
    expect(other.split(',')[1]).not.toBe(base.split(',')[1])
    // another file
    expect(
      (await load(file('nhwc.onnx'), { classes: { 1: 'fg' }, output: { threshold: 0.3 } })).split(',')[0],
    ).not.toBe(base.split(',')[0])
  })

  it('a function model has none', () => {
    expect(
      functionModel('f', { 1: 'fg' }, (img) => labelMap(img.width, img.height, new Uint8Array(img.width * img.height)))
        .fingerprint,
    ).toBeUndefined()
  })
})
