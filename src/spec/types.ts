import type { OnnxModelOptions } from '../models/onnx.js'
import type { RequirementDefaults, RequirementOptions } from './plan.js'

/**
 * One required robustness in a spec file: a built-in transform swept over a range, with a threshold. Every key of
 * {@link RequirementOptions} (what `toBeRobustTo` takes, but `samples` and `attach`) is a spec key, and no other.
 */
export interface SpecRequirement extends RequirementOptions {
  /** Test name; default `<transform> over [from, to]`. */
  readonly name?: string
  /** A built-in transform name: `rotate`, `spike`, `corruptions.jpeg`, ... */
  readonly transform: string
  /** Transform options, applied with `.with(options)`. */
  readonly options?: Readonly<Record<string, unknown>>
}

/**
 * A robustness spec: the model, the samples and the required robustness, as a JSON file kept in the repository.
 * Paths are relative to the spec file.
 *
 * @example
 * { "model": { "onnx": "models/unet.onnx", "classes": { "1": "RV", "2": "MYO", "3": "LV" } },
 *   "samples": [{ "image": "data/a.png", "truth": "data/a-mask.png" }],
 *   "requirements": [{ "transform": "rotate", "range": [-15, 15], "step": 5, "min": { "LV": 0.9 } }] }
 */
export interface RobustnessSpec {
  readonly name?: string
  readonly model: {
    /** Path of the .onnx file, relative to the spec file. */
    readonly onnx: string
    /** The model's class map, id -> name (JSON keys are strings). */
    readonly classes: Readonly<Record<string, string>>
    readonly name?: string
    readonly input?: OnnxModelOptions['input']
    readonly output?: OnnxModelOptions['output']
    readonly batchSize?: number
  }
  readonly samples: readonly { readonly id?: string; readonly image: string; readonly truth?: string }[]
  /** Defaults of every requirement (any requirement key but `name`, `transform`, `options` and the grid). */
  readonly defaults?: RequirementDefaults
  readonly requirements: readonly SpecRequirement[]
}

/** A validated spec with every path made absolute, and the file it came from. */
export interface LoadedSpec extends RobustnessSpec {
  readonly file: string
}
