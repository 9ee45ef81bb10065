import { describe, expect, it } from 'vitest'
import { assertGridResult, gridResultSchema, validateGridResult } from '../../../src/results/schema/grid-result.js'
import type { GridResult } from '../../../src/results/grid-result.js'
import { gridOf } from '../../support/grid.js'
import { expectThrow } from '../../support/helpers.js'

/** A valid 3 x 2 grid: neutral value 0 at index 1 of the first axis and 0 of the second. */
function valid(): GridResult {
  return gridOf(['#.', '##', '?#'], [1, 0], { a: { values: [-10, 0, 10] }, b: { values: [0, 0.5] } })
}

/** A deep copy with `edit` applied (results are readonly; the schema sees plain JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach into arbitrary paths of the JSON
function edited(edit: (json: Record<string, any>) => void): unknown {
  const json = JSON.parse(JSON.stringify(valid()))
  edit(json)
  return json
}

function errorsOf(json: unknown): string[] {
  const v = validateGridResult(json)
  return v.valid ? [] : v.errors
}

describe('GridResult schema', () => {
  it('accepts a consistent grid, also as a JSON string, and publishes a draft 2020-12 schema', () => {
    const g = valid()
    expect(validateGridResult(g)).toEqual({ valid: true, result: g })
    expect(assertGridResult(JSON.stringify(g))).toEqual(g)
    expect(gridResultSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(gridResultSchema.$id).toBe('urn:segsense:schema:grid-result:1')
  })

  it('refuses what JSON Schema sees: unknown keys, a wrong kind, negative scores, a third axis', () => {
    expect(errorsOf(edited((j) => (j.extra = 1)))).toEqual(expect.arrayContaining([expect.stringContaining('extra')]))
    expect(errorsOf(edited((j) => (j.kind = 'sweep')))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/kind/)]),
    )
    expect(errorsOf(edited((j) => (j.mean.dice.LV[0][0] = -0.5)))).toEqual(
      expect.arrayContaining([expect.stringContaining('/mean/dice/LV/0/0')]),
    )
    expect(errorsOf(edited((j) => j.axes.push(j.axes[0])))).not.toEqual([])
    expect(errorsOf(edited((j) => (j.axes[0].role = 'both')))).toEqual(
      expect.arrayContaining([expect.stringContaining('/axes/0/role')]),
    )
    expect(errorsOf('{')).toEqual([expect.stringContaining('not valid JSON')])
  })

  it('refuses what it cannot: grid shapes, neutral index, keys, counts', () => {
    expect(errorsOf(edited((j) => j.mean.dice.LV.pop()))).toContain(
      '/mean/dice/LV must be 3 rows (axes[0] values) of 2 scores (axes[1] values)',
    )
    expect(errorsOf(edited((j) => j.samples[0].scores.dice.LV[1].push(1)))).toContain(
      '/samples/0/scores/dice/LV must be 3 rows (axes[0] values) of 2 scores (axes[1] values)',
    )
    expect(errorsOf(edited((j) => (j.neutral = [0, 0])))).toContain(
      '/neutral/0 must be the index of the neutral value 0 in /axes/0/values',
    )
    expect(errorsOf(edited((j) => (j.classes = ['LV', 'RV'])))).toContain(
      '/mean/dice must have class "RV" (listed in /classes)',
    )
    expect(errorsOf(edited((j) => (j.meanCounts.dice.LV[0][0] = 0)))).toContain(
      '/meanCounts/dice/LV/0/0 is 0 but /mean/dice/LV/0/0 is 1 (a mean is null exactly when it averaged 0 samples)',
    )
    expect(errorsOf(edited((j) => (j.axes[0].values = [0, -10, 10])))).toContain('/axes/0/values must ascend')
    expect(
      errorsOf(
        edited((j) => {
          j.axes[0].role = 'option'
          j.axes[1].role = 'option'
        }),
      ),
    ).toEqual([expect.stringContaining('at most one axis')])
  })

  it('assertGridResult throws E_SCHEMA listing the problems', () => {
    expectThrow(
      () =>
        assertGridResult(
          edited((j) => j.mean.dice.LV.pop()),
          'grid.json',
        ),
      'E_SCHEMA',
      'grid.json does not match the GridResult schema (version 1)',
      '/mean/dice/LV must be 3 rows',
    )
  })
})
