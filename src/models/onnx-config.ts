import { SegsenseError, describeValue } from '../core/errors.js'
import {
  DEFAULT_RUN_BATCH_SIZE,
  checkOptions,
  type OnnxInputOptions,
  type OnnxModelOptions,
  type OnnxOutputKind,
  type OnnxOutputOptions,
} from './onnx-options.js'
import { type FitMode, type Normalization, type TensorLayout, broadcastChannels } from './prepare.js'

/**
 * The ONNX adapter's configuration step: from a model's input/output metadata (as onnxruntime reports
 * it) and the user's options to the plain configuration the session reads. Pure, so every combination
 * of layout, channels, size, output kind and batch is testable without loading a model.
 */

/**
 * One input or output as onnxruntime's `session.inputMetadata` / `outputMetadata` report it: a tensor has
 * an element type (`float32`, `int64`, ...) and a shape whose entries are fixed sizes, symbolic names or
 * -1 (dynamic); an empty shape means unknown. Declared here, not imported, so this module and its
 * declarations need nothing from onnxruntime (its metadata objects are assignable to it).
 */
export type OnnxValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string
      readonly isTensor: true
      readonly type: string
      readonly shape: readonly (number | string)[]
    }

/** A tensor entry of {@link OnnxValueMetadata}. */
export type OnnxTensorMetadata = Extract<OnnxValueMetadata, { readonly isTensor: true }>

/** What {@link configureOnnx} reads of a model: its inputs and outputs, in the session's order. */
export interface OnnxModelMetadata {
  readonly inputs: readonly OnnxValueMetadata[]
  readonly outputs: readonly OnnxValueMetadata[]
}

/** What `loadOnnxModel` settled on, from the metadata and the options. */
export interface OnnxModelConfig {
  /** The model file, or `<memory: n bytes>` for a byte source. */
  readonly source: string
  readonly inputName: string
  /** Rank of the input tensor: 4 (with a channel axis) or 3 (`N x H x W`, one channel). */
  readonly inputRank: 3 | 4
  readonly layout: TensorLayout
  readonly channels: number
  readonly order: 'RGB' | 'BGR'
  /** A fixed `[w, h]`, or a dynamic size padded to a multiple. */
  readonly size: readonly [number, number] | { readonly multipleOf: number }
  readonly fit: FitMode
  /** One mean and one std per model channel (a single value given is broadcast). */
  readonly normalize?: { readonly mean: readonly number[]; readonly std: readonly number[] }
  /** `dynamic`, or the fixed batch size of the input. */
  readonly batch: 'dynamic' | number
  /** Images per run. */
  readonly batchSize: number
  readonly outputName: string
  /** `undefined` until the first run when the metadata does not tell. */
  readonly kind: OnnxOutputKind | undefined
  readonly threshold: number
}

/** The configuration the session reads: {@link OnnxModelConfig} plus what decoding needs. */
export interface OnnxConfig extends OnnxModelConfig {
  /** The class ids of `options.classes`, ascending. */
  readonly classIds: readonly number[]
  /** Class id a `sigmoid` output's foreground maps to (0 until the kind is known). */
  readonly sigmoidClass: number
}

/** Element types read as integer class ids. */
export const INTEGER_TYPES: ReadonlySet<string> = new Set([
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
])
/** Element types a score map may have. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([...INTEGER_TYPES, 'float32', 'float64'])

/** A dimension is fixed when it is a positive number; symbolic names, '' and -1 are dynamic. */
function fixedDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined
}

function shapeText(shape: readonly (number | string)[]): string {
  const dim = (d: number | string): string =>
    typeof d === 'number' && d > 0 ? String(d) : typeof d === 'string' && d !== '' ? d : '?'
  return shape.length === 0 ? '[unknown]' : `[${shape.map(dim).join(', ')}]`
}

function describeIo(list: readonly OnnxValueMetadata[]): string {
  return (
    list
      .map((m) =>
        m.isTensor
          ? `${JSON.stringify(m.name)} ${m.type} ${shapeText(m.shape)}`
          : `${JSON.stringify(m.name)} (not a tensor)`,
      )
      .join(', ') || 'none'
  )
}

/** Messages name the model the way the loader's errors do. */
interface Where {
  readonly text: string
  readonly file: string
}

function inputError(where: Where, message: string, details: Record<string, unknown> = {}): SegsenseError {
  return new SegsenseError('E_MODEL_INPUT', `${where.text}${message}`, { details: { file: where.file, ...details } })
}

/**
 * Settles a model's input and output from its metadata and the options.
 *
 * Input: the named one, else the first float32 tensor of rank 4, 3 or unknown. Layout from the shape (see
 * `OnnxInputOptions.layout`), channels from the channel axis, size fixed when both sides are fixed, else
 * padded to a multiple (32 by default). Output: the named one, else the first score map (4-D, or 3-D
 * integer labels; a map of unknown shape only when nothing better is there). Kind from its element type
 * and channel count, left `undefined` when the channel count is dynamic ({@link settleOutputKind} decides
 * at the first run). `source` only names the model in messages.
 *
 * @throws SegsenseError `E_BAD_PARAMETER` (malformed options, a normalisation of the wrong length),
 * `E_MODEL_INPUT` (no usable input, several inputs, options the input cannot meet, a dynamic channel
 * axis without `input.channels`, one fixed side without a matching `input.size`), `E_MODEL_OUTPUT` (no
 * such output, no score map, a kind the output's channels or the classes cannot meet).
 */
export function configureOnnx(metadata: OnnxModelMetadata, options: OnnxModelOptions, source: string): OnnxConfig {
  const classIds = checkOptions(options)
  const where: Where = { text: `ONNX model ${JSON.stringify(source)}`, file: source }
  const inOpt: OnnxInputOptions = options.input ?? {}
  const outOpt: OnnxOutputOptions = options.output ?? {}

  const input = selectInput(metadata.inputs, inOpt.name, where)
  const shape = input.shape
  const rank: 3 | 4 = shape.length === 3 ? 3 : 4
  const layout = inferLayout(shape, inOpt.layout)
  const channels = inferChannels(input, layout, inOpt.channels, where)
  const size = inferSize(input, layout, inOpt.size, where)
  const normalize = inOpt.normalize ? channelNormalization(inOpt.normalize, channels, where) : undefined
  // An input of unknown shape takes one image per run: nothing says a larger batch is allowed.
  const batch: 'dynamic' | number = (shape.length === 0 ? 1 : fixedDim(shape[0])) ?? 'dynamic'

  const output = selectOutput(metadata.outputs, outOpt.name, where)
  const outChannels = outputChannels(output.shape, layout)
  const kind = outOpt.kind ?? defaultKind(output.type, outChannels)
  const config: OnnxConfig = {
    source,
    inputName: input.name,
    inputRank: rank,
    layout,
    channels,
    order: inOpt.order ?? 'RGB',
    size,
    fit: inOpt.fit ?? 'stretch',
    ...(normalize ? { normalize } : {}),
    batch,
    batchSize: batch === 'dynamic' ? (options.batchSize ?? DEFAULT_RUN_BATCH_SIZE) : batch,
    outputName: output.name,
    kind,
    threshold: outOpt.threshold ?? 0.5,
    classIds,
    sigmoidClass: 0,
  }
  return kind === undefined ? config : { ...config, sigmoidClass: checkKind(config, kind, outChannels, where.text) }
}

/**
 * The normalisation with one mean and one std per model channel: a single value (a number or a one-element
 * array) is broadcast to every channel, as torchvision does; the arrays are copies, so a caller mutating its
 * options later cannot change a loaded model.
 */
function channelNormalization(
  normalize: Normalization,
  channels: number,
  where: Where,
): { mean: number[]; std: number[] } {
  const mean = broadcastChannels(normalize.mean, channels)
  const std = broadcastChannels(normalize.std, channels)
  if (mean.length !== channels || std.length !== channels) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `${where.text}: input.normalize needs ${channels} mean and std values (one per model channel, or one for ` +
        `all), got ${mean.length} and ${std.length}`,
      { details: { file: where.file } },
    )
  }
  return { mean, std }
}

/**
 * The config with its output kind settled against a run's actual output: `kind` inferred when the
 * metadata did not tell (integer type -> `labels`, 2+ channels -> `logits`, else `sigmoid`), then checked
 * against `channels` and the classes. Returns `config` itself when nothing changed.
 *
 * @throws SegsenseError `E_MODEL_OUTPUT` when the kind does not fit the channels or the classes; `where`
 * names the model in the message.
 */
export function settleOutputKind(
  config: OnnxConfig,
  channels: number,
  outputType: string,
  where: string,
): OnnxConfig & { readonly kind: OnnxOutputKind } {
  const kind = config.kind ?? (INTEGER_TYPES.has(outputType) ? 'labels' : channels >= 2 ? 'logits' : 'sigmoid')
  const sigmoidClass = checkKind(config, kind, channels, where)
  // the same object when settled already: the session calls this once per batch
  if (kind === config.kind && sigmoidClass === config.sigmoidClass)
    return config as OnnxConfig & { readonly kind: OnnxOutputKind }
  return { ...config, kind, sigmoidClass }
}

function selectInput(inputs: readonly OnnxValueMetadata[], name: string | undefined, where: Where): OnnxTensorMetadata {
  const usable = (m: OnnxValueMetadata): m is OnnxTensorMetadata =>
    m.isTensor && m.type === 'float32' && (m.shape.length === 4 || m.shape.length === 3 || m.shape.length === 0)
  let input: OnnxValueMetadata | undefined
  if (name !== undefined) {
    input = inputs.find((i) => i.name === name)
    if (!input) throw inputError(where, ` has no input named ${JSON.stringify(name)}; inputs: ${describeIo(inputs)}`)
    if (!input.isTensor) throw inputError(where, `: input ${JSON.stringify(name)} is not a tensor`)
  } else {
    input = inputs.find(usable)
  }
  if (!input || !usable(input)) {
    throw inputError(
      where,
      ` has no usable image input (a float32 tensor N x C x H x W, N x H x W x C or N x H x W); inputs: ${describeIo(inputs)}`,
    )
  }
  // segsense feeds one tensor; a model needing more (a mask, a scalar) cannot be run with images alone.
  if (inputs.length > 1) {
    throw inputError(
      where,
      ` has ${inputs.length} inputs (${describeIo(inputs)}); segsense feeds only the image input ${JSON.stringify(input.name)}`,
    )
  }
  return input
}

/** Layout of an input shape (see `OnnxInputOptions.layout`); a 3-D or unknown shape is read as NCHW. */
function inferLayout(shape: readonly (number | string)[], option: TensorLayout | undefined): TensorLayout {
  if (shape.length !== 4) return 'NCHW'
  if (option) return option
  const d1 = fixedDim(shape[1])
  const d3 = fixedDim(shape[3])
  if (d1 === 1 || d1 === 3) return 'NCHW'
  if (d3 === 1 || d3 === 3) return 'NHWC'
  if (d1 === undefined && d3 !== undefined) return 'NHWC'
  if (d1 !== undefined && d3 !== undefined && d3 < d1) return 'NHWC' // e.g. 1 x 224 x 224 x 4: channels are the short axis
  return 'NCHW'
}

function inferChannels(
  input: OnnxTensorMetadata,
  layout: TensorLayout,
  option: 1 | 3 | undefined,
  where: Where,
): number {
  const shape = input.shape
  const axis = shape.length === 3 ? 1 : shape.length === 4 ? (layout === 'NCHW' ? shape[1] : shape[3]) : undefined
  const fixed = fixedDim(axis)
  if (shape.length === 4) checkLayoutFits(input, layout, fixed, where)
  if (fixed !== undefined) {
    if (option !== undefined && option !== fixed) {
      throw inputError(
        where,
        `: input.channels ${option} cannot be met, input ${JSON.stringify(input.name)} ${shapeText(shape)} ` +
          `(${layout}) takes ${fixed} channel(s)`,
        {
          channels: option,
          modelChannels: fixed,
        },
      )
    }
    return fixed
  }
  if (option !== undefined) return option
  throw inputError(
    where,
    `: the channel axis of input ${JSON.stringify(input.name)} ${shapeText(shape)} is not fixed; set input.channels (1 or 3)`,
  )
}

/**
 * A layout read against the model's: the channel axis of `layout` is neither 1 nor 3 (or dynamic) while the other
 * candidate axis is (an NHWC layout given to a `1 x 3 x 1024 x 1024` model). Only an `input.layout` can do that (the
 * inference picks the axis of 1 or 3), and without this check the message would be that the input takes 1024
 * channels, or the model would run on a transposed image when `input.channels` was given for a dynamic axis.
 */
function checkLayoutFits(
  input: OnnxTensorMetadata,
  layout: TensorLayout,
  channels: number | undefined,
  where: Where,
): void {
  const other = layout === 'NCHW' ? 'NHWC' : 'NCHW'
  const otherChannels = fixedDim(layout === 'NCHW' ? input.shape[3] : input.shape[1])
  if (channels === 1 || channels === 3 || (otherChannels !== 1 && otherChannels !== 3)) return
  const axis = (l: TensorLayout): string => (l === 'NCHW' ? 'dim 1' : 'the last dim')
  const has = channels === undefined ? 'is dynamic' : `has ${channels}`
  throw inputError(
    where,
    `: input.layout ${layout} does not fit input ${JSON.stringify(input.name)} ${shapeText(input.shape)}: ` +
      `its ${layout} channel axis (${axis(layout)}) ${has}, while ${axis(other)} has ${otherChannels}; ` +
      `the model looks ${other}: set input.layout ${other} or leave it out`,
    { layout, modelLayout: other, channelAxis: channels },
  )
}

function inferSize(
  input: OnnxTensorMetadata,
  layout: TensorLayout,
  option: OnnxInputOptions['size'],
  where: Where,
): OnnxModelConfig['size'] {
  const shape = input.shape
  const [hAxis, wAxis] = shape.length === 3 ? [1, 2] : layout === 'NCHW' ? [2, 3] : [1, 2]
  const h = fixedDim(shape[hAxis])
  const w = fixedDim(shape[wAxis])
  const named = `input ${JSON.stringify(input.name)} ${shapeText(shape)}`
  if (h !== undefined && w !== undefined) {
    if (option !== undefined && (!isPair(option) || option[0] !== w || option[1] !== h)) {
      throw inputError(
        where,
        `: input.size ${describeValue(option)} cannot be met, ${named} has the fixed size ${w}x${h}`,
      )
    }
    return [w, h]
  }
  if (h !== undefined || w !== undefined) {
    if (!isPair(option) || (h !== undefined && option[1] !== h) || (w !== undefined && option[0] !== w)) {
      throw inputError(where, `: ${named} fixes only one side; set input.size [w, h] to match it`)
    }
    return [option[0], option[1]]
  }
  if (option === undefined) return { multipleOf: 32 } // fits networks that halve the size up to five times
  return isPair(option) ? [option[0], option[1]] : { multipleOf: option.multipleOf }
}

function isPair(size: OnnxInputOptions['size']): size is readonly [number, number] {
  return Array.isArray(size)
}

function selectOutput(
  outputs: readonly OnnxValueMetadata[],
  name: string | undefined,
  where: Where,
): OnnxTensorMetadata {
  // A 3-D float output is taken only when asked for by name: unnamed, it is more likely a feature map.
  const isScoreMap = (m: OnnxValueMetadata, named: boolean): boolean =>
    m.isTensor &&
    NUMERIC_TYPES.has(m.type) &&
    (m.shape.length === 4 || m.shape.length === 0 || (m.shape.length === 3 && (named || INTEGER_TYPES.has(m.type))))
  const scoreMapText = 'N x C x H x W, N x H x W x C or N x H x W labels'
  if (name !== undefined) {
    const m = outputs.find((o) => o.name === name)
    if (!m)
      throw new SegsenseError(
        'E_MODEL_OUTPUT',
        `${where.text} has no output named ${JSON.stringify(name)}; outputs: ${describeIo(outputs)}`,
        { details: { file: where.file } },
      )
    if (!m.isTensor || !isScoreMap(m, true)) {
      throw new SegsenseError(
        'E_MODEL_OUTPUT',
        `${where.text}: output ${JSON.stringify(m.name)} ` +
          `${m.isTensor ? `${m.type} ${shapeText(m.shape)}` : '(not a tensor)'} is not a score map (${scoreMapText})`,
        {
          details: { file: where.file, output: m.name },
        },
      )
    }
    return m
  }
  const tensors = outputs.filter((m): m is OnnxTensorMetadata => m.isTensor)
  const output =
    tensors.find((m) => isScoreMap(m, false) && m.shape.length !== 0) ?? tensors.find((m) => isScoreMap(m, false))
  if (!output) {
    throw new SegsenseError(
      'E_MODEL_OUTPUT',
      `${where.text} has no output shaped like a score map (${scoreMapText}); outputs: ${describeIo(outputs)}`,
      { details: { file: where.file } },
    )
  }
  return output
}

/** Channel count of an output shape, read with the input's layout; `undefined` when not fixed. */
function outputChannels(shape: readonly (number | string)[], layout: TensorLayout): number | undefined {
  if (shape.length === 3) return 1
  if (shape.length === 4) return fixedDim(layout === 'NCHW' ? shape[1] : shape[3])
  return undefined
}

function defaultKind(type: string, channels: number | undefined): OnnxOutputKind | undefined {
  if (INTEGER_TYPES.has(type)) return 'labels'
  if (channels === undefined) return undefined
  return channels >= 2 ? 'logits' : 'sigmoid'
}

/** Checks an output kind against the output's channel count and the classes; returns the sigmoid class id. */
function checkKind(config: OnnxConfig, kind: OnnxOutputKind, channels: number | undefined, where: string): number {
  const out = JSON.stringify(config.outputName)
  const ids = config.classIds
  const maxId = ids[ids.length - 1] as number
  const foreground = ids.filter((id) => id !== 0)
  const fail = (msg: string): SegsenseError =>
    new SegsenseError('E_MODEL_OUTPUT', `${where}: ${msg}`, {
      details: { file: config.source, output: config.outputName, channels },
    })
  if (kind === 'logits' || kind === 'probabilities') {
    if (channels !== undefined && channels < 2)
      throw fail(
        `output ${out} has ${channels} channel; kind '${kind}' needs 2 or more (use 'sigmoid' for one channel)`,
      )
    if (channels !== undefined && channels < maxId + 1)
      throw fail(`output ${out} has ${channels} class channels, fewer than the largest class id ${maxId} + 1`)
    return 0
  }
  if (kind === 'sigmoid') {
    if (channels !== undefined && channels !== 1)
      throw fail(`output ${out} has ${channels} channels; kind 'sigmoid' needs exactly one`)
    if (foreground.length !== 1)
      throw fail(
        `a one-channel sigmoid output ${out} predicts one class, but classes names ${foreground.length} ` +
          `non-background ids (${foreground.join(', ')})`,
      )
    return foreground[0] as number
  }
  if (channels !== undefined && channels !== 1)
    throw fail(`output ${out} has ${channels} channels; kind 'labels' needs a single channel of class ids`)
  return 0
}
