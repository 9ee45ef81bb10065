import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CARDIAC_CLASSES,
  SUNNYBROOK_CLASSES,
  fixtureModelPath,
  type FixtureModelName,
} from '../../../src/models/fixtures.js'

describe('fixtureModelPath', () => {
  it('names the four bundled models, each an existing .onnx file', () => {
    for (const name of ['cardiac-fragile', 'cardiac-robust', 'sunnybrook-fragile', 'sunnybrook-robust'] as const) {
      const path = fixtureModelPath(name)
      expect(path.endsWith(`/fixtures/models/${name}.onnx`)).toBe(true)
      expect(existsSync(path)).toBe(true)
    }
  })

  it('refuses an unknown or near-miss name with E_BAD_PARAMETER naming the value and the choices', () => {
    for (const bad of [
      'sunnybrook',
      'Sunnybrook-robust',
      'sunnybrook-robust.onnx',
      '../models/sunnybrook-robust',
      '',
    ]) {
      expect(() => fixtureModelPath(bad as FixtureModelName)).toThrow(
        expect.objectContaining({ code: 'E_BAD_PARAMETER', message: expect.stringContaining('sunnybrook-robust') }),
      )
    }
  })

  it('the real-data classes are the ACDC ids 2 and 3 (no RV), frozen; the phantom classes keep the RV', () => {
    expect(SUNNYBROOK_CLASSES).toEqual({ 2: 'MYO', 3: 'LV' })
    expect(Object.isFrozen(SUNNYBROOK_CLASSES)).toBe(true)
    expect(CARDIAC_CLASSES).toEqual({ 1: 'RV', 2: 'MYO', 3: 'LV' })
  })
})
