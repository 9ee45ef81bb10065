import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../../src/core/raster.js'
import { reflectCoordinate } from '../../../../src/transforms/kernels/border.js'
import {
  IDENTITY_MAP,
  areaResize,
  fastaiAffine,
  gridSample,
  gridSampleLabels,
} from '../../../../src/transforms/kernels/grid-sample.js'
import { roundHalfEven } from '../../../../src/transforms/kernels/round.js'
import { codeOf } from '../../../support/helpers.js'

/** A 1-row image sampled at explicit u coordinates (v = 0). */
function sampleRow(
  values: number[],
  us: number[],
  mode: 'bilinear' | 'nearest',
  padding: 'zeros' | 'border' | 'reflection',
): number[] {
  const img = raster(values.length, 1, 1, values)
  const out = gridSample(
    img,
    (x, _y, o) => {
      o[0] = us[x] as number
      o[1] = 0
    },
    { mode, padding, width: us.length, height: 1 },
  )
  return Array.from(out.data)
}

describe('roundHalfEven (nearbyint)', () => {
  it('rounds ties to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, 3, -3,
    ])
  })
})

describe('reflectCoordinate (torch reflect_coordinates, align_corners=true, then clip)', () => {
  it('mirrors about pixel centres 0 and size-1 (no edge repeat)', () => {
    // span = 4 for size 5: |u| mod 4, flipped on odd periods (reference 2.1).
    expect(reflectCoordinate(-1, 5)).toBe(1)
    expect(reflectCoordinate(-1.25, 5)).toBe(1.25)
    expect(reflectCoordinate(5, 5)).toBe(3)
    expect(reflectCoordinate(4.5, 5)).toBe(3.5)
    expect(reflectCoordinate(9, 5)).toBe(1)
    expect(reflectCoordinate(2, 5)).toBe(2)
    expect(reflectCoordinate(3.7, 1)).toBe(0)
  })
})

describe('gridSample padding and interpolation rules (reference 2.1)', () => {
  const row = [10, 20, 30, 40]
  it('zeros: out-of-range bilinear taps contribute 0, so borders fade', () => {
    expect(sampleRow(row, [-0.5, -1, 3.25, 4], 'bilinear', 'zeros')).toEqual([5, 0, 30, 0])
  })
  it('border clamps the coordinate first', () => {
    expect(sampleRow(row, [-0.5, -7, 3.5, 1.5], 'bilinear', 'border')).toEqual([10, 10, 40, 25])
  })
  it('reflection mirrors the coordinate first', () => {
    // -0.5 -> 0.5 (15), 3.5 -> 2.5 (35), -3 -> 3 (40), 7 -> -1 -> 1 (20)
    expect(sampleRow(row, [-0.5, 3.5, -3, 7], 'bilinear', 'reflection')).toEqual([15, 35, 40, 20])
  })
  it('nearest rounds half to even and reads 0 outside with zeros padding', () => {
    expect(sampleRow(row, [0.5, 1.5, 2.5, -0.5, -0.6, 3.4, 3.5], 'nearest', 'zeros')).toEqual([
      10, 30, 30, 10, 0, 40, 0,
    ])
  })
  it('the identity map returns the input exactly, all channels', () => {
    const img = raster(
      3,
      2,
      3,
      Array.from({ length: 18 }, (_, i) => i / 17),
      [0.5, 0.7],
    )
    for (const mode of ['bilinear', 'nearest'] as const) {
      const out = gridSample(img, IDENTITY_MAP, { mode })
      expect(Array.from(out.data)).toEqual(Array.from(img.data))
      expect(out.spacing).toEqual([0.5, 0.7])
    }
  })
  it('rejects a bad mode, padding, size or non-finite coordinate with E_BAD_PARAMETER', () => {
    const img = raster(2, 2)
    expect(codeOf(() => gridSample(img, IDENTITY_MAP, { mode: 'bicubic' as never }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => gridSample(img, IDENTITY_MAP, { padding: 'wrap' as never }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => gridSample(img, IDENTITY_MAP, { width: 0 }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => gridSample(img, { ...IDENTITY_MAP, c: Number.NaN }))).toBe('E_OUT_OF_RANGE')
    expect(
      codeOf(() =>
        gridSample(img, (_x, _y, o) => {
          o[0] = Number.NaN
          o[1] = 0
        }),
      ),
    ).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => gridSampleLabels(labelMap(2, 2), IDENTITY_MAP, { mode: 'bilinear' as never }))).toBe(
      'E_OUT_OF_RANGE',
    )
  })
})

describe('fastaiAffine: normalised grid, aspect correction, align_corners unnormalisation', () => {
  it('reproduces the sampled coordinates of the 5x7 rotate(30) vector (reference 2.8)', () => {
    const t = (30 * Math.PI) / 180
    const m = fastaiAffine([Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0], 7, 5)
    const at = (r: number, c: number): [number, number] => [m.a * c + m.b * r + m.c, m.d * c + m.e * r + m.f]
    const expected: Array<[number, number, number, number]> = [
      [0, 0, 1.473352, -1.132051],
      [0, 6, 6.669505, 1.667949],
      [4, 0, -0.669505, 2.332051],
      [4, 6, 4.526648, 5.132051],
      [2, 3, 3, 2],
    ]
    for (const [r, c, u, v] of expected) {
      const [gu, gv] = at(r, c)
      expect(gu).toBeCloseTo(u, 5)
      expect(gv).toBeCloseTo(v, 5)
    }
  })
  it('maps the identity matrix to the exact identity on any size, and corners to corners across sizes', () => {
    expect(fastaiAffine([1, 0, 0, 0, 1, 0], 7, 5)).toEqual({ a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 })
    const m = fastaiAffine([1, 0, 0, 0, 1, 0], 9, 5, 4, 3)
    expect(m.a * 3 + m.c).toBeCloseTo(8, 12)
    expect(m.e * 2 + m.f).toBeCloseTo(4, 12)
    expect(m.c).toBe(0)
  })
  it('uses [-1] as the grid of a 1-pixel axis', () => {
    const m = fastaiAffine([1, 0, 0, 0, 1, 0], 5, 5, 1, 1)
    // x_n = -1 -> u = 0
    expect([m.a, m.c, m.e, m.f]).toEqual([0, 0, 0, 0])
  })
})

describe('gridSampleLabels', () => {
  const at = (u: number, v: number) => ({ a: 0, b: 0, c: u, d: 0, e: 0, f: v })
  it('onehot-bilinear takes the class with the largest bilinear weight', () => {
    const mask = labelMap(2, 2, [1, 2, 2, 3])
    const one = (u: number, v: number) =>
      gridSampleLabels(mask, at(u, v), { mode: 'onehot-bilinear', width: 1, height: 1 }).data[0]
    expect(one(0.5, 0.5)).toBe(2) // 2 holds half the weight
    expect(one(0.1, 0.1)).toBe(1)
    expect(one(0.9, 0.9)).toBe(3) // 0.81 for 3
    expect(one(0.45, 0.45)).toBe(2) // 1: 0.3025, 2: 0.495, 3: 0.2025
  })
  it('breaks ties towards the lower id', () => {
    const mask = labelMap(2, 1, [7, 4])
    expect(gridSampleLabels(mask, at(0.5, 0), { mode: 'onehot-bilinear', width: 1, height: 1 }).data[0]).toBe(4)
  })
  it('counts taps outside as background 0 with zeros padding, but not with border padding', () => {
    const mask = labelMap(2, 1, [5, 5])
    const one = (u: number, padding: 'zeros' | 'border') =>
      gridSampleLabels(mask, at(u, 0), { mode: 'onehot-bilinear', padding, width: 1, height: 1 }).data[0]
    expect(one(-0.6, 'zeros')).toBe(0)
    expect(one(-0.4, 'zeros')).toBe(5)
    expect(one(-0.6, 'border')).toBe(5)
  })
  it('nearest keeps 16-bit ids and reads 0 outside', () => {
    const mask = labelMap(2, 1, [300, 301])
    const out = gridSampleLabels(mask, { a: 1, b: 0, c: -1, d: 0, e: 1, f: 0 })
    expect(out.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(out.data)).toEqual([0, 300])
  })
})

describe('areaResize (torch area = adaptive average pooling)', () => {
  it('averages the bins [floor(i n/m), ceil((i+1) n/m)) along each axis', () => {
    // 5 -> 2: bins [0,3) and [2,5) (they overlap at index 2).
    const img = raster(5, 1, 1, [1, 2, 3, 4, 5])
    expect(Array.from(areaResize(img, 2, 1).data)).toEqual([2, 4])
    const sq = raster(
      4,
      4,
      1,
      Array.from({ length: 16 }, (_, i) => i),
    )
    // 2x2 blocks: mean of (0,1,4,5) = 2.5, (2,3,6,7) = 4.5, (8,9,12,13) = 10.5, (10,11,14,15) = 12.5
    expect(Array.from(areaResize(sq, 2, 2).data)).toEqual([2.5, 4.5, 10.5, 12.5])
  })
})
