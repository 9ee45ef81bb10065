// `segsense sweep --confidence --repeats --seed --confusion` run as a user runs it (the built CLI, as cli.test.ts).
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateSweepResult } from '../../src/index.js'
import { repo } from './harness.js'

const cli = join(repo, 'dist/cli/main.js')
const samplesDir = join(repo, 'fixtures/samples/cardiac')
const fragile = join(repo, 'fixtures/models/cardiac-fragile.onnx')
const image = (n: number) => join(samplesDir, `sa-0${n}.png`)
const mask = (n: number) => join(samplesDir, `sa-0${n}-mask.png`)

function segsense(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repo, env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      },
    )
  })
}

describe('segsense sweep: confidence, repeats, confusion', () => {
  const base = [
    'sweep',
    '-m',
    fragile,
    '-c',
    '1=RV,2=MYO,3=LV',
    '-i',
    image(1),
    '-t',
    mask(1),
    '-i',
    image(2),
    '-t',
    mask(2),
    '-i',
    image(3),
    '-t',
    mask(3),
    '-q',
  ]

  it('--repeats draws a random transform with seeds from --seed; --confidence judges the lower bound; --confusion keeps the counts', async () => {
    const run = await segsense([
      ...base,
      '-T',
      'noise',
      '--values',
      '0,0.1',
      '--repeats',
      '2',
      '--seed',
      '7',
      '--confidence',
      '0.9',
      '--resamples',
      '200',
      '--confusion',
      '--min',
      '0.5',
      '--json',
    ])
    expect(run.code, run.stderr).toBe(0)
    const json = JSON.parse(run.stdout)
    expect(validateSweepResult(json.result).valid).toBe(true)
    expect(json.result.repeats).toMatchObject({ count: 2, seed: 7 })
    expect(json.result.samples[0].repeats).toHaveLength(2)
    expect(json.result.confusion.classes).toEqual(['background', 'RV', 'MYO', 'LV'])
    expect(json.verdict).toMatchObject({ confidence: 0.9, resamples: 200, seed: 7 })
    for (const c of json.verdict.classes) expect(c).toHaveProperty('lowerInterval')
  })

  it('prints the lower bound beside the mean in the summary; repeats of a deterministic transform is an input error', async () => {
    const run = await segsense([
      ...base,
      '-T',
      'rotate',
      '--values',
      '-10,0,10',
      '--confidence',
      '0.95',
      '--resamples',
      '200',
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/; 95 % lower bound /)
    const bad = await segsense([...base, '-T', 'rotate', '--values', '0,10', '--repeats', '3'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/repeats is 3, but transform "rotate" is deterministic/)
  })
})
