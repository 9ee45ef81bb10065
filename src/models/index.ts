/**
 * Segmentation model adapters: the model interface, plain functions, ONNX, and the bundled fixtures.
 *
 * Named exports of what the README documents, and the types needed to write their options. Input
 * preparation (`prepare.ts`: tensor writing, fitting, score decoding), the ONNX configuration step
 * (`onnx-config.ts`), option validation (`onnx-options.ts`) and `checkPrediction` are internals,
 * importable from their own files only. `DEFAULT_BATCH_SIZE` (model.ts) reaches the public
 * API through the sweep barrel, not this one (two barrels exporting it would clash in src/index.ts).
 */
export { functionModel, type SegmentationModel } from './model.js'
export {
  loadOnnxModel,
  type OnnxModelOptions,
  type OnnxInputOptions,
  type OnnxOutputOptions,
  type OnnxOutputKind,
  type OnnxSegmentationModel,
  type OnnxModelConfig,
} from './onnx.js'
export type { TensorLayout, FitMode, Normalization } from './prepare.js'
export {
  CARDIAC_CLASSES,
  SUNNYBROOK_CLASSES,
  fixtureModelPath,
  loadFixtureSamples,
  type FixtureModelName,
  type FixtureSampleSet,
} from './fixtures.js'
