// README's "Use it in your project" section: right after "Install and test", and in line with package.json.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('../../../', import.meta.url).pathname
const readme = readFileSync(`${root}README.md`, 'utf8')
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  engines: { node: string }
  type: string
  peerDependencies: { vitest: string }
}

describe('README: Use it in your project', () => {
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1])
  const section = /## Use it in your project\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''

  it('follows "Install and test"', () => {
    expect(headings.indexOf('Use it in your project')).toBe(headings.indexOf('Install and test') + 1)
  })

  it('says how to install, that it is ESM only, which Node, and how to skip onnxruntime downloads', () => {
    expect(section).toContain('npm i -D segsense vitest')
    // The command users copy works offline: onnxruntime-node's install script is told not to download.
    expect(section).toMatch(/^ONNXRUNTIME_NODE_INSTALL=skip npm i -D segsense vitest$/m)
    expect(pkg.type).toBe('module')
    expect(section).toMatch(/ESM only/)
    expect(section).toContain('"type": "module"')
    expect(section).toContain('.mts')
    expect(pkg.engines.node).toBe('>=20.9')
    expect(section).toContain('Node.js >= 20.9')
    expect(pkg.peerDependencies.vitest).toBe('>=4.1.4')
    expect(section).toContain('4.1.4 or later')
    expect(section).toContain('ONNXRUNTIME_NODE_INSTALL=skip')
    expect(section).toContain('onnxruntime-node-install=skip')
  })
})
