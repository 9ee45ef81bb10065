// How `segsense sweep` pairs --image and --truth folders: real paths, regular files, mixed extensions, unique ids.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { maskCandidates, samplePaths } from '../../../src/cli/shared.js'

const root = mkdtempSync(join(tmpdir(), 'segsense-pairs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A folder under the temporary root holding empty files of the given names. */
function folder(name: string, files: readonly string[]): string {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  for (const f of files) writeFileSync(join(dir, f), '')
  return dir
}

describe('samplePaths: folders and files', () => {
  it('never pairs an image with itself when the same folder is spelled two ways (a symlink)', () => {
    const dir = folder('same', ['a.png', 'a-mask.png'])
    const link = join(root, 'same-link')
    symlinkSync(dir, link)
    expect(samplePaths([dir], [link])).toEqual([
      { id: 'a', image: join(dir, 'a.png'), truth: join(link, 'a-mask.png') },
    ])
    // Without a mask beside it, the image is not its own truth: an error, not Dice 1.
    const alone = folder('alone', ['b.png'])
    const aloneLink = join(root, 'alone-link')
    symlinkSync(alone, aloneLink)
    expect(() => samplePaths([alone], [aloneLink])).toThrow(/no mask for .*b\.png/)
    expect(() => samplePaths([join(alone, 'b.png')], [join(aloneLink, 'b.png')])).toThrow(
      /--truth .*b\.png is the image .*b\.png itself/,
    )
  })

  it('refuses an image given twice, under two spellings', () => {
    const dir = folder('twice', ['a.png'])
    const link = join(root, 'twice-link')
    symlinkSync(dir, link)
    expect(() => samplePaths([dir, link], [])).toThrow(
      /image .*twice-link\/a\.png is given twice \(also as .*twice\/a\.png\)/,
    )
  })

  it('skips what is not a regular file in a folder, and refuses it when named', () => {
    const dir = folder('special', ['a.png', 'a-mask.png'])
    mkdirSync(join(dir, 'sub.png'))
    execFileSync('mkfifo', [join(dir, 'pipe.png')])
    expect(samplePaths([dir], [])).toEqual([{ id: 'a', image: join(dir, 'a.png') }])
    expect(() => samplePaths([join(dir, 'pipe.png')], [])).toThrow(
      /--image .*pipe\.png is not a regular file or a folder/,
    )
    expect(() => samplePaths([join(dir, 'a.png')], [join(dir, 'pipe.png')])).toThrow(
      /--truth .*pipe\.png is not a regular file/,
    )
    // A folder where a mask would be is not a mask: the next candidate is taken.
    const masks = folder('special-masks', ['c-mask.png'])
    mkdirSync(join(masks, 'c.png'))
    const imgs = folder('special-images', ['c.png'])
    expect(samplePaths([imgs], [masks])[0]!.truth).toBe(join(masks, 'c-mask.png'))
  })

  it('pairs scans and masks with other extensions (a.jpg with a.png)', () => {
    expect(maskCandidates('x/a.jpg')).toEqual(
      expect.arrayContaining(['a.jpg', 'a-mask.jpg', 'a.png', 'a-mask.png', 'a_gt.png', 'a-seg.png', 'a_labels.png']),
    )
    const scans = folder('jpg-scans', ['a.jpg', 'b.jpeg', 'c.tif'])
    const masks = folder('png-masks', ['a.png', 'b_gt.png', 'c-seg.png'])
    expect(samplePaths([scans], [masks]).map((p) => [p.id, p.truth])).toEqual([
      ['a', join(masks, 'a.png')],
      ['b', join(masks, 'b_gt.png')],
      ['c', join(masks, 'c-seg.png')],
    ])
  })

  it('makes ids unique without taking a name a file already has', () => {
    const x = folder('ids-x', ['a.png', 'a-2.png'])
    const y = folder('ids-y', ['a.png'])
    // Sorted: a-2.png comes before a.png; the second a.png may not become a-2.
    expect(samplePaths([x, y], []).map((p) => p.id)).toEqual(['a-2', 'a', 'a-3'])
  })

  it('a --truth folder must be the only --truth', () => {
    const dir = folder('one-truth', ['a.png', 'b.png'])
    const masks = folder('one-truth-masks', ['a.png'])
    expect(() => samplePaths([join(dir, 'a.png'), join(dir, 'b.png')], [masks, join(masks, 'a.png')])).toThrow(
      /--truth .*one-truth-masks is a folder: give one --truth folder/,
    )
  })
})
