import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { cropPad, dihedral, flip, resize, rotate, translate, zoom } from '../../../src/transforms/geometric.js'
import { createRng } from '../../../src/transforms/random.js'
import { codeOf, messageOf } from '../../support/helpers.js'

/** Row-major nested rows of a single-channel raster. */
function rows(img: { width: number; height: number; data: ArrayLike<number> }): number[][] {
  const out: number[][] = []
  for (let r = 0; r < img.height; r++)
    out.push(Array.from({ length: img.width }, (_, c) => img.data[r * img.width + c] as number))
  return out
}

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length)
  for (let r = 0; r < expected.length; r++) {
    const e = expected[r] as number[]
    const a = actual[r] as number[]
    expect(a.length).toBe(e.length)
    for (let c = 0; c < e.length; c++) {
      if (Math.abs((a[c] as number) - (e[c] as number)) > tol)
        throw new Error(`(${r}, ${c}): got ${a[c]}, expected ${e[c]} (tol ${tol})`)
    }
  }
}

// Reference images of algorithms.md 2.8.
const square5 = raster(
  5,
  5,
  1,
  Array.from({ length: 25 }, (_, i) => i),
) // v[r,c] = 5r + c
const rect57Values = Array.from({ length: 35 }, (_, i) => (i * i) % 11) // v[r,c] = (7r + c)^2 mod 11
const rect57 = raster(7, 5, 1, rect57Values)

describe('rotate: fastai v1 reference vectors (algorithms.md 2.8)', () => {
  it('input of the non-square vector is as printed', () => {
    expect(rows(rect57)).toEqual([
      [0, 1, 4, 9, 5, 3, 3],
      [5, 9, 4, 1, 0, 1, 4],
      [9, 5, 3, 3, 5, 9, 4],
      [1, 0, 1, 4, 9, 5, 3],
      [3, 5, 9, 4, 1, 0, 1],
    ])
  })
  it('rotate(30) 5x5, reflection padding', () => {
    const out = rotate.with({ padding: 'reflection' }).image(square5, 30)
    expectClose(
      rows(out),
      [
        [4.9282, 3.2942, 4.3397, 7.7058, 9.6077],
        [1.4378, 4.8038, 8.1699, 11.5359, 14.4378],
        [5.2679, 8.634, 12, 15.366, 18.7321],
        [9.5622, 12.4641, 15.8301, 19.1962, 22.5622],
        [14.3923, 16.2942, 19.6603, 20.7058, 19.0718],
      ],
      1e-4,
    )
  })
  it('rotate(30) 5x5, zeros padding (the default)', () => {
    const out = rotate.image(square5, 30)
    expectClose(
      rows(out),
      [
        [0.3397, 1.6388, 4.3397, 7.7058, 2.7705],
        [1.4378, 4.8038, 8.1699, 11.5359, 11.2657],
        [5.2679, 8.634, 12, 15.366, 18.7321],
        [7.1651, 12.4641, 15.8301, 19.1962, 22.5622],
        [3.6603, 16.2942, 19.6603, 16.792, 6.091],
      ],
      1e-4,
    )
  })
  it('rotate(30) 5x5, border padding', () => {
    const out = rotate.with({ padding: 'border' }).image(square5, 30)
    expectClose(
      rows(out),
      [
        [1.2679, 2.134, 4.3397, 7.7058, 10.3397],
        [1.4378, 4.8038, 8.1699, 11.5359, 14.6699],
        [5.2679, 8.634, 12, 15.366, 18.7321],
        [9.3301, 12.4641, 15.8301, 19.1962, 22.5622],
        [13.6603, 16.2942, 19.6603, 21.866, 22.7321],
      ],
      1e-4,
    )
  })
  it('rotate(30) 5x7 non-square, bilinear zeros', () => {
    expectClose(
      rows(rotate.image(rect57, 30)),
      [
        [0.0, 1.90627, 6.553199, 3.574815, 1.518019, 3.726887, 1.32198],
        [0.688203, 3.726136, 3.773334, 0.947551, 4.12885, 7.446011, 3.002306],
        [4.125387, 7.447176, 3.279102, 3.0, 6.411152, 6.195559, 2.521538],
        [5.945751, 6.196109, 2.523447, 2.474199, 4.772419, 2.290615, 0.045772],
        [2.096528, 2.29507, 1.439263, 6.62811, 4.028062, 0.675299, 0.0],
      ],
      1e-4,
    )
  })
  it('rotate(30) 5x7 non-square, bilinear border', () => {
    expectClose(
      rows(rotate.with({ padding: 'border' }).image(rect57, 30)),
      [
        [2.420057, 5.696889, 8.178387, 3.574815, 1.518019, 3.726887, 4.0],
        [0.937638, 3.726136, 3.773334, 0.947551, 4.12885, 7.446011, 3.466025],
        [4.125387, 7.447176, 3.279102, 3.0, 6.411152, 6.195559, 2.521538],
        [6.864101, 6.196109, 2.523447, 2.474199, 4.772419, 2.290615, 0.062362],
        [6.343594, 2.29507, 1.439263, 6.62811, 5.027017, 2.018134, 0.473352],
      ],
      1e-4,
    )
  })
  it('rotate(30) 5x7 non-square, bilinear reflection', () => {
    expectClose(
      rows(rotate.with({ padding: 'reflection' }).image(rect57, 30)),
      [
        [6.292554, 3.890357, 6.7111, 3.574815, 1.518019, 3.726887, 5.569048],
        [3.016071, 3.726136, 3.773334, 0.947551, 4.12885, 7.446011, 3.920654],
        [4.125387, 7.447176, 3.279102, 3.0, 6.411152, 6.195559, 2.521538],
        [6.900465, 6.196109, 2.523447, 2.474199, 4.772419, 2.290615, 1.34272],
        [4.332503, 2.29507, 1.439263, 6.62811, 4.70048, 5.534674, 6.92156],
      ],
      1e-4,
    )
  })
  const nearestReflection = [
    [9, 4, 9, 5, 1, 4, 9],
    [1, 4, 1, 0, 5, 9, 3],
    [5, 9, 3, 3, 5, 5, 3],
    [5, 5, 3, 1, 4, 1, 0],
    [5, 1, 0, 9, 4, 9, 5],
  ]
  it('rotate(30) 5x7 non-square, nearest reflection (image and mask paths)', () => {
    expect(rows(rotate.with({ padding: 'reflection', interpolation: 'nearest' }).image(rect57, 30))).toEqual(
      nearestReflection,
    )
    const mask = labelMap(7, 5, rect57Values)
    const labels = rotate.with({ padding: 'reflection' }).labels?.(mask, 30)
    expect(labels && rows(labels)).toEqual(nearestReflection)
  })
})

describe('rotate: exact quarter turns, identities, direction', () => {
  it('rotate(90) is the exact counter-clockwise rotation (reference rows)', () => {
    const out = rows(rotate.image(square5, 90))
    expect(out[0]).toEqual([4, 9, 14, 19, 24])
    expect(out[4]).toEqual([0, 5, 10, 15, 20])
    // Every pixel: content at (r, c) moves to (N-1-c, r).
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(out[4 - c]?.[r]).toBe(5 * r + c)
  })
  it('quarter turns are exact permutations for any equivalent angle, also on masks', () => {
    const img = raster(
      6,
      6,
      1,
      Array.from({ length: 36 }, (_, i) => ((i * 37) % 101) / 100),
    )
    expect(Array.from(rotate.image(img, -270).data)).toEqual(Array.from(rotate.image(img, 90).data))
    expect(Array.from(rotate.image(img, 450).data)).toEqual(Array.from(rotate.image(img, 90).data))
    const twice = rotate.image(rotate.image(img, 90), 90)
    expect(Array.from(rotate.image(img, 180).data)).toEqual(Array.from(twice.data))
    expect(Array.from(rotate.image(twice, 180).data)).toEqual(Array.from(img.data))
    const mask = labelMap(
      6,
      6,
      Array.from({ length: 36 }, (_, i) => i % 4),
    )
    expect(Array.from(rotate.with({ maskInterpolation: 'onehot-bilinear' }).labels!(mask, 90).data)).toEqual(
      Array.from(rotate.labels!(mask, 90).data),
    )
  })
  it('rotate 0 and 360 are the identity', () => {
    const img = raster(
      7,
      5,
      3,
      Array.from({ length: 105 }, (_, i) => (i % 17) / 16),
      [0.8, 1.2],
    )
    for (const a of [0, 360, -360]) {
      const out = rotate.image(img, a)
      expect(Array.from(out.data)).toEqual(Array.from(img.data))
      expect(out.spacing).toEqual([0.8, 1.2])
    }
  })
  it('a marked pixel moves counter-clockwise for positive angles', () => {
    // Marked pixel right of centre (row 3, col 6) on a 7x7 image; +90 puts it above the centre.
    const img = raster(7, 7)
    img.data[3 * 7 + 6] = 1
    const out = rotate.image(img, 90)
    expect(out.data[0 * 7 + 3]).toBe(1)
    expect(out.data.reduce((s, v) => s + v, 0)).toBe(1)
  })
  it('masks after rotation hold only ids present in the input (nearest and onehot-bilinear)', () => {
    const rng = createRng(3)
    const ids = [0, 3, 7, 200]
    const mask = labelMap(
      23,
      17,
      Array.from({ length: 23 * 17 }, () => ids[Math.floor(rng.next() * 4)] as number),
    )
    for (const maskInterpolation of ['nearest', 'onehot-bilinear'] as const) {
      for (const padding of ['zeros', 'border', 'reflection'] as const) {
        for (const angle of [13, 30, 77.5, -120]) {
          const out = rotate.with({ maskInterpolation, padding }).labels!(mask, angle)
          for (const v of out.data) expect(ids).toContain(v)
        }
      }
    }
  })
  it('onehot-bilinear on a binary mask = bilinear-rotated indicator > 0.5 (argmax of the one-hot weights)', () => {
    const n = 41
    const inside = Array.from({ length: n * n }, (_, i) =>
      ((i % n) - 17) ** 2 + (Math.floor(i / n) - 22) ** 2 <= 100 ? 1 : 0,
    )
    const disc = labelMap(n, n, inside)
    const indicator = raster(n, n, 1, inside)
    for (const padding of ['zeros', 'reflection'] as const) {
      const out = rotate.with({ maskInterpolation: 'onehot-bilinear', padding }).labels!(disc, 33)
      const soft = rotate.with({ padding }).image(indicator, 33)
      let ones = 0
      for (let i = 0; i < n * n; i++) {
        expect(out.data[i]).toBe((soft.data[i] as number) > 0.5 ? 1 : 0)
        ones += out.data[i] as number
      }
      expect(ones).toBeGreaterThan(250) // the disc survives (area ~ 317)
    }
  })
  it('rejects a non-finite angle and bad options, naming transform, parameter and value', () => {
    expect(codeOf(() => rotate.image(square5, Number.NaN))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => rotate.image(square5, Number.POSITIVE_INFINITY))).toMatch(/rotate.*angle.*Infinity/)
    expect(codeOf(() => rotate.labels!(labelMap(2, 2), Number.NaN))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => rotate.with({ padding: 'wrap' as never }))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => rotate.with({ interpolation: 'bicubic' as never }))).toMatch(/interpolation.*bicubic/)
  })
  it('has the documented parameter and default options', () => {
    expect(rotate.parameter).toMatchObject({
      name: 'angle',
      unit: 'deg',
      neutral: 0,
      scale: 'circular',
      period: 360,
      defaultRange: [-180, 180],
      defaultStep: 10,
    })
    expect(rotate.options).toEqual({ interpolation: 'bilinear', padding: 'zeros', maskInterpolation: 'nearest' })
    expect(rotate.spatial).toBe(true)
  })
})

// ---- fastai v1 `_dihedral` written out on nested arrays (the oracle): flip rows, flip cols, transpose.
function fastaiDihedral(m: number[][], k: number): number[][] {
  let x = m.map((r) => r.slice())
  if (k & 1) x = x.slice().reverse()
  if (k & 2) x = x.map((r) => r.slice().reverse())
  if (k & 4) x = (x[0] as number[]).map((_, c) => x.map((r) => r[c] as number))
  return x
}

describe('dihedral and flip', () => {
  // 4 wide, 3 high, distinct values.
  const img43 = raster(
    4,
    3,
    1,
    Array.from({ length: 12 }, (_, i) => i),
    [0.5, 2],
  )
  it('matches fastai v1 _dihedral for every k on a non-square image (shape swaps under transpose)', () => {
    for (let k = 0; k < 8; k++) {
      const out = dihedral.image(img43, k)
      const expected = fastaiDihedral(rows(img43), k)
      expect(out.height).toBe(expected.length)
      expect(out.width).toBe(expected[0]?.length)
      expect(rows(out)).toEqual(expected)
      const mask = dihedral.labels!(
        labelMap(
          4,
          3,
          Array.from({ length: 12 }, (_, i) => i),
        ),
        k,
      )
      expect(rows(mask)).toEqual(expected)
    }
  })
  it('moves a marked pixel where fastai v1 moves it', () => {
    const H = 3
    const W = 4
    const r = 0
    const c = 1
    const img = raster(W, H)
    img.data[r * W + c] = 1
    // Derived from 2.3: k&1 row -> H-1-row, k&2 col -> W-1-col, then k&4 swaps (row, col).
    const expectedPos: Array<[number, number]> = [
      [r, c],
      [H - 1 - r, c],
      [r, W - 1 - c],
      [H - 1 - r, W - 1 - c],
      [c, r],
      [c, H - 1 - r],
      [W - 1 - c, r],
      [W - 1 - c, H - 1 - r],
    ]
    for (let k = 0; k < 8; k++) {
      const out = dihedral.image(img, k)
      const [er, ec] = expectedPos[k] as [number, number]
      expect(out.data[er * out.width + ec], `k=${k}`).toBe(1)
      expect(out.data.reduce((s, v) => s + v, 0)).toBe(1)
    }
  })
  it('k=6 equals rotate(90) on a square image (both counter-clockwise)', () => {
    expect(Array.from(dihedral.image(square5, 6).data)).toEqual(Array.from(rotate.image(square5, 90).data))
    expect(Array.from(dihedral.image(square5, 5).data)).toEqual(Array.from(rotate.image(square5, -90).data))
    expect(Array.from(dihedral.image(square5, 3).data)).toEqual(Array.from(rotate.image(square5, 180).data))
  })
  it('the 8 codes form a group under composition: closure, identity 0, inverses', () => {
    const key = (x: Raster) => `${x.width}x${x.height}:${Array.from(x.data).join(',')}`
    const single = new Map<string, number>()
    for (let k = 0; k < 8; k++) single.set(key(dihedral.image(img43, k)), k)
    expect(single.size).toBe(8) // all distinct
    const table: number[][] = []
    for (let i = 0; i < 8; i++) {
      table.push([])
      for (let j = 0; j < 8; j++) {
        const m = single.get(key(dihedral.image(dihedral.image(img43, i), j)))
        expect(m, `compose ${i} then ${j}`).toBeDefined()
        table[i]!.push(m as number)
      }
    }
    for (let k = 0; k < 8; k++) {
      expect(table[0]![k]).toBe(k)
      expect(table[k]![0]).toBe(k)
      expect(table[k]!.filter((m) => m === 0).length).toBe(1) // exactly one inverse
      expect(new Set(table[k]).size).toBe(8) // Latin square row
    }
    // Associativity on the table.
    for (let a = 0; a < 8; a++)
      for (let b = 0; b < 8; b++)
        for (let c = 0; c < 8; c++) {
          expect(table[table[a]![b]!]![c]).toBe(table[a]![table[b]![c]!])
        }
  })
  it('transposing codes swap the x/y spacing; others keep it', () => {
    expect(dihedral.image(img43, 4).spacing).toEqual([2, 0.5])
    expect(dihedral.image(img43, 3).spacing).toEqual([0.5, 2])
    expect(dihedral.labels!(labelMap(4, 3, undefined, [0.5, 2]), 7).spacing).toEqual([2, 0.5])
  })
  it('rejects non-integer and out-of-range k', () => {
    expect(codeOf(() => dihedral.image(img43, 1.5))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => dihedral.image(img43, 8))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => dihedral.labels!(labelMap(2, 2), -1))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => dihedral.image(img43, 2.5))).toMatch(/dihedral.*k.*2\.5/)
  })
  it('flip: 1 mirrors left-right, 2 top-bottom, twice is the identity', () => {
    expect(rows(flip.image(img43, 1))).toEqual(rows(img43).map((r) => r.slice().reverse()))
    expect(rows(flip.image(img43, 2))).toEqual(rows(img43).slice().reverse())
    for (const k of [0, 1, 2])
      expect(Array.from(flip.image(flip.image(img43, k), k).data)).toEqual(Array.from(img43.data))
    expect(codeOf(() => flip.image(img43, 3))).toBe('E_OUT_OF_RANGE')
    expect(flip.parameter.categories).toEqual({ 0: 'none', 1: 'horizontal', 2: 'vertical' })
  })
})

describe('zoom', () => {
  // A linear ramp v = x: bilinear reproduces linear functions exactly inside the image.
  const ramp = raster(
    9,
    9,
    1,
    Array.from({ length: 81 }, (_, i) => i % 9),
    [1, 1],
  )
  it('zoom(1) is the identity', () => {
    expect(Array.from(zoom.image(ramp, 1).data)).toEqual(Array.from(ramp.data))
  })
  it('samples u_in = c_x + (u - c_x)/scale (fastai v1 _zoom, centred)', () => {
    for (const s of [2, 1.5, 0.8]) {
      const out = zoom.with({ padding: 'border' }).image(ramp, s)
      for (let x = 0; x < 9; x++) {
        const u = Math.min(8, Math.max(0, 4 + (x - 4) / s))
        expect(out.data[2 * 9 + x]).toBeCloseTo(u, 5)
      }
    }
  })
  it('zoom out fills the border with zeros by default; spacing shrinks by the factor', () => {
    const ones = raster(9, 9, 1, new Float32Array(81).fill(1), [1, 2])
    const out = zoom.image(ones, 0.5)
    expect(out.data[0]).toBe(0) // samples u = -4
    expect(out.data[4 * 9 + 4]).toBe(1)
    expect(out.spacing).toEqual([2, 4])
    expect(zoom.labels!(labelMap(9, 9, new Uint8Array(81).fill(2), [1, 2]), 0.5).data[0]).toBe(0)
  })
  it('rejects factor <= 0', () => {
    expect(codeOf(() => zoom.image(ramp, 0))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => zoom.image(ramp, -1))).toMatch(/zoom.*factor.*-1/)
  })
})

describe('translate', () => {
  const img = raster(5, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  it('positive shifts move content right (x) or down (y); integer shifts are exact', () => {
    expect(rows(translate.image(img, 2))).toEqual([
      [0, 0, 1, 2, 3],
      [0, 0, 6, 7, 8],
    ])
    expect(rows(translate.image(img, -1))).toEqual([
      [2, 3, 4, 5, 0],
      [7, 8, 9, 10, 0],
    ])
    expect(rows(translate.with({ axis: 'y' }).image(img, 1))).toEqual([
      [0, 0, 0, 0, 0],
      [1, 2, 3, 4, 5],
    ])
    expect(rows(translate.labels!(labelMap(5, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 2))).toEqual([
      [0, 0, 1, 2, 3],
      [0, 0, 6, 7, 8],
    ])
  })
  it('fractional shifts interpolate; 0 is the identity', () => {
    expect(rows(translate.image(img, 0.5))[0]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5])
    expect(Array.from(translate.image(img, 0).data)).toEqual(Array.from(img.data))
    expect(codeOf(() => translate.with({ axis: 'z' as never }))).toBe('E_OUT_OF_RANGE')
  })
})

// ---- misas' fastai-era crop written out with fastai v1 `_crop_pad_default` (2.5) and an exact rotate(180).
function fastaiCropPad(m: number[][], size: number): number[][] {
  let x = m
  let H = x.length
  let W = (x[0] as number[]).length
  if (H < size || W < size) {
    const rp = Math.max(Math.floor((size - H + 1) / 2), 0)
    const cp = Math.max(Math.floor((size - W + 1) / 2), 0)
    const zr = () => new Array<number>(W + 2 * cp).fill(0)
    x = [
      ...Array.from({ length: rp }, zr),
      ...x.map((r) => [...new Array<number>(cp).fill(0), ...r, ...new Array<number>(cp).fill(0)]),
      ...Array.from({ length: rp }, zr),
    ]
    H = x.length
    W = (x[0] as number[]).length
  }
  const row = Math.trunc((H - size + 1) * 0.5)
  const col = Math.trunc((W - size + 1) * 0.5)
  return x.slice(row, row + size).map((r) => r.slice(col, col + size))
}
const rot180 = (m: number[][]) =>
  m
    .slice()
    .reverse()
    .map((r) => r.slice().reverse())

describe('cropPad', () => {
  it("matches misas' crop: crop_pad(p), rotate(180), crop_pad(F, zeros), rotate(180)", () => {
    for (const F of [10, 11]) {
      const img = raster(
        F,
        F,
        1,
        Array.from({ length: F * F }, (_, i) => i + 1),
      )
      for (let p = 1; p <= F; p++) {
        const expected = rot180(fastaiCropPad(rot180(fastaiCropPad(rows(img), p)), F))
        expect(rows(cropPad.image(img, p)), `F=${F} p=${p}`).toEqual(expected)
      }
    }
  })
  it('is the identity for a side >= the image size, keeps size, spacing and channels', () => {
    const img = raster(
      6,
      4,
      3,
      Array.from({ length: 72 }, (_, i) => i / 71),
      [0.7, 0.7],
    )
    for (const p of [6, 7, 256]) {
      const out = cropPad.image(img, p)
      expect(Array.from(out.data)).toEqual(Array.from(img.data))
      expect(out.spacing).toEqual([0.7, 0.7])
    }
    // On a non-square image each axis keeps min(side, size): side 5 keeps all 4 rows and 5 of 6 columns.
    const out = cropPad.image(img, 5)
    expect(out.width).toBe(6)
    expect(out.data[0]).toBe(0)
    expect(out.data[3 * 1]).toBe(img.data[3])
  })
  it('zeroes the truth outside the kept window', () => {
    const mask = labelMap(4, 4, new Uint8Array(16).fill(3))
    expect(rows(cropPad.labels!(mask, 2))).toEqual([
      [0, 0, 0, 0],
      [0, 3, 3, 0],
      [0, 3, 3, 0],
      [0, 0, 0, 0],
    ])
    expect(codeOf(() => cropPad.image(raster(2, 2), -1))).toBe('E_OUT_OF_RANGE')
  })
})

describe('resize', () => {
  it('resizing to the own longer side is the identity (image and mask)', () => {
    const img = raster(
      7,
      5,
      2,
      Array.from({ length: 70 }, (_, i) => (i % 13) / 12),
      [0.9, 1.1],
    )
    const out = resize.image(img, 7)
    expect([out.width, out.height]).toEqual([7, 5])
    expect(Array.from(out.data)).toEqual(Array.from(img.data))
    expect(out.spacing).toEqual([0.9, 1.1])
    const mask = labelMap(
      7,
      5,
      Array.from({ length: 35 }, (_, i) => i % 3),
    )
    expect(Array.from(resize.labels!(mask, 7).data)).toEqual(Array.from(mask.data))
  })
  it('keeps the aspect: longer side = target, shorter rounded', () => {
    const out = resize.image(raster(40, 30), 20)
    expect([out.width, out.height]).toEqual([20, 15])
    const tall = resize.labels!(labelMap(10, 30), 12)
    expect([tall.width, tall.height]).toEqual([4, 12])
  })
  it('uses the align_corners grid linspace(-1, 1, n): corners map exactly, a ramp stays a ramp', () => {
    const ramp = raster(5, 1, 1, [0, 1, 2, 3, 4])
    const up = resize.image(ramp, 9)
    // Shorter side round(1·9/5) = 2; u = x (W_in − 1)/(W_out − 1) = x/2, both rows sample row 0 (grid [-1, 1] on a 1-px axis).
    expect([up.width, up.height]).toEqual([9, 2])
    expect(rows(up)).toEqual([
      [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
      [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
    ])
  })
  it("applies fastai's area pre-filter when shrinking by more than 2x", () => {
    // 12 -> 2 wide (and 12 -> 2 high): d = min(12/2, 12/2)/2 = 3 > 1 -> area to floor(12/3) = 4, then bilinear 4 -> 2.
    const values = Array.from({ length: 144 }, (_, i) => (i % 12) ** 2)
    const out = resize.image(raster(12, 12, 1, values), 2)
    // Area bins of 3 columns: means of x^2 over {0,1,2} and {9,10,11}; corners of the 4-wide image map exactly.
    expect(out.data[0]).toBeCloseTo((0 + 1 + 4) / 3, 5)
    expect(out.data[1]).toBeCloseTo((81 + 100 + 121) / 3, 5)
    // Without the pre-filter (nearest) the corners are plain samples.
    const nn = resize.with({ interpolation: 'nearest' }).image(raster(12, 12, 1, values), 2)
    expect(Array.from(nn.data.subarray(0, 2))).toEqual([0, 121])
  })
  it('scales the spacing by the sampling step and resizes the truth with nearest ids', () => {
    const img = raster(9, 9, 1, undefined, [1, 1])
    expect(resize.image(img, 5).spacing).toEqual([2, 2])
    const mask = labelMap(4, 4, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    const big = resize.labels!(mask, 8)
    for (const v of big.data) expect([1, 2, 3, 4]).toContain(v)
    expect(big.data[0]).toBe(1)
    expect(big.data[63]).toBe(4)
  })
  it('rejects sizes below 1 px', () => {
    expect(codeOf(() => resize.image(raster(4, 4), 0))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => resize.image(raster(4, 4), Number.NaN))).toBe('E_OUT_OF_RANGE')
  })
})
