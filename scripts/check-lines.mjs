#!/usr/bin/env node
// `node scripts/check-lines.mjs`: fails when a src/ file is over 500 lines, or a src/ line is over 160 columns unless it
// is an unbreakable string (a line that is one string or template literal, at most 20 of them in src/). Run by
// `npm run lint`; Prettier keeps code at 120 columns, this catches what it cannot break.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const MAX_FILE_LINES = 500
const MAX_COLUMNS = 160
const MAX_UNBREAKABLE = 20
const files = []
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name)
    if (e.isDirectory()) walk(p)
    else if (p.endsWith('.ts')) files.push(p)
  }
}
walk(join(root, 'src'))
const problems = []
const unbreakable = []
for (const f of files) {
  const lines = readFileSync(f, 'utf8').split('\n')
  const name = relative(root, f)
  if (lines.length > MAX_FILE_LINES) problems.push(`${name}: ${lines.length} lines (at most ${MAX_FILE_LINES})`)
  for (const [i, line] of lines.entries()) {
    if (line.length <= MAX_COLUMNS) continue
    // One string or template literal, optionally with a trailing comma or paren: nothing a formatter can break.
    if (/^\s*(`[^`]*`|'[^']*'|"[^"]*")[,)]*\s*$/.test(line)) unbreakable.push(`${name}:${i + 1}`)
    else problems.push(`${name}:${i + 1}: ${line.length} columns (at most ${MAX_COLUMNS})`)
  }
}
if (unbreakable.length > MAX_UNBREAKABLE) {
  problems.push(
    `${unbreakable.length} unbreakable string lines over ${MAX_COLUMNS} columns (at most ${MAX_UNBREAKABLE}): ${unbreakable.join(', ')}`,
  )
}
if (problems.length > 0) {
  for (const p of problems) console.error(p)
  console.error(`check-lines: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log(
  `check-lines: ${files.length} src files, none over ${MAX_FILE_LINES} lines, ${unbreakable.length} unbreakable strings over ${MAX_COLUMNS} columns`,
)
