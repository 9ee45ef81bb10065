/**
 * The boundary of a class in a box of a label grid (foreground with a 6-neighbour in the background) and the small
 * statistics over boundary distances that the distance metrics need (count, sum, percentile, share within a bound).
 */
import { atSortedPosition } from './quantile.js'

/** `id` of `classDistances` meaning "any non-zero value" (binary masks). */
export const ANY = -1

/** [x0, y0, z0, w, h, d]: a box in a grid. */
export type Box = readonly [number, number, number, number, number, number]

// The voxels of class `id` (ANY: non-zero) in either grid, their bounding box grown by 1 and clamped; null if none.
export function unionBox(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  id: number,
  dims: readonly [number, number, number],
): Box | null {
  const [nx, ny, nz] = dims
  let minX = nx,
    minY = ny,
    minZ = nz,
    maxX = -1,
    maxY = -1,
    maxZ = -1
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const pa = a[i] as number
        const pb = b[i] as number
        if (id === ANY ? pa === 0 && pb === 0 : pa !== id && pb !== id) continue
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        if (y > maxY) maxY = y
        if (z < minZ) minZ = z
        if (z > maxZ) maxZ = z
      }
    }
  }
  if (maxX < 0) return null
  const x0 = Math.max(0, minX - 1)
  const y0 = Math.max(0, minY - 1)
  const z0 = Math.max(0, minZ - 1)
  return [
    x0,
    y0,
    z0,
    Math.min(nx - 1, maxX + 1) - x0 + 1,
    Math.min(ny - 1, maxY + 1) - y0 + 1,
    Math.min(nz - 1, maxZ + 1) - z0 + 1,
  ]
}

// Inner boundary within the box: voxels of the class with a face neighbour outside it or outside the grid, along
// the axes longer than one voxel. The box's faces are grid faces or background, so testing them as the box's own
// faces is exact (an axis of length 1 in the grid has length 1 in the box, and only those are skipped).
export function boundary(
  mask: ArrayLike<number>,
  id: number,
  dims: readonly [number, number, number],
  box: Box,
): Uint8Array {
  const [nx, ny] = dims
  const [x0, y0, z0, w, h, d] = box
  const b = new Uint8Array(w * h * d)
  const inside = (i: number): boolean => (id === ANY ? mask[i] !== 0 : mask[i] === id)
  const sy = nx
  const sz = nx * ny
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = ((z + z0) * ny + y + y0) * nx + x + x0
        if (!inside(i)) continue
        const edgeX = w > 1 && (x === 0 || x === w - 1 || !inside(i - 1) || !inside(i + 1))
        const edgeY = h > 1 && (y === 0 || y === h - 1 || !inside(i - sy) || !inside(i + sy))
        const edgeZ = d > 1 && (z === 0 || z === d - 1 || !inside(i - sz) || !inside(i + sz))
        if (edgeX || edgeY || edgeZ) b[(z * h + y) * w + x] = 1
      }
    }
  }
  return b
}

export function count(b: Uint8Array): number {
  let n = 0
  for (let i = 0; i < b.length; i++) n += b[i]!
  return n
}

export function distancesAt(b: Uint8Array, squared: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n)
  let k = 0
  for (let i = 0; i < b.length; i++) if (b[i]) d[k++] = Math.sqrt(squared[i]!)
  return d
}

export function sum(a: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

// The p-th percentile (0..100) of sorted values, np.percentile's default.
export function quantile(sorted: Float64Array, p: number): number {
  return atSortedPosition(sorted, ((sorted.length - 1) * p) / 100)
}

export function countAtMost(sorted: Float64Array, t: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}
