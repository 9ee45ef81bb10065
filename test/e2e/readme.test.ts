// The README is a front page: short, the quick start first after installing, and its code the runnable
// docs/examples/quickstart.mjs (test/e2e/doc-examples.test.ts checks every marked block of every page the same way).
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { markedBlocks, readPage, root } from './doc-blocks.js'

const run = promisify(execFile)
const readme = readPage('README.md')

describe('README front page', () => {
  it('is at most about 250 lines, with the quick start right after installing', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250)
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    expect(headings.slice(0, 3)).toEqual(['Install and test', 'Use it in your project', 'Quick start'])
    expect(readme).toContain('![segsense demo report](docs/img/report.png)')
    expect(readme).toContain('npm install && npx segsense demo')
    expect(readme).toMatch(/^npm test\s/m)
  })

  it('has a quick start that is the same code as docs/examples/quickstart.mjs, in at most 16 lines', () => {
    const section = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''
    const start = readme.indexOf(section)
    const [block] = markedBlocks(['README.md']).filter((b) => b.file === 'docs/examples/quickstart.mjs')
    expect(block).toBeDefined()
    expect(section).toContain('```js docs/examples/quickstart.mjs\n' + block!.body)
    expect(readme.indexOf(block!.body)).toBeGreaterThan(start)
    const example = readFileSync(`${root}docs/examples/quickstart.mjs`, 'utf8')
    expect(example.endsWith(block!.body)).toBe(true)
    expect(block!.body.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(16)
  })

  it('runs against the built package and prints an LV summary', async () => {
    const { stdout } = await run(process.execPath, [`${root}docs/examples/quickstart.mjs`], { cwd: root })
    expect(stdout).toMatch(/^LV stable in /m)
    expect(stdout).toMatch(/AUC 0\.\d{3}/)
  })
})
