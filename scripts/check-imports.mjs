#!/usr/bin/env node
// `node scripts/check-imports.mjs`: fails when src/ has an import circle (value, type and dynamic imports all
// count) or an import that climbs the layers of docs/design.md. Run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const src = join(root, 'src')
// Lower index = lower layer. A folder may import its own layer's other folders only where listed as peers.
const LAYERS = [
  ['core'],
  ['io', 'transforms', 'metrics'],
  ['models'],
  ['results'],
  ['analysis'],
  ['sweep'],
  ['requirements'],
  ['history'],
  ['report'],
  ['vitest', 'cli'],
  ['index.ts'],
]
const layerOf = (file) => {
  const top = relative(src, file).split('/')[0]
  const i = LAYERS.findIndex((l) => l.includes(top))
  if (i < 0) throw new Error(`${relative(root, file)}: folder "${top}" is in no layer of scripts/check-imports.mjs`)
  return i
}
const files = []
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name)
    if (e.isDirectory()) walk(p)
    else if (p.endsWith('.ts')) files.push(p)
  }
}
walk(src)

/** Relative specifiers of every import, export-from and dynamic import() of a file. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const specs = []
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      specs.push(node.moduleSpecifier.text)
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      specs.push(node.arguments[0].text)
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      specs.push(node.argument.literal.text)
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'))
}

const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]))
const problems = []
for (const [from, tos] of graph) {
  for (const to of tos) {
    if (layerOf(to) > layerOf(from)) problems.push(`climbs a layer: ${relative(root, from)} -> ${relative(root, to)}`)
  }
}
// Tarjan's strongly connected components: every component of more than one file (or a self-import) is a circle.
let index = 0
const stack = []
const info = new Map()
function strong(v) {
  info.set(v, { index, low: index, on: true })
  index++
  stack.push(v)
  for (const w of graph.get(v)) {
    if (!info.has(w)) {
      strong(w)
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low)
    } else if (info.get(w).on) info.get(v).low = Math.min(info.get(v).low, info.get(w).index)
  }
  if (info.get(v).low === info.get(v).index) {
    const component = []
    let w
    do {
      w = stack.pop()
      info.get(w).on = false
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || graph.get(v).includes(v)) {
      problems.push(
        `import circle: ${component
          .map((f) => relative(root, f))
          .sort()
          .join(', ')}`,
      )
    }
  }
}
for (const f of files) if (!info.has(f)) strong(f)
if (problems.length > 0) {
  for (const p of problems) console.error(p)
  console.error(`check-imports: ${problems.length} problem(s) in ${files.length} files`)
  process.exit(1)
}
console.log(`check-imports: ${files.length} files in src/, no import circle, every import points down the layers`)
