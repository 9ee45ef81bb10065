// Misspelt option keys: every options object, at every entry point, is an E_UNKNOWN_OPTION naming the key and the
// nearest known one, never a default silently applied.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SegsenseError } from '../../../src/core/errors.js'
import { checkKnownKeys, editDistance, nearest } from '../../../src/core/options.js'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import { loadImage, saveImage } from '../../../src/io/image.js'
import { loadMask, loadSample } from '../../../src/io/mask.js'
import { fixtureModelPath } from '../../../src/models/fixtures.js'
import { functionModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { validateSpec } from '../../../src/requirements/load.js'
import { planRequirement } from '../../../src/requirements/plan.js'
import { planSpecRequirement, runSpec } from '../../../src/requirements/run.js'
import { scoreMasks } from '../../../src/metrics/overlap.js'
import { surfaceDistances } from '../../../src/metrics/distance.js'
import { writeReport } from '../../../src/report/html.js'
import { stableInterval } from '../../../src/analysis/stability.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { corruptions } from '../../../src/transforms/corruptions/index.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { brightness, noise } from '../../../src/transforms/intensity.js'
import { transformByName } from '../../../src/transforms/registry.js'
import { configureSegsense } from '../../../src/vitest/config.js'
import { toBeRobustTo } from '../../../src/vitest/robust.js'
import { toMatchSweepSnapshot } from '../../../src/vitest/snapshot.js'
import { repo } from '../../e2e/harness.js'
import { expectRejection, expectThrow } from '../../support/helpers.js'

/** The error `fn` throws (sync), expected to be E_UNKNOWN_OPTION (a kind of E_BAD_PARAMETER) naming `key` and suggesting `guess`. */
function unknownKey(fn: () => unknown, key: string, guess?: string): SegsenseError {
  return expectThrow(fn, 'E_UNKNOWN_OPTION', `unknown key "${key}"`, ...(guess ? [`did you mean '${guess}'?`] : []))
}

const model = functionModel('m', { 1: 'fg' }, (img) =>
  labelMap(
    img.width,
    img.height,
    img.data.map((v) => (v > 0.5 ? 1 : 0)),
  ),
)
const s = sample('a', raster(8, 8, 1, new Float32Array(64).fill(1)), labelMap(8, 8, new Uint8Array(64).fill(1)))

describe('nearest and checkKnownKeys', () => {
  it('measures edit distance and suggests only plausible typos', () => {
    expect(editDistance('paddin', 'padding')).toBe(1)
    expect(editDistance('treshold', 'threshold')).toBe(1)
    expect(editDistance('normalise', 'normalize')).toBe(1)
    // A swap of two neighbours is one edit: a matcher's misspelt `mni` is suggested `min` like any other typo.
    expect(editDistance('mni', 'min')).toBe(1)
    expect(editDistance('ab', 'ba')).toBe(1)
    expect(nearest('mni', ['samples', 'min', 'max', 'metric'])).toBe('min')
    expect(editDistance('abc', 'ca')).toBe(3)
    expect(nearest('paddin', ['interpolation', 'padding', 'maskInterpolation'])).toBe('padding')
    expect(nearest('Padding', ['padding'])).toBe('padding')
    expect(nearest('zzzzzzzz', ['padding', 'axis'])).toBeUndefined()
    expect(nearest('x', [])).toBeUndefined()
  })

  it('names the key, the nearest known one and the known keys', () => {
    const err = unknownKey(
      () => checkKnownKeys({ treshold: 0.3 }, ['name', 'kind', 'threshold'], 'output'),
      'treshold',
      'threshold',
    )
    expect(err.message).toBe(
      `output: unknown key "treshold" (did you mean 'threshold'?); known keys: name, kind, threshold`,
    )
    expect(err.details).toMatchObject({ option: 'treshold', suggestion: 'threshold' })
    expect(() => checkKnownKeys({ threshold: 0.3 }, ['threshold'], 'output')).not.toThrow()
    expect(() => checkKnownKeys(undefined, ['threshold'], 'output')).not.toThrow()
    expect(unknownKey(() => checkKnownKeys({ seed: 1 }, [], 'flip.with()'), 'seed').message).toContain(
      'it takes no options',
    )
  })
})

describe('every entry point rejects unknown option keys', () => {
  it('transform.with(): defined, modal (brightness) and corruption transforms, and transformByName', () => {
    unknownKey(() => rotate.with({ paddin: 'border' } as never), 'paddin', 'padding')
    unknownKey(() => brightness.with({ mdoe: 'fastai' } as never), 'mdoe', 'mode')
    unknownKey(() => noise.with({ sed: 3 } as never), 'sed', 'seed')
    unknownKey(() => corruptions.jpeg.with({ quantise: true } as never), 'quantise', 'quantize')
    unknownKey(() => transformByName('rotate', { paddin: 'border' }), 'paddin', 'padding')
    expect(rotate.with({ padding: 'border' }).options.padding).toBe('border')
  })

  it('loadOnnxModel: top level, input, output, input.normalize and input.size', async () => {
    const path = fixtureModelPath('cardiac-fragile')
    const classes = { 1: 'RV', 2: 'MYO', 3: 'LV' }
    await expectRejection(
      loadOnnxModel(path, { classes, output: { treshold: 0.3 } } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "treshold"',
      "did you mean 'threshold'?",
    )
    await expectRejection(
      loadOnnxModel(path, { classes, input: { normalise: { mean: [0], std: [1] } } } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "normalise"',
      "did you mean 'normalize'?",
    )
    await expectRejection(
      loadOnnxModel(path, { classes, batchsize: 4 } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "batchsize"',
      "did you mean 'batchSize'?",
    )
    await expectRejection(
      loadOnnxModel(path, { classes, input: { normalize: { mean: [0], sd: [1] } } } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "sd"',
      "did you mean 'std'?",
    )
    await expectRejection(
      loadOnnxModel(path, { classes, input: { size: { multipleof: 32 } } } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "multipleof"',
      "did you mean 'multipleOf'?",
    )
  })

  it('sweep options and its emptyPolicy', async () => {
    await expectRejection(
      sweep(model, s, rotate, { rnage: [-10, 10] } as never),
      'E_UNKNOWN_OPTION',
      'sweep options: unknown key "rnage"',
      "did you mean 'range'?",
    )
    await expectRejection(
      sweep(model, s, rotate, { values: [0], emptyPolicy: { bothempty: 'nan' } } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "bothempty"',
      "did you mean 'bothEmpty'?",
    )
  })

  it('planRequirement, a spec requirement (its own keys allowed) and the spec schema', () => {
    unknownKey(() => planRequirement(rotate, { min: 0.5, agregate: 'each' } as never), 'agregate', 'aggregate')
    unknownKey(() => planRequirement(rotate, { min: 0.5 }, { metrci: 'iou' } as never), 'metrci', 'metric')
    expect(
      planSpecRequirement({ name: 'r', transform: 'rotate', options: { padding: 'border' }, min: 0.5 }).transform
        .options,
    ).toMatchObject({ padding: 'border' })
    const spec = (model: Record<string, unknown>) => ({
      model: { onnx: 'm.onnx', classes: { 1: 'LV' }, ...model },
      samples: [{ image: 'a.png' }],
      requirements: [{ transform: 'rotate', min: 0.5 }],
    })
    const errors = (json: unknown) => {
      const v = validateSpec(json)
      return v.valid ? [] : v.errors
    }
    expect(errors(spec({ input: { normalise: { mean: [0], std: [1] } } }))).toEqual([
      `/model/input has unknown property "normalise" (did you mean 'normalize'?)`,
    ])
    expect(errors(spec({ output: { treshold: 0.3 } }))).toEqual([
      `/model/output has unknown property "treshold" (did you mean 'threshold'?)`,
    ])
    expect(
      errors(
        spec({
          input: {
            size: [256, 256],
            fit: 'pad',
            normalize: { mean: [0.5], std: [0.25] },
            layout: 'NCHW',
            channels: 1,
            order: 'RGB',
            name: 'x',
          },
          output: { kind: 'sigmoid', threshold: 0.3, name: 'y' },
        }),
      ),
    ).toEqual([])
    expect(errors(spec({ input: { size: { multipleOf: 32 } } }))).toEqual([])
    expect(
      errors({ ...spec({}), requirements: [{ transform: 'rotate', min: 0.5, options: { paddin: 'border' } }] }).join(
        '\n',
      ),
    ).toContain(`unknown key "paddin" (did you mean 'padding'?)`)
  })

  it('configureSegsense and the matchers', async () => {
    unknownKey(() => configureSegsense({ minDise: 0.8 } as never), 'minDise', 'minDice')
    const state = { isNot: false, promise: '', utils: { matcherHint: () => '' }, snapshotState: {} } as never
    await expectRejection(
      toBeRobustTo.call(state, model, rotate, { samples: [s], min: 0.5, atach: 'always' } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "atach"',
      "did you mean 'attach'?",
    )
    await expectRejection(
      toBeRobustTo.call(state, model, rotate, { sampels: [s], min: 0.5 } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "sampels"',
      "did you mean 'samples'?",
    )
    await expectRejection(
      toMatchSweepSnapshot.call(state, model, rotate, { samples: [s], scoreTolerence: 0.1 } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "scoreTolerence"',
      "did you mean 'scoreTolerance'?",
    )
  })

  it('metrics, summaries, reports, runSpec and saveImage', async () => {
    const m = labelMap(8, 8, new Uint8Array(64).fill(1))
    unknownKey(() => scoreMasks(m, m, { classes: { 1: 'fg' }, metric: ['iou'] } as never), 'metric', 'metrics')
    unknownKey(() => surfaceDistances(m, m, { 1: 'fg' }, { tolerence: 2 } as never), 'tolerence', 'tolerance')
    const result = await sweep(model, s, rotate, { values: [0, 90] })
    unknownKey(() => stableInterval(result, { className: 'fg', min: 0.5, metrc: 'dice' } as never), 'metrc', 'metric')
    unknownKey(() => summarize(result, { min: 0.5, smaple: 'a' } as never), 'smaple', 'sample')
    await expectRejection(
      writeReport([result], join(tmpdir(), 'segsense-never-written'), { titel: 'x' } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "titel"',
      "did you mean 'title'?",
    )
    await expectRejection(
      saveImage(s.image, join(tmpdir(), 'segsense-never.png'), { bitdepth: 16 } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "bitdepth"',
      "did you mean 'bitDepth'?",
    )
    await expectRejection(
      runSpec(
        {
          file: 'x.json',
          model: { onnx: 'm.onnx', classes: { 1: 'fg' } },
          samples: [{ image: 'a.png' }],
          requirements: [{ transform: 'rotate', min: 0.5 }],
        },
        { onprogress: () => {} } as never,
      ),
      'E_UNKNOWN_OPTION',
      'unknown key "onprogress"',
      "did you mean 'onProgress'?",
    )
  })

  it('the image and mask loaders', async () => {
    const dir = join(repo, 'fixtures/samples/cardiac')
    await expectRejection(
      loadImage(join(dir, 'sa-01.png'), { gray: true } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "gray"',
      "did you mean 'grey'?",
    )
    await expectRejection(
      loadMask(join(dir, 'sa-01-mask.png'), { pallete: {} } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "pallete"',
      "did you mean 'palette'?",
    )
    await expectRejection(
      loadSample('a', join(dir, 'sa-01.png'), undefined, { maxPixel: 10 } as never),
      'E_UNKNOWN_OPTION',
      'unknown key "maxPixel"',
      "did you mean 'maxPixels'?",
    )
  })
})
