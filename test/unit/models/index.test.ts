import { describe, expect, it } from 'vitest'
import * as models from '../../../src/models/index.js'

// The barrel is the public surface of the models folder (src/index.ts re-exports it): what the README
// documents and nothing else. A helper exported by accident would show up here.
describe('src/models/index.ts', () => {
  it('exports the documented values only', () => {
    expect(Object.keys(models).sort()).toEqual([
      'CARDIAC_CLASSES',
      'SUNNYBROOK_CLASSES',
      'fixtureModelPath',
      'functionModel',
      'loadFixtureSamples',
      'loadOnnxModel',
    ])
  })
})
