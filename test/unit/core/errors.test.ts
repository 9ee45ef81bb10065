import { describe, expect, it } from 'vitest'
import { SegsenseError } from '../../../src/core/errors.js'

describe('SegsenseError messages are one line', () => {
  it('collapses line breaks, drops blank and repeated lines, keeps the full text and the other details', () => {
    const full =
      'cannot decode image a.jpg: VipsJpeg: premature end\r\nVipsJpeg: Bogus marker\n\nVipsJpeg: premature end\r  '
    const err = new SegsenseError('E_IMAGE_DECODE', full, { details: { file: 'a.jpg' } })
    expect(err.message).toBe('cannot decode image a.jpg: VipsJpeg: premature end; VipsJpeg: Bogus marker')
    expect(err.details).toEqual({ file: 'a.jpg', fullMessage: full })
  })

  it('leaves a one-line message and its details untouched', () => {
    const details = { value: 3 }
    const err = new SegsenseError('E_OUT_OF_RANGE', 'sigma must be >= 0, got -1', { details })
    expect(err.message).toBe('sigma must be >= 0, got -1')
    expect(err.details).toBe(details)
    expect(new SegsenseError('E_SCHEMA', 'x').details).toBeUndefined()
  })

  it('a message of only line breaks and a lone CR become one line too', () => {
    expect(new SegsenseError('E_SCHEMA', 'a\rb').message).toBe('a; b')
    expect(new SegsenseError('E_SCHEMA', '\n\n').message).toBe('')
  })
})
