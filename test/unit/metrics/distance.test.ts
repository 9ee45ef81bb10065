import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import { type BoundaryDistances, boundaryDistances, surfaceDistances } from '../../../src/metrics/distance.js'
import { squaredDistanceTransform } from '../../../src/metrics/edt.js'
import { codeOf } from '../../support/helpers.js'

/** A binary mask of width w, height h where `inside(row, col)` is foreground. */
function bin(w: number, h: number, inside: (r: number, c: number) => boolean): Uint8Array {
  const m = new Uint8Array(w * h)
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (inside(r, c)) m[r * w + c] = 1
  return m
}

/** Each listed metric of `d` equals the reference to `digits` decimals. */
function expectDistances(
  d: BoundaryDistances,
  expected: Partial<Record<'hd' | 'hd95' | 'assd' | 'masd' | 'asd' | 'nsd', number>>,
  digits = 6,
): void {
  for (const [metric, value] of Object.entries(expected))
    expect(d[metric as keyof typeof expected], metric).toBeCloseTo(value, digits)
}

// Reference values: algorithms.md §4.8 (MONAI 1.5.0, Metrics Reloaded cb38dfc0, SciPy 1.10). The reference gives
// spacing as (row, column); segsense's is (x, y), so (1.5, 1.0) there is [1.0, 1.5] here.
describe('squaredDistanceTransform', () => {
  it('matches scipy distance_transform_edt(m, sampling=(1.5, 1.0)) on the §4.8 example', () => {
    const m = [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 1, 1],
      [1, 1, 1, 1, 1, 1],
      [0, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0],
    ]
    const expected = [
      [3.354102, 2.5, 1.802776, 1.5, 1.802776, 2.5],
      [3.0, 2.0, 1.0, 0.0, 1.0, 2.0],
      [1.5, 1.802776, 1.802776, 1.5, 1.802776, 2.5],
      [0.0, 1.0, 2.0, 2.5, 1.802776, 1.5],
      [1.5, 1.802776, 2.5, 2.0, 1.0, 0.0],
    ]
    const feature = Uint8Array.from(m.flat().map((v) => (v === 0 ? 1 : 0)))
    const d = squaredDistanceTransform(feature, 6, 5, [1.0, 1.5])
    expected.flat().forEach((e, i) => expect(Math.sqrt(d[i]!)).toBeCloseTo(e, 6))
  })

  it('agrees with brute force on random masks and anisotropic spacing', () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [w, h, sx, sy] of [
      [17, 11, 1, 1],
      [9, 23, 0.7, 1.9],
      [1, 5, 1, 1],
      [6, 1, 2, 1],
    ] as const) {
      const f = Uint8Array.from({ length: w * h }, () => (rand() < 0.08 ? 1 : 0))
      f[Math.floor(rand() * w * h)] = 1
      const d = squaredDistanceTransform(f, w, h, [sx, sy])
      for (let i = 0; i < w * h; i++) {
        let best = Number.POSITIVE_INFINITY
        for (let j = 0; j < w * h; j++)
          if (f[j])
            best = Math.min(best, (((i % w) - (j % w)) * sx) ** 2 + ((Math.floor(i / w) - Math.floor(j / w)) * sy) ** 2)
        expect(d[i]).toBeCloseTo(best, 9)
      }
    }
  })

  it('is Infinity everywhere without a feature pixel, and rejects a wrong length', () => {
    expect([...squaredDistanceTransform(new Uint8Array(12), 4, 3)].every((v) => v === Number.POSITIVE_INFINITY)).toBe(
      true,
    )
    expect(() => squaredDistanceTransform(new Uint8Array(5), 4, 3)).toThrow(/5 values, expected width \* height = 12/)
  })
})

describe('boundaryDistances against the reference vectors', () => {
  it('case A: 10x10 square shifted 2 px right', () => {
    const g = bin(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 10 && c <= 19)
    const p = bin(32, 32, (r, c) => r >= 10 && r <= 19 && c >= 12 && c <= 21)
    const d = boundaryDistances(p, g, 32, 32)
    expect(d.boundaryPixels).toEqual({ prediction: 36, truth: 36 })
    expectDistances(d, { hd: 2, hd95: 2, assd: 1, masd: 1, asd: 1, nsd: 0.555556 })
    expect(boundaryDistances(p, g, 32, 32, { tolerance: 2 }).nsd).toBeCloseTo(1, 6)
  })

  it('case B: disc against ellipse', () => {
    const g = bin(64, 64, (y, x) => (y - 32) ** 2 + (x - 32) ** 2 <= 15 ** 2)
    const p = bin(64, 64, (y, x) => ((y - 34) / 14) ** 2 + ((x - 31) / 17) ** 2 <= 1)
    const d = boundaryDistances(p, g, 64, 64)
    expect(d.boundaryPixels).toEqual({ prediction: 88, truth: 84 })
    expectDistances(d, { hd: 3.605551, hd95: 3.0, assd: 1.682369, asd: 1.689055, nsd: 0.430233 })
    expectDistances(d, { masd: 1.68221 }, 5)
    expect(boundaryDistances(p, g, 64, 64, { tolerance: 2 }).nsd).toBeCloseTo(0.662791, 6)
  })

  const caseC = () => ({
    g: bin(12, 12, (r, c) => r >= 3 && r <= 8 && c >= 2 && c <= 8),
    p: bin(12, 12, (r, c) => (r >= 3 && r <= 8 && c >= 3 && c <= 8) || (r <= 2 && c === 9)),
  })

  it('case C: interpolated HD95, isotropic', () => {
    const { g, p } = caseC()
    const d = boundaryDistances(p, g, 12, 12)
    expect(d.boundaryPixels).toEqual({ prediction: 23, truth: 22 })
    expectDistances(d, { hd: 3.162278, hd95: 2.153883, assd: 0.373612, masd: 0.371419, asd: 0.470111, nsd: 0.933333 })
  })

  it('case C: anisotropic spacing (row 1.5, column 1.0)', () => {
    const { g, p } = caseC()
    const d = boundaryDistances(p, g, 12, 12, { spacing: [1.0, 1.5] })
    expectDistances(d, { hd: 4.609772, hd95: 3.026327, assd: 0.434996, masd: 0.431469, asd: 0.59021, nsd: 0.933333 })
  })
})

describe('boundaryDistances against brute force', () => {
  // Definition-level oracle: inner 4-connected boundary over the whole image, all boundary pairs.
  function brute(p: Uint8Array, g: Uint8Array, w: number, h: number, [sx, sy]: [number, number]) {
    const edge = (m: Uint8Array) => {
      const out: [number, number][] = []
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : m[yy * w + xx])
          if (m[y * w + x] && (!at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1))) out.push([x, y])
        }
      return out
    }
    const dir = (a: [number, number][], b: [number, number][]) =>
      a.map(([x, y]) => Math.min(...b.map(([u, v]) => Math.hypot((x - u) * sx, (y - v) * sy))))
    const bp = edge(p)
    const bg = edge(g)
    const all = [...dir(bp, bg), ...dir(bg, bp)]
    return {
      hd: Math.max(...all),
      assd: all.reduce((s, v) => s + v, 0) / all.length,
      nsd: all.filter((v) => v <= 1.5).length / all.length,
    }
  }

  it('agrees on random blobs that touch the image edges, with anisotropic spacing', () => {
    let seed = 11
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const blob = (w: number, h: number) => {
      const cx = rand() * w
      const cy = rand() * h
      const r = 2 + rand() * w * 0.4
      return bin(w, h, (y, x) => Math.hypot(x - cx, (y - cy) * 1.3) <= r * (0.8 + 0.4 * Math.sin(x + y)))
    }
    for (let k = 0; k < 12; k++) {
      const [w, h] = [8 + Math.floor(rand() * 20), 8 + Math.floor(rand() * 20)]
      const spacing: [number, number] = k % 2 ? [1, 1] : [0.8, 1.7]
      const p = blob(w, h)
      const g = blob(w, h)
      if (!p.some(Boolean) || !g.some(Boolean)) continue
      const d = boundaryDistances(p, g, w, h, { spacing, tolerance: 1.5 })
      const e = brute(p, g, w, h, spacing)
      expect(d.hd).toBeCloseTo(e.hd, 9)
      expect(d.assd).toBeCloseTo(e.assd, 9)
      expect(d.nsd).toBeCloseTo(e.nsd, 9)
    }
  })
})

describe('empty masks and bad input', () => {
  const empty = new Uint8Array(100)
  const square = bin(10, 10, (r, c) => r >= 2 && r <= 5 && c >= 2 && c <= 5)

  it('both empty: NaN by default, best (0 and NSD 1) on request', () => {
    const d = boundaryDistances(empty, empty, 10, 10)
    expect(d.case).toBe('bothEmpty')
    expect(d.hd).toBeNaN()
    expect(d.nsd).toBeNaN()
    const best = boundaryDistances(empty, empty, 10, 10, { emptyPolicy: { bothEmpty: 'best', oneEmpty: 'worst' } })
    expect([best.hd, best.hd95, best.assd, best.nsd]).toEqual([0, 0, 0, 1])
  })

  it('one empty: the image diagonal in physical units and NSD 0 by default (never Infinity), NaN on request', () => {
    const d = boundaryDistances(empty, square, 10, 10, { spacing: [1.5, 2] })
    expect(d.case).toBe('predictionEmpty')
    expect(d.hd).toBeCloseTo(Math.hypot(15, 20), 12)
    expect(d.hd95).toBe(d.hd)
    expect(d.nsd).toBe(0)
    expect(boundaryDistances(square, empty, 10, 10).case).toBe('truthEmpty')
    expect(
      boundaryDistances(square, empty, 10, 10, { emptyPolicy: { bothEmpty: 'nan', oneEmpty: 'nan' } }).assd,
    ).toBeNaN()
  })

  it('identical masks: every distance 0, NSD 1', () => {
    const d = boundaryDistances(square, square, 10, 10)
    expect([d.hd, d.hd95, d.assd, d.masd, d.asd, d.nsd]).toEqual([0, 0, 0, 0, 0, 1])
  })

  it('rejects bad options and sizes with E_BAD_PARAMETER / E_SIZE_MISMATCH', () => {
    expect(codeOf(() => boundaryDistances(square, square, 10, 10, { spacing: [0, 1] }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => boundaryDistances(square, square, 10, 10, { tolerance: Number.NaN }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => boundaryDistances(square, square, 10, 10, { percentile: 101 }))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => boundaryDistances(square, new Uint8Array(99), 10, 10))).toBe('E_SIZE_MISMATCH')
    expect(() => boundaryDistances(square, square, 10, 10, { spacing: [0, 1] })).toThrow(
      /distance option spacing must be two positive finite numbers \[x, y\] in mm, got \[0, 1\]/,
    )
  })
})

describe('surfaceDistances', () => {
  it('scores each class of a label map, in the truth spacing', () => {
    const truth = labelMap(
      12,
      12,
      Uint8Array.from(bin(12, 12, (r, c) => r >= 3 && r <= 8 && c >= 2 && c <= 8)),
      [1.0, 1.5],
    )
    const pred = labelMap(
      12,
      12,
      Uint8Array.from(bin(12, 12, (r, c) => (r >= 3 && r <= 8 && c >= 3 && c <= 8) || (r <= 2 && c === 9))),
    )
    const d = surfaceDistances(pred, truth, { 1: 'fg', 2: 'absent' })
    expect(d.fg!.hd).toBeCloseTo(4.609772, 6)
    expect(d.absent!.case).toBe('bothEmpty')
    expect(surfaceDistances(pred, truth, { 1: 'fg' }, { spacing: [1, 1] }).fg!.hd95).toBeCloseTo(2.153883, 6)
    expect(() => surfaceDistances(labelMap(11, 12, new Uint8Array(132)), truth, { 1: 'fg' })).toThrow(
      /prediction and truth differ in size: 11x12 vs 12x12/,
    )
  })
})
