// `segsense/transforms` and `segsense/metrics` are light: importing them (from dist/, as a consumer does) loads no
// native module, no chart library and no JSON-schema validator; the matchers (what every vitest worker imports)
// and the root load no native module nor chart library until an image is read, a model loaded or a chart drawn.
// Checked in a fresh node process with a module-resolve log, against a control (the root loads ajv, for specs) so
// that an empty log cannot pass.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')
const hook = join(repo, 'test/support/import-log.mjs')
const HEAVY = /\/node_modules\/(sharp|@img|onnxruntime-node|onnxruntime-common|vega|vega-[a-z-]+|ajv)\//
const dir = mkdtempSync(join(tmpdir(), 'segsense-light-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The packages a fresh process resolves when it imports `entry` (a file under dist/). */
function packagesLoadedBy(entry: string): Promise<string[]> {
  const log = join(dir, `${entry.replaceAll('/', '-')}.log`)
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', hook, '--input-type=module', '-e', `await import(${JSON.stringify(join(repo, 'dist', entry))})`],
      { env: { ...process.env, SEGSENSE_IMPORT_LOG: log } },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`importing ${entry} failed: ${stderr || err.message}`))
        const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean)
        resolve(
          [
            ...new Set(
              urls
                .map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1])
                .filter((p): p is string => Boolean(p)),
            ),
          ].sort(),
        )
      },
    )
  })
}

describe('light entries', () => {
  it('segsense/transforms and segsense/metrics load no sharp, onnxruntime, vega or ajv; the root does load ajv', async () => {
    const [transforms, metrics, root] = await Promise.all(
      ['transforms/index.js', 'metrics/index.js', 'index.js'].map(packagesLoadedBy),
    )
    expect(transforms!.filter((p) => HEAVY.test(`/node_modules/${p}/`))).toEqual([])
    expect(metrics!.filter((p) => HEAVY.test(`/node_modules/${p}/`))).toEqual([])
    expect(root).toContain('ajv')
  })

  it('the root and the matchers load sharp, onnxruntime and vega only when used', async () => {
    const NATIVE_OR_CHARTS = /^(sharp|@img\/.*|onnxruntime-node|onnxruntime-common|vega|vega-.*)$/
    const [root, matchers] = await Promise.all(['index.js', 'vitest/matchers.js'].map(packagesLoadedBy))
    expect(root!.filter((p) => NATIVE_OR_CHARTS.test(p))).toEqual([])
    expect(matchers!.filter((p) => NATIVE_OR_CHARTS.test(p))).toEqual([])
  })
})
