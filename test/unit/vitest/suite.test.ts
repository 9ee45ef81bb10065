import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { specFilePath } from '../../../src/vitest/suite.js'
import { codeOf, messageOf } from '../../support/helpers.js'

describe('robustnessSuite spec locations', () => {
  it('takes a path as it is, and decodes a file: URL (a space stays a space)', () => {
    expect(specFilePath('/a b/robustness.json')).toBe('/a b/robustness.json')
    const url = pathToFileURL('/my models/robustness.json')
    expect(url.pathname).toBe('/my%20models/robustness.json') // what the old documented idiom passed on
    expect(specFilePath(url)).toBe('/my models/robustness.json')
  })

  it('refuses other URLs (E_OUT_OF_RANGE) and other values (E_WRONG_TYPE)', () => {
    expect(codeOf(() => specFilePath(new URL('https://example.com/spec.json')))).toBe('E_OUT_OF_RANGE')
    expect(messageOf(() => specFilePath(new URL('https://example.com/spec.json')))).toContain(
      'https://example.com/spec.json',
    )
    expect(codeOf(() => specFilePath(42 as unknown as string))).toBe('E_WRONG_TYPE')
  })
})
