// Two node processes (as two vitest workers would) writing the same cache entries at the same time leave whole,
// valid entries: each write goes to its own temp file and is renamed into place. Runs on dist/ (npm run build).
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '')
const dir = mkdtempSync(join(tmpdir(), 'segsense-cache-procs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Each child: the same sweep of a fingerprinted threshold model into the shared cache, then 100 rewrites of one
// entry with its own payload (a different letter and size per child), so the renames of both interleave.
const child = (letter: string, size: number): string => `
import { functionModel, labelMap, raster, sample, rotate, sweep } from ${JSON.stringify(join(repo, 'dist/index.js'))}
import { writeEntries } from ${JSON.stringify(join(repo, 'dist/sweep/cache.js'))}
const N = 32
const img = new Float32Array(N * N), truth = new Uint8Array(N * N)
for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) { img[y * N + x] = 1; truth[y * N + x] = 1 }
const inner = functionModel('t', { 1: 'fg' }, (im) => labelMap(im.width, im.height, Uint8Array.from(im.data, (v) => (v > 0.5 ? 1 : 0))))
const model = { ...inner, fingerprint: 'threshold-0.5' }
const r = await sweep(model, [sample('a', raster(N, N, 1, img), labelMap(N, N, truth))], rotate, { range: [-90, 90], step: 5, cache: { dir: ${JSON.stringify(dir)} } })
const store = { dir: ${JSON.stringify(join(dir, 'v1'))}, maxBytes: 1e9 }
const payload = Buffer.alloc(${size}, ${JSON.stringify(letter)})
for (let i = 0; i < 100; i++) await writeEntries(store, [{ key: 'ee'.repeat(32), payload }, { key: 'ee'.repeat(32), payload }])
process.stdout.write(JSON.stringify(r.mean))
`

function run(source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { env: { ...process.env, SEGSENSE_CACHE: '' } },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    )
  })
}

describe('cache entries written by two processes at once', () => {
  it('stay whole and valid', async () => {
    const [a, b] = await Promise.all([run(child('A', 100_000)), run(child('B', 150_000))])
    expect(a).toBe(b)
    const check = `
import { readEntry } from ${JSON.stringify(join(repo, 'dist/sweep/cache.js'))}
import { functionModel, labelMap, raster, sample, rotate, sweep } from ${JSON.stringify(join(repo, 'dist/index.js'))}
const p = readEntry({ dir: ${JSON.stringify(join(dir, 'v1'))}, maxBytes: 1e9 }, 'ee'.repeat(32))
const whole = p !== null && ((p.length === 100000 && p.every((c) => c === 65)) || (p.length === 150000 && p.every((c) => c === 66)))
const N = 32
const img = new Float32Array(N * N), truth = new Uint8Array(N * N)
for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) { img[y * N + x] = 1; truth[y * N + x] = 1 }
const inner = functionModel('t', { 1: 'fg' }, () => { throw new Error('predicted: the cache should have answered') })
const r = await sweep({ ...inner, fingerprint: 'threshold-0.5' }, [sample('a', raster(N, N, 1, img), labelMap(N, N, truth))], rotate, { range: [-90, 90], step: 5, cache: { dir: ${JSON.stringify(dir)} } })
process.stdout.write(JSON.stringify({ whole, cached: r.timing.cached, mean: r.mean }))
`
    const after = JSON.parse(await run(check)) as { whole: boolean; cached: number; mean: unknown }
    expect(after.whole).toBe(true)
    expect(after.cached).toBe(37)
    expect(JSON.stringify(after.mean)).toBe(a)
    // no temp file left behind
    const files = readdirSync(join(dir, 'v1'), { recursive: true }) as string[]
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
