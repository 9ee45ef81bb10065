/**
 * The mappings of docs/coming-from-misas.md that can be checked without misas itself: each misas operation is
 * written out here on plain arrays (PIL and numpy semantics) and compared with the segsense call the page names.
 */
import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { cropPad, dihedral } from '../../../src/transforms/geometric.js'
import { spike, spikePosition } from '../../../src/transforms/mri/spike.js'

const W = 5
const H = 3
const ramp = raster(
  W,
  H,
  1,
  Float32Array.from({ length: W * H }, (_, k) => k / (W * H)),
)

/** PIL `image.rotate(90 * quarter)` (counter-clockwise, square multiples only change the size) then `ImageOps.mirror` when `mirror`. */
function pilDihedral(img: Raster, quarter: number, mirror: boolean): { width: number; height: number; data: number[] } {
  let w = img.width
  let h = img.height
  let px: number[] = Array.from(img.data)
  for (let q = 0; q < quarter; q++) {
    // numpy rot90 (counter-clockwise): out[r][c] = in[c][w - 1 - r], out is w high and h wide.
    const out: number[] = new Array<number>(w * h)
    for (let r = 0; r < w; r++) for (let c = 0; c < h; c++) out[r * h + c] = px[c * w + (w - 1 - r)] as number
    px = out
    ;[w, h] = [h, w]
  }
  if (mirror) {
    const out: number[] = new Array<number>(w * h)
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[r * w + c] = px[r * w + (w - 1 - c)] as number
    px = out
  }
  return { width: w, height: h, data: px }
}

describe('coming from misas: the documented mappings hold', () => {
  it("today's misas dihedralTransform(img, i) is dihedral(k) with k = [0, 2, 6, 7, 3, 1, 5, 4][i]", () => {
    // i = 2 * (rotation / 90) + mirror, as misas' itertools.product([0, 90, 180, 270], [False, True]).
    const map = [0, 2, 6, 7, 3, 1, 5, 4]
    for (let i = 0; i < 8; i++) {
      const want = pilDihedral(ramp, i >> 1, (i & 1) === 1)
      const got = dihedral.image(ramp, map[i] as number)
      expect({ width: got.width, height: got.height, data: Array.from(got.data) }, `misas index ${i}`).toEqual(want)
    }
  })

  it("today's misas cropTransform(img, p) (PIL crop p, then pad p) is cropPad(F - 2p)", () => {
    const F = 16
    const img = raster(
      F,
      F,
      1,
      Float32Array.from({ length: F * F }, (_, k) => 0.1 + k / (F * F)),
    )
    for (const p of [0, 1, 3, 7]) {
      const out = cropPad.image(img, F - 2 * p)
      for (let y = 0; y < F; y++) {
        for (let x = 0; x < F; x++) {
          const inside = x >= p && x < F - p && y >= p && y < F - p
          expect(out.data[y * F + x]).toBe(inside ? img.data[y * F + x] : 0)
        }
      }
    }
  })

  it('misas spikeTransform(img, r, [p1, p2]) is spike.with({ position: [p2, p1] }): misas gives [row, column]', () => {
    // numpy, as misas calls TorchIO Spike on the (1, H, W) image (reference/algorithms.md 1.1):
    //   img = np.arange(15).reshape(1, 3, 5) / 15; S = np.fft.fftshift(np.fft.fftn(img))
    //   S[0, floor(0.7 * 3), floor(0.1 * 5)] += S.max() * 1.5; np.real(np.fft.ifftn(np.fft.ifftshift(S)))[0]
    // -> out[0, 0] = 0.7, out[0, 1] = -0.4996452, out[1, 0] = -0.0166667
    const out = spike.with({ position: [0.1, 0.7] }).image(ramp, 1.5)
    expect(out.data[0]).toBeCloseTo(0.7, 5)
    expect(out.data[1]).toBeCloseTo(-0.4996452, 5)
    expect(out.data[W]).toBeCloseTo(-0.0166667, 5)
    // misas spikePosTransform(img, 0.7, 0.1, 1.5) is the same spike, swept along the row.
    expect(Array.from(spikePosition.with({ intensity: 1.5, x: 0.1 }).image(ramp, 0.7).data)).toEqual(
      Array.from(out.data),
    )
  })
})
