// The built chart module as consumers get it (dist/, so run `npx tsc -p tsconfig.build.json` first): vega is loaded
// only when a chart is drawn, and no emitted typings mention vega's types.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')
const dist = join(repo, 'dist')
const hook = join(repo, 'test/support/import-log.mjs')
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A module URL of vega, vega-lite or one of vega's own packages (vega-scenegraph, vega-util, ...). */
const VEGA = /\/node_modules\/vega(-[a-z0-9-]+)?\//

/**
 * Imports `entry` in a fresh node process with the import-log hook, then (with `draw`) renders a one-point chart.
 * Returns the resolved module URLs, the CommonJS modules loaded, and the import error if there was one.
 */
function probe(entry: string, draw = false): Promise<{ urls: string[]; required: string[]; error?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'segsense-imports-'))
  dirs.push(dir)
  const log = join(dir, 'imports.log')
  const script = `
    import { createRequire } from 'node:module'
    let error
    try {
      const m = await import(${JSON.stringify(join(dist, entry))})
      if (${draw}) await m.renderSpecSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } })
    } catch (e) { error = String(e && e.message) }
    const required = Object.keys(createRequire(${JSON.stringify(`${repo}/`)}).cache)
    process.stdout.write(JSON.stringify({ required, error }))`
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', hook, '--input-type=module', '-e', script],
      { cwd: repo, env: { ...process.env, SEGSENSE_IMPORT_LOG: log } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`probe of ${entry} failed: ${stderr || err.message}`))
        const out = JSON.parse(stdout) as { required: string[]; error?: string }
        resolve({ urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), ...out })
      },
    )
  })
}

beforeAll(() => {
  // A stale build would test yesterday's code: dist must be newer than the chart source.
  const built = join(dist, 'report/chart.js')
  let builtAt = 0
  try {
    builtAt = statSync(built).mtimeMs
  } catch {
    /* reported below */
  }
  if (builtAt < statSync(join(repo, 'src/report/chart.ts')).mtimeMs)
    throw new Error(`${built} is missing or older than src/report/chart.ts: run npx tsc -p tsconfig.build.json first`)
})

describe('vega is loaded lazily', () => {
  it('importing the chart module, the vitest entries or the package loads no vega module', async () => {
    const entries = ['report/chart.js', 'vitest/matchers.js', 'vitest/reporter.js', 'index.js']
    const probes = await Promise.all(entries.map((entry) => probe(entry)))
    for (const [k, entry] of entries.entries()) {
      const { urls, required, error } = probes[k]!
      expect(error, entry).toBeUndefined()
      expect(urls.length, `${entry}: the hook recorded nothing`).toBeGreaterThan(10)
      expect(
        urls.filter((u) => VEGA.test(u)),
        entry,
      ).toEqual([])
      expect(
        required.filter((p) => VEGA.test(p)),
        entry,
      ).toEqual([])
    }
  })

  it('the vitest setup entry links no vega module', async () => {
    // Outside a vitest run the entry's own body throws at afterEach(); ES modules resolve, link and evaluate the
    // whole static import graph before that body runs, so the log still holds every module the entry loads.
    const { urls, required, error } = await probe('vitest/index.js')
    expect(error ?? 'imported without error').toMatch(
      /^Vitest failed to find the current suite|^imported without error$/,
    )
    expect(urls.some((u) => u.endsWith('/dist/report/chart.js'))).toBe(true)
    expect(urls.filter((u) => VEGA.test(u))).toEqual([])
    expect(required.filter((p) => VEGA.test(p))).toEqual([])
  })

  it('drawing a chart loads vega and vega-lite (the check above would see them)', async () => {
    const { urls, error } = await probe('report/chart.js', true)
    expect(error).toBeUndefined()
    expect(urls.some((u) => /\/node_modules\/vega\//.test(u))).toBe(true)
    expect(urls.some((u) => /\/node_modules\/vega-lite\//.test(u))).toBe(true)
  })
})

describe('public typings', () => {
  it('no emitted .d.ts imports vega or vega-lite types', () => {
    const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.d.ts'))
    expect(files).toContain('report/chart.d.ts')
    const leaks = files.filter((f) =>
      /(from|import\()\s*['"]vega(-[a-z-]+)?['"]/.test(readFileSync(join(dist, f), 'utf8')),
    )
    expect(leaks).toEqual([])
  })
})
