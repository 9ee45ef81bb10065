import type { OnnxModelOptions } from '../models/onnx.js'
import type { ComparisonSettings } from '../analysis/compare.js'
import type { RequirementDefaults, RequirementOptions } from './plan.js'

/** A spec's model block: an ONNX file (relative to the spec) and its `loadOnnxModel` settings. */
export interface SpecModel {
  /** Path of the .onnx file, relative to the spec file. */
  readonly onnx: string
  /** The model's class map, id -> name (JSON keys are strings). */
  readonly classes: Readonly<Record<string, string>>
  readonly name?: string
  readonly input?: OnnxModelOptions['input']
  readonly output?: OnnxModelOptions['output']
  readonly batchSize?: number
}

/**
 * One required robustness in a spec file: a built-in transform swept over a range, with a threshold. Every key of
 * {@link RequirementOptions} (what `toBeRobustTo` takes, but `samples` and `attach`) is a spec key. With `baseline`
 * the requirement is a comparison (`toBeAtLeastAsRobustAs`): the spec's model must be at least as robust as the
 * baseline, within `margin` (and the {@link ComparisonSettings}); `min` is then only the threshold of the stable
 * intervals reported (default 0.8).
 */
export interface SpecRequirement extends RequirementOptions, ComparisonSettings {
  /** Test name; default `<transform> over [from, to]`. */
  readonly name?: string
  /** A built-in transform name: `rotate`, `spike`, `corruptions.jpeg`, ... */
  readonly transform: string
  /** Transform options, applied with `.with(options)`. */
  readonly options?: Readonly<Record<string, unknown>>
  /** A baseline model block (`classes` default to the spec model's): the requirement becomes a comparison. */
  readonly baseline?: Omit<SpecModel, 'classes'> & { readonly classes?: SpecModel['classes'] }
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
  readonly model: SpecModel
  readonly samples: readonly { readonly id?: string; readonly image: string; readonly truth?: string }[]
  /** Defaults of every requirement (any requirement key but `name`, `transform`, `options` and the grid). */
  readonly defaults?: RequirementDefaults
  readonly requirements: readonly SpecRequirement[]
}

/** A validated spec with every path made absolute, and the file it came from. */
export interface LoadedSpec extends RobustnessSpec {
  readonly file: string
}
