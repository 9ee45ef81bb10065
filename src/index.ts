/**
 * segsense: robustness assertions for image-segmentation models.
 *
 * Sweep a transformation's parameter, predict on every transformed image, score against the correspondingly
 * transformed truth, and report the stable parameter interval. Named exports of the documented API only; the
 * sorted list of every entry point's names is pinned by test/unit/api/surface.test.ts, so any change to the
 * surface is a reviewed diff. `segsense/transforms` and `segsense/metrics` are public entries of their own
 * (light: no native module) and are re-exported here whole.
 * @packageDocumentation
 */
// Core types and errors
export type { Raster, LabelMap, Sample, Classes } from './core/types.js'
export type { Volume, LabelVolume, VolumeSample } from './core/types.js'
export { SegsenseError, isSegsenseError, type SegsenseErrorCode } from './core/errors.js'
export { raster, labelMap, sample } from './core/raster.js'

// Files
export { DEFAULT_MAX_PIXELS, loadImage, saveImage, type LoadImageOptions, type SaveImageOptions } from './io/image.js'
export type { ImageSource } from './io/source.js'
export {
  loadMask,
  saveMask,
  loadSample,
  type LoadMaskOptions,
  type LoadSampleOptions,
  type MaskPalette,
} from './io/mask.js'
export { loadDicom } from './io/dicom/load.js'
export { loadDicomSeries } from './io/dicom/series.js'
export { isDicom } from './io/dicom/magic.js'
export type { LoadDicomOptions, LoadDicomSeriesOptions, DicomImage, DicomMeta, DicomWindow } from './io/dicom/types.js'
export {
  loadNifti,
  loadNiftiLabels,
  checkSameGrid,
  type LoadNiftiOptions,
  type LoadNiftiLabelsOptions,
  type NiftiWindow,
} from './io/nifti.js'
export { volumeSlice, labelVolumeSlice, volumeSlices, type VolumeAxis, type VolumeSlicesOptions } from './io/volume.js'
export type { MedicalSliceOptions } from './io/medical.js'
export { encodePng, decodePng, isPng, type EncodePngOptions, type PngPixels, type PngColourType } from './io/png.js'

// Transforms and metrics: the light entries, whole
export * from './transforms/index.js'
export * from './metrics/index.js'

// Models
export { DEFAULT_BATCH_SIZE, functionModel, type SegmentationModel } from './models/model.js'
export {
  loadOnnxModel,
  type OnnxModelOptions,
  type OnnxInputOptions,
  type OnnxOutputOptions,
  type OnnxOutputKind,
  type OnnxSegmentationModel,
  type OnnxModelConfig,
} from './models/onnx.js'
export type { TensorLayout, FitMode, Normalization } from './models/prepare.js'
export {
  CARDIAC_CLASSES,
  SUNNYBROOK_CLASSES,
  fixtureModelPath,
  loadFixtureSamples,
  type FixtureModelName,
  type FixtureSampleSet,
} from './models/fixtures.js'

// Sweeps and summaries
export { type GridOptions, MAX_GRID_VALUES, sweepValues } from './results/values.js'
export {
  SWEEP_SCHEMA_VERSION,
  type Score,
  type ClassCurves,
  type ScoreTable,
  type ScoreCounts,
  type SweepParameter,
  type SampleScores,
  type SweepTiming,
  type SweepResult,
  type SweepWarning,
  type SweepVolumes,
  type VolumeSlices,
} from './results/sweep-result.js'
export { sweep } from './sweep/sweep.js'
export { framesOf } from './sweep/assemble.js'
export type {
  KeepFrames,
  SweepOptions,
  SweepProgress,
  SweepFrame,
  SweepFrames,
  SweepResultWithFrames,
} from './sweep/types.js'
export { sweepVolumes, type SliceSelection, type VolumeSweepOptions } from './sweep/volume.js'
export { DEFAULT_CACHE_MAX_BYTES } from './sweep/cache.js'
export type { CacheOptions } from './sweep/types.js'
export type { RefineOptions } from './sweep/types.js'
export type { Refinement } from './results/sweep-result.js'
export {
  stableInterval,
  type Interval,
  type CategoricalStability,
  type StabilityOptions,
} from './analysis/stability.js'
export {
  summarize,
  type SummarizeOptions,
  type Summary,
  type ClassSummary,
  type Breakdown,
  type Slopes,
} from './analysis/summarize.js'
export {
  evaluateRequirement,
  type Requirement,
  type Failure,
  type ClassVerdict,
  type RequirementVerdict,
} from './analysis/requirement.js'
export {
  aggregate,
  type AggregateOptions,
  type Aggregate,
  type ClassAggregate,
  type WidthSpread,
} from './analysis/aggregate.js'
export type { BootstrapOptions } from './analysis/stats/bootstrap.js'
export type { SweepConfusion, SweepRepeats } from './results/sweep-result.js'
export { takeOver, type TakeOver } from './analysis/take-over.js'
export { repeatSeeds } from './sweep/repeats.js'

// Two-parameter grids
export { sweepGrid, type GridAxis, type GridAxes, type GridOptionAxis, type GridSweepOptions } from './sweep/grid2d.js'
export {
  GRID_SCHEMA_VERSION,
  type GridResult,
  type GridAxisRecord,
  type GridSampleScores,
  type ScoreGrid,
  type GridScoreTable,
  type GridScoreCounts,
} from './results/grid-result.js'
export { stableRegion, type StableRegion, type RegionOptions, type AxisExtent } from './analysis/stable-region.js'
export {
  evaluateGridRequirement,
  type GridVerdict,
  type GridClassVerdict,
  type GridFailure,
} from './analysis/grid-requirement.js'
export { gridHeatmapSpec, type GridHeatmapOptions } from './report/chart.js'
export {
  validateGridResult,
  assertGridResult,
  gridResultSchema,
  type GridResultValidation,
} from './results/schema/grid-result.js'
export type { GridReportEntry } from './report/grid-section.js'
export {
  compareModels,
  type CompareOptions,
  type ComparisonSettings,
  type ModelComparison,
  type ClassComparison,
  type ModelSide,
} from './analysis/compare.js'

// Requirements and robustness specs
export {
  planRequirement,
  type Threshold,
  type RequirementOptions,
  type RequirementDefaults,
  type RequirementPlan,
  type RequirementRefine,
} from './requirements/plan.js'
export type { SpecRequirement, RobustnessSpec, LoadedSpec } from './requirements/types.js'
export { validateSpec, loadSpec } from './requirements/load.js'
export { specSchema } from './requirements/schema.js'
export { openSpec, runSpec, checkSpec, type RequirementOutcome, type RunSpecOptions } from './requirements/run.js'

// Reports
export {
  chartSpec,
  heatmapSpec,
  renderChartPng,
  renderChartSvg,
  renderSpecPng,
  renderSpecSvg,
  type ChartOptions,
  type ChartSpec,
  type HeatmapData,
  type HeatmapOptions,
  type JsonObject,
  type JsonValue,
} from './report/chart.js'
export { confusionSpec, type ConfusionChartOptions } from './report/confusion-chart.js'
export {
  overlayPng,
  frameStrip,
  type OverlayOptions,
  type OverlayPngOptions,
  type FrameStripOptions,
} from './report/overlay.js'
export { sweepGif, type GifOptions } from './report/gif.js'
export { writeReport, type ReportEntry, type ReportOptions, type WrittenReport } from './report/html.js'
export type { ReportTest } from './report/test-ref.js'
export { CLASS_COLOURS, classPalette, type OverlayPalette, type PaletteEntry, type Rgb } from './report/palette.js'
export {
  validateSweepResult,
  assertSweepResult,
  sweepResultSchema,
  type SweepResultValidation,
} from './results/schema/validate.js'
