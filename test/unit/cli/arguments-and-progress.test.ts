import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createProgress } from '../../../src/cli/progress.js'
import {
  UsageError,
  oneLine,
  parseClasses,
  parseOption,
  parseRange,
  parseValues,
  samplePaths,
} from '../../../src/cli/shared.js'

describe('command-line argument parsing', () => {
  it('parses classes, ranges, values and transform options', () => {
    expect(parseClasses('1=RV, 2=MYO,3=LV')).toEqual({ 1: 'RV', 2: 'MYO', 3: 'LV' })
    expect(parseRange('-90:90')).toEqual([-90, 90])
    expect(parseRange('0.5:2')).toEqual([0.5, 2])
    expect(parseValues('0,90,180')).toEqual([0, 90, 180])
    expect(parseOption('padding=reflection')).toEqual({ padding: 'reflection' })
    expect(parseOption('position=[0.2,0.1]', { clip: true })).toEqual({ clip: true, position: [0.2, 0.1] })
  })

  it('names the option and the expected form in usage errors', () => {
    expect(() => parseClasses('RV,MYO')).toThrow(UsageError)
    expect(() => parseClasses('RV,MYO')).toThrow(/--model-classes: "RV" is not id=name/)
    expect(() => parseClasses('1=a,1=b')).toThrow(/id 1 is given twice/)
    expect(() => parseRange('-90')).toThrow(/--range: "-90" is not from:to/)
    expect(() => parseRange('a:3')).toThrow(/--range: "a" is not a number/)
    expect(() => parseValues('1,,2')).toThrow(/--values: "" is not a number/)
    expect(() => parseOption('=3')).toThrow(/not key=value/)
  })

  it('joins a multi-line message into one line', () => {
    expect(oneLine(new Error('spec is invalid:\n  /a must be number\n  /b is required'))).toBe(
      'spec is invalid:; /a must be number; /b is required',
    )
  })
})

describe('sample paths', () => {
  const root = mkdtempSync(join(tmpdir(), 'segsense-cli-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const imgs = join(root, 'img'),
    masks = join(root, 'masks')
  const empty = join(root, 'empty')
  mkdirSync(imgs)
  mkdirSync(masks)
  mkdirSync(empty)
  for (const f of ['b.png', 'a.png', 'a-mask.png', 'notes.txt']) writeFileSync(join(imgs, f), '')
  for (const f of ['a_gt.png', 'b.png']) writeFileSync(join(masks, f), '')

  it('pairs files in order, folders by name, and leaves masks out of image folders', () => {
    expect(samplePaths(['x/a.png', 'y/a.png'], ['m1.png', 'm2.png'])).toEqual([
      { id: 'a', image: 'x/a.png', truth: 'm1.png' },
      { id: 'a-2', image: 'y/a.png', truth: 'm2.png' },
    ])
    expect(samplePaths([imgs], [])).toEqual([
      { id: 'a', image: join(imgs, 'a.png') },
      { id: 'b', image: join(imgs, 'b.png') },
    ])
    expect(samplePaths([imgs], [masks])).toEqual([
      { id: 'a', image: join(imgs, 'a.png'), truth: join(masks, 'a_gt.png') },
      { id: 'b', image: join(imgs, 'b.png'), truth: join(masks, 'b.png') },
    ])
  })

  it('refuses a count mismatch, an empty folder and a missing mask', () => {
    expect(() => samplePaths(['a.png', 'b.png'], ['m.png'])).toThrow(/2 image\(s\) but 1 --truth file/)
    expect(() => samplePaths([], [])).toThrow(/at least one --image/)
    expect(() => samplePaths([imgs], [empty])).toThrow(
      /no mask for .*a\.png in .*empty \(looked for a\.png, a-mask\.png, a_gt\.png and 8 more names\)/,
    )
    expect(() => samplePaths([empty], [])).toThrow(/no images \(.png, .jpg, .tif, .webp\) in/)
  })
})

describe('progress', () => {
  function sink(isTTY: boolean) {
    const chunks: string[] = []
    return {
      chunks,
      stream: {
        isTTY,
        write: (s: string) => {
          chunks.push(s)
          return true
        },
      } as unknown as NodeJS.WriteStream,
    }
  }

  it('draws a bar in place on a terminal with done/total, rate and ETA, and clears it at the end', () => {
    const { chunks, stream } = sink(true)
    const p = createProgress({ stream })
    p.update('rotate', { done: 0, total: 10 })
    p.update('rotate', { done: 10, total: 10 })
    p.end()
    // The bar's escape sequence, written out: ESC [ K (erase to the end of the line).
    const clear = '\r\x1b[K'
    const [first = '', second = ''] = chunks
    expect(first.startsWith(clear)).toBe(true)
    expect(first.slice(clear.length)).toMatch(/^\[\.{24}\] rotate: 0\/10 images · [\d.]+\/s · ETA /)
    expect(second.startsWith(clear)).toBe(true)
    expect(second.slice(clear.length)).toMatch(/^\[#{24}\] rotate: 10\/10 images/)
    expect(chunks.at(-1)).toBe(clear)
  })

  it('prints plain lines otherwise (one per finished task), and nothing when quiet', () => {
    const { chunks, stream } = sink(false)
    const p = createProgress({ stream })
    p.update('rotate', { done: 5, total: 10 })
    p.update('rotate', { done: 10, total: 10 })
    p.update('zoom', { done: 3, total: 3 })
    p.end()
    expect(chunks).toHaveLength(2)
    expect(chunks[0]).toMatch(/^rotate: 10\/10 images in [\d.]+ s \([\d.]+\/s\)\n$/)
    expect(chunks[1]).toMatch(/^zoom: 3\/3 images in /)
    const quiet = sink(false)
    const q = createProgress({ stream: quiet.stream, quiet: true })
    q.update('rotate', { done: 10, total: 10 })
    q.end()
    expect(quiet.chunks).toEqual([])
  })
})
