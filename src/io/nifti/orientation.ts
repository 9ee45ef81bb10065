/** NIfTI voxel order -> RAS+: the axis permutation and flips an affine implies, and the copy that applies them. */
import type { NumericArray } from './decode.js'

export interface Reorientation {
  readonly dims: [number, number, number]
  readonly affine: number[]
  readonly spacing: [number, number, number]
  /** Input voxel index of output voxel (0, 0, 0), and the input index steps of one output step along i, j, k. */
  readonly base: number
  readonly step: readonly [number, number, number]
}

/**
 * Closest-canonical RAS+ voxel order, as nibabel's `as_closest_canonical`: output axis a (R, A, S) is the input axis
 * whose affine column points most along world axis a, flipped when it points the other way. Axes are only permuted
 * and flipped, never resampled, so voxel values are kept exactly.
 */
export function reorient(dims: readonly [number, number, number], affine: readonly number[]): Reorientation {
  const col = (c: number) => [affine[c] as number, affine[4 + c] as number, affine[8 + c] as number]
  const cols = [col(0), col(1), col(2)]
  const norms = cols.map((v) => Math.hypot(v[0]!, v[1]!, v[2]!) || 1)
  // Greedy: the input axis with the largest |direction cosine| claims its world axis first.
  const pairs: [number, number, number][] = []
  for (let i = 0; i < 3; i++) for (let w = 0; w < 3; w++) pairs.push([Math.abs(cols[i]![w]!) / norms[i]!, i, w])
  pairs.sort((a, b) => b[0] - a[0])
  const axisOf = [-1, -1, -1] // world axis -> input axis
  const used = [false, false, false]
  for (const [, i, w] of pairs)
    if (axisOf[w] === -1 && !used[i]) {
      axisOf[w] = i
      used[i] = true
    }
  const perm = axisOf as [number, number, number]
  const flip = perm.map((i, w) => cols[i]![w]! < 0)
  const out: [number, number, number] = [dims[perm[0]]!, dims[perm[1]]!, dims[perm[2]]!]
  // old index = M new + b: column w of M is ±e_perm[w]; b holds n-1 on flipped axes.
  const m = new Array<number>(16).fill(0)
  m[15] = 1
  for (let w = 0; w < 3; w++) {
    const i = perm[w]!
    m[i * 4 + w] = flip[w] ? -1 : 1
    if (flip[w]) m[i * 4 + 3] = dims[i]! - 1
  }
  const newAffine = new Array<number>(16).fill(0)
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0
      for (let k = 0; k < 4; k++) s += (affine[r * 4 + k] as number) * (m[k * 4 + c] as number)
      newAffine[r * 4 + c] = s
    }
  const strides = [1, dims[0], dims[0] * dims[1]]
  const step: [number, number, number] = [0, 0, 0]
  let base = 0
  for (let w = 0; w < 3; w++) {
    const i = perm[w]!
    step[w] = flip[w] ? -strides[i]! : strides[i]!
    if (flip[w]) base += (dims[i]! - 1) * strides[i]!
  }
  const spacing: [number, number, number] = [norms[perm[0]]!, norms[perm[1]]!, norms[perm[2]]!]
  return { dims: out, affine: newAffine, spacing, base, step }
}

/**
 * Copies `src` (file voxel order, `ch` interleaved channels) into `dst` in the reoriented order, mapping each value
 * with `a * v + b`. Nested loops over the output with running input offsets: no index table, no per-voxel call.
 */
export function copyReoriented(
  src: NumericArray,
  dst: Float32Array | Uint8Array | Uint16Array,
  r: Reorientation,
  ch: number,
  a: number,
  b: number,
): void {
  const [nx, ny, nz] = r.dims
  const [si, sj, sk] = r.step
  let p = 0
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      let q = r.base + j * sj + k * sk
      if (ch === 1) for (let i = 0; i < nx; i++, q += si) dst[p++] = (src[q] as number) * a + b
      else
        for (let i = 0; i < nx; i++, q += si)
          for (let c = 0; c < ch; c++) dst[p++] = (src[q * ch + c] as number) * a + b
    }
}
