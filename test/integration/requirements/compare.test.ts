// A spec requirement with a baseline runs as a comparison (runSpec, as `segsense check` uses it), on the bundled models.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fixtureModelPath } from '../../../src/models/fixtures.js'
import { loadSpec } from '../../../src/requirements/load.js'
import { planSpecRequirement, runSpec } from '../../../src/requirements/run.js'
import { repo } from '../../e2e/harness.js'
import { messageOf } from '../../support/helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'segsense-spec-compare-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const samples = ['sa-01', 'sa-02'].map((id) => ({
  image: join(repo, `fixtures/samples/cardiac/${id}.png`),
  truth: join(repo, `fixtures/samples/cardiac/${id}-mask.png`),
}))

function writeSpec(name: string, json: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(json))
  return file
}

describe('spec requirements with a baseline', () => {
  it('compare the spec model with the baseline (baseline path relative to the spec, classes from the model)', async () => {
    const file = writeSpec('fragile.json', {
      model: { onnx: fixtureModelPath('cardiac-fragile'), classes: { 1: 'RV', 2: 'MYO', 3: 'LV' } },
      samples,
      requirements: [
        {
          name: 'no worse than robust',
          transform: 'rotate',
          values: [-90, 0, 90],
          baseline: { onnx: relative(dir, fixtureModelPath('cardiac-robust')) },
          scoreClasses: ['LV'],
          margin: 0.02,
        },
        { name: 'gate', transform: 'rotate', values: [0], min: 0.5 },
      ],
    })
    const spec = loadSpec(file)
    expect(planSpecRequirement(spec.requirements[0]!, spec.defaults).requirement.min).toBe(0.8)
    const [compared, gate] = await runSpec(spec)
    expect(compared!.comparison!.baseline.model).toBe('cardiac-robust')
    expect(compared!.comparison!.comparison).toMatchObject({
      pass: false,
      candidate: 'cardiac-fragile',
      baseline: 'cardiac-robust',
      margin: 0.02,
    })
    expect(compared!.verdict).toMatchObject({ pass: false, classes: [{ className: 'LV', min: 0.8, pass: false }] })
    expect(compared!.comparison!.comparison.classes[0]!.auc.difference!).toBeLessThan(-0.02)
    expect(gate).toMatchObject({ verdict: { pass: true } })
    expect(gate!.comparison).toBeUndefined()
  })

  it('refuses bad comparison settings before loading any model', () => {
    const file = writeSpec('bad.json', {
      model: { onnx: 'missing.onnx', classes: { 3: 'LV' } },
      samples,
      requirements: [{ transform: 'rotate', baseline: { onnx: 'old.onnx' }, resamples: 100, seed: 1.5 }],
    })
    expect(messageOf(() => loadSpec(file))).toMatch(/\/requirements\/0\/seed must be integer/)
  })
})
