import { describe, expect, it } from 'vitest'
import type { GridAxisRecord } from '../../../src/results/grid-result.js'
import { axisExtent, axisWraps, connectedRegion, stableRegion } from '../../../src/analysis/stable-region.js'
import { gridOf } from '../../support/grid.js'
import { expectThrow } from '../../support/helpers.js'

/** The region's mask drawn back as a picture ('#' in the region, '.' outside). */
function picture(mask: boolean[][]): string[] {
  return mask.map((row) => row.map((v) => (v ? '#' : '.')).join(''))
}

describe('stableRegion', () => {
  it('follows a non-convex (U-shaped) region round failing cells and leaves out a passing island', () => {
    const g = gridOf(['#...#', '#.#.#', '#...#', '#####'], [0, 0])
    const r = stableRegion(g, { className: 'LV', min: 0.5 })
    expect(r).not.toBeNull()
    expect(picture(r!.mask)).toEqual(['#...#', '#...#', '#...#', '#####'])
    expect(r!.cells).toBe(11)
    expect(r!.total).toBe(20)
    // The extent is the bounding range along each axis, though the region is not a rectangle.
    expect(r!.extent[0]).toMatchObject({ from: 0, to: 3, full: true, wraps: false })
    expect(r!.extent[1]).toMatchObject({ from: 0, to: 4, full: true, wraps: false })
  })

  it('keeps holes: a ring of passing cells round a failing centre', () => {
    const g = gridOf(['.....', '.###.', '.#.#.', '.###.', '.....'], [1, 2], {
      a: { values: [-20, -10, 0, 10, 20] },
      b: { values: [0.5, 0.75, 1, 1.5, 2] },
    })
    const r = stableRegion(g, { className: 'LV', min: 1 })!
    expect(picture(r.mask)).toEqual(['.....', '.###.', '.#.#.', '.###.', '.....'])
    expect(r.mask[2]![2]).toBe(false)
    expect(r.cells).toBe(8)
    expect(r.extent[0]).toMatchObject({ from: -10, to: 10, fromIndex: 1, toIndex: 3, full: false })
    expect(r.extent[1]).toMatchObject({ from: 0.75, to: 1.5, full: false })
  })

  it('is null when the neutral cell fails or is undefined', () => {
    expect(stableRegion(gridOf(['##', '#.'], [1, 1]), { className: 'LV', min: 0.5 })).toBeNull()
    expect(stableRegion(gridOf(['##', '#?'], [1, 1]), { className: 'LV', min: 0 })).toBeNull()
  })

  it('connects by edges only: a diagonal neighbour is outside (4-connectivity)', () => {
    const r = stableRegion(gridOf(['#.', '.#'], [0, 0]), { className: 'LV', min: 0.5 })!
    expect(picture(r.mask)).toEqual(['#.', '..'])
    expect(r.extent[0]).toMatchObject({ from: 0, to: 0 })
  })

  it('never lets an undefined cell pass, even at min 0', () => {
    const r = stableRegion(gridOf(['#?#'], [0, 0]), { className: 'LV', min: 0 })!
    expect(picture(r.mask)).toEqual(['#..'])
  })

  it('reads one sample instead of the mean', () => {
    // The sample's scores are half the mean's: at min 0.5 they pass, at 0.6 not even the neutral cell does.
    const g = gridOf(['##', '.#'], [0, 0])
    expect(stableRegion(g, { className: 'LV', min: 0.5, sample: 's' })!.cells).toBe(3)
    expect(stableRegion(g, { className: 'LV', min: 0.6, sample: 's' })).toBeNull()
    expect(stableRegion(g, { className: 'LV', min: 0.6 })!.sample).toBeNull()
  })

  it('wraps round a closed circular axis: -180 and 180 deg are neighbours', () => {
    const angle: Partial<GridAxisRecord> = {
      values: [-180, -120, -60, 0, 60, 120, 180],
      parameter: {
        name: 'angle',
        unit: 'deg',
        neutral: 0,
        scale: 'circular',
        period: 360,
        defaultRange: [-180, 180],
        defaultStep: 60,
      },
    }
    // Columns = angle. Neutral column 3 (0 deg); the passing path leaves at 180 and re-enters at -180.
    const g = gridOf(['#..####', '#..#...'], [0, 3], { b: angle })
    const r = stableRegion(g, { className: 'LV', min: 0.5 })!
    expect(picture(r.mask)).toEqual(['#..####', '#..#...'])
    expect(r.extent[1]).toMatchObject({ from: 0, to: -180, fromIndex: 3, toIndex: 0, wraps: true, full: false })
    // The same grid on a linear axis stops at 180.
    const linear = stableRegion(gridOf(['#..####', '#..#...'], [0, 3]), { className: 'LV', min: 0.5 })!
    expect(picture(linear.mask)).toEqual(['...####', '...#...'])
  })

  it('names what is wrong', () => {
    const g = gridOf(['#'], [0, 0])
    expectThrow(() => stableRegion(g, { className: 'RV', min: 0.5 }), 'E_OUT_OF_RANGE', 'class "RV"', 'classes: LV')
    expectThrow(() => stableRegion(g, { className: 'LV', metric: 'iou', min: 0.5 }), 'E_OUT_OF_RANGE', 'no iou scores')
    expectThrow(
      () => stableRegion(g, { className: 'LV', min: 1.5 }),
      'E_OUT_OF_RANGE',
      'min must be a number in [0, 1]',
    )
    expectThrow(() => stableRegion(g, { className: 'LV', min: 0.5, sample: 'x' }), 'E_OUT_OF_RANGE', 'no sample "x"')
  })
})

describe('region helpers', () => {
  it('connectedRegion grows a spiral and stops at its walls', () => {
    const pass = ['#####', '....#', '###.#', '#...#', '#####'].map((r) => [...r].map((c) => c === '#'))
    expect(picture(connectedRegion(pass, [2, 0])!)).toEqual(['#####', '....#', '###.#', '#...#', '#####'])
    expect(connectedRegion(pass, [1, 0])).toBeNull()
    expect(connectedRegion(pass, [9, 9])).toBeNull()
  })

  it('axisWraps only when the grid closes the circle', () => {
    const circular = { scale: 'circular' as const, period: 360 }
    expect(axisWraps(circular, [-180, -90, 0, 90, 180])).toBe(true)
    expect(axisWraps(circular, [-135, -45, 45, 135])).toBe(true) // gap 90 = the step
    expect(axisWraps(circular, [-30, 0, 30])).toBe(false)
    expect(axisWraps({ scale: 'linear' }, [-180, 0, 180])).toBe(false)
  })

  it('axisExtent takes the circle minus its widest empty run', () => {
    const v = [-180, -120, -60, 0, 60, 120, 180]
    expect(axisExtent(v, [true, true, false, false, false, true, true], true)).toMatchObject({
      from: 120,
      to: -120,
      wraps: true,
    })
    expect(axisExtent(v, [false, false, true, true, true, false, false], true)).toMatchObject({
      from: -60,
      to: 60,
      wraps: false,
    })
    expect(
      axisExtent(
        v,
        v.map(() => true),
        true,
      ),
    ).toMatchObject({ from: -180, to: 180, full: true, wraps: false })
  })
})
