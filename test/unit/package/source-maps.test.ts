// The shipped source maps are usable: every dist/**/*.js.map in the package (as `npm pack` lists it) carries its
// sources inline (tsconfig `inlineSources`), so no consumer tool warns about missing src/*.ts, which is not shipped.
// Reads the built dist/: run `npm run build` first.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')

interface SourceMap {
  sources: string[]
  sourcesContent?: (string | null)[]
}

describe('shipped source maps', () => {
  if (!existsSync(join(repo, 'dist/index.js.map'))) throw new Error('dist/ is missing: run `npm run build` first')
  // --ignore-scripts: listing the package must not rebuild it.
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as [{ files: { path: string }[] }]
  const shipped = new Set(pack.files.map((f) => f.path))
  const maps = [...shipped].filter((p) => p.startsWith('dist/') && p.endsWith('.js.map'))

  it('ships a map for every JS file of dist/, and no TypeScript source', () => {
    expect(maps.length).toBeGreaterThan(50)
    for (const js of [...shipped].filter((p) => p.startsWith('dist/') && p.endsWith('.js')))
      expect(shipped.has(`${js}.map`), js).toBe(true)
    expect([...shipped].filter((p) => p.startsWith('src/'))).toEqual([])
  })

  it('every map has the content of each source it names, or names files that ship', () => {
    const broken = maps.flatMap((path) => {
      const map = JSON.parse(readFileSync(join(repo, path), 'utf8')) as SourceMap
      return map.sources.flatMap((source, k) => {
        if (typeof map.sourcesContent?.[k] === 'string' && map.sourcesContent[k].length > 0) return []
        return shipped.has(normalize(join(dirname(path), source))) ? [] : [`${path}: ${source}`]
      })
    })
    expect(broken).toEqual([])
  })

  it('the inlined source is the source file itself', () => {
    const map = JSON.parse(readFileSync(join(repo, 'dist/report/xml.js.map'), 'utf8')) as SourceMap
    expect(map.sources).toEqual(['../../src/report/xml.ts'])
    expect(map.sourcesContent).toEqual([readFileSync(join(repo, 'src/report/xml.ts'), 'utf8')])
  })
})
