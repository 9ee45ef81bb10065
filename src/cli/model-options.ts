/**
 * The model settings of `segsense sweep`: the ONNX adapter's options from flags and `--model-config` (a spec's
 * model block), and the one line that names the settings a sweep ran with, so that a run with the wrong
 * normalisation or threshold is visible in its own output.
 */
import { resolve } from 'node:path'
import type { Classes } from '../core/types.js'
import type { OnnxModelConfig } from '../models/onnx-config.js'
import type { OnnxInputOptions, OnnxModelOptions, OnnxOutputKind, OnnxOutputOptions } from '../models/onnx-options.js'
import type { FitMode, TensorLayout } from '../models/prepare.js'
import { classesOf, loadModelConfig, onnxOptionsOf } from '../requirements/model-config.js'
import { UsageError, parseClasses, parseNumber } from './shared.js'

/** The model flags of `segsense sweep`, as commander parses them. */
export interface ModelFlags {
  readonly model?: string
  readonly modelClasses?: string
  /** @deprecated `--classes`, renamed `--model-classes`. */
  readonly classes?: string
  readonly modelConfig?: string
  readonly inputName?: string
  readonly inputLayout?: TensorLayout
  readonly inputChannels?: string
  readonly inputOrder?: 'RGB' | 'BGR'
  readonly inputSize?: string
  readonly inputMultipleOf?: number
  readonly inputFit?: FitMode
  readonly inputMean?: string
  readonly inputStd?: string
  readonly outputName?: string
  readonly outputKind?: OnnxOutputKind
  readonly outputThreshold?: number
}

/** Parses `256x256` (width x height). */
export function parseSize(text: string): [number, number] {
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text)
  if (!m) throw new UsageError(`--input-size: ${JSON.stringify(text)} is not WxH (e.g. --input-size 256x256)`)
  return [Number(m[1]), Number(m[2])]
}

/** Parses a comma-separated list of numbers (`0.485,0.456,0.406`), naming the flag. */
export function parseNumberList(flag: string, text: string): number[] {
  if (text.trim() === '') throw new UsageError(`${flag} needs at least one number`)
  return text.split(',').map((s) => parseNumber(flag, s.trim()))
}

/**
 * The model file and `loadOnnxModel` options of `segsense sweep`: `--model-config` first (a spec's model block),
 * then each flag overriding the file's key of the same name.
 * @throws UsageError for a missing model file or classes, or flags that contradict each other.
 */
export function modelOptionsFrom(flags: ModelFlags): { file: string; options: OnnxModelOptions } {
  const config = flags.modelConfig ? loadModelConfig(flags.modelConfig) : {}
  if (flags.modelClasses && flags.classes)
    throw new UsageError('give --model-classes, not both --model-classes and --classes (its deprecated name)')
  const file = flags.model !== undefined ? resolve(flags.model) : config.onnx
  if (!file) throw new UsageError('--model <file.onnx> is required (or "onnx" in --model-config)')
  const classesText = flags.modelClasses ?? flags.classes
  let classes: Classes
  if (classesText !== undefined) classes = parseClasses(classesText)
  else if (config.classes) classes = classesOf(config.classes)
  else
    throw new UsageError(
      "--model-classes is required: the model's class ids and names (e.g. --model-classes 1=RV,2=MYO,3=LV)",
    )
  const base = onnxOptionsOf(config, classes)

  const input: { -readonly [K in keyof OnnxInputOptions]: OnnxInputOptions[K] } = { ...base.input }
  if (flags.inputName !== undefined) input.name = flags.inputName
  if (flags.inputLayout !== undefined) input.layout = flags.inputLayout
  if (flags.inputChannels !== undefined) input.channels = Number(flags.inputChannels) as 1 | 3
  if (flags.inputOrder !== undefined) input.order = flags.inputOrder
  if (flags.inputSize !== undefined && flags.inputMultipleOf !== undefined)
    throw new UsageError('give --input-size or --input-multiple-of, not both')
  if (flags.inputSize !== undefined) input.size = parseSize(flags.inputSize)
  if (flags.inputMultipleOf !== undefined) input.size = { multipleOf: flags.inputMultipleOf }
  if (flags.inputFit !== undefined) input.fit = flags.inputFit
  if (flags.inputMean !== undefined || flags.inputStd !== undefined) {
    const mean =
      flags.inputMean !== undefined ? parseNumberList('--input-mean', flags.inputMean) : input.normalize?.mean
    const std = flags.inputStd !== undefined ? parseNumberList('--input-std', flags.inputStd) : input.normalize?.std
    if (!mean) throw new UsageError('--input-std needs --input-mean (normalisation is (x - mean) / std)')
    if (!std) throw new UsageError('--input-mean needs --input-std (normalisation is (x - mean) / std)')
    input.normalize = { mean, std }
  }
  const output: { -readonly [K in keyof OnnxOutputOptions]: OnnxOutputOptions[K] } = { ...base.output }
  if (flags.outputName !== undefined) output.name = flags.outputName
  if (flags.outputKind !== undefined) output.kind = flags.outputKind
  if (flags.outputThreshold !== undefined) output.threshold = flags.outputThreshold

  const options: OnnxModelOptions = {
    ...base,
    ...(Object.keys(input).length ? { input } : {}),
    ...(Object.keys(output).length ? { output } : {}),
  }
  return { file, options }
}

const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`

/**
 * One line naming the settings a model ran with, what was given and what the adapter inferred alike:
 * `input "image" NCHW, 1 channel, padded to a multiple of 32, not normalised; output "logits": logits (argmax)`.
 * Normalisation and the threshold say `default` when the user did not set them.
 */
export function describeModelSettings(config: OnnxModelConfig, options: OnnxModelOptions): string {
  const size = Array.isArray(config.size)
    ? `size ${config.size[0]}x${config.size[1]} (${config.fit})`
    : `padded to a multiple of ${(config.size as { multipleOf: number }).multipleOf}`
  const channels = `${config.channels} channel${config.channels === 1 ? '' : 's'}${config.channels === 3 ? ` ${config.order}` : ''}`
  const normalize = config.normalize
    ? `normalised (x - ${list(config.normalize.mean)}) / ${list(config.normalize.std)}`
    : 'not normalised (default)'
  const kind = config.kind ?? 'unknown kind'
  const decoding =
    kind === 'sigmoid'
      ? `sigmoid, threshold ${config.threshold}${options.output?.threshold === undefined ? ' (default)' : ''}`
      : kind === 'labels'
        ? 'labels'
        : `${kind} (argmax)`
  const input = `input ${JSON.stringify(config.inputName)} ${config.layout}, ${channels}, ${size}, ${normalize}`
  return `${input}; output ${JSON.stringify(config.outputName)}: ${decoding}`
}
