import { dirname, resolve } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { SegsenseError } from '../core/errors.js'
import { readJsonFile } from './json-file.js'
import type { Classes } from '../core/types.js'
import type { OnnxModelOptions } from '../models/onnx-options.js'
import { describeError } from '../results/schema/schema-errors.js'
import { specSchema } from './schema.js'
import type { RobustnessSpec } from './types.js'

/** A spec's model block on its own (`segsense sweep --model-config`): every key optional, paths made absolute. */
export type ModelConfig = Partial<RobustnessSpec['model']>

let compiled: ValidateFunction | undefined

/**
 * Reads a JSON file holding a spec's model block (`{ onnx?, classes?, name?, input?, output?, batchSize? }`),
 * validated by the spec schema's model block (closed objects: a misspelt key is an error), with `onnx` resolved
 * relative to the file.
 * @throws SegsenseError `E_FILE_NOT_FOUND`, `E_FILE_READ`, `E_SCHEMA` (not JSON, or invalid: every problem with
 *   its JSON path).
 */
export function loadModelConfig(path: string): ModelConfig {
  const { file, json } = readJsonFile(path, 'model config')
  // The spec's model block, with nothing required: the command line may give the file and the classes.
  compiled ??= new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false, verbose: true }).compile({
    ...specSchema.properties.model,
    required: [],
  })
  if (!compiled(json)) {
    const errors = [...new Set((compiled.errors ?? []).map(describeError))]
    throw new SegsenseError('E_SCHEMA', `model config ${file} is invalid: ${errors.join('; ')}`, {
      details: { file, errors },
    })
  }
  const config = json as ModelConfig
  const same = config.classes ? sameClassIds(config.classes, '/classes') : []
  if (same.length) {
    throw new SegsenseError('E_SCHEMA', `model config ${file} is invalid: ${same.join('; ')}`, {
      details: { file, errors: same },
    })
  }
  return { ...config, ...(config.onnx ? { onnx: resolve(dirname(file), config.onnx) } : {}) }
}

/**
 * The problems of a model block's `classes` whose keys are one number written differently (`"3"` and `"03"`):
 * JSON keeps both, but as class ids they are one, so one name would silently overwrite the other.
 */
export function sameClassIds(classes: Readonly<Record<string, string>>, path: string): string[] {
  const seen = new Map<number, string>()
  const errors: string[] = []
  for (const key of Object.keys(classes)) {
    const id = Number(key)
    const first = seen.get(id)
    if (first === undefined) seen.set(id, key)
    else errors.push(`${path}: class ids ${JSON.stringify(first)} and ${JSON.stringify(key)} are the same number ${id}`)
  }
  return errors
}

/**
 * A spec model block's `classes` (JSON keys are strings) as a {@link Classes} map.
 * @throws SegsenseError `E_SCHEMA` when two keys are the same number written differently (`"3"` and `"03"`).
 */
export function classesOf(classes: Readonly<Record<string, string>>): Classes {
  const same = sameClassIds(classes, 'classes')
  if (same.length) throw new SegsenseError('E_SCHEMA', same.join('; '), { details: { errors: same } })
  const out: Record<number, string> = {}
  for (const [id, name] of Object.entries(classes)) out[Number(id)] = name
  return out
}

/** The `loadOnnxModel` options of a spec's model block (without `onnx`), given its classes. */
export function onnxOptionsOf(model: ModelConfig, classes: Classes): OnnxModelOptions {
  return {
    classes,
    ...(model.name ? { name: model.name } : {}),
    ...(model.input ? { input: model.input } : {}),
    ...(model.output ? { output: model.output } : {}),
    ...(model.batchSize ? { batchSize: model.batchSize } : {}),
  }
}
