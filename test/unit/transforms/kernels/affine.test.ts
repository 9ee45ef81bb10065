import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../../src/core/raster.js'
import type { LabelMap, Raster } from '../../../../src/core/types.js'
import { createRng } from '../../../../src/transforms/random.js'
import { dihedralMap, rotateMap, zoomMap } from '../../../../src/transforms/geometric.js'
import { gridSample, gridSampleLabels } from '../../../../src/transforms/kernels/grid-sample.js'
import { type AffineMap, type CoordinateFunction } from '../../../../src/transforms/kernels/sampling.js'
import { codeOf } from '../../../support/helpers.js'

// The specialised affine kernels (kernels/affine.ts) must give bit-identical output to the general grid sampler,
// which an affine map written as a coordinate function still takes. Compared byte for byte (so -0 and +0 differ).

/** The same affine map as a per-pixel function: routes gridSample through its general path. */
function asFunction(m: AffineMap): CoordinateFunction {
  return (x, y, out) => {
    out[0] = m.a * x + m.b * y + m.c
    out[1] = m.d * x + m.e * y + m.f
  }
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

function noise(w: number, h: number, c: number, seed: number): Raster {
  const rng = createRng(seed)
  const data = new Float32Array(w * h * c)
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 2 - 0.5 // negatives too, so -0 products can occur
  return raster(w, h, c, data)
}

function labels(w: number, h: number, seed: number, wide = false): LabelMap {
  const rng = createRng(seed)
  const data = wide ? new Uint16Array(w * h) : new Uint8Array(w * h)
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng.next() * 4) * (wide ? 300 : 1)
  return labelMap(w, h, data)
}

const sizes: [number, number][] = [
  [37, 23],
  [64, 64],
  [1, 9],
  [16, 1],
]
const paddings = ['zeros', 'border', 'reflection'] as const

function maps(w: number, h: number): [string, AffineMap, number, number][] {
  const out: [string, AffineMap, number, number][] = []
  for (const deg of [0, 17.5, -33, 90, 180, -180, 271.3]) out.push([`rotate ${deg}`, rotateMap(deg, w, h), w, h])
  for (const s of [0.5, 0.83, 1, 1.7, 2]) out.push([`zoom ${s}`, zoomMap(s, w, h), w, h])
  for (const k of [0, 3, 5, 7]) {
    const m = dihedralMap(k, w, h)
    out.push([`dihedral ${k}`, m.map, m.width, m.height])
  }
  out.push(['translate 2.25, -1', { a: 1, b: 0, c: -2.25, d: 0, e: 1, f: 1 }, w, h])
  out.push(['resize to 13x29', { a: (w - 1) / 12, b: 0, c: 0, d: 0, e: (h - 1) / 28, f: 0 }, 13, 29])
  return out
}

describe("affine kernels give the general grid sampler's output, bit for bit", () => {
  it('images: bilinear and nearest, every padding, 1 and 3 channels, odd and degenerate sizes', () => {
    let compared = 0
    for (const [w, h] of sizes) {
      for (const channels of [1, 3]) {
        const img = noise(w, h, channels, w * 100 + h + channels)
        for (const [name, m, ow, oh] of maps(w, h)) {
          for (const mode of ['bilinear', 'nearest'] as const) {
            for (const padding of paddings) {
              const opts = { mode, padding, width: ow, height: oh }
              const fast = gridSample(img, m, opts)
              const general = gridSample(img, asFunction(m), opts)
              expect(
                bytes(fast.data).equals(bytes(general.data)),
                `${name} ${mode} ${padding} ${w}x${h}x${channels}`,
              ).toBe(true)
              compared++
            }
          }
        }
      }
    }
    expect(compared).toBe(sizes.length * 2 * 18 * 2 * 3)
  })

  it('label maps: nearest, every padding, 8- and 16-bit ids', () => {
    for (const [w, h] of sizes) {
      for (const wide of [false, true]) {
        const mask = labels(w, h, w + h, wide)
        for (const [name, m, ow, oh] of maps(w, h)) {
          for (const padding of paddings) {
            const opts = { mode: 'nearest' as const, padding, width: ow, height: oh }
            const fast = gridSampleLabels(mask, m, opts)
            const general = gridSampleLabels(mask, asFunction(m), opts)
            expect(fast.data.constructor).toBe(mask.data.constructor)
            expect(bytes(fast.data).equals(bytes(general.data)), `${name} ${padding} ${w}x${h}`).toBe(true)
            expect([fast.width, fast.height]).toEqual([ow, oh])
          }
        }
      }
    }
  })

  it('moves real content: a 90-degree rotation of a square is a permutation', () => {
    const img = noise(5, 5, 1, 1)
    const out = gridSample(img, rotateMap(90, 5, 5))
    expect(Array.from(out.data).sort()).toEqual(Array.from(img.data).sort())
    expect(Array.from(out.data)).not.toEqual(Array.from(img.data))
  })

  it('rejects a non-finite coefficient, and an overflowing coordinate, like the general path', () => {
    const img = noise(4, 4, 1, 2)
    expect(codeOf(() => gridSample(img, { a: Number.NaN, b: 0, c: 0, d: 0, e: 1, f: 0 }))).toBe('E_OUT_OF_RANGE')
    const huge = { a: 1e308, b: 1e308, c: 0, d: 0, e: 1, f: 0 }
    expect(codeOf(() => gridSample(img, huge))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => gridSampleLabels(labels(4, 4, 3), huge))).toBe('E_OUT_OF_RANGE')
  })
})
