import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSpec, validateSpec } from '../../../src/requirements/load.js'
import { classesOf, loadModelConfig } from '../../../src/requirements/model-config.js'
import { codeOf, messageOf } from '../../support/helpers.js'

// JSON keeps "3" and "03" as two keys, but as class ids they are one: one name would silently replace the other
// and a requirement on one class would check the other.
const spec = (classes: Record<string, string>, baseline?: Record<string, string>) => ({
  model: { onnx: 'm.onnx', classes },
  samples: [{ image: 'a.png' }],
  requirements: [
    { transform: 'rotate', min: 0.8, ...(baseline ? { baseline: { onnx: 'b.onnx', classes: baseline } } : {}) },
  ],
})
const errors = (json: unknown) => {
  const v = validateSpec(json)
  return v.valid ? [] : v.errors
}

describe('spec class ids that are one number written differently', () => {
  it('are refused in the model block and in a baseline, naming both keys', () => {
    expect(errors(spec({ 3: 'LV', '03': 'RV' }))).toEqual([
      '/model/classes: class ids "3" and "03" are the same number 3',
    ])
    expect(errors(spec({ 1: 'LV' }, { '2': 'a', '002': 'b' }))).toEqual([
      '/requirements/0/baseline/classes: class ids "2" and "002" are the same number 2',
    ])
  })

  it('"3.0" and other non-integer spellings are refused by the schema', () => {
    expect(errors(spec({ 3: 'LV', '3.0': 'RV' })).join('\n')).toMatch(/\/model\/classes/)
    expect(errors(spec({ '3e0': 'LV' })).join('\n')).toMatch(/\/model\/classes/)
  })

  it('distinct ids, leading zeros alone included, stay accepted', () => {
    expect(errors(spec({ 1: 'LV', 2: 'RV', 10: 'MYO' }))).toEqual([])
    expect(classesOf({ '07': 'LV' })).toEqual({ 7: 'LV' })
  })

  it('loadSpec, loadModelConfig and classesOf throw E_SCHEMA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segsense-class-ids-'))
    const specFile = join(dir, 'spec.json')
    writeFileSync(specFile, JSON.stringify(spec({ 3: 'LV', '03': 'RV' })))
    expect(codeOf(() => loadSpec(specFile))).toBe('E_SCHEMA')
    expect(messageOf(() => loadSpec(specFile))).toMatch(/class ids "3" and "03"/)
    const modelFile = join(dir, 'model.json')
    writeFileSync(modelFile, JSON.stringify({ classes: { 3: 'LV', '03': 'RV' } }))
    expect(codeOf(() => loadModelConfig(modelFile))).toBe('E_SCHEMA')
    expect(messageOf(() => loadModelConfig(modelFile))).toMatch(/class ids "3" and "03" are the same number 3/)
    expect(codeOf(() => classesOf({ 3: 'LV', '03': 'RV' }))).toBe('E_SCHEMA')
  })
})
