// `segsense sweep` and `segsense check` print what they could not score, and take the empty policy (built CLI).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SweepResult } from '../../src/index.js'
import { repo } from './harness.js'

const cli = join(repo, 'dist/cli/main.js')
const model = join(repo, 'fixtures/models/cardiac-fragile.onnx')
const scan = join(repo, 'fixtures/samples/cardiac/sa-01.png')
const dir = mkdtempSync(join(tmpdir(), 'segsense-cli-warnings-'))
const blank = join(dir, 'blank.png')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
// A black scan: the model finds nothing in it.
beforeAll(() =>
  sharp({ create: { width: 256, height: 256, channels: 3, background: '#000' } })
    .greyscale()
    .png()
    .toFile(blank),
)

function segsense(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repo, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      },
    )
  })
}

describe('nothing to score in the CLI', () => {
  it('segsense sweep prints a warning per sample/class not scored; --empty-policy nan reaches the sweep', async () => {
    const args = [
      'sweep',
      '--model',
      model,
      '--model-classes',
      '1=RV,2=MYO,3=LV',
      '--image',
      blank,
      '--image',
      scan,
      '--transform',
      'rotate',
      '--values',
      '0,30',
      '-q',
    ]
    const text = await segsense(args)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('warning: sample "blank": the clean prediction has no LV; not scored\n')
    expect(text.stdout.match(/^warning: /gm)).toHaveLength(3)
    const json = await segsense([...args, '--json', '--empty-policy', 'nan'])
    const result = (JSON.parse(json.stdout) as { result: SweepResult }).result
    expect(result.emptyPolicy).toEqual({ bothEmpty: 'nan' })
    expect(result.warnings?.map((w) => `${w.sample} ${w.className}`)).toEqual(['blank RV', 'blank MYO', 'blank LV'])
    expect(result.meanCounts?.dice?.LV).toEqual([1, 1])
    expect((await segsense([...args, '--empty-policy', 'zero'])).code).toBe(2)
  })

  it("segsense check applies the spec's defaults and prints the warnings under the requirement", async () => {
    const file = join(dir, 'spec.json')
    writeFileSync(
      file,
      JSON.stringify({
        name: 'defaults',
        model: { onnx: model, classes: { 1: 'RV', 2: 'MYO', 3: 'LV' } },
        samples: [
          { id: 'blank', image: blank },
          { id: 'scan', image: scan },
        ],
        defaults: { min: { LV: 0.5 }, reference: 'prediction' },
        requirements: [{ name: 'small rotations', transform: 'rotate', values: [-10, 0, 10] }],
      }),
    )
    const run = await segsense(['check', file, '-q'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^pass {2}small rotations$/m)
    expect(run.stdout).toContain('      warning: sample "blank": the clean prediction has no LV; not scored')
  })
})
