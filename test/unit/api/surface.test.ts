// The public API surface, pinned: the sorted exported names (value or type) of every entry point in package.json's
// `exports`, read from the built typings (dist/, so `npm run build` first) with the TypeScript compiler, and
// checked against what the built JavaScript exports at run time. Any change to the surface shows up as a diff of
// __snapshots__/surface.test.ts.snap, reviewed with the change (vitest -u to accept it).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const repo = new URL('../../../', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, { types?: string; import?: string }>
}
const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === 'object' && target.types)

const program = ts.createProgram(
  entries.map(([, t]) => join(repo, t.types as string)),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
)
const checker = program.getTypeChecker()

/** `name (value)` or `name (type)` for every export of a typings file, sorted. */
function typedSurface(file: string): string[] {
  const source = program.getSourceFile(file)
  if (!source) throw new Error(`${file} is missing: run npm run build`)
  const symbol = checker.getSymbolAtLocation(source)
  if (!symbol) throw new Error(`${file} is not a module`)
  return checker
    .getExportsOfModule(symbol)
    .map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
      return `${s.name} (${target.flags & ts.SymbolFlags.Value ? 'value' : 'type'})`
    })
    .sort()
}

describe('public API surface', () => {
  it.each(entries.map(([name, target]) => [name === '.' ? 'segsense' : `segsense/${name.slice(2)}`, target] as const))(
    '%s',
    async (name, target) => {
      const names = typedSurface(join(repo, target.types as string))
      expect(names.join('\n')).toMatchSnapshot()
      // The JavaScript exports exactly the values the typings declare (no untyped extra, no missing value).
      const runtime = Object.keys(
        await import(join(repo, target.import as string).replace('/vitest/index.js', '/vitest/matchers.js')),
      ).sort()
      const declared = names.filter((n) => n.endsWith('(value)')).map((n) => n.slice(0, -' (value)'.length))
      // (The setup entry registers hooks when imported, so its values are compared with the matchers module's.)
      if (name === 'segsense/vitest') for (const v of declared) expect(runtime).toContain(v)
      else expect(runtime).toEqual(declared)
    },
  )

  it('the root exports both light entries whole, and nothing undocumented from the old surface', () => {
    const root = typedSurface(join(repo, 'dist/index.d.ts'))
    for (const sub of ['dist/transforms/index.d.ts', 'dist/metrics/index.d.ts'])
      for (const n of typedSurface(join(repo, sub))) expect(root).toContain(n)
    for (const internal of [
      'writeTensor',
      'tensorToImageAxis',
      'bilinearTaps',
      'reflectCoordinate',
      'roundHalfEven',
      'escapeXml',
      'table',
      'LEGEND_HEIGHT',
      'withData',
      'withLabels',
      'gridSample',
      'checkTolerance',
    ]) {
      expect(
        root.some((n) => n.startsWith(`${internal} `)),
        internal,
      ).toBe(false)
    }
  })
})
