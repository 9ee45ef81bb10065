// Class names that are Object.prototype keys must keep their scores everywhere a class name is a record key.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { functionModel } from '../../../src/models/model.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { writeReport } from '../../../src/report/html.js'
import type { SweepResult } from '../../../src/results/sweep-result.js'
import { validateSpec } from '../../../src/requirements/load.js'
import { codeOf, messageOf } from '../../support/helpers.js'

const NAMES: readonly string[] = ['__proto__', 'constructor', 'toString']
// Three horizontal bands, classes 1..3. The model always answers the bands, whatever the image: perfect at 0,
// wrong on part of every class once rotated 90 degrees (the truth's bands are then columns).
const W = 24
const ids = new Uint8Array(W * W).map((_, i) => 1 + Math.floor(Math.floor(i / W) / 8))
const image = raster(
  W,
  W,
  1,
  Float32Array.from(ids, (id) => id / 3),
)
const model = functionModel('proto', { 1: '__proto__', 2: 'constructor', 3: 'toString' }, (img) =>
  labelMap(img.width, img.height, ids.slice()),
)
const samples = [sample('bands', image, labelMap(W, W, ids))]

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)

function checkScores(result: SweepResult) {
  expect(result.classes).toEqual([...NAMES])
  for (const name of NAMES) {
    expect(own(result.mean.dice!, name), name).toBe(true)
    expect(own(result.samples[0]!.scores.dice!, name), name).toBe(true)
    const curve = result.mean.dice![name]!
    expect(Array.isArray(curve), name).toBe(true)
    expect(curve[0], name).toBe(1)
    expect(curve[1], name).toBeLessThan(0.9)
    expect(result.meanCounts?.dice?.[name]?.[0], name).toBe(1)
  }
  expect(Object.keys(result.mean.dice!).sort()).toEqual([...NAMES].sort())
}

describe('class names that are Object.prototype keys', () => {
  it('keep their scores in memory, in summaries, after JSON, in gates and reports', async () => {
    const result = await sweep(model, samples, rotate, { values: [0, 90] })
    checkScores(result)

    const summary = summarize(result, { min: 0.8 })
    for (const name of NAMES) {
      expect(own(summary.classes, name), name).toBe(true)
      expect(summary.classes[name]!.worst?.score, name).toBeTypeOf('number')
    }

    const json = JSON.parse(JSON.stringify(result)) as unknown
    const v = validateSweepResult(json)
    expect(v.valid).toBe(true)
    if (!v.valid) return
    checkScores(v.result)
    expect(JSON.stringify(v.result)).toBe(JSON.stringify(result))

    // A per-class min on each name: a threshold of 1 fails at 90 degrees on that class only.
    for (const name of NAMES) {
      const verdict = evaluateRequirement(v.result, { min: { [name]: 1 } })
      expect(verdict.pass, name).toBe(false)
      expect(new Set(verdict.failures.map((f) => f.className)), name).toEqual(new Set([name]))
      expect(evaluateRequirement(v.result, { min: { [name]: 0 } }).pass, name).toBe(true)
    }
    const all = evaluateRequirement(v.result, { min: Object.fromEntries(NAMES.map((n) => [n, 0])) })
    expect(all.pass).toBe(true)
    expect(all.classes.map((c) => c.className).sort()).toEqual([...NAMES].sort())

    const dir = join(mkdtempSync(join(tmpdir(), 'segsense-proto-')), 'report')
    const written = await writeReport([v.result], dir)
    const html = readFileSync(written.index, 'utf8')
    for (const name of NAMES) expect(html, name).toContain(name)
  })

  it('a threshold map without the class is "no threshold", never an Object.prototype member', async () => {
    const result = await sweep(model, samples, rotate, { values: [0, 90] })
    // 'constructor' in { toString: 1 } is true on a plain object: it must not count as a threshold.
    const lacks = () => evaluateRequirement(result, { min: { toString: 0 }, scoreClasses: ['constructor'] })
    expect(codeOf(lacks)).toBe('E_OUT_OF_RANGE')
    expect(messageOf(lacks)).toMatch(/no threshold for class "constructor"/)
  })

  it('a spec per-class min on "__proto__" (from JSON) gates that class', async () => {
    const text =
      '{ "model": { "onnx": "m.onnx", "classes": { "1": "__proto__", "2": "constructor", "3": "toString" } },' +
      ' "samples": [{ "image": "a.png" }], "requirements": [{ "transform": "rotate", "min": { "__proto__": 1 } }] }'
    const v = validateSpec(JSON.parse(text))
    expect(v.valid).toBe(true)
    if (!v.valid) return
    const min = v.spec.requirements[0]!.min as Record<string, number>
    expect(Object.keys(min)).toEqual(['__proto__'])
    const result = await sweep(model, samples, rotate, { values: [0, 90] })
    const verdict = evaluateRequirement(result, { min })
    expect(verdict.pass).toBe(false)
    expect(verdict.classes.map((c) => c.className)).toEqual(['__proto__'])
  })
})
