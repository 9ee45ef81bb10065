// The guide pages' runnable examples and links. A ```js block whose info string names a file is the end of that file
// (docs/examples/*.mjs, the runnable source), and a ```text block naming one is what it prints; both run against the
// built package. Every relative link and anchor of README.md and docs/ must resolve, and docs/transforms.md must list
// what `segsense transforms --json` lists.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { anchors, docPages, links, markedBlocks, readPage, root } from './doc-blocks.js'

const run = promisify(execFile)
const blocks = markedBlocks()
const code = blocks.filter((b) => b.lang === 'js')
const outputs = blocks.filter((b) => b.lang === 'text')

describe('code blocks marked with an example file', () => {
  it('are found in the README and the guide pages', () => {
    const files = new Set(code.map((b) => b.file))
    for (const f of ['quickstart', 'medical', 'models', 'statistics', 'transforms'])
      expect(files).toContain(`docs/examples/${f}.mjs`)
    expect(code.some((b) => b.page === 'README.md')).toBe(true)
    expect(blocks.every((b) => b.lang === 'js' || b.lang === 'text')).toBe(true)
  })

  it.each(code.map((b) => [`${b.page}:${b.line} ${b.file}`, b] as const))('%s is the end of its file', (_, b) => {
    expect(b.file).toMatch(/^docs\/examples\/[\w-]+\.mjs$/)
    expect(existsSync(join(root, b.file))).toBe(true)
    const source = readFileSync(join(root, b.file), 'utf8')
    // A block shows the file from an import on; what it leaves out is the header comment and setup imports.
    expect(b.body.startsWith('import ')).toBe(true)
    expect(source.endsWith(b.body)).toBe(true)
  })

  it('have an output block only after their own code block', () => {
    for (const o of outputs)
      expect(code.some((b) => b.page === o.page && b.file === o.file && b.line < o.line)).toBe(true)
  })

  it.each(outputs.map((b) => [`${b.page}:${b.line} ${b.file}`, b] as const))(
    '%s prints exactly its output block',
    async (_, b) => {
      const { stdout } = await run(process.execPath, [join(root, b.file)], { cwd: root })
      expect(stdout).toBe(b.body)
    },
  )

  it('leave no example unexplained: every docs/examples file is shown or named by a page', () => {
    const text = docPages().map(readPage).join('\n')
    for (const f of readdirSync(join(root, 'docs/examples'))) expect(text).toContain(`docs/examples/${f}`)
  })
})

describe('links of the README and the guide pages', () => {
  const all = docPages().flatMap((page) => links(page).map((l) => ({ page, ...l })))

  it('are found', () => {
    expect(all.length).toBeGreaterThan(50)
  })

  it('point to files that exist, and to headings that exist', () => {
    const broken: string[] = []
    for (const { page, line, target } of all) {
      const [path = '', anchor] = target.split('#')
      const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)))
      if (!existsSync(join(root, file))) broken.push(`${page}:${line} ${target}: no file ${file}`)
      else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor))
        broken.push(`${page}:${line} ${target}: no heading #${anchor} in ${file}`)
    }
    expect(broken).toEqual([])
  })
})

describe('docs/transforms.md', () => {
  it('lists every transform as `segsense transforms --json` does, with its options and their defaults', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'dist/cli/main.js'), 'transforms', '--json'], {
      cwd: root,
    })
    const listed = JSON.parse(stdout) as {
      name: string
      parameter: string
      unit: string
      neutral: number
      scale: string
      defaultRange: [number, number]
      defaultStep: number
      spatial: boolean
      options: Record<string, unknown>
    }[]
    const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(',')}]` : String(v))
    const expected = listed.map((t) =>
      [
        `\`${t.name}\``,
        t.parameter,
        t.unit || '-',
        String(t.neutral),
        t.scale,
        `${t.defaultRange[0]} .. ${t.defaultRange[1]}`,
        String(t.defaultStep),
        t.spatial ? 'yes' : 'no',
        Object.entries(t.options)
          .map(([k, v]) => `\`${k}=${fmt(v)}\``)
          .join(', ') || '-',
      ].join(' | '),
    )
    const table = /## Every transform\n[\s\S]*?\n(\| transform \|[\s\S]*?)\n\n/.exec(
      readPage('docs/transforms.md'),
    )?.[1]
    expect(table).toBeDefined()
    const rows = table!
      .split('\n')
      .slice(2)
      .map((r) => r.slice(2).split(' | ').slice(0, 9).join(' | '))
    expect(listed.length).toBeGreaterThan(30)
    expect(rows).toEqual(expected)
  })
})
