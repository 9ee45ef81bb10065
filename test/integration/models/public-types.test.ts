// The models folder's declarations as a strict consumer compiles them (exactOptionalPropertyTypes on,
// skipLibCheck off), and without onnxruntime's typings: onnxruntime is an implementation detail that a
// consumer must not need to resolve. Checks the built files (run `npx tsc -p tsconfig.build.json` first).
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const distModels = join(repo, 'dist/models')
const tsc = join(repo, 'node_modules/typescript/bin/tsc')

const work = mkdtempSync(join(tmpdir(), 'segsense-types-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
// A Node consumer has @types/node; nothing else of this repository's node_modules is visible to it.
mkdirSync(join(work, 'node_modules'))
symlinkSync(join(repo, 'node_modules/@types'), join(work, 'node_modules/@types'), 'dir')

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    noEmit: true,
  },
  files: ['consumer.ts'],
}

/** Type-checks `source` as consumer.ts in its own folder; resolves with tsc's exit code and output. */
function typecheck(name: string, source: string): Promise<{ code: number; output: string }> {
  const dir = join(work, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG))
  writeFileSync(join(dir, 'consumer.ts'), source.replaceAll('@models', join(distModels, 'index.js')))
  symlinkSync(join(work, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsc, '-p', dir, '--listFiles'],
      { cwd: dir, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr })
      },
    )
  })
}

// Every documented name, and every option written out, so each option type is checked.
const CONSUMER = `
import {
  CARDIAC_CLASSES, fixtureModelPath, functionModel, loadFixtureSamples, loadOnnxModel,
  type FitMode, type FixtureModelName, type FixtureSampleSet, type Normalization, type OnnxInputOptions, type OnnxModelConfig,
  type OnnxModelOptions, type OnnxOutputKind, type OnnxOutputOptions, type OnnxSegmentationModel, type SegmentationModel, type TensorLayout,
} from '@models'

const layout: TensorLayout = 'NHWC'
const fit: FitMode = 'pad'
const normalize: Normalization = { mean: [0.5], std: [0.25] }
const input: OnnxInputOptions = { name: 'image', layout, channels: 1, order: 'RGB', size: { multipleOf: 16 }, fit, normalize }
const kind: OnnxOutputKind = 'sigmoid'
const output: OnnxOutputOptions = { name: 'prob', kind, threshold: 0.4 }
const options: OnnxModelOptions = { classes: CARDIAC_CLASSES, name: 'm', input, output, batchSize: 4, threads: 1 }
// @ts-expect-error exactOptionalPropertyTypes is on: an explicit undefined is not an option value
const strict: OnnxModelOptions = { classes: CARDIAC_CLASSES, batchSize: undefined }

export async function run(which: FixtureModelName, set: FixtureSampleSet): Promise<OnnxModelConfig> {
  const model: OnnxSegmentationModel = await loadOnnxModel(fixtureModelPath(which), options)
  const plain: SegmentationModel = functionModel('f', CARDIAC_CLASSES, (img) => ({ width: img.width, height: img.height, data: new Uint8Array(img.width * img.height) }))
  const samples = await loadFixtureSamples(set)
  const first = samples[0]
  if (first) await plain.predict([first.image])
  await model.close()
  void strict
  return model.config
}
`

describe('public declarations of src/models', () => {
  it('no declaration file imports onnxruntime', () => {
    const files = readdirSync(distModels).filter((f) => f.endsWith('.d.ts'))
    expect(files).toContain('index.d.ts')
    for (const f of files)
      expect(readFileSync(join(distModels, f), 'utf8'), f).not.toMatch(/(from|import\()\s*['"]onnxruntime/)
  })

  it('type-check for a strict consumer without reading onnxruntime typings', async () => {
    const { code, output } = await typecheck('ok', CONSUMER)
    expect(
      output.split('\n').filter((l) => l.includes('error TS')),
      output,
    ).toEqual([])
    expect(code).toBe(0)
    // --listFiles: every declaration file the compiler read
    expect(output).toContain(join(distModels, 'onnx.d.ts'))
    expect(output).not.toMatch(/onnxruntime/)
  })

  it('the same check fails on a consumer error (the control)', async () => {
    const { code, output } = await typecheck(
      'bad',
      `${CONSUMER}\nconst wrong: OnnxModelOptions = { classes: CARDIAC_CLASSES, input: { layout: 'CHW' } }\nvoid wrong\n`,
    )
    expect(code).not.toBe(0)
    expect(output).toContain('consumer.ts')
  })
})
