import { describe, expect, it } from 'vitest'
import { isSegsenseError, type SegsenseErrorCode } from '../../../src/core/errors.js'
import { DEFAULT_BATCH_SIZE } from '../../../src/models/model.js'
import {
  configureOnnx,
  settleOutputKind,
  type OnnxConfig,
  type OnnxModelMetadata,
  type OnnxValueMetadata,
} from '../../../src/models/onnx-config.js'
import { DEFAULT_RUN_BATCH_SIZE, type OnnxModelOptions } from '../../../src/models/onnx-options.js'
import { codeOf, messageOf } from '../../support/helpers.js'

// Metadata written the way onnxruntime-node 1.30 reports it for the fixture models, e.g. nhwc.onnx:
// { name: 'image', isTensor: true, type: 'float32', shape: ['N', 'H', 'W', 1] } (symbolic dims are strings).
const tensor = (name: string, type: string, shape: (number | string)[]): OnnxValueMetadata => ({
  name,
  isTensor: true,
  type,
  shape,
})
const image = (...shape: (number | string)[]): OnnxValueMetadata => tensor('image', 'float32', shape)
const logits = (...shape: (number | string)[]): OnnxValueMetadata => tensor('logits', 'float32', shape)
const model = (
  inputs: OnnxValueMetadata | OnnxValueMetadata[],
  outputs: OnnxValueMetadata | OnnxValueMetadata[],
): OnnxModelMetadata => ({
  inputs: Array.isArray(inputs) ? inputs : [inputs],
  outputs: Array.isArray(outputs) ? outputs : [outputs],
})
const FG = { 1: 'fg' }

/** Options with `classes` defaulting to one foreground class. */
function opts(extra: Partial<OnnxModelOptions> = {}): OnnxModelOptions {
  return { classes: FG, ...extra }
}

describe('configureOnnx: inputs', () => {
  const cases: {
    name: string
    metadata: OnnxModelMetadata
    options?: Partial<OnnxModelOptions>
    expected: Partial<OnnxConfig>
  }[] = [
    {
      name: 'NCHW, 1 channel, dynamic size and batch (the cardiac fixtures)',
      metadata: model(image('batch', 1, 'height', 'width'), logits('batch', 4, 'height', 'width')),
      options: { classes: { 1: 'RV', 2: 'MYO', 3: 'LV' } },
      expected: {
        inputName: 'image',
        inputRank: 4,
        layout: 'NCHW',
        channels: 1,
        size: { multipleOf: 32 },
        batch: 'dynamic',
        batchSize: DEFAULT_RUN_BATCH_SIZE,
        outputName: 'logits',
        kind: 'logits',
      },
    },
    {
      name: 'NHWC, 1 channel (nhwc.onnx)',
      metadata: model(image('N', 'H', 'W', 1), logits('N', 'H', 'W', 2)),
      expected: { layout: 'NHWC', channels: 1, size: { multipleOf: 32 }, kind: 'logits' },
    },
    {
      name: 'NCHW, 3 channels, fixed 224x224, fixed batch 1',
      metadata: model(image(1, 3, 224, 224), logits(1, 2, 224, 224)),
      expected: { layout: 'NCHW', channels: 3, size: [224, 224], fit: 'stretch', batch: 1, batchSize: 1 },
    },
    {
      name: 'NHWC, 3 channels, fixed non-square size read as [w, h]',
      metadata: model(image(1, 256, 128, 3), logits(1, 256, 128, 2)),
      expected: { layout: 'NHWC', channels: 3, size: [128, 256], kind: 'logits' },
    },
    {
      name: 'ambiguous 1 x 3 x 224 x 3 is read as NCHW',
      metadata: model(image(1, 3, 224, 3), logits(1, 2, 224, 3)),
      expected: { layout: 'NCHW', channels: 3, size: [3, 224] },
    },
    {
      name: 'dynamic dim 1 and a fixed last dim: NHWC',
      metadata: model(image('N', 'H', 'W', 4), logits('N', 'H', 'W', 2)),
      expected: { layout: 'NHWC', channels: 4 },
    },
    {
      name: 'both fixed, neither 1 nor 3: the shorter axis holds the channels',
      metadata: model(image(1, 224, 224, 4), logits(1, 224, 224, 2)),
      expected: { layout: 'NHWC', channels: 4, size: [224, 224] },
    },
    {
      name: 'all dims dynamic: NCHW, channels from the options',
      metadata: model(image('N', 'C', 'H', 'W'), logits('N', 2, 'H', 'W')),
      options: { input: { channels: 3 } },
      expected: { layout: 'NCHW', channels: 3, size: { multipleOf: 32 } },
    },
    {
      name: 'input.layout overrides the inference',
      metadata: model(image('N', 'C', 'H', 'W'), logits('N', 'H', 'W', 2)),
      options: { input: { layout: 'NHWC', channels: 1 } },
      expected: { layout: 'NHWC', channels: 1, kind: 'logits' },
    },
    {
      name: '-1 is a dynamic dim like a symbolic name',
      metadata: model(image(-1, 1, -1, -1), logits(-1, 2, -1, -1)),
      expected: { layout: 'NCHW', channels: 1, size: { multipleOf: 32 }, batch: 'dynamic' },
    },
    {
      name: 'rank 3 (N x H x W): one channel, no channel axis',
      metadata: model(image('N', 'H', 'W'), logits('N', 2, 'H', 'W')),
      expected: { inputRank: 3, layout: 'NCHW', channels: 1, size: { multipleOf: 32 } },
    },
    {
      name: 'unknown input shape: channels from the options, one image per run',
      metadata: model(image(), logits('N', 2, 'H', 'W')),
      options: { input: { channels: 1 }, batchSize: 4 },
      expected: { inputRank: 4, channels: 1, size: { multipleOf: 32 }, batch: 1, batchSize: 1 },
    },
    {
      name: 'fixed size, fit pad',
      metadata: model(image(1, 1, 128, 128), logits(1, 2, 128, 128)),
      options: { input: { fit: 'pad' } },
      expected: { size: [128, 128], fit: 'pad' },
    },
    {
      name: 'fixed size, fit crop, the matching size given',
      metadata: model(image(1, 1, 128, 128), logits(1, 2, 128, 128)),
      options: { input: { fit: 'crop', size: [128, 128] } },
      expected: { size: [128, 128], fit: 'crop' },
    },
    {
      name: 'dynamic size stretched to a chosen fixed size',
      metadata: model(image('N', 1, 'H', 'W'), logits('N', 2, 'H', 'W')),
      options: { input: { size: [96, 64] } },
      expected: { size: [96, 64], fit: 'stretch' },
    },
    {
      name: 'dynamic size padded to another multiple',
      metadata: model(image('N', 1, 'H', 'W'), logits('N', 2, 'H', 'W')),
      options: { input: { size: { multipleOf: 16 } } },
      expected: { size: { multipleOf: 16 } },
    },
    {
      name: 'one fixed side, completed by input.size',
      metadata: model(image('N', 1, 256, 'W'), logits('N', 2, 256, 'W')),
      options: { input: { size: [320, 256] } },
      expected: { size: [320, 256] },
    },
    {
      name: 'dynamic batch takes options.batchSize',
      metadata: model(image('N', 1, 'H', 'W'), logits('N', 2, 'H', 'W')),
      options: { batchSize: 4 },
      expected: { batch: 'dynamic', batchSize: 4 },
    },
    {
      name: 'a fixed batch of 2 ignores options.batchSize',
      metadata: model(image(2, 1, 'H', 'W'), logits(2, 2, 'H', 'W')),
      options: { batchSize: 4 },
      expected: { batch: 2, batchSize: 2 },
    },
    {
      name: 'BGR order and a normalisation per channel',
      metadata: model(image('N', 3, 'H', 'W'), logits('N', 2, 'H', 'W')),
      options: { input: { order: 'BGR', normalize: { mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] } } },
      expected: { order: 'BGR', channels: 3, normalize: { mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] } },
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const config = configureOnnx(c.metadata, opts(c.options), 'm.onnx')
      expect(config).toMatchObject(c.expected)
      expect(config.source).toBe('m.onnx')
    })
  }

  it('defaults: RGB, stretch, no normalisation, threshold 0.5, runs of 4 images (a sweep still hands 16 per call)', () => {
    const config = configureOnnx(model(image('N', 1, 'H', 'W'), logits('N', 2, 'H', 'W')), opts(), 'm.onnx')
    expect(config).toMatchObject({ order: 'RGB', fit: 'stretch', threshold: 0.5, batchSize: DEFAULT_RUN_BATCH_SIZE })
    expect('normalize' in config).toBe(false)
    expect(DEFAULT_RUN_BATCH_SIZE).toBe(4)
    expect(DEFAULT_BATCH_SIZE).toBe(16)
  })

  it('broadcasts a single mean and std (a number or a one-element array) to every channel, as torchvision does', () => {
    const rgbModel = model(image('N', 3, 'H', 'W'), logits('N', 2, 'H', 'W'))
    const expected = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }
    for (const normalize of [
      { mean: 0.5, std: 0.25 },
      { mean: [0.5], std: [0.25] },
      { mean: 0.5, std: [0.25] },
    ])
      expect(configureOnnx(rgbModel, opts({ input: { normalize } }), 'm.onnx').normalize).toEqual(expected)
    // one value for one array of three: each broadcast on its own
    const mixed = configureOnnx(rgbModel, opts({ input: { normalize: { mean: [0.1, 0.2, 0.3], std: 0.5 } } }), 'm.onnx')
    expect(mixed.normalize).toEqual({ mean: [0.1, 0.2, 0.3], std: [0.5, 0.5, 0.5] })
  })

  it('copies the normalisation: changing the options later does not change the config', () => {
    const mean = [0.5]
    const options = opts({ input: { normalize: { mean, std: [0.25] } } })
    const config = configureOnnx(model(image('N', 1, 'H', 'W'), logits('N', 2, 'H', 'W')), options, 'm.onnx')
    mean[0] = 0.9
    expect(config.normalize?.mean).toEqual([0.5])
  })
})

describe('configureOnnx: outputs', () => {
  const input = image('N', 1, 'H', 'W')
  const cases: {
    name: string
    metadata: OnnxModelMetadata
    options?: Partial<OnnxModelOptions>
    expected: Partial<OnnxConfig>
  }[] = [
    {
      name: 'two or more float channels: logits',
      metadata: model(input, logits('N', 3, 'H', 'W')),
      options: { classes: { 1: 'a', 2: 'b' } },
      expected: { kind: 'logits', sigmoidClass: 0, classIds: [1, 2] },
    },
    {
      name: 'kind probabilities on request',
      metadata: model(input, tensor('probs', 'float32', ['N', 3, 'H', 'W'])),
      options: { classes: { 1: 'a', 2: 'b' }, output: { kind: 'probabilities' } },
      expected: { kind: 'probabilities', outputName: 'probs' },
    },
    {
      name: 'one sigmoid channel: the single foreground class, threshold 0.5',
      metadata: model(input, tensor('prob', 'float32', ['N', 1, 'H', 'W'])),
      options: { classes: { 0: 'background', 2: 'lesion' } },
      expected: { kind: 'sigmoid', sigmoidClass: 2, threshold: 0.5, classIds: [0, 2] },
    },
    {
      name: 'one sigmoid channel with output.threshold',
      metadata: model(input, tensor('prob', 'float32', ['N', 1, 'H', 'W'])),
      options: { output: { threshold: 0.9 } },
      expected: { kind: 'sigmoid', sigmoidClass: 1, threshold: 0.9 },
    },
    {
      name: 'int64 N x H x W: labels',
      metadata: model(input, tensor('labels', 'int64', ['N', 'H', 'W'])),
      expected: { kind: 'labels', outputName: 'labels' },
    },
    {
      name: 'uint8 N x 1 x H x W: labels',
      metadata: model(input, tensor('ids', 'uint8', ['N', 1, 'H', 'W'])),
      expected: { kind: 'labels' },
    },
    {
      name: 'NHWC output channels are read on the last axis',
      metadata: model(image('N', 'H', 'W', 1), tensor('prob', 'float32', ['N', 'H', 'W', 1])),
      expected: { kind: 'sigmoid', sigmoidClass: 1 },
    },
    {
      name: 'a dynamic channel axis leaves the kind to the first run',
      metadata: model(input, logits('N', 'C', 'H', 'W')),
      expected: { kind: undefined, sigmoidClass: 0 },
    },
    {
      name: 'several outputs, no name: the score map, not the feature vector (multi.onnx)',
      metadata: model(input, [
        tensor('features', 'float32', ['N', 8]),
        tensor('scores', 'float32', ['N', 3, 'H', 'W']),
      ]),
      options: { classes: { 1: 'mid', 2: 'high' } },
      expected: { outputName: 'scores', kind: 'logits' },
    },
    {
      name: 'several outputs, no name: a 3-D float output is passed over',
      metadata: model(input, [tensor('mask', 'float32', ['N', 'H', 'W']), logits('N', 2, 'H', 'W')]),
      expected: { outputName: 'logits' },
    },
    {
      name: 'several outputs, no name: an output of unknown shape only when nothing better is there',
      metadata: model(input, [tensor('unknown', 'float32', []), logits('N', 2, 'H', 'W')]),
      expected: { outputName: 'logits' },
    },
    {
      name: 'a single output of unknown shape is taken, its kind left to the first run',
      metadata: model(input, tensor('unknown', 'float32', [])),
      expected: { outputName: 'unknown', kind: undefined },
    },
    {
      name: 'several outputs, by name: the second score map',
      metadata: model(input, [
        tensor('aux', 'float32', ['N', 2, 'H', 'W']),
        tensor('main', 'float32', ['N', 4, 'H', 'W']),
      ]),
      options: { classes: { 1: 'a', 2: 'b', 3: 'c' }, output: { name: 'main' } },
      expected: { outputName: 'main', kind: 'logits' },
    },
    {
      name: 'several outputs, by name: a 3-D float map is taken as one sigmoid channel',
      metadata: model(input, [
        tensor('aux', 'float32', ['N', 2, 'H', 'W']),
        tensor('mask', 'float32', ['N', 'H', 'W']),
      ]),
      options: { output: { name: 'mask' } },
      expected: { outputName: 'mask', kind: 'sigmoid', sigmoidClass: 1 },
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(configureOnnx(c.metadata, opts(c.options), 'm.onnx')).toMatchObject(c.expected)
    })
  }
})

describe('configureOnnx: impossible combinations', () => {
  const input = image('N', 1, 'H', 'W')
  const out = logits('N', 2, 'H', 'W')
  const cases: {
    name: string
    metadata: OnnxModelMetadata
    options?: Partial<OnnxModelOptions>
    code: SegsenseErrorCode
    fragments: string[]
  }[] = [
    // inputs
    {
      name: 'no float32 image-shaped input',
      metadata: model(tensor('ids', 'int64', ['N', 10]), out),
      code: 'E_MODEL_INPUT',
      fragments: ['no usable image input', '"ids" int64 [N, 10]'],
    },
    {
      name: 'a float64 image input',
      metadata: model(tensor('image', 'float64', ['N', 1, 'H', 'W']), out),
      code: 'E_MODEL_INPUT',
      fragments: ['no usable image input'],
    },
    {
      name: 'a 5-D input',
      metadata: model(image('N', 1, 'D', 'H', 'W'), out),
      code: 'E_MODEL_INPUT',
      fragments: ['no usable image input', '[N, 1, D, H, W]'],
    },
    {
      name: 'a named input the model lacks',
      metadata: model(input, out),
      options: { input: { name: 'pixels' } },
      code: 'E_MODEL_INPUT',
      fragments: ['no input named "pixels"', '"image" float32'],
    },
    {
      name: 'a named input that is not a tensor',
      metadata: model({ name: 'seq', isTensor: false }, out),
      options: { input: { name: 'seq' } },
      code: 'E_MODEL_INPUT',
      fragments: ['"seq" is not a tensor'],
    },
    {
      name: 'a named input of the wrong rank',
      metadata: model(tensor('image', 'float32', ['N', 10]), out),
      options: { input: { name: 'image' } },
      code: 'E_MODEL_INPUT',
      fragments: ['no usable image input'],
    },
    {
      name: 'a second input',
      metadata: model([input, tensor('scale', 'float32', [1])], out),
      code: 'E_MODEL_INPUT',
      fragments: ['2 inputs', '"scale"'],
    },
    {
      name: 'input.channels against a fixed channel axis',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { channels: 1 } },
      code: 'E_MODEL_INPUT',
      fragments: ['input.channels 1', '3 channel'],
    },
    {
      name: 'an NHWC layout given to an NCHW model (1 x 3 x 1024 x 1024): the layout is named, not "1024 channels"',
      metadata: model(image(1, 3, 1024, 1024), out),
      options: { input: { layout: 'NHWC' } },
      code: 'E_MODEL_INPUT',
      fragments: ['input.layout NHWC does not fit', '[1, 3, 1024, 1024]', 'looks NCHW', 'set input.layout NCHW'],
    },
    {
      name: 'an NHWC layout and channels given to an NCHW model: still the layout, not the channels',
      metadata: model(image('N', 3, 'H', 1024), out),
      options: { input: { layout: 'NHWC', channels: 3 } },
      code: 'E_MODEL_INPUT',
      fragments: ['input.layout NHWC does not fit', 'has 1024, while dim 1 has 3'],
    },
    {
      name: 'an NCHW layout given to an NHWC model (1 x 512 x 512 x 1)',
      metadata: model(image(1, 512, 512, 1), out),
      options: { input: { layout: 'NCHW' } },
      code: 'E_MODEL_INPUT',
      fragments: ['input.layout NCHW does not fit', 'the last dim has 1', 'looks NHWC'],
    },
    {
      name: 'an NCHW layout and channels given to an NHWC model of dynamic H: not run on a transposed image',
      metadata: model(image('N', 'H', 'W', 3), out),
      options: { input: { layout: 'NCHW', channels: 3 } },
      code: 'E_MODEL_INPUT',
      fragments: ['input.layout NCHW does not fit', '(dim 1) is dynamic, while the last dim has 3'],
    },
    {
      name: 'a dynamic channel axis without input.channels',
      metadata: model(image('N', 'C', 'H', 'W'), out),
      code: 'E_MODEL_INPUT',
      fragments: ['not fixed', 'input.channels'],
    },
    {
      name: 'unknown input shape without input.channels',
      metadata: model(image(), out),
      code: 'E_MODEL_INPUT',
      fragments: ['[unknown]', 'not fixed'],
    },
    {
      name: 'input.size against a fixed size',
      metadata: model(image(1, 1, 128, 128), out),
      options: { input: { size: [64, 64] } },
      code: 'E_MODEL_INPUT',
      fragments: ['[64, 64]', '128x128'],
    },
    {
      name: 'a multiple against a fixed size',
      metadata: model(image(1, 1, 128, 128), out),
      options: { input: { size: { multipleOf: 16 } } },
      code: 'E_MODEL_INPUT',
      fragments: ['cannot be met', '128x128'],
    },
    {
      name: 'one fixed side, no input.size',
      metadata: model(image('N', 1, 256, 'W'), out),
      code: 'E_MODEL_INPUT',
      fragments: ['fixes only one side'],
    },
    {
      name: 'one fixed side, input.size disagreeing with it',
      metadata: model(image('N', 1, 256, 'W'), out),
      options: { input: { size: [256, 320] } },
      code: 'E_MODEL_INPUT',
      fragments: ['fixes only one side'],
    },
    {
      name: 'one fixed side, a multiple',
      metadata: model(image('N', 1, 'H', 256), out),
      options: { input: { size: { multipleOf: 32 } } },
      code: 'E_MODEL_INPUT',
      fragments: ['fixes only one side'],
    },
    {
      name: 'a normalisation of the wrong length',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { normalize: { mean: [0.5, 0.5], std: [0.5] } } },
      code: 'E_OUT_OF_RANGE',
      fragments: ['3 mean and std values', 'got 2 and 3'],
    },
    {
      name: 'an empty normalisation',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { normalize: { mean: [], std: [] } } },
      code: 'E_OUT_OF_RANGE',
      fragments: ['3 mean and std values', 'got 0 and 0'],
    },
    {
      name: 'a single std of 0',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { normalize: { mean: 0.5, std: 0 } } },
      code: 'E_OUT_OF_RANGE',
      fragments: ['input.normalize.std'],
    },
    {
      name: 'a single mean that is not a number',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { normalize: { mean: '0.5' as unknown as number, std: 0.25 } } },
      code: 'E_WRONG_TYPE',
      fragments: ['input.normalize.mean'],
    },
    {
      name: 'a single mean of NaN',
      metadata: model(image('N', 3, 'H', 'W'), out),
      options: { input: { normalize: { mean: NaN, std: 0.25 } } },
      code: 'E_OUT_OF_RANGE',
      fragments: ['input.normalize.mean'],
    },
    // malformed options: the function validates its own input
    {
      name: 'no classes',
      metadata: model(input, out),
      options: { classes: undefined as unknown as OnnxModelOptions['classes'] },
      code: 'E_WRONG_TYPE',
      fragments: ['options.classes'],
    },
    {
      name: 'empty classes',
      metadata: model(input, out),
      options: { classes: {} },
      code: 'E_OUT_OF_RANGE',
      fragments: ['non-empty'],
    },
    {
      name: 'an unknown layout',
      metadata: model(input, out),
      options: { input: { layout: 'CHW' as 'NCHW' } },
      code: 'E_OUT_OF_RANGE',
      fragments: ['input.layout'],
    },
    {
      name: 'batchSize 0',
      metadata: model(input, out),
      options: { batchSize: 0 },
      code: 'E_OUT_OF_RANGE',
      fragments: ['batchSize'],
    },
    // outputs
    {
      name: 'a named output the model lacks',
      metadata: model(input, out),
      options: { output: { name: 'nope' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['no output named "nope"', '"logits"'],
    },
    {
      name: 'a named output that is no score map',
      metadata: model(input, [tensor('features', 'float32', ['N', 8]), out]),
      options: { output: { name: 'features' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['"features" float32 [N, 8]', 'not a score map'],
    },
    {
      name: 'a named output that is not a tensor',
      metadata: model(input, [{ name: 'seq', isTensor: false }, out]),
      options: { output: { name: 'seq' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['(not a tensor)'],
    },
    {
      name: 'no output shaped like a score map',
      metadata: model(input, tensor('features', 'float32', ['N', 8])),
      code: 'E_MODEL_OUTPUT',
      fragments: ['no output shaped like a score map'],
    },
    {
      name: 'only an unnamed 3-D float output',
      metadata: model(input, tensor('mask', 'float32', ['N', 'H', 'W'])),
      code: 'E_MODEL_OUTPUT',
      fragments: ['no output shaped like a score map'],
    },
    {
      name: 'a string output',
      metadata: model(input, tensor('names', 'string', ['N', 2, 'H', 'W'])),
      code: 'E_MODEL_OUTPUT',
      fragments: ['no output shaped like a score map'],
    },
    {
      name: 'classes beyond the logits channels',
      metadata: model(input, out),
      options: { classes: { 1: 'a', 2: 'b' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['2 class channels', 'largest class id 2'],
    },
    {
      name: 'kind logits on one channel',
      metadata: model(input, logits('N', 1, 'H', 'W')),
      options: { output: { kind: 'logits' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ["kind 'logits' needs 2 or more"],
    },
    {
      name: 'kind sigmoid on two channels',
      metadata: model(input, out),
      options: { output: { kind: 'sigmoid' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ["kind 'sigmoid' needs exactly one"],
    },
    {
      name: 'one sigmoid channel, two foreground classes',
      metadata: model(input, logits('N', 1, 'H', 'W')),
      options: { classes: { 1: 'a', 2: 'b' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['2 non-background ids (1, 2)'],
    },
    {
      name: 'one sigmoid channel, background only',
      metadata: model(input, logits('N', 1, 'H', 'W')),
      options: { classes: { 0: 'bg' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ['0 non-background ids'],
    },
    {
      name: 'kind labels on a 3-channel score map',
      metadata: model(input, logits('N', 3, 'H', 'W')),
      options: { output: { kind: 'labels' } },
      code: 'E_MODEL_OUTPUT',
      fragments: ["kind 'labels' needs a single channel"],
    },
  ]
  for (const c of cases) {
    it(`${c.code}: ${c.name}`, () => {
      const run = (): OnnxConfig => configureOnnx(c.metadata, opts(c.options), 'bad.onnx')
      expect(codeOf(run)).toBe(c.code)
      const message = messageOf(run)
      for (const f of c.fragments) expect(message).toContain(f)
    })
  }

  it('model errors name the source in the message and the details', () => {
    let err: unknown
    try {
      configureOnnx(model(input, out), opts({ output: { name: 'nope' } }), 'dir/bad.onnx')
    } catch (e) {
      err = e
    }
    expect(isSegsenseError(err, 'E_MODEL_OUTPUT')).toBe(true)
    expect((err as Error).message).toContain('ONNX model "dir/bad.onnx"')
    expect((err as { details?: { file?: string } }).details?.file).toBe('dir/bad.onnx')
  })
})

describe('settleOutputKind (a dynamic channel axis, settled at the first run)', () => {
  const dynamic = (classes: OnnxModelOptions['classes'], kind?: OnnxModelOptions['output']): OnnxConfig =>
    configureOnnx(
      model(image('N', 1, 'H', 'W'), logits('N', 'C', 'H', 'W')),
      opts({ classes, ...(kind ? { output: kind } : {}) }),
      'm.onnx',
    )

  it('infers logits, sigmoid or labels from the run', () => {
    expect(settleOutputKind(dynamic({ 1: 'a', 2: 'b', 3: 'c' }), 4, 'float32', 'm')).toMatchObject({
      kind: 'logits',
      sigmoidClass: 0,
    })
    expect(settleOutputKind(dynamic({ 0: 'bg', 5: 'x' }), 1, 'float32', 'm')).toMatchObject({
      kind: 'sigmoid',
      sigmoidClass: 5,
    })
    expect(settleOutputKind(dynamic(FG), 1, 'int64', 'm')).toMatchObject({ kind: 'labels' })
  })

  it('checks the classes against the channels the run produced', () => {
    const config = dynamic({ 1: 'a', 2: 'b', 3: 'c' })
    expect(codeOf(() => settleOutputKind(config, 3, 'float32', 'model "m"'))).toBe('E_MODEL_OUTPUT')
    expect(messageOf(() => settleOutputKind(config, 3, 'float32', 'model "m"'))).toContain(
      'model "m": output "logits" has 3 class channels',
    )
  })

  it('keeps a kind asked for and checks it', () => {
    const config = dynamic(FG, { kind: 'probabilities' })
    expect(config.kind).toBe('probabilities')
    expect(settleOutputKind(config, 2, 'float32', 'm').kind).toBe('probabilities')
    expect(codeOf(() => settleOutputKind(config, 1, 'float32', 'm'))).toBe('E_MODEL_OUTPUT')
  })

  it('returns the config itself once settled (the session calls it every batch)', () => {
    const settled = settleOutputKind(dynamic({ 1: 'a' }), 2, 'float32', 'm')
    expect(settleOutputKind(settled, 2, 'float32', 'm')).toBe(settled)
  })
})
