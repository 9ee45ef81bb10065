import { stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import * as ort from 'onnxruntime-node'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { Classes, LabelMap, Raster } from '../core/types.js'
import { DEFAULT_BATCH_SIZE, checkPrediction, type SegmentationModel } from './model.js'
import {
  convertChannels,
  firstNonFinite,
  planFit,
  planPadToMultiple,
  scoreLayout,
  scoresToLabels,
  writeTensor,
  type FitMode,
  type FitPlan,
  type Normalization,
  type NumericArray,
  type ScoreDecoding,
  type TensorLayout,
} from './prepare.js'

/** How the selected output's values become class ids. */
export type OnnxOutputKind = 'logits' | 'probabilities' | 'sigmoid' | 'labels'

/** Input options of {@link loadOnnxModel}; each overrides what the model's metadata says. */
export interface OnnxInputOptions {
  /** Input to feed; default the first tensor input of rank 3 or 4. */
  readonly name?: string
  /**
   * Tensor layout. Default from the input shape: dim 1 of 1 or 3 -> `NCHW`; else last dim of 1 or 3 ->
   * `NHWC`; else the fixed one of dim 1 and the last dim, or the smaller when both are fixed; ambiguous
   * (e.g. `1x3x224x3`, or both dynamic) -> `NCHW`.
   */
  readonly layout?: TensorLayout
  /**
   * Channels the model takes. Default from the channel axis. A grey image fed to a 3-channel model is
   * replicated to all three channels; an RGB image fed to a 1-channel model becomes ITU-R 601 luma
   * (`0.299 R + 0.587 G + 0.114 B`). Must agree with a fixed channel axis.
   */
  readonly channels?: 1 | 3
  /** Channel order of a 3-channel model (default `RGB`). `BGR` swaps red and blue before normalising. */
  readonly order?: 'RGB' | 'BGR'
  /**
   * Tensor size. `[w, h]`: a fixed size the image is fitted to (default: the input's fixed size when it
   * has one). `{ multipleOf: n }`: a dynamic size, the image padded with zeros at the bottom and right to
   * the next multiple of n (default 32 for a dynamic input) and the prediction cropped back.
   */
  readonly size?: readonly [number, number] | { readonly multipleOf: number }
  /** How an image is fitted to a fixed size: `stretch` (default), `pad` (letterbox) or `crop` (centre). */
  readonly fit?: FitMode
  /**
   * `(x - mean[c]) / std[c]` per channel, in the model's channel order (so BGR order for a BGR model),
   * applied to intensities in [0, 1]. Default: none.
   */
  readonly normalize?: Normalization
}

/** Output options of {@link loadOnnxModel}. */
export interface OnnxOutputOptions {
  /** Output to use; default the first whose shape is a score map (4-D, or 3-D integer labels). */
  readonly name?: string
  /**
   * Default: integer type -> `labels`; one channel -> `sigmoid`; two or more -> `logits`.
   * `logits`/`probabilities`: argmax over channels, channel index = class id.
   * `sigmoid`: one channel; value > threshold -> the single non-background id of `classes`.
   * `labels`: integer ids taken as they are.
   */
  readonly kind?: OnnxOutputKind
  /** Threshold of a `sigmoid` output (default 0.5). */
  readonly threshold?: number
}

/** Options of {@link loadOnnxModel}. */
export interface OnnxModelOptions {
  /** Class id -> name of what the model predicts (0 = background). Required. */
  readonly classes: Classes
  /** Model name in results and messages; default the file name without `.onnx`. */
  readonly name?: string
  /** How images are fed: input name, layout, channels, order, size, fit, normalisation. */
  readonly input?: OnnxInputOptions
  /** Which output is read and how: name, kind, threshold. */
  readonly output?: OnnxOutputOptions
  /** Images per `session.run` when the batch axis is dynamic (default {@link DEFAULT_BATCH_SIZE}, 16). */
  readonly batchSize?: number
  /** onnxruntime intra-op threads (`intraOpNumThreads`); default onnxruntime's choice. */
  readonly threads?: number
}

/** What {@link loadOnnxModel} settled on, from the metadata and the options. */
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
  readonly normalize?: Normalization
  /** `dynamic`, or the fixed batch size of the input. */
  readonly batch: 'dynamic' | number
  /** Images per run. */
  readonly batchSize: number
  readonly outputName: string
  /** `undefined` until the first run when the metadata does not tell. */
  readonly kind: OnnxOutputKind | undefined
  readonly threshold: number
}

/** A {@link SegmentationModel} backed by an onnxruntime session, with the configuration it settled on. */
export interface OnnxSegmentationModel extends SegmentationModel {
  /** The settled configuration (for messages, reports and tests). */
  readonly config: OnnxModelConfig
  /** Releases the onnxruntime session after any running `predict`; later calls to `predict` reject with `E_MODEL_CLOSED`. */
  close(): Promise<void>
}

const INTEGER_TYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'])
const NUMERIC_TYPES = new Set([...INTEGER_TYPES, 'float32', 'float64'])

/** A dimension is fixed when it is a positive number; symbolic names, '' and -1 are dynamic. */
function fixedDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined
}

function shapeText(shape: readonly (number | string)[]): string {
  return shape.length === 0 ? '[unknown]' : `[${shape.map((d) => (typeof d === 'number' && d > 0 ? String(d) : typeof d === 'string' && d !== '' ? d : '?')).join(', ')}]`
}

function badParam(what: string, value: unknown, expected: string): SegsenseError {
  return new SegsenseError('E_BAD_PARAMETER', `loadOnnxModel: ${what} must be ${expected}, got ${describeValue(value)}`, { details: { value } })
}

function checkClasses(classes: unknown): number[] {
  if (classes === null || typeof classes !== 'object' || Array.isArray(classes)) throw badParam('options.classes', classes, 'an object of class id -> name')
  const ids = Object.keys(classes).map(Number)
  for (const id of ids) if (!Number.isInteger(id) || id < 0 || id > 65535) throw badParam('options.classes', classes, 'keyed by integer class ids in 0..65535')
  if (ids.length === 0) throw badParam('options.classes', classes, 'a non-empty object of class id -> name')
  return ids.sort((a, b) => a - b)
}

function checkOptions(options: OnnxModelOptions): void {
  if (options === null || typeof options !== 'object') throw badParam('options', options, 'an object with at least { classes }')
  const { input = {}, output = {}, batchSize, threads } = options
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw badParam('options.batchSize', batchSize, 'a positive integer')
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) throw badParam('options.threads', threads, 'a non-negative integer (0 = onnxruntime default)')
  if (input.layout !== undefined && input.layout !== 'NCHW' && input.layout !== 'NHWC') throw badParam('input.layout', input.layout, "'NCHW' or 'NHWC'")
  if (input.channels !== undefined && input.channels !== 1 && input.channels !== 3) throw badParam('input.channels', input.channels, '1 or 3')
  if (input.order !== undefined && input.order !== 'RGB' && input.order !== 'BGR') throw badParam('input.order', input.order, "'RGB' or 'BGR'")
  if (input.fit !== undefined && input.fit !== 'stretch' && input.fit !== 'pad' && input.fit !== 'crop') throw badParam('input.fit', input.fit, "'stretch', 'pad' or 'crop'")
  const size = input.size
  if (size !== undefined) {
    if (Array.isArray(size)) {
      if (size.length !== 2 || !size.every((v) => Number.isInteger(v) && v > 0)) throw badParam('input.size', size, 'two positive integers [w, h] or { multipleOf: n }')
    } else if (typeof size !== 'object' || size === null || !Number.isInteger((size as { multipleOf: number }).multipleOf) || (size as { multipleOf: number }).multipleOf < 1) {
      throw badParam('input.size', size, 'two positive integers [w, h] or { multipleOf: n }')
    }
  }
  if (input.normalize !== undefined) {
    const { mean, std } = input.normalize
    if (!Array.isArray(mean) || !mean.every((v) => Number.isFinite(v))) throw badParam('input.normalize.mean', mean, 'an array of finite numbers')
    if (!Array.isArray(std) || !std.every((v) => Number.isFinite(v) && v > 0)) throw badParam('input.normalize.std', std, 'an array of positive finite numbers')
  }
  if (output.kind !== undefined && !['logits', 'probabilities', 'sigmoid', 'labels'].includes(output.kind)) throw badParam('output.kind', output.kind, "'logits', 'probabilities', 'sigmoid' or 'labels'")
  if (output.threshold !== undefined && !Number.isFinite(output.threshold)) throw badParam('output.threshold', output.threshold, 'a finite number')
}

/**
 * Loads an ONNX segmentation model (a file path or the model's bytes) as a {@link SegmentationModel}.
 *
 * From the input/output metadata it infers what it can, and `options` override it:
 * - input: the first tensor input of rank 4 (or 3: `N x H x W`, one channel); layout from the shape
 *   (dim 1 of 1 or 3 -> NCHW, else last dim of 1 or 3 -> NHWC, ambiguous -> NCHW); channels from the
 *   channel axis (grey images are replicated for 3-channel models, RGB images become ITU-R 601 luma for
 *   1-channel models); a fixed size the image is stretched/padded/cropped to, or a dynamic size the
 *   image is zero-padded (bottom/right) to a multiple of 32;
 * - output: the first score map (4-D, or 3-D integer labels); kind from its type and channel count.
 *
 * Predictions are mapped back to each image's own size by resizing the scores bilinearly (align
 * corners) and then taking the argmax or threshold, so labels are never smoothed. With a dynamic batch
 * axis, images of the same tensor size go through one `session.run` per `batchSize`; a fixed batch of 1
 * runs once per image. Runs are serialised per model (buffers are reused between batches).
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND` (no such file), `E_MODEL_LOAD` (not a loadable ONNX model),
 * `E_MODEL_INPUT` (no usable input, or options the input cannot meet), `E_MODEL_OUTPUT` (no score map,
 * a class count below the largest class id + 1, a sigmoid output with several classes),
 * `E_BAD_PARAMETER` (malformed options). `predict` throws `E_MODEL_OUTPUT` for NaN/Inf scores (naming
 * the first bad index) and for an output of the wrong size, and `E_MODEL_INPUT` for an image whose
 * channels the model cannot take or a run onnxruntime rejects, and `E_MODEL_CLOSED` after `close()`.
 *
 * @example
 * const model = await loadOnnxModel('unet.onnx', { classes: { 1: 'LV', 2: 'MY', 3: 'RV' } })
 * const [mask] = await model.predict([image])
 * await model.close()
 */
export async function loadOnnxModel(source: string | Uint8Array, options: OnnxModelOptions): Promise<OnnxSegmentationModel> {
  checkOptions(options)
  const classIdList = checkClasses(options.classes)
  let label: string
  let session: ort.InferenceSession
  const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], logSeverityLevel: 3 }
  if (options.threads !== undefined && options.threads > 0) sessionOptions.intraOpNumThreads = options.threads
  if (typeof source === 'string') {
    label = source
    let isFile = false
    try {
      isFile = (await stat(source)).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) throw new SegsenseError('E_FILE_NOT_FOUND', `ONNX model file ${JSON.stringify(source)} not found (or not a file)`, { details: { file: source } })
    try {
      session = await ort.InferenceSession.create(source, sessionOptions)
    } catch (cause) {
      throw new SegsenseError('E_MODEL_LOAD', `cannot load ONNX model ${JSON.stringify(source)}: ${errorText(cause)}`, { cause, details: { file: source } })
    }
  } else if (source instanceof Uint8Array) {
    label = `<memory: ${source.byteLength} bytes>`
    try {
      session = await ort.InferenceSession.create(source, sessionOptions)
    } catch (cause) {
      throw new SegsenseError('E_MODEL_LOAD', `cannot load ONNX model from ${label}: ${errorText(cause)}`, { cause })
    }
  } else {
    throw badParam('source', source, 'a file path or a Uint8Array of model bytes')
  }
  const name = options.name ?? (typeof source === 'string' ? basename(source, extname(source)) : 'onnx-model')
  try {
    const config = configure(session, label, options, classIdList)
    return new OnnxModel(name, options.classes, session, config, classIdList)
  } catch (err) {
    await session.release().catch(() => undefined)
    throw err
  }
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''
}

interface Config extends OnnxModelConfig {
  kind: OnnxOutputKind | undefined
  /** Class id of a sigmoid output. */
  sigmoidClass: number
}

function configure(session: ort.InferenceSession, file: string, options: OnnxModelOptions, classIds: number[]): Config {
  const where = `ONNX model ${JSON.stringify(file)}`
  const inOpt = options.input ?? {}
  const outOpt = options.output ?? {}
  const inputs = session.inputMetadata
  const describeIo = (list: readonly ort.InferenceSession.ValueMetadata[]): string =>
    list.map((m) => (m.isTensor ? `${JSON.stringify(m.name)} ${m.type} ${shapeText(m.shape)}` : `${JSON.stringify(m.name)} (not a tensor)`)).join(', ') || 'none'

  // ---- input ----
  let input: ort.InferenceSession.TensorValueMetadata | undefined
  if (inOpt.name !== undefined) {
    const m = inputs.find((i) => i.name === inOpt.name)
    if (!m) throw new SegsenseError('E_MODEL_INPUT', `${where} has no input named ${JSON.stringify(inOpt.name)}; inputs: ${describeIo(inputs)}`, { details: { file } })
    if (!m.isTensor) throw new SegsenseError('E_MODEL_INPUT', `${where}: input ${JSON.stringify(inOpt.name)} is not a tensor`, { details: { file } })
    input = m
  } else {
    input = inputs.find((m): m is ort.InferenceSession.TensorValueMetadata => m.isTensor && m.type === 'float32' && (m.shape.length === 4 || m.shape.length === 3 || m.shape.length === 0))
  }
  if (!input || input.type !== 'float32' || (input.shape.length !== 4 && input.shape.length !== 3 && input.shape.length !== 0)) {
    throw new SegsenseError('E_MODEL_INPUT', `${where} has no usable image input (a float32 tensor N x C x H x W, N x H x W x C or N x H x W); inputs: ${describeIo(inputs)}`, {
      details: { file },
    })
  }
  if (inputs.length > 1) {
    throw new SegsenseError('E_MODEL_INPUT', `${where} has ${inputs.length} inputs (${describeIo(inputs)}); segsense feeds only the image input ${JSON.stringify(input.name)}`, {
      details: { file },
    })
  }
  const shape = input.shape
  const rank: 3 | 4 = shape.length === 3 ? 3 : 4
  let layout: TensorLayout = 'NCHW'
  let chanDim: number | string | undefined
  if (shape.length === 4) {
    const d1 = fixedDim(shape[1])
    const d3 = fixedDim(shape[3])
    if (inOpt.layout) layout = inOpt.layout
    else if (d1 === 1 || d1 === 3) layout = 'NCHW'
    else if (d3 === 1 || d3 === 3) layout = 'NHWC'
    else if (d1 === undefined && d3 !== undefined) layout = 'NHWC'
    else if (d1 !== undefined && d3 !== undefined && d3 < d1) layout = 'NHWC' // e.g. 1 x 224 x 224 x 4: channels are the short axis
    chanDim = layout === 'NCHW' ? shape[1] : shape[3]
  } else if (shape.length === 3) {
    chanDim = 1
  }
  const fixedChannels = fixedDim(chanDim)
  let channels: number
  if (fixedChannels !== undefined) {
    if (inOpt.channels !== undefined && inOpt.channels !== fixedChannels) {
      throw new SegsenseError('E_MODEL_INPUT', `${where}: input.channels ${inOpt.channels} cannot be met, input ${JSON.stringify(input.name)} ${shapeText(shape)} (${layout}) takes ${fixedChannels} channel(s)`, {
        details: { file, channels: inOpt.channels, modelChannels: fixedChannels },
      })
    }
    channels = fixedChannels
  } else if (inOpt.channels !== undefined) {
    channels = inOpt.channels
  } else {
    throw new SegsenseError('E_MODEL_INPUT', `${where}: the channel axis of input ${JSON.stringify(input.name)} ${shapeText(shape)} is not fixed; set input.channels (1 or 3)`, { details: { file } })
  }
  const hDim = fixedDim(rank === 3 ? shape[1] : layout === 'NCHW' ? shape[2] : shape[1])
  const wDim = fixedDim(rank === 3 ? shape[2] : layout === 'NCHW' ? shape[3] : shape[2])
  let size: readonly [number, number] | { readonly multipleOf: number }
  const optSize = inOpt.size
  if (hDim !== undefined && wDim !== undefined) {
    if (optSize !== undefined && (!Array.isArray(optSize) || optSize[0] !== wDim || optSize[1] !== hDim)) {
      throw new SegsenseError('E_MODEL_INPUT', `${where}: input.size ${describeValue(optSize)} cannot be met, input ${JSON.stringify(input.name)} ${shapeText(shape)} has the fixed size ${wDim}x${hDim}`, {
        details: { file },
      })
    }
    size = [wDim, hDim]
  } else if (hDim !== undefined || wDim !== undefined) {
    if (!Array.isArray(optSize) || (hDim !== undefined && optSize[1] !== hDim) || (wDim !== undefined && optSize[0] !== wDim)) {
      throw new SegsenseError('E_MODEL_INPUT', `${where}: input ${JSON.stringify(input.name)} ${shapeText(shape)} fixes only one side; set input.size [w, h] to match it`, { details: { file } })
    }
    size = [optSize[0] as number, optSize[1] as number]
  } else {
    size = optSize === undefined ? { multipleOf: 32 } : Array.isArray(optSize) ? [optSize[0] as number, optSize[1] as number] : { multipleOf: (optSize as { multipleOf: number }).multipleOf }
  }
  if (inOpt.normalize && (inOpt.normalize.mean.length !== channels || inOpt.normalize.std.length !== channels)) {
    throw new SegsenseError('E_BAD_PARAMETER', `${where}: input.normalize needs ${channels} mean and std values (one per model channel), got ${inOpt.normalize.mean.length} and ${inOpt.normalize.std.length}`, {
      details: { file },
    })
  }
  const fixedBatch = shape.length === 0 ? 1 : fixedDim(shape[0])
  const batch: 'dynamic' | number = fixedBatch ?? 'dynamic'
  const batchSize = batch === 'dynamic' ? (options.batchSize ?? DEFAULT_BATCH_SIZE) : batch

  // ---- output ----
  const outputs = session.outputMetadata
  const isScoreMap = (m: ort.InferenceSession.ValueMetadata, named: boolean): boolean =>
    m.isTensor && NUMERIC_TYPES.has(m.type) && (m.shape.length === 4 || m.shape.length === 0 || (m.shape.length === 3 && (named || INTEGER_TYPES.has(m.type))))
  let output: ort.InferenceSession.TensorValueMetadata | undefined
  if (outOpt.name !== undefined) {
    const m = outputs.find((o) => o.name === outOpt.name)
    if (!m) throw new SegsenseError('E_MODEL_OUTPUT', `${where} has no output named ${JSON.stringify(outOpt.name)}; outputs: ${describeIo(outputs)}`, { details: { file } })
    if (!m.isTensor || !isScoreMap(m, true)) {
      throw new SegsenseError('E_MODEL_OUTPUT', `${where}: output ${JSON.stringify(m.name)} ${m.isTensor ? `${m.type} ${shapeText(m.shape)}` : '(not a tensor)'} is not a score map (N x C x H x W, N x H x W x C or N x H x W labels)`, {
        details: { file, output: m.name },
      })
    }
    output = m
  } else {
    const tensors = outputs.filter((m): m is ort.InferenceSession.TensorValueMetadata => m.isTensor)
    output = tensors.find((m) => isScoreMap(m, false) && m.shape.length !== 0) ?? tensors.find((m) => isScoreMap(m, false))
    if (!output) throw new SegsenseError('E_MODEL_OUTPUT', `${where} has no output shaped like a score map (N x C x H x W, N x H x W x C or N x H x W labels); outputs: ${describeIo(outputs)}`, { details: { file } })
  }
  const oshape = output.shape
  let outChannels: number | undefined
  if (oshape.length === 3) outChannels = 1
  else if (oshape.length === 4) outChannels = fixedDim(layout === 'NCHW' ? oshape[1] : oshape[3])
  const integer = INTEGER_TYPES.has(output.type)
  let kind = outOpt.kind
  if (kind === undefined) kind = integer ? 'labels' : outChannels === undefined ? undefined : outChannels >= 2 ? 'logits' : 'sigmoid'
  const config: Config = {
    source: file,
    inputName: input.name,
    inputRank: rank,
    layout,
    channels,
    order: inOpt.order ?? 'RGB',
    size,
    fit: inOpt.fit ?? 'stretch',
    ...(inOpt.normalize ? { normalize: { mean: [...inOpt.normalize.mean], std: [...inOpt.normalize.std] } } : {}),
    batch,
    batchSize,
    outputName: output.name,
    kind,
    threshold: outOpt.threshold ?? 0.5,
    sigmoidClass: 0,
  }
  if (kind !== undefined) config.sigmoidClass = checkKind(config, kind, outChannels, classIds, where)
  return config
}

/** Checks an output kind against the output's channel count and the classes; returns the sigmoid class id. */
function checkKind(config: Config, kind: OnnxOutputKind, channels: number | undefined, classIds: number[], where: string): number {
  const out = JSON.stringify(config.outputName)
  const maxId = classIds[classIds.length - 1] as number
  const foreground = classIds.filter((id) => id !== 0)
  const fail = (msg: string): SegsenseError => new SegsenseError('E_MODEL_OUTPUT', `${where}: ${msg}`, { details: { file: config.source, output: config.outputName, channels } })
  if (kind === 'logits' || kind === 'probabilities') {
    if (channels !== undefined && channels < 2) throw fail(`output ${out} has ${channels} channel; kind '${kind}' needs 2 or more (use 'sigmoid' for one channel)`)
    if (channels !== undefined && channels < maxId + 1) throw fail(`output ${out} has ${channels} class channels, fewer than the largest class id ${maxId} + 1`)
    return 0
  }
  if (kind === 'sigmoid') {
    if (channels !== undefined && channels !== 1) throw fail(`output ${out} has ${channels} channels; kind 'sigmoid' needs exactly one`)
    if (foreground.length !== 1) throw fail(`a one-channel sigmoid output ${out} predicts one class, but classes names ${foreground.length} non-background ids (${foreground.join(', ')})`)
    return foreground[0] as number
  }
  if (channels !== undefined && channels !== 1) throw fail(`output ${out} has ${channels} channels; kind 'labels' needs a single channel of class ids`)
  return 0
}

function labelArray(n: number, maxId: number): Uint8Array | Uint16Array {
  return maxId <= 255 ? new Uint8Array(n) : new Uint16Array(n)
}

class OnnxModel implements OnnxSegmentationModel {
  readonly name: string
  readonly classes: Classes
  readonly config: Config
  private session: ort.InferenceSession | undefined
  private readonly classIds: number[]
  private queue: Promise<unknown> = Promise.resolve()
  private closing: Promise<void> | undefined

  constructor(name: string, classes: Classes, session: ort.InferenceSession, config: Config, classIds: number[]) {
    this.name = name
    this.classes = classes
    this.session = session
    this.config = config
    this.classIds = classIds
  }

  predict(images: readonly Raster[]): Promise<LabelMap[]> {
    if (this.closing) return Promise.reject(new SegsenseError('E_MODEL_CLOSED', `model ${JSON.stringify(this.name)} was closed; load it again to predict`))
    // Serialise: batch buffers are reused and one session runs one batch at a time.
    const run = this.queue.then(() => this.predictNow(images))
    this.queue = run.catch(() => undefined)
    return run
  }

  close(): Promise<void> {
    // Predictions asked for before close still finish; the session is released after them.
    this.closing ??= this.queue.then(async () => {
      const s = this.session
      this.session = undefined
      await s?.release()
    })
    return this.closing
  }

  private planFor(img: Raster, index: number): FitPlan {
    if (!img || !(img.data instanceof Float32Array) || !Number.isInteger(img.width) || !Number.isInteger(img.height) || !Number.isInteger(img.channels) || img.data.length !== img.width * img.height * img.channels || img.width < 1 || img.height < 1) {
      throw new SegsenseError('E_BAD_PARAMETER', `model ${JSON.stringify(this.name)}: image ${index} is not a valid Raster (${describeValue(img)})`)
    }
    const size = this.config.size
    return Array.isArray(size) ? planFit(img.width, img.height, size[0] as number, size[1] as number, this.config.fit) : planPadToMultiple(img.width, img.height, (size as { multipleOf: number }).multipleOf)
  }

  private async predictNow(images: readonly Raster[]): Promise<LabelMap[]> {
    const session = this.session
    if (!session) throw new SegsenseError('E_MODEL_CLOSED', `model ${JSON.stringify(this.name)} was closed; load it again to predict`)
    if (!Array.isArray(images)) throw new SegsenseError('E_BAD_PARAMETER', `model ${JSON.stringify(this.name)}: predict takes an array of rasters, got ${describeValue(images)}`)
    const plans = images.map((img, i) => this.planFor(img, i))
    // Group by tensor size, keeping the callers' order within each group.
    const groups = new Map<string, number[]>()
    plans.forEach((p, i) => {
      const key = `${p.tensorWidth}x${p.tensorHeight}`
      const g = groups.get(key)
      if (g) g.push(i)
      else groups.set(key, [i])
    })
    const results: LabelMap[] = new Array<LabelMap>(images.length)
    const { channels, layout, batchSize, batch } = this.config
    for (const members of groups.values()) {
      const first = plans[members[0] as number] as FitPlan
      const tw = first.tensorWidth
      const th = first.tensorHeight
      const slot = channels * tw * th
      const slots = Math.min(batchSize, batch === 'dynamic' ? members.length : batchSize)
      const buffer = new Float32Array(slots * slot) // reused by every chunk of this group
      for (let start = 0; start < members.length; start += batchSize) {
        const chunk = members.slice(start, start + batchSize)
        for (let k = 0; k < chunk.length; k++) {
          const i = chunk[k] as number
          const img = images[i] as Raster
          let data: Float32Array
          try {
            data = convertChannels(img, channels, this.config.order)
          } catch (err) {
            if (err instanceof SegsenseError) {
              throw new SegsenseError('E_MODEL_INPUT', `model ${JSON.stringify(this.name)} (${this.config.source}): image ${i} has ${img.channels} channels, the model input takes ${channels}`, {
                cause: err,
                details: { image: i, imageChannels: img.channels, modelChannels: channels },
              })
            }
            throw err
          }
          writeTensor(data, channels, plans[i] as FitPlan, buffer, k * slot, layout, this.config.normalize)
        }
        const n = batch === 'dynamic' ? chunk.length : batch
        if (n > chunk.length) buffer.fill(0, chunk.length * slot, n * slot) // a fixed batch is padded with blank images
        const dims = this.config.inputRank === 3 ? [n, th, tw] : layout === 'NCHW' ? [n, channels, th, tw] : [n, th, tw, channels]
        const tensor = new ort.Tensor('float32', n * slot === buffer.length ? buffer : buffer.subarray(0, n * slot), dims)
        let out: ort.Tensor
        try {
          const res = await session.run({ [this.config.inputName]: tensor }, [this.config.outputName])
          out = res[this.config.outputName] as ort.Tensor
        } catch (cause) {
          throw new SegsenseError('E_MODEL_INPUT', `model ${JSON.stringify(this.name)} (${this.config.source}) rejected an input of shape [${dims.join(', ')}]: ${errorText(cause)}`, {
            cause,
            details: { file: this.config.source, dims },
          })
        }
        this.decode(out, n, tw, th, chunk, plans, images, results)
      }
    }
    return results
  }

  private decode(out: ort.Tensor, n: number, tw: number, th: number, chunk: number[], plans: FitPlan[], images: readonly Raster[], results: LabelMap[]): void {
    const cfg = this.config
    const where = `model ${JSON.stringify(this.name)} (${cfg.source})`
    const dims = out.dims
    const fail = (msg: string, details: Record<string, unknown> = {}): SegsenseError =>
      new SegsenseError('E_MODEL_OUTPUT', `${where}: output ${JSON.stringify(cfg.outputName)} ${msg}`, { details: { file: cfg.source, output: cfg.outputName, dims: [...dims], ...details } })
    if (!NUMERIC_TYPES.has(out.type)) throw fail(`has type ${out.type}; expected a float or integer score map`)
    let outLayout: TensorLayout
    let C: number
    if (dims.length === 3) {
      if (dims[1] !== th || dims[2] !== tw) throw fail(`has shape [${dims.join(', ')}] for an input of ${tw}x${th}; expected a ${tw}x${th} score map`)
      outLayout = 'NCHW'
      C = 1
    } else if (dims.length === 4) {
      const nchw = dims[2] === th && dims[3] === tw
      const nhwc = dims[1] === th && dims[2] === tw
      if (!nchw && !nhwc) throw fail(`has shape [${dims.join(', ')}] for an input of ${tw}x${th}; expected a ${tw}x${th} score map (N x C x H x W or N x H x W x C)`)
      outLayout = nchw && nhwc ? (cfg.inputRank === 4 ? cfg.layout : 'NCHW') : nchw ? 'NCHW' : 'NHWC'
      C = (outLayout === 'NCHW' ? dims[1] : dims[3]) as number
    } else {
      throw fail(`has shape [${dims.join(', ')}]; it is not a score map (N x C x H x W, N x H x W x C or N x H x W labels)`)
    }
    if (dims[0] !== n) throw fail(`has a batch of ${dims[0]} for ${n} input images`)
    if (cfg.kind === undefined) cfg.kind = INTEGER_TYPES.has(out.type) ? 'labels' : C >= 2 ? 'logits' : 'sigmoid'
    const sigmoidClass = checkKind(cfg, cfg.kind, C, this.classIds, where)
    const kind = cfg.kind

    let data: NumericArray
    const raw = out.data
    if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
      // int64 label maps: convert once per batch, rejecting ids no LabelMap can hold.
      const conv = new Int32Array(raw.length)
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i] as bigint
        if (v < 0n || v > 65535n) throw fail(`holds ${v} at index ${i}; class ids must be in 0..65535`, { index: i })
        conv[i] = Number(v)
      }
      data = conv
    } else {
      data = raw as NumericArray
    }
    const per = C * th * tw
    const bad = firstNonFinite(data, 0, chunk.length * per)
    if (bad >= 0) {
      const b = Math.floor(bad / per)
      const r = bad % per
      const [c, y, x] = outLayout === 'NCHW' ? [Math.floor(r / (th * tw)), Math.floor((r % (th * tw)) / tw), r % tw] : [r % C, Math.floor(r / C / tw), Math.floor(r / C) % tw]
      throw fail(`holds ${data[bad]} at index ${bad} (batch ${b}, class ${c}, row ${y}, column ${x}); scores must be finite`, { index: bad })
    }
    for (let k = 0; k < chunk.length; k++) {
      const i = chunk[k] as number
      const plan = plans[i] as FitPlan
      const layoutK = scoreLayout(outLayout, k, C, tw, th)
      let decoding: ScoreDecoding
      let maxId: number
      if (kind === 'labels') {
        maxId = 0
        const end = layoutK.base + per
        for (let p = layoutK.base; p < end; p++) {
          const v = data[p] as number
          if (!Number.isInteger(v) || v < 0 || v > 65535) throw fail(`holds ${v} at index ${p}; class ids must be integers in 0..65535`, { index: p })
          if (v > maxId) maxId = v
        }
        decoding = { kind: 'labels' }
      } else if (kind === 'sigmoid') {
        maxId = sigmoidClass
        decoding = { kind: 'threshold', threshold: cfg.threshold, classId: sigmoidClass }
      } else {
        maxId = C - 1
        decoding = { kind: 'argmax' }
      }
      const labels = labelArray(plan.width * plan.height, maxId)
      scoresToLabels(data, layoutK, plan, decoding, labels)
      const img = images[i] as Raster
      const map: LabelMap = img.spacing ? { width: plan.width, height: plan.height, data: labels, spacing: img.spacing } : { width: plan.width, height: plan.height, data: labels }
      results[i] = checkPrediction(this.name, img, map)
    }
  }
}
