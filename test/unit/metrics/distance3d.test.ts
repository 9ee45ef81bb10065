import { describe, expect, it } from 'vitest'
import { labelMap } from '../../../src/core/raster.js'
import type { LabelVolume } from '../../../src/core/types.js'
import { surfaceDistances, volumeSurfaceDistances } from '../../../src/metrics/distance.js'
import { squaredDistanceTransform, squaredDistanceTransform3d } from '../../../src/metrics/edt.js'
import { metricDirection, scoreMasks } from '../../../src/metrics/overlap.js'
import { codeOf } from '../../support/helpers.js'

const AFFINE = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

function volume(
  dims: [number, number, number],
  spacing: [number, number, number],
  inside: (i: number, j: number, k: number) => boolean,
): LabelVolume {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2])
  for (let k = 0, v = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, v++) data[v] = inside(i, j, k) ? 1 : 0
  return { dims, data, spacing, affine: AFFINE }
}

describe('squaredDistanceTransform3d', () => {
  it('matches scipy distance_transform_edt with anisotropic sampling', () => {
    // import numpy as np; from scipy.ndimage import distance_transform_edt
    // m = np.ones((3, 4, 5), np.uint8); m[0, 1, 2] = 0; m[2, 3, 0] = 0          # (k, j, i)
    // np.round(distance_transform_edt(m, sampling=(2.5, 1.5, 1.0)).ravel(), 6)   # scipy 1.10
    const expected = [
      2.5, 1.802776, 1.5, 1.802776, 2.5, 2.0, 1.0, 0.0, 1.0, 2.0, 2.5, 1.802776, 1.5, 1.802776, 2.5, 3.605551, 3.162278,
      3.0, 3.162278, 3.605551, 3.535534, 3.082207, 2.915476, 3.082207, 3.535534, 3.201562, 2.692582, 2.5, 2.692582,
      3.201562, 2.915476, 3.082207, 2.915476, 3.082207, 3.535534, 2.5, 2.692582, 3.201562, 3.905125, 4.387482, 4.5,
      4.609772, 4.924429, 5.315073, 5.59017, 3.0, 3.162278, 3.605551, 4.242641, 5.0, 1.5, 1.802776, 2.5, 3.354102,
      4.272002, 0.0, 1.0, 2.0, 3.0, 4.0,
    ]
    const feature = new Uint8Array(60)
    feature[0 * 20 + 1 * 5 + 2] = 1
    feature[2 * 20 + 3 * 5 + 0] = 1
    const d = squaredDistanceTransform3d(feature, [5, 4, 3], [1.0, 1.5, 2.5])
    expected.forEach((e, i) => expect(Math.sqrt(d[i]!)).toBeCloseTo(e, 6))
  })

  it('agrees with brute force on random volumes; one slice is the 2D transform', () => {
    let seed = 11
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [dims, sp] of [
      [
        [7, 5, 6],
        [1, 1, 1],
      ],
      [
        [4, 9, 3],
        [0.7, 1.3, 3],
      ],
      [
        [1, 6, 4],
        [1, 2, 0.5],
      ],
    ] as const) {
      const n = dims[0] * dims[1] * dims[2]
      const f = Uint8Array.from({ length: n }, () => (rand() < 0.06 ? 1 : 0))
      f[Math.floor(rand() * n)] = 1
      const d = squaredDistanceTransform3d(f, dims, sp)
      const xyz = (v: number) =>
        [v % dims[0], Math.floor(v / dims[0]) % dims[1], Math.floor(v / (dims[0] * dims[1]))] as const
      for (let v = 0; v < n; v++) {
        let best = Number.POSITIVE_INFINITY
        const [a, b, c] = xyz(v)
        for (let w = 0; w < n; w++)
          if (f[w]) {
            const [x, y, z] = xyz(w)
            best = Math.min(best, ((a - x) * sp[0]) ** 2 + ((b - y) * sp[1]) ** 2 + ((c - z) * sp[2]) ** 2)
          }
        expect(d[v]).toBeCloseTo(best, 9)
      }
    }
    const f2 = Uint8Array.from({ length: 35 }, (_, i) => (i % 11 === 3 ? 1 : 0))
    expect([...squaredDistanceTransform3d(f2, [7, 5, 1], [1.5, 0.5, 9])]).toEqual([
      ...squaredDistanceTransform(f2, 7, 5, [1.5, 0.5]),
    ])
  })

  it('rejects bad dims, length and spacing', () => {
    expect(codeOf(() => squaredDistanceTransform3d(new Uint8Array(5), [2, 2, 2]))).toBe('E_SIZE_MISMATCH')
    expect(codeOf(() => squaredDistanceTransform3d(new Uint8Array(8), [2, 2, 0] as never))).toBe('E_OUT_OF_RANGE')
    expect(codeOf(() => squaredDistanceTransform3d(new Uint8Array(8), [2, 2, 2], [1, 0, 1]))).toBe('E_OUT_OF_RANGE')
  })
})

describe('volumeSurfaceDistances', () => {
  it('matches the scipy/MONAI recipe in 3D (6-connected erosion boundary, anisotropic spacing)', () => {
    // t = zeros((6, 7, 8), bool); t[1:5, 2:6, 1:6] = True; p[2:6, 1:5, 2:8] = True; p[0, 0, 0] = True   # (k, j, i)
    // st = generate_binary_structure(3, 1); b = m ^ binary_erosion(m, st, border_value=0)
    // dpt = distance_transform_edt(~bt, sampling=(2.5, 1.5, 1.0))[bp] (and dtp the other way); hd = max of maxima,
    // hd95 = max of np.percentile(., 95), assd = pooled mean, masd = mean of means, nsd at 1.5 (scipy 1.10)
    const t = volume([8, 7, 6], [1, 1.5, 2.5], (i, j, k) => k >= 1 && k < 5 && j >= 2 && j < 6 && i >= 1 && i < 6)
    const p = volume(
      [8, 7, 6],
      [1, 1.5, 2.5],
      (i, j, k) => (k >= 2 && k < 6 && j >= 1 && j < 5 && i >= 2 && i < 8) || (i === 0 && j === 0 && k === 0),
    )
    const d = volumeSurfaceDistances(p, t, { 1: 'box' }, { tolerance: 1.5 }).box!
    expect(d.case).toBe('both')
    expect(d.hd).toBeCloseTo(4.031128874149275, 9)
    expect(d.hd95).toBeCloseTo(3.2015621187164243, 9)
    expect(d.assd).toBeCloseTo(1.571353818566288, 9)
    expect(d.masd).toBeCloseTo(1.561769180610891, 9)
    expect(d.nsd).toBeCloseTo(0.5771812080536913, 9)
  })

  it('a one-slice volume scores as its image', () => {
    const t = volume([9, 8, 1], [0.8, 1.2, 5], (i, j) => i > 1 && i < 6 && j > 2 && j < 7)
    const p = volume([9, 8, 1], [0.8, 1.2, 5], (i, j) => i > 2 && i < 8 && j > 1 && j < 6)
    const v = volumeSurfaceDistances(p, t, { 1: 'a' })
    const img = surfaceDistances(labelMap(9, 8, p.data, [0.8, 1.2]), labelMap(9, 8, t.data, [0.8, 1.2]), { 1: 'a' })
    expect(v).toEqual(img)
  })

  it('distances honour anisotropic spacing: the same ball pair sampled at other spacings gives the same mm within a voxel', () => {
    // Truth: a ball of radius 9 mm; prediction: a ball of 7 mm shifted 2 mm along y. Exact hd = 4, masd between 2 and 4.
    const pair = (spacing: [number, number, number]) => {
      const extent = 30
      const dims = spacing.map((s) => Math.round(extent / s)) as [number, number, number]
      const at = (i: number, a: 0 | 1 | 2) => (i - (dims[a] - 1) / 2) * spacing[a]
      const truth = volume(dims, spacing, (i, j, k) => Math.hypot(at(i, 0), at(j, 1), at(k, 2)) <= 9)
      const pred = volume(dims, spacing, (i, j, k) => Math.hypot(at(i, 0), at(j, 1) - 2, at(k, 2)) <= 7)
      return volumeSurfaceDistances(pred, truth, { 1: 'ball' }).ball!
    }
    const iso = pair([1, 1, 1])
    for (const spacing of [
      [0.75, 1, 2.5],
      [1.5, 0.6, 1],
    ] as [number, number, number][]) {
      const aniso = pair(spacing)
      const voxel = Math.hypot(...spacing)
      for (const m of ['hd', 'hd95', 'assd', 'masd'] as const)
        expect(Math.abs(aniso[m] - iso[m]), `${m} at ${spacing.join(', ')}`).toBeLessThanOrEqual(voxel)
      expect(Math.abs(aniso.hd - 4)).toBeLessThanOrEqual(voxel)
    }
    expect(Math.abs(iso.hd - 4)).toBeLessThanOrEqual(Math.sqrt(3))
  })

  it('the empty cases follow the policy; the worst is the volume diagonal', () => {
    const t = volume([4, 5, 6], [1, 2, 3], (i) => i === 1)
    const none = volume([4, 5, 6], [1, 2, 3], () => false)
    expect(volumeSurfaceDistances(none, t, { 1: 'a' }).a).toMatchObject({
      case: 'predictionEmpty',
      hd95: Math.hypot(4, 10, 18),
      nsd: 0,
    })
    expect(volumeSurfaceDistances(none, none, { 1: 'a' }).a?.hd).toBeNaN()
    expect(
      volumeSurfaceDistances(none, none, { 1: 'a' }, { emptyPolicy: { bothEmpty: 'best', oneEmpty: 'worst' } }).a?.hd,
    ).toBe(0)
    expect(codeOf(() => volumeSurfaceDistances({ ...t, dims: [4, 5, 5] }, t, { 1: 'a' }))).toBe('E_SIZE_MISMATCH')
    expect(codeOf(() => volumeSurfaceDistances(t, t, { 1: 'a' }, { spacing: [1, 1] as never }))).toBe('E_OUT_OF_RANGE')
  })
})

describe('distances as metrics of scoreMasks', () => {
  it('are lower-is-better, in the truth spacing; +Infinity when exactly one mask holds the class', () => {
    expect(['dice', 'nsd', 'hd', 'hd95', 'assd', 'masd'].map((m) => metricDirection(m as 'dice'))).toEqual([
      'higher',
      'higher',
      'lower',
      'lower',
      'lower',
      'lower',
    ])
    const truth = labelMap(
      6,
      6,
      Uint8Array.from({ length: 36 }, (_, i) => (i % 6 < 3 && i < 18 ? 1 : 0)),
      [2, 1],
    )
    const shifted = labelMap(
      6,
      6,
      Uint8Array.from({ length: 36 }, (_, i) => (i % 6 >= 1 && i % 6 < 4 && i < 18 ? 1 : 0)),
    )
    const s = scoreMasks(shifted, truth, {
      classes: { 1: 'a', 2: 'b' },
      metrics: ['hd', 'hd95', 'assd', 'masd', 'nsd'],
    })
    const ref = surfaceDistances(shifted, truth, { 1: 'a' }).a!
    expect(s.hd.a).toBe(ref.hd)
    expect(s.hd.a).toBe(2)
    expect(s.masd.a).toBe(ref.masd)
    // Class b is in neither mask: distance 0 under bothEmpty 'best' (the default), NaN under 'nan'.
    expect(s.hd95.b).toBe(0)
    expect(
      scoreMasks(shifted, truth, { classes: { 2: 'b' }, metrics: ['hd95'], emptyPolicy: { bothEmpty: 'nan' } }).hd95.b,
    ).toBeNaN()
    const empty = labelMap(6, 6)
    expect(scoreMasks(empty, truth, { classes: { 1: 'a' }, metrics: ['hd', 'assd', 'nsd'] })).toEqual({
      hd: { a: Number.POSITIVE_INFINITY },
      assd: { a: Number.POSITIVE_INFINITY },
      nsd: { a: 0 },
    })
    expect(scoreMasks(truth, empty, { classes: { 1: 'a' }, metrics: ['hd95'] }).hd95.a).toBe(Number.POSITIVE_INFINITY)
  })
})
