// A distance metric is gated by max (mm) in a requirement, a spec and its defaults; min on a distance, and max on
// a score, are errors that name the right key.
import { describe, expect, it } from 'vitest'
import { validateSpec } from '../../../src/requirements/load.js'
import { planRequirement } from '../../../src/requirements/plan.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { messageOf } from '../../support/helpers.js'

describe('max: the threshold of a distance', () => {
  it('plans { metric: hd95, max } into a lower-is-better requirement', () => {
    const plan = planRequirement(rotate, { values: [0, 10], metric: 'hd95', max: { LV: 5 } })
    expect(plan.requirement).toEqual({ max: { LV: 5 }, metric: 'hd95', aggregate: 'mean' })
    expect(plan.sweep.metrics).toEqual(['hd95'])
  })

  it('takes max from the defaults for a distance and ignores a default min (it belongs to the scores)', () => {
    expect(planRequirement(rotate, { metric: 'hd', values: [0] }, { max: 4, min: 0.8 }).requirement).toMatchObject({
      max: 4,
    })
    expect(planRequirement(rotate, { values: [0] }, { max: 4, min: 0.8 }).requirement).toMatchObject({ min: 0.8 })
    expect(planRequirement(rotate, { values: [0] }, { max: 4, min: 0.8 }).requirement).not.toHaveProperty('max')
  })

  it('refuses min on a distance, max on a score, and a distance without max', () => {
    expect(messageOf(() => planRequirement(rotate, { metric: 'hd95', min: 0.9 }, {}, 'toBeRobustTo(rotate)'))).toBe(
      "toBeRobustTo(rotate): hd95 is a distance (lower is better): give max (in mm, e.g. { metric: 'hd95', max: 5 }), not min",
    )
    expect(messageOf(() => planRequirement(rotate, { metric: 'dice', max: 5 }))).toContain(
      'dice is a score (higher is better): give min, not max',
    )
    expect(messageOf(() => planRequirement(rotate, { metric: 'assd' }))).toContain(
      "needs a threshold: assd is a distance in mm (lower is better), so { metric: 'assd', max: 5 }",
    )
  })

  it('a spec requirement takes max with a distance metric, and says which key is wrong', () => {
    const spec = (requirement: Record<string, unknown>, defaults?: Record<string, unknown>) => ({
      model: { onnx: 'm.onnx', classes: { 1: 'LV' } },
      samples: [{ image: 'a.png' }],
      ...(defaults ? { defaults } : {}),
      requirements: [{ transform: 'rotate', ...requirement }],
    })
    const errors = (json: unknown) => {
      const v = validateSpec(json)
      return v.valid ? [] : v.errors
    }
    expect(errors(spec({ metric: 'hd95', max: 5 }))).toEqual([])
    expect(errors(spec({ metric: 'masd', max: { LV: 2.5 } }))).toEqual([])
    expect(errors(spec({ metric: 'hd95' }, { max: 5, min: 0.8 }))).toEqual([])
    expect(errors(spec({ metric: 'hd95', min: 0.5 })).join('\n')).toContain(
      'metric hd95 is a distance (lower is better): write "max" in mm',
    )
    expect(errors(spec({ metric: 'hd95' })).join('\n')).toContain('must have property "max"')
    expect(errors(spec({ min: 0.8, max: 5 })).join('\n')).toContain(
      '/requirements/0/max is the threshold of the distance metrics',
    )
    expect(errors(spec({ metric: 'hd95', max: -1 })).length).toBeGreaterThan(0)
  })
})
