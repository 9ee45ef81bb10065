// docs/medical.md's DICOM / NIfTI example is docs/examples/medical.mjs, and it runs against the built package.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { readPage, root } from './doc-blocks.js'

const run = promisify(execFile)

describe('docs/medical.md DICOM and NIfTI example', () => {
  it('is the same code as docs/examples/medical.mjs', () => {
    const page = readPage('docs/medical.md')
    const block = /## DICOM and NIfTI[\s\S]*?```js docs\/examples\/medical\.mjs\n([\s\S]*?)```/.exec(page)?.[1]
    const example = readFileSync(`${root}docs/examples/medical.mjs`, 'utf8')
    expect(block).toBeDefined()
    expect(example.endsWith(block!)).toBe(true)
  })

  it('runs on the real fixture files and prints what it loaded', async () => {
    const { stdout } = await run(process.execPath, [`${root}docs/examples/medical.mjs`], { cwd: root })
    expect(stdout).toBe(
      [
        'cine: frame 3 of 16, 256x256 MR',
        'CT: 128x128, 0.661468 x 0.661468 mm per pixel (x, y)',
        'series: 64x64x3 voxels, 0.31 x 0.31 x 0.80 mm',
        'T1: 33x41x25 voxels of 2 x 2 x 2 mm',
        'slice k=12: 33x41, truth ids 0,1,2',
        '',
      ].join('\n'),
    )
  })
})
