// Importing segsense must not load onnxruntime-node (a native binding of tens of MB): only loadOnnxModel
// does. Checked on the built files (run `npx tsc -p tsconfig.build.json` first) in fresh node processes,
// since this process has loaded onnxruntime for the other tests and vitest's module graph is not node's.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const distModels = join(repo, 'dist/models')
const fixture = join(repo, 'fixtures/models/test/nhwc.onnx')

/** What a process has of onnxruntime: CommonJS modules in node's registry and native libraries mapped. */
interface Loaded {
  readonly modules: string[]
  readonly native: string[]
}

// onnxruntime-node is CommonJS, so an import of it lands in require.cache; its binding and libonnxruntime
// show up among the process's shared objects however they were reached.
const PROBE = `
import { createRequire } from 'node:module'
const [files, model] = JSON.parse(process.argv[1])
const loaded = []
for (const f of files) loaded.push(await import(f))
if (model) {
  const m = await loaded[0].loadOnnxModel(model, { classes: { 1: 'fg' } })
  await m.close()
}
const modules = Object.keys(createRequire(import.meta.url).cache).filter((p) => /[\\\\/]onnxruntime-(node|common)[\\\\/]/.test(p))
const native = process.report.getReport().sharedObjects.filter((p) => /onnxruntime/.test(p))
process.stdout.write(JSON.stringify({ modules, native }))
`

/** Imports `files` (absolute paths) in a new node process, optionally loads `model` with the first one's loadOnnxModel. */
function probe(files: string[], model?: string): Promise<Loaded> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE, JSON.stringify([files, model ?? null])],
      { cwd: repo, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`probe failed: ${error.message}\n${stderr}`))
        else resolve(JSON.parse(stdout) as Loaded)
      },
    )
  })
}

describe('onnxruntime-node is loaded lazily', () => {
  it('the built models folder exists (build before testing)', () => {
    expect(
      existsSync(join(distModels, 'onnx.js')),
      'dist/models/onnx.js missing: run npx tsc -p tsconfig.build.json',
    ).toBe(true)
  })

  it('the probe sees onnxruntime once a model is loaded (the control: the probe can fail)', async () => {
    const loaded = await probe([join(distModels, 'onnx.js')], fixture)
    expect(loaded.modules.some((p) => p.includes('onnxruntime-node'))).toBe(true)
    expect(loaded.native.some((p) => p.includes('onnxruntime_binding'))).toBe(true)
  })

  it('importing dist/models/onnx.js loads neither the module nor its binding', async () => {
    expect(await probe([join(distModels, 'onnx.js')])).toEqual({ modules: [], native: [] })
  })

  it('importing every file of dist/models loads neither', async () => {
    const files = readdirSync(distModels)
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(distModels, f))
    expect(files.length).toBeGreaterThanOrEqual(6)
    expect(await probe(files)).toEqual({ modules: [], native: [] })
  })

  it('importing the package root (dist/index.js) loads neither', async () => {
    expect(await probe([join(repo, 'dist/index.js')])).toEqual({ modules: [], native: [] })
  })
})
