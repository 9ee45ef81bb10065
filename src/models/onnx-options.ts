import { SegsenseError, type SegsenseErrorCode, describeValue } from '../core/errors.js'
import { MAX_PIXELS, checkPixelBudget } from '../core/limits.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Classes } from '../core/types.js'
import type { FitMode, Normalization, TensorLayout } from './prepare.js'

/**
 * The options of `loadOnnxModel` and their validation. Checked before any model is loaded, so a typo in
 * the options fails fast and names the option, whatever the model file holds.
 */

/** How the selected output's values become class ids. */
export type OnnxOutputKind = 'logits' | 'probabilities' | 'sigmoid' | 'labels'

/** Input options of `loadOnnxModel`; each overrides what the model's metadata says. */
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
   * applied to intensities in [0, 1]. One value (`mean: 0.5` or `[0.5]`) applies to every channel. Default: none.
   */
  readonly normalize?: Normalization
}

/** Output options of `loadOnnxModel`. */
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

/** Options of `loadOnnxModel`. */
export interface OnnxModelOptions {
  /** Class id -> name of what the model predicts (0 = background). Required. */
  readonly classes: Classes
  /** Model name in results and messages; default the file name without `.onnx`. */
  readonly name?: string
  /** How images are fed: input name, layout, channels, order, size, fit, normalisation. */
  readonly input?: OnnxInputOptions
  /** Which output is read and how: name, kind, threshold. */
  readonly output?: OnnxOutputOptions
  /**
   * Images per `session.run` when the batch axis is dynamic (default `DEFAULT_RUN_BATCH_SIZE`, 4: onnxruntime's
   * memory arena grows with the batch, and larger batches measured no faster; docs/performance.md). A sweep's
   * `batchSize` (images per `predict` call) is independent: one call is split into runs of this size.
   */
  readonly batchSize?: number
  /** onnxruntime intra-op threads (`intraOpNumThreads`); default onnxruntime's choice. */
  readonly threads?: number
  /**
   * Whether onnxruntime's intra-op threads spin-wait for work between parallel sections
   * (`session.intra_op.allow_spinning`). Default `false` (`DEFAULT_SPINNING`): spinning burns CPU between runs and
   * slows a sweep when other processes compete for the cores (docs/performance.md has the measurement).
   */
  readonly spinning?: boolean
  /**
   * onnxruntime's CPU memory arena (`enableCpuMemArena`). Default `true` (`DEFAULT_MEMORY_ARENA`): without it every
   * run allocates and frees its activations, measured 1.4-1.5x slower. The arena keeps its peak for the session's
   * life and grows with `batchSize` (docs/performance.md); `false` trades that speed for memory.
   */
  readonly memoryArena?: boolean
}

/** Default of {@link OnnxModelOptions.spinning}, chosen by measurement (docs/performance.md). */
export const DEFAULT_SPINNING = false
/** Default of {@link OnnxModelOptions.memoryArena}, chosen by measurement (docs/performance.md). */
export const DEFAULT_MEMORY_ARENA = true
/**
 * Default of {@link OnnxModelOptions.batchSize} (images per `session.run`), chosen by measurement: the smallest
 * batch that runs as fast as larger ones, so the arena stays small (a 2160-prediction sweep under 300 MB peak RSS).
 */
export const DEFAULT_RUN_BATCH_SIZE = 4

/** The keys of {@link OnnxInputOptions} (also those of a spec's `model.input` and the CLI's `--model-config`). */
export const INPUT_KEYS = optionKeys<OnnxInputOptions>({
  name: true,
  layout: true,
  channels: true,
  order: true,
  size: true,
  fit: true,
  normalize: true,
})
/** The keys of {@link OnnxOutputOptions}. */
export const OUTPUT_KEYS = optionKeys<OnnxOutputOptions>({ name: true, kind: true, threshold: true })
/** The keys of {@link OnnxModelOptions}. */
export const MODEL_KEYS = optionKeys<OnnxModelOptions>({
  classes: true,
  name: true,
  input: true,
  output: true,
  batchSize: true,
  threads: true,
  spinning: true,
  memoryArena: true,
})

/** `E_WRONG_TYPE` unless `value` is of JS type `type` (then `E_OUT_OF_RANGE`): the code of a rejected value. */
export function kindCode(value: unknown, type: 'number' | 'object' | 'boolean' | 'string'): SegsenseErrorCode {
  return typeof value === type ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE'
}

/**
 * The error for a malformed option: `code` `E_OUT_OF_RANGE` (default) for a value of the right kind that is not
 * allowed, `E_WRONG_TYPE` for one of the wrong kind (see {@link kindCode}).
 */
export function badParam(
  what: string,
  value: unknown,
  expected: string,
  code: SegsenseErrorCode = 'E_OUT_OF_RANGE',
): SegsenseError {
  return new SegsenseError(code, `loadOnnxModel: ${what} must be ${expected}, got ${describeValue(value)}`, {
    details: { value },
  })
}

/** Checks `options.classes`; returns its class ids in ascending order. */
export function checkClasses(classes: unknown): number[] {
  if (classes === null || typeof classes !== 'object' || Array.isArray(classes))
    throw badParam('options.classes', classes, 'an object of class id -> name', 'E_WRONG_TYPE')
  const ids = Object.keys(classes).map(Number)
  for (const id of ids)
    if (!Number.isInteger(id) || id < 0 || id > 65535)
      throw badParam('options.classes', classes, 'keyed by integer class ids in 0..65535')
  if (ids.length === 0) throw badParam('options.classes', classes, 'a non-empty object of class id -> name')
  return ids.sort((a, b) => a - b)
}

/** Checks `input.normalize`: `mean` and `std` each a finite number or an array of them, `std` positive. */
function checkNormalization(normalize: Normalization): void {
  checkKnownKeys(normalize, ['mean', 'std'], 'loadOnnxModel options.input.normalize')
  const { mean, std } = normalize
  const ok = (v: unknown, positive: boolean): boolean =>
    typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0)
  const check = (what: 'mean' | 'std', v: unknown, positive: boolean, expected: string): void => {
    if (Array.isArray(v) ? !v.every((x) => ok(x, positive)) : !ok(v, positive))
      throw badParam(
        `input.normalize.${what}`,
        v,
        expected,
        Array.isArray(v) ? 'E_OUT_OF_RANGE' : kindCode(v, 'number'),
      )
  }
  check('mean', mean, false, 'a finite number or an array of finite numbers')
  check('std', std, true, 'a positive finite number or an array of them')
}

/**
 * Throws `E_BAD_PARAMETER` for a malformed option (wrong type or range); what a model can meet is
 * checked later. Returns the class ids of `options.classes`, ascending.
 */
export function checkOptions(options: OnnxModelOptions): number[] {
  if (options === null || typeof options !== 'object')
    throw badParam('options', options, 'an object with at least { classes }', 'E_WRONG_TYPE')
  checkKnownKeys(options, MODEL_KEYS, 'loadOnnxModel options')
  const { input = {}, output = {}, batchSize, threads, spinning, memoryArena } = options
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw badParam('options.input', input, 'an object', 'E_WRONG_TYPE')
  if (output === null || typeof output !== 'object' || Array.isArray(output))
    throw badParam('options.output', output, 'an object', 'E_WRONG_TYPE')
  checkKnownKeys(input, INPUT_KEYS, 'loadOnnxModel options.input')
  checkKnownKeys(output, OUTPUT_KEYS, 'loadOnnxModel options.output')
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1))
    throw badParam('options.batchSize', batchSize, 'a positive integer', kindCode(batchSize, 'number'))
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0))
    throw badParam(
      'options.threads',
      threads,
      'a non-negative integer (0 = onnxruntime default)',
      kindCode(threads, 'number'),
    )
  if (spinning !== undefined && typeof spinning !== 'boolean')
    throw badParam('options.spinning', spinning, 'true or false', 'E_WRONG_TYPE')
  if (memoryArena !== undefined && typeof memoryArena !== 'boolean')
    throw badParam('options.memoryArena', memoryArena, 'true or false', 'E_WRONG_TYPE')
  if (input.layout !== undefined && input.layout !== 'NCHW' && input.layout !== 'NHWC')
    throw badParam('input.layout', input.layout, "'NCHW' or 'NHWC'")
  if (input.channels !== undefined && input.channels !== 1 && input.channels !== 3)
    throw badParam('input.channels', input.channels, '1 or 3')
  if (input.order !== undefined && input.order !== 'RGB' && input.order !== 'BGR')
    throw badParam('input.order', input.order, "'RGB' or 'BGR'")
  if (input.fit !== undefined && input.fit !== 'stretch' && input.fit !== 'pad' && input.fit !== 'crop')
    throw badParam('input.fit', input.fit, "'stretch', 'pad' or 'crop'")
  const size = input.size
  if (size !== undefined) {
    if (!Array.isArray(size) && (size as unknown) !== null && typeof size === 'object')
      checkKnownKeys(size, ['multipleOf'], 'loadOnnxModel options.input.size')
    if (Array.isArray(size)) {
      if (size.length !== 2 || !size.every((v) => Number.isInteger(v) && v > 0))
        throw badParam('input.size', size, 'two positive integers [w, h] or { multipleOf: n }')
      const [w, h] = size as readonly [number, number]
      checkPixelBudget(w, h, 'loadOnnxModel: input.size', size)
    } else if (
      typeof size !== 'object' ||
      size === null ||
      !Number.isInteger((size as { multipleOf: number }).multipleOf) ||
      (size as { multipleOf: number }).multipleOf < 1
    ) {
      throw badParam('input.size', size, 'two positive integers [w, h] or { multipleOf: n }')
    } else {
      // The smallest image is padded to multipleOf x multipleOf.
      const m = (size as { multipleOf: number }).multipleOf
      checkPixelBudget(m, m, 'loadOnnxModel: input.size.multipleOf', m, MAX_PIXELS)
    }
  }
  if (input.normalize !== undefined) checkNormalization(input.normalize)
  if (output.kind !== undefined && !['logits', 'probabilities', 'sigmoid', 'labels'].includes(output.kind))
    throw badParam('output.kind', output.kind, "'logits', 'probabilities', 'sigmoid' or 'labels'")
  if (output.threshold !== undefined && !Number.isFinite(output.threshold))
    throw badParam('output.threshold', output.threshold, 'a finite number', kindCode(output.threshold, 'number'))
  return checkClasses(options.classes)
}
