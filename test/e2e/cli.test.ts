// The `segsense` command run as a user runs it: a child process of the built CLI (npm test builds first).
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  CARDIAC_CLASSES,
  fixtureModelPath,
  loadFixtureSamples,
  loadOnnxModel,
  rotate,
  sweep,
  transformsByName,
  validateSweepResult,
} from '../../src/index.js'
import { repo } from './harness.js'

const cli = join(repo, 'dist/cli/main.js')
const samplesDir = join(repo, 'fixtures/samples/cardiac')
const fragile = join(repo, 'fixtures/models/cardiac-fragile.onnx')

interface Run {
  /** The exit code; -1 when the command was killed (see `timedOut`). */
  code: number
  stdout: string
  stderr: string
  ms: number
  /** The command ran past its timeout and was killed: stderr then ends with a line saying so. */
  timedOut: boolean
}

function segsense(args: string[], options: { cwd?: string; timeout?: number } = {}): Promise<Run> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd: options.cwd ?? repo,
        env: { ...process.env, FORCE_COLOR: '0' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeout ?? 60_000,
      },
      (error, stdout, stderr) => {
        const ms = performance.now() - t0
        const timedOut = Boolean(error?.killed)
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          // A killed child has no exit code; say why, so a slow machine fails with "timed out", not "-1".
          stderr: timedOut
            ? `${stderr}\nsegsense ${args.join(' ')} timed out after ${(ms / 1000).toFixed(0)} s and was killed`
            : stderr,
          ms,
          timedOut,
        })
      },
    )
  })
}

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'segsense-cli-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** stderr must be exactly one line, and hold no stack trace. */
function oneLineError(run: Run): string {
  const lines = run.stderr.trimEnd().split('\n')
  expect(lines, run.stderr).toHaveLength(1)
  expect(run.stderr).not.toMatch(/^\s+at /m)
  return lines[0]!
}

describe('segsense transforms and --help', () => {
  it('lists every transform with its parameter, unit, neutral value and default range', async () => {
    const run = await segsense(['transforms'])
    expect(run.code).toBe(0)
    for (const name of Object.keys(transformsByName))
      expect(run.stdout).toMatch(new RegExp(`^${name.replace('.', '\\.')}\\s`, 'm'))
    expect(run.stdout).toMatch(
      /^rotate\s+angle\s+deg\s+0\s+circular\s+-180 \.\. 180\s+10\s+yes\s+interpolation=bilinear, padding=zeros, maskInterpolation=nearest$/m,
    )
    expect(run.stdout).toMatch(/^brightness\s+factor\s+x\s+1\s+log\s+0\.25 \.\. 4\s+0\.25\s+no\s+mode=pil$/m)
    // Each transform's options, the names --option takes, with their defaults; - for none.
    expect(run.stdout).toMatch(/^motion\s.*translation=\[0,0\], segments=2, axis=y, times=null, seed=0, clip=false$/m)
    expect(run.stdout).toMatch(/^flip\s.*yes\s+-$/m)
    const json = JSON.parse((await segsense(['transforms', '--json'])).stdout) as {
      name: string
      neutral: number
      options: Record<string, unknown>
    }[]
    expect(json.find((t) => t.name === 'noise')?.options).toEqual({ seed: 0, kind: 'gaussian' })
    expect(json.find((t) => t.name === 'corruptions.jpeg')?.options).toEqual({ seed: 0, quantize: false })
    expect(json.map((t) => t.name)).toEqual(Object.keys(transformsByName))
    expect(json.find((t) => t.name === 'zoom')?.neutral).toBe(1)
  })

  it('prints help for the program and for each command', async () => {
    const top = await segsense(['--help'])
    expect(top.code).toBe(0)
    for (const c of ['demo', 'sweep', 'check', 'transforms']) expect(top.stdout).toContain(c)
    const help = await Promise.all(['demo', 'sweep', 'check', 'transforms'].map((c) => segsense([c, '--help'])))
    expect(help.map((r) => r.code)).toEqual([0, 0, 0, 0])
    expect(help[0]!.stdout).toContain('--out <dir>')
    expect(help[1]!.stdout).toMatch(
      /--model <file>[\s\S]*--model-classes <list>[\s\S]*--score-classes <names>[\s\S]*--truth <file\|dir>[\s\S]*--range <from:to>[\s\S]*--json/,
    )
    expect(help[2]!.stdout).toContain('<spec>')
  })
})

describe('usage and input errors: exit 2 with one line', () => {
  it('unknown command, unknown option, missing or bad options', async () => {
    const runs = await Promise.all([
      segsense(['bogus']),
      segsense(['transforms', '--bogus']),
      segsense(['sweep', '-m', fragile, '-T', 'rotate', '-i', 'a.png']),
      segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'rotate', '-i', 'a.png', '--range', '90']),
      segsense(['sweep', '-m', fragile, '-c', 'RV', '-T', 'rotate', '-i', 'a.png']),
      segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'spin', '-i', 'a.png']),
      segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'rotate', '-i', 'a.png', '--steps', '0']),
      segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'rotate', '-i', 'a.png', '--min', '-1', '--check']),
      segsense(['sweep', '-m', fragile, '--classes', '1=RV', '--model-classes', '1=RV', '-T', 'rotate', '-i', 'a.png']),
    ])
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2])
    const lines = runs.map(oneLineError)
    expect(lines[0]).toMatch(/^segsense: unknown command 'bogus'/)
    expect(lines[1]).toMatch(/unknown option '--bogus'/)
    expect(lines[2]).toMatch(/--model-classes is required: the model's class ids and names/)
    expect(lines[3]).toMatch(/--range: "90" is not from:to/)
    expect(lines[4]).toMatch(/--model-classes: "RV" is not id=name/)
    expect(lines[5]).toMatch(/unknown transform "spin"; known transforms: rotate, /)
    expect(lines[6]).toMatch(/--steps: "0" is not an integer >= 1/)
    // A threshold outside [0, 1] would pass any model (or none): refused before any work.
    expect(lines[7]).toMatch(/--min: -1 is not a score in \[0, 1\]/)
    expect(lines[8]).toMatch(/give --model-classes, not both --model-classes and --classes/)
    expect(runs.every((r) => r.stdout === '')).toBe(true)
  })

  it('a missing file names it; --debug adds the stack trace', async () => {
    const run = await segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'rotate', '-i', 'missing.png'])
    expect(run.code).toBe(2)
    expect(oneLineError(run)).toBe('segsense: image file not found: missing.png')
    const debug = await segsense(['sweep', '-m', fragile, '-c', '1=RV', '-T', 'rotate', '-i', 'missing.png', '--debug'])
    expect(debug.code).toBe(2)
    expect(debug.stderr).toMatch(/^\s+at .*image\.js/m)
  })

  it('segsense alone prints the help and exits 2', async () => {
    const run = await segsense([])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Usage: segsense')
  })
})

describe('segsense sweep', () => {
  const image = (n: number) => join(samplesDir, `sa-0${n}.png`)
  const mask = (n: number) => join(samplesDir, `sa-0${n}-mask.png`)

  it('with --truth scores against the truth, as sweep() does', async () => {
    const run = await segsense([
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
      '-T',
      'rotate',
      '--range',
      '-30:30',
      '--step',
      '15',
      '--json',
      '-q',
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toBe('')
    const json = JSON.parse(run.stdout)
    const result = json.result
    expect(validateSweepResult(result).valid).toBe(true)
    // Beside the result: the verdict, with each class's stable interval and pass, and the model's settings.
    expect(json.required).toEqual([-30, 30])
    expect(json.verdict.classes.map((c: { className: string }) => c.className)).toEqual(['RV', 'MYO', 'LV'])
    for (const c of json.verdict.classes) {
      expect(c.min).toBe(0.8)
      expect(typeof c.pass).toBe('boolean')
      expect(c.interval === null || typeof c.interval.from === 'number').toBe(true)
    }
    expect(json.pass).toBe(json.verdict.classes.every((c: { pass: boolean }) => c.pass))
    expect(json.modelSettings).toMatchObject({
      inputName: 'image',
      layout: 'NCHW',
      channels: 1,
      kind: 'logits',
      size: { multipleOf: 32 },
    })
    expect(result.reference).toBe('truth')
    expect(result.values).toEqual([-30, -15, 0, 15, 30])
    expect(result.samples.map((s: { id: string }) => s.id)).toEqual(['sa-01', 'sa-02'])
    // The oracle: the library on the same files.
    const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
    const samples = (await loadFixtureSamples('cardiac')).slice(0, 2)
    const expected = await sweep(model, samples, rotate, { range: [-30, 30], step: 15 })
    await model.close()
    for (const c of ['RV', 'MYO', 'LV'])
      result.mean.dice[c].forEach((v: number, k: number) => expect(v).toBeCloseTo(expected.mean.dice![c]![k]!, 9))
  })

  it('--metric nsd with --nsd-tolerance scores the normalised surface distance and records the tolerance', async () => {
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      image(1),
      '-t',
      mask(1),
      '-T',
      'rotate',
      '--values',
      '0,90',
      '--metric',
      'nsd',
      '--nsd-tolerance',
      '2',
      '--json',
      '-q',
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout).result
    expect(result.metrics).toEqual(['nsd'])
    expect(result.nsdTolerance).toBe(2)
    expect(result.values).toEqual([0, 90])
    expect(result.mean.nsd.LV[0]).toBeGreaterThan(0.9)
    expect(result.mean.nsd.LV[1]).toBeLessThan(0.5)
    const bad = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV',
      '-i',
      image(1),
      '-T',
      'rotate',
      '--metric',
      'nsd',
      '--nsd-tolerance',
      '-1',
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/nsdTolerance must be a finite number >= 0.*-1/)
  })

  it('--refine bisects the crossings of --min after the grid and lists the added values; --no-cache is accepted', async () => {
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      image(1),
      '-t',
      mask(1),
      '-T',
      'rotate',
      '--values',
      '0,90',
      '--score-classes',
      'LV',
      '--min',
      '0.8',
      '--refine',
      '10',
      '--no-cache',
      '--json',
      '-q',
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout).result
    expect(result.refined).toMatchObject({ tolerance: 10, metric: 'dice', aggregate: 'mean', min: { LV: 0.8 } })
    expect(result.refined.values.length).toBeGreaterThan(0)
    expect(result.values).toEqual([...result.values].sort((a: number, b: number) => a - b))
    // the LV crossing is bracketed by neighbours at most 10 deg apart, one passing and one failing
    const lv = result.mean.dice.LV as number[]
    const k = lv.findIndex((v) => v < 0.8)
    expect(k).toBeGreaterThan(0)
    expect(result.values[k] - result.values[k - 1]).toBeLessThanOrEqual(10)
    expect(result.timing.predictions).toBe(result.values.length)
  })

  it("without --truth scores against the model's own clean prediction (Dice 1 at the neutral value)", async () => {
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      image(3),
      '-T',
      'brightness',
      '--values',
      '0.5,1,2',
      '--json',
      '-q',
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout).result
    expect(result.reference).toBe('prediction')
    expect(result.values).toEqual([0.5, 1, 2])
    for (const c of ['RV', 'MYO', 'LV']) expect(result.mean.dice[c][1]).toBe(1)
  })

  it('prints the summary table, writes a report with --out, and exits 1 under --check when a value fails', async () => {
    const out = tmp()
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      samplesDir,
      '-t',
      samplesDir,
      '-T',
      'rotate',
      '--range',
      '-90:90',
      '--step',
      '45',
      '--out',
      out,
      '--min',
      '0.99',
      '--check',
    ])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^cardiac-fragile: rotate on 8 samples, scored against the truth, dice >= 0\.99$/m)
    expect(run.stdout).toMatch(/^#01\s+cardiac-fragile\s+rotate\s+LV\s+0\.99\s+-90 deg to 90 deg\s+.*FAIL$/m)
    expect(run.stdout).toContain(`report: ${join(out, 'index.html')}`)
    expect(readdirSync(out).sort()).toEqual(['index.html', 'results.json', 'sweep-01-strip.png', 'sweep-01.gif'])
    // results.json holds each class's verdict: threshold, stable interval, pass.
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
    expect(
      report.sweeps[0].verdict.classes.map((c: { className: string; min: number }) => [c.className, c.min]),
    ).toEqual([
      ['RV', 0.99],
      ['MYO', 0.99],
      ['LV', 0.99],
    ])
    expect(report.sweeps[0].verdict.classes[2].pass).toBe(false)
    // LV fails at the neutral value at 0.99: no stable interval (null), but the key is there.
    expect(report.sweeps[0].verdict.classes[2]).toHaveProperty('interval', null)
    // Progress goes to stderr (plain lines: not a terminal).
    expect(run.stderr).toMatch(/cardiac-fragile rotate: 40\/40 images in [\d.]+ s/)
  })
})

describe('segsense sweep: strict options and the model settings', () => {
  const image = join(samplesDir, 'sa-01.png')
  const mask = join(samplesDir, 'sa-01-mask.png')
  const base = ['sweep', '-m', fragile, '-c', '1=RV,2=MYO,3=LV', '-i', image, '-t', mask, '-T', 'rotate']

  it('a misspelt --option, an empty --values, --range or --score-classes are usage errors, not defaults', async () => {
    const runs = await Promise.all([
      segsense([...base, '--option', 'paddin=border']),
      segsense([...base, '--values', '']),
      segsense([...base, '--range', '']),
      segsense([...base, '--values', '0', '--score-classes', '']),
      segsense([...base, '--values', '0', '--input-size', '100000x100000']),
    ])
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2])
    const lines = runs.map(oneLineError)
    expect(lines[0]).toBe(
      `segsense: rotate.with(): unknown key "paddin" (did you mean 'padding'?); known keys: interpolation, padding, maskInterpolation`,
    )
    expect(lines[1]).toMatch(/--values needs at least one value/)
    expect(lines[2]).toMatch(/--range: "" is not from:to/)
    expect(lines[3]).toMatch(/--score-classes needs at least one name/)
    expect(lines[4]).toMatch(/input\.size \[100000, 100000\].*more than the budget/)
    expect(runs.every((r) => r.stdout === '')).toBe(true)
  })

  it('model flags and --model-config reach the adapter (as loadOnnxModel does) and the header names them', async () => {
    const dir = tmp()
    const config = join(dir, 'model.json')
    writeFileSync(
      config,
      JSON.stringify({
        onnx: fragile,
        classes: { 1: 'RV', 2: 'MYO', 3: 'LV' },
        input: { size: [128, 128], fit: 'pad', normalize: { mean: [0.1], std: [0.5] } },
      }),
    )
    const flags = ['--input-size', '128x128', '--input-fit', 'pad', '--input-mean', '0.1', '--input-std', '0.5']
    const [text, viaFlags, viaConfig, plain] = await Promise.all([
      segsense([...base, '--values', '0,90', ...flags, '-q']),
      segsense([...base, '--values', '0,90', ...flags, '--json', '-q']),
      segsense([
        'sweep',
        '--model-config',
        config,
        '-i',
        image,
        '-t',
        mask,
        '-T',
        'rotate',
        '--values',
        '0,90',
        '--json',
        '-q',
      ]),
      segsense([...base, '--values', '0,90', '-q']),
    ])
    for (const r of [text, viaFlags, viaConfig, plain]) expect(r.code, r.stderr).toBe(0)
    expect(text.stdout).toMatch(
      /^model settings: input "image" NCHW, 1 channel, size 128x128 \(pad\), normalised \(x - \[0\.1\]\) \/ \[0\.5\]; output "logits": logits \(argmax\)$/m,
    )
    expect(plain.stdout).toMatch(
      /^model settings: input "image" NCHW, 1 channel, padded to a multiple of 32, not normalised \(default\); output "logits": logits \(argmax\)$/m,
    )
    const a = JSON.parse(viaFlags.stdout).result
    const b = JSON.parse(viaConfig.stdout).result
    expect(JSON.parse(viaFlags.stdout).modelSettings).toMatchObject({
      size: [128, 128],
      fit: 'pad',
      normalize: { mean: [0.1], std: [0.5] },
    })
    expect(b.mean).toEqual(a.mean)
    // The oracle: the library with the same settings; and the settings changed the scores.
    const model = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), {
      classes: CARDIAC_CLASSES,
      input: { size: [128, 128], fit: 'pad', normalize: { mean: [0.1], std: [0.5] } },
    })
    const expected = await sweep(model, (await loadFixtureSamples('cardiac')).slice(0, 1), rotate, { values: [0, 90] })
    await model.close()
    for (const c of ['RV', 'MYO', 'LV'])
      a.mean.dice[c].forEach((v: number, k: number) => expect(v).toBeCloseTo(expected.mean.dice![c]![k]!, 9))
    expect(a.mean.dice.LV).not.toEqual(
      JSON.parse((await segsense([...base, '--values', '0,90', '--json', '-q'])).stdout).result.mean.dice.LV,
    )
  })

  it('--out keeps the frames of the --sample drawn only; an unknown --sample is an input error naming it', async () => {
    const out = tmp()
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      samplesDir,
      '-t',
      samplesDir,
      '-T',
      'rotate',
      '--values',
      '0,90',
      '--sample',
      'sa-03',
      '--out',
      out,
      '-q',
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('alt="frames of sample sa-03"')
    const bad = await segsense([
      'sweep',
      '-m',
      fragile,
      '-c',
      '1=RV,2=MYO,3=LV',
      '-i',
      samplesDir,
      '-t',
      samplesDir,
      '-T',
      'rotate',
      '--values',
      '0',
      '--sample',
      'sa-3',
      '--out',
      tmp(),
      '-q',
    ])
    expect(bad.code).toBe(2)
    expect(oneLineError(bad)).toMatch(/keep\.frames: "sa-3" is not a sample id \(did you mean 'sa-03'\?\)/)
  })

  it('--model-config is checked like a spec model block: a misspelt key is an input error naming it', async () => {
    const dir = tmp()
    const config = join(dir, 'model.json')
    writeFileSync(config, JSON.stringify({ classes: { 3: 'LV' }, output: { treshold: 0.3 } }))
    const run = await segsense([
      'sweep',
      '-m',
      fragile,
      '--model-config',
      config,
      '-i',
      image,
      '-T',
      'rotate',
      '--values',
      '0',
    ])
    expect(run.code).toBe(2)
    expect(oneLineError(run)).toMatch(
      /model config .*model\.json is invalid: \/output has unknown property "treshold" \(did you mean 'threshold'\?\)/,
    )
    const noModel = await segsense(['sweep', '-c', '1=RV', '-i', image, '-T', 'rotate'])
    expect(noModel.code).toBe(2)
    expect(oneLineError(noModel)).toMatch(/--model <file\.onnx> is required \(or "onnx" in --model-config\)/)
  })
})

describe('segsense check', () => {
  const spec = (requirements: object[]) => {
    const dir = tmp()
    const file = join(dir, 'spec.json')
    writeFileSync(
      file,
      JSON.stringify({
        name: 'fragile spec',
        model: { onnx: fragile, classes: { 1: 'RV', 2: 'MYO', 3: 'LV' } },
        samples: [1, 2].map((n) => ({
          image: join(samplesDir, `sa-0${n}.png`),
          truth: join(samplesDir, `sa-0${n}-mask.png`),
        })),
        requirements,
      }),
    )
    return { dir, file }
  }

  it('exits 0 when every requirement passes and 1 when one fails, naming it', async () => {
    const ok = spec([
      { name: 'small rotations', transform: 'rotate', range: [-10, 10], step: 10, minDice: { LV: 0.5 } },
    ])
    const good = await segsense(['check', ok.file, '-q'])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toMatch(/^fragile spec: 1 of 1 requirements pass$/m)
    const bad = spec([
      { name: 'small rotations', transform: 'rotate', range: [-10, 10], step: 10, minDice: { LV: 0.5 } },
      { name: 'upside down', transform: 'rotate', values: [-180, 0, 180], minDice: 0.9 },
    ])
    const out = join(bad.dir, 'report')
    const failed = await segsense(['check', bad.file, '--out', out, '-q'])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/^fragile spec: 1 of 2 requirements pass$/m)
    expect(failed.stdout).toMatch(/^pass {2}small rotations$/m)
    expect(failed.stdout).toMatch(/^FAIL {2}upside down$/m)
    expect(existsSync(join(out, 'index.html'))).toBe(true)
  })

  it('an invalid spec is an input error (exit 2, one line)', async () => {
    const run = await segsense(['check', join(repo, 'test/e2e/projects/spec/invalid.json')])
    expect(run.code).toBe(2)
    expect(oneLineError(run)).toMatch(/robustness spec .*invalid\.json is invalid:; \/requirements\/0\/minDice/)
  })
})

// The demo's full configuration takes a minute or more, depending on the machine and its load; the test runs the
// same sweeps on coarse grids (--quick, docs/cli.md), and the child gets the test's own time less a margin.
const DEMO_TEST_MS = 200_000
describe('segsense demo', () => {
  it(
    'sweeps the bundled models and writes the report (its duration is measured in the bench, not here)',
    async () => {
      const out = join(tmp(), 'report')
      const run = await segsense(['demo', '--quick', '--out', out], { timeout: DEMO_TEST_MS - 10_000 })
      expect(run.timedOut, run.stderr).toBe(false)
      expect(run.code, run.stderr).toBe(0)
      const models = [
        'cardiac-fragile',
        ...(existsSync(join(repo, 'fixtures/models/cardiac-robust.onnx')) ? ['cardiac-robust'] : []),
      ]
      for (const m of models)
        for (const t of ['rotate', 'zoom', 'brightness', 'contrast', 'spike'])
          for (const c of ['RV', 'MYO', 'LV']) {
            expect(run.stdout).toMatch(new RegExp(`^#\\d+\\s+${m}\\s+${t}\\s+${c}\\s+0\\.8\\s`, 'm'))
          }
      expect(run.stdout).toContain(`report: ${join(out, 'index.html')}`)
      const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
      expect(json.sweeps).toHaveLength(5 * models.length)
      const files = readdirSync(out)
      for (let i = 1; i <= 5 * models.length; i++) expect(files).toContain(`sweep-${String(i).padStart(2, '0')}.gif`)
      // --quick: 2 samples and coarse grids over the full configuration's ranges.
      expect(json.sweeps[0].result.samples).toHaveLength(2)
      expect(json.sweeps[0].result.values).toEqual([-180, -90, 0, 90, 180])
    },
    DEMO_TEST_MS,
  )

  it('--quick is kept out of --help', async () => {
    const help = await segsense(['demo', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--min')
    expect(help.stdout).not.toContain('--quick')
  })
})
