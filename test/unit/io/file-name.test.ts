import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { safeFileName } from '../../../src/io/file-name.js'

describe('safeFileName', () => {
  it.each([
    ['rotate', 'rotate'],
    ['../../x', '_.._x'],
    ['a/b', 'a_b'],
    ['a\\b', 'a_b'],
    ['..', 'unnamed'],
    ['.hidden', 'hidden'],
    ['', 'unnamed'],
    ['tab\there\u0000nul\u0085', 'tab_here_nul_'],
    ['what? <x>: "y" | *', 'what_ _x__ _y_ _ _'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['trailing. ', 'trailing'],
    ['corruptions.jpeg', 'corruptions.jpeg'],
    ['Dice für LV', 'Dice für LV'],
  ])('%j -> %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe)
  })

  it('always yields one component inside the folder it is joined to', () => {
    for (const name of ['../../etc/passwd', '/abs', 'C:\\win', '..\\..\\x', ' ../ ', '\u0000']) {
      const file = join('/base/dir', `${safeFileName(name)}.txt`)
      expect(file.startsWith('/base/dir/')).toBe(true)
      expect(basename(file)).toBe(file.slice('/base/dir/'.length))
    }
  })

  it('cuts long names to 120 UTF-8 bytes without splitting a character, and takes a fallback', () => {
    expect(new TextEncoder().encode(safeFileName('x'.repeat(500))).length).toBe(120)
    const cut = safeFileName('ü'.repeat(100)) // 2 bytes each
    expect(cut).toBe('ü'.repeat(60))
    expect(safeFileName('///', 'transform')).toBe('___')
    expect(safeFileName('. .', 'transform')).toBe('transform')
  })
})
