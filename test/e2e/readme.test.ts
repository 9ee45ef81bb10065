import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname

describe('README quick start', () => {
  it('is the same code as docs/examples/quickstart.mjs', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8')
    const block = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1]
    const example = readFileSync(`${root}docs/examples/quickstart.mjs`, 'utf8')
    expect(block).toBeDefined()
    expect(example.endsWith(block!)).toBe(true)
    expect(block!.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(16)
  })

  it('runs against the built package and prints an LV summary', async () => {
    const { stdout } = await run(process.execPath, [`${root}docs/examples/quickstart.mjs`], { cwd: root })
    expect(stdout).toMatch(/^LV stable in /m)
    expect(stdout).toMatch(/AUC 0\.\d{3}/)
  })
})
