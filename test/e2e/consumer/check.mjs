#!/usr/bin/env node
// The strict consumer type-check of the PACKED package (`npm run test:consumer`): `npm pack`s this repository,
// unpacks the tarball as node_modules/segsense of a consumer folder (its dependencies linked from the root), and
// type-checks consumer.ts with exactOptionalPropertyTypes and skipLibCheck: false using TypeScript 5.9 (the
// root's) and TypeScript 7 (test/e2e/typescript7, installed by the script), expecting no error; and negative.ts,
// expecting exactly the misspelled-option error; then no-node.ts in a second consumer with no @types/node whose tsconfig
// has exactly the README's `"types": ["segsense/vitest"]` (tsconfig.no-node.json), expecting no error, so that a Node
// global (`Buffer`, `NodeJS.*`) in segsense's typings, or a dependency's typings that name one, fails here. Prints one
// line per check; exit 1 when one fails.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '../../..')
const compilers = {
  'TypeScript 5.9': join(repo, 'node_modules/typescript/bin/tsc'),
  'TypeScript 7': join(repo, 'test/e2e/typescript7/node_modules/typescript/bin/tsc'),
}
for (const [name, bin] of Object.entries(compilers)) {
  if (!existsSync(bin)) {
    console.error(`${name} is not installed (${bin}): run \`npm run test:consumer\` from the repository root`)
    process.exit(2)
  }
}

const root = mkdtempSync(join(tmpdir(), 'segsense-consumer-'))
let failed = 0
try {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: repo, encoding: 'utf8', env: { ...process.env, npm_config_ignore_scripts: 'true' } }).trim().split('\n').pop()
  const modules = join(root, 'node_modules')
  mkdirSync(join(modules, 'segsense'), { recursive: true })
  execFileSync('tar', ['-xzf', join(root, tarball), '-C', join(modules, 'segsense'), '--strip-components=1'])
  // The package's dependencies and the consumer's (vitest, @types/node) from the root, as an install would.
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name.startsWith('.') || name === 'segsense') continue
    symlinkSync(join(repo, 'node_modules', name), join(modules, name))
  }
  for (const f of ['tsconfig.json', 'consumer.ts', 'negative.ts']) copyFileSync(join(here, f), join(root, f))
  writeFileSync(join(root, 'tsconfig.negative.json'), JSON.stringify({ extends: './tsconfig.json', include: ['negative.ts'] }))
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))

  const tsc = (bin, project) => spawnSync(process.execPath, [bin, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8' })
  for (const [name, bin] of Object.entries(compilers)) {
    const ok = tsc(bin, 'tsconfig.json')
    const out = `${ok.stdout}${ok.stderr}`.trim()
    if (ok.status === 0) console.log(`ok    ${name}: consumer.ts type-checks against the packed package (strict, exactOptionalPropertyTypes, skipLibCheck: false)`)
    else {
      failed++
      console.log(`FAIL  ${name}: consumer.ts\n${out}`)
    }
    const bad = tsc(bin, 'tsconfig.negative.json')
    const badOut = `${bad.stdout}${bad.stderr}`
    // toBeRobustTo has two overloads (one transform, or a grid's two axes): the error may name the misspelt key a few
    // lines below "No overload matches this call"; the one-transform form is declared last, so TypeScript 7 names it too.
    if (bad.status !== 0 && /negative\.ts[\s\S]*scoreTolerance/.test(badOut) && !/node_modules/.test(badOut)) console.log(`ok    ${name}: negative.ts is rejected for its misspelled option only`)
    else {
      failed++
      console.log(`FAIL  ${name}: negative.ts should fail on scoreTolerance only, got exit ${bad.status}\n${badOut.trim()}`)
    }
  }

  // The consumer without @types/node: the same packed package, every other root module but @types/node linked, and
  // preserveSymlinks so that a linked package's `/// <reference types="node" />` cannot find the root's @types/node
  // through its real path.
  const bare = join(root, 'no-node')
  const bareModules = join(bare, 'node_modules')
  mkdirSync(join(bareModules, '@types'), { recursive: true })
  symlinkSync(join(modules, 'segsense'), join(bareModules, 'segsense'))
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name.startsWith('.') || name === 'segsense' || name === '@types') continue
    symlinkSync(join(repo, 'node_modules', name), join(bareModules, name))
  }
  for (const name of readdirSync(join(repo, 'node_modules/@types')))
    if (name !== 'node') symlinkSync(join(repo, 'node_modules/@types', name), join(bareModules, '@types', name))
  copyFileSync(join(here, 'no-node.ts'), join(bare, 'no-node.ts'))
  copyFileSync(join(here, 'tsconfig.no-node.json'), join(bare, 'tsconfig.json'))
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'consumer-no-node', private: true, type: 'module' }))
  for (const [name, bin] of Object.entries(compilers)) {
    const r = spawnSync(process.execPath, [bin, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: bare, encoding: 'utf8' })
    if (r.status === 0) console.log(`ok    ${name}: no-node.ts type-checks with "types": ["segsense/vitest"] and no @types/node`)
    else {
      failed++
      console.log(`FAIL  ${name}: no-node.ts without @types/node (a Node global in the typings?)\n${`${r.stdout}${r.stderr}`.trim()}`)
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
