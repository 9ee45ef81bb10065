import { resolve } from 'node:path'
import type { Sample } from '../core/types.js'
import { loadSample } from '../io/mask.js'
import type { MetricName } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import { loadOnnxModel } from '../models/onnx.js'
import { type ReportEntry, reportRows, writeReport } from '../report/html.js'
import { type RequirementOptions, type RequirementPlan, planRequirement } from '../requirements/plan.js'
import { evaluateRequirement } from '../analysis/requirement.js'
import { describeBound, thresholdKey } from '../analysis/threshold.js'
import type { SweepResult } from '../results/sweep-result.js'
import { sweep } from '../sweep/sweep.js'
import { framesOf } from '../sweep/assemble.js'
import { transformByName } from '../transforms/registry.js'
import type { Transform } from '../transforms/transform.js'
import { createProgress } from './progress.js'
import { type ModelFlags, describeModelSettings, modelOptionsFrom } from './model-options.js'
import {
  type CommonOptions,
  EXIT,
  UsageError,
  parseNames,
  parseRange,
  parseValues,
  samplePaths,
  summaryTable,
} from './shared.js'

/** Options of `segsense sweep`, as commander parses them. */
export interface SweepCommandOptions extends CommonOptions, ModelFlags {
  readonly scoreClasses?: string
  readonly image?: string[]
  readonly truth?: string[]
  readonly transform?: string
  readonly option?: Record<string, unknown>
  readonly range?: string
  readonly step?: number
  readonly steps?: number
  readonly values?: string
  readonly metric?: string
  readonly nsdTolerance?: number
  readonly min?: number
  readonly max?: number
  readonly check?: boolean
  readonly batchSize?: number
  readonly emptyPolicy?: 'best' | 'nan'
  readonly confidence?: number
  readonly resamples?: number
  readonly seed?: number
  readonly repeats?: number
  readonly confusion?: boolean
  /** `--refine <tolerance>`: bisect the threshold crossings after the grid. */
  readonly refine?: number
  /** `--no-cache` sets it false. */
  readonly cache?: boolean
  readonly out?: string
  readonly json?: boolean
  readonly sample?: string
  /** NIfTI / DICOM folder: the axis to slice along (i, j or k, or 0, 1, 2). */
  readonly axis?: string
  /** NIfTI / DICOM folder: the slice index along --axis (default the middle). */
  readonly slice?: number
  /** Multi-frame DICOM: the frame (default 0). */
  readonly frame?: number
}

/** One `warning:` line per sample/class pair the sweep could not score (empty string when there is none). */
export function warningLines(result: Pick<SweepResult, 'warnings'>): string {
  return (result.warnings ?? []).map((w) => `warning: ${w.message}\n`).join('')
}

/** The flags `segsense sweep` and `segsense compare` share, as `planFlags` reads them. */
export type SweepFlags = Omit<
  SweepCommandOptions,
  | 'check'
  | 'out'
  | 'json'
  | 'sample'
  | 'confidence'
  | 'resamples'
  | 'seed'
  | 'repeats'
  | 'confusion'
  | 'refine'
  | 'cache'
  | keyof ModelFlags
  | keyof CommonOptions
>

/** The requirement options only `segsense sweep` has (compare's --confidence, --resamples and --seed are its own). */
export type SweepOnlyFlags = Pick<
  SweepCommandOptions,
  'confidence' | 'resamples' | 'seed' | 'repeats' | 'confusion' | 'refine'
>

/**
 * The requirement plan of a command's grid and scoring flags (`--range`, `--step`, `--steps`, `--values`, `--min`,
 * `--metric`, `--nsd-tolerance`, `--score-classes`, `--batch-size`, `--empty-policy`), through `planRequirement`.
 * @throws UsageError for an empty list or a threshold outside [0, 1] (or a negative distance); SegsenseError
 *   `E_BAD_PARAMETER` (from the resolver) for contradicting grid flags or a threshold flag of the wrong kind.
 */
export function planFlags(
  transform: Transform,
  options: SweepFlags,
  where: string,
  only: SweepOnlyFlags = {},
): { plan: RequirementPlan; min: number } {
  const metricName = (options.metric ?? 'dice') as MetricName
  const key = thresholdKey(metricName)
  // Grid combinations (--values with --range, --step with --steps) and a threshold on the wrong side (--min for a
  // distance, --max for a score, none for a distance) are the resolver's to refuse: planRequirement and the grid
  // check them before any prediction. The range of a threshold is checked here, up front: the requirement checks it
  // only when it judges the finished sweep.
  const min = key === 'max' ? options.max : (options.min ?? 0.8)
  if (min !== undefined) checkThresholdFlag(key, min, metricName)
  const plan = planRequirement(transform, requirementOptions(options, only, key), {}, where)
  // planRequirement refused a distance metric without --max, so min is set here.
  return { plan, min: min as number }
}

/** The requirement options of the grid, threshold and scoring flags, as planRequirement takes them. */
function requirementOptions(options: SweepFlags, only: SweepOnlyFlags, key: 'min' | 'max'): RequirementOptions {
  const scoreClasses =
    options.scoreClasses !== undefined ? parseNames('--score-classes', options.scoreClasses) : undefined
  return {
    ...(options.range !== undefined ? { range: parseRange(options.range) } : {}),
    ...(options.step !== undefined ? { step: options.step } : {}),
    ...(options.steps !== undefined ? { steps: options.steps } : {}),
    ...(options.values !== undefined ? { values: parseValues(options.values) } : {}),
    ...(options.min !== undefined || key === 'min' ? { min: options.min ?? 0.8 } : {}),
    ...(options.max !== undefined ? { max: options.max } : {}),
    metric: (options.metric ?? 'dice') as MetricName,
    ...(options.nsdTolerance !== undefined ? { nsdTolerance: options.nsdTolerance } : {}),
    ...(scoreClasses ? { scoreClasses } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.emptyPolicy ? { emptyPolicy: options.emptyPolicy } : {}),
    ...(only.confidence !== undefined ? { confidence: only.confidence } : {}),
    ...(only.resamples !== undefined ? { resamples: only.resamples } : {}),
    ...(only.seed !== undefined ? { seed: only.seed } : {}),
    ...(only.repeats !== undefined ? { repeats: only.repeats } : {}),
    ...(only.confusion ? { confusion: true } : {}),
    ...(only.refine !== undefined ? { refine: { tolerance: only.refine } } : {}),
  }
}

/** `--min` must be a score in [0, 1], `--max` a distance >= 0 mm. */
function checkThresholdFlag(key: 'min' | 'max', value: number, metric: MetricName): void {
  if (key === 'max' && !(value >= 0 && Number.isFinite(value)))
    throw new UsageError(`--max: ${value} is not a distance >= 0 mm`)
  if (key === 'min' && !(value >= 0 && value <= 1))
    throw new UsageError(`--min: ${value} is not a score in [0, 1] (--metric ${metric} is a score in [0, 1])`)
}

/**
 * Loads the samples of `--image`/`--truth`, with `--axis`, `--slice` and `--frame` for NIfTI, DICOM series and
 * multi-frame DICOM files.
 * @throws UsageError for an --axis that is not i, j, k or 0, 1, 2.
 */
export async function loadFlagSamples(
  paths: readonly { id: string; image: string; truth?: string | undefined }[],
  options: Pick<SweepCommandOptions, 'axis' | 'slice' | 'frame'>,
): Promise<Sample[]> {
  // --axis takes the voxel axis by letter (i, j, k) or number (0, 1, 2).
  const axis =
    options.axis === undefined
      ? undefined
      : ['i', 'j', 'k'].indexOf(options.axis) >= 0
        ? ['i', 'j', 'k'].indexOf(options.axis)
        : ['0', '1', '2'].indexOf(options.axis)
  if (axis === -1) throw new UsageError(`--axis must be i, j or k (or 0, 1, 2), got ${options.axis}`)
  const medical = {
    ...(axis !== undefined ? { axis: axis as 0 | 1 | 2 } : {}),
    ...(options.slice !== undefined ? { slice: options.slice } : {}),
    ...(options.frame !== undefined ? { frame: options.frame } : {}),
  }
  return Promise.all(paths.map((p) => loadSample(p.id, p.image, p.truth, medical)))
}

/** Sweeps the model on the samples, with the progress line; closes the model whatever happens. */
async function sweepModel(
  model: SegmentationModel,
  samples: readonly Sample[],
  transform: Transform,
  options: SweepCommandOptions,
  plan: RequirementPlan,
  withTruth: boolean,
): Promise<SweepResult> {
  const progress = createProgress({ quiet: Boolean(options.quiet) })
  try {
    const result = await sweep(model, samples, transform, {
      ...plan.sweep,
      reference: withTruth ? 'truth' : 'prediction',
      ...(options.cache === false ? { cache: false } : {}),
      // Only the frames the report draws: one sample's (memory grew with samples x values when all were kept).
      ...(options.out ? { keep: { frames: [options.sample ?? (samples[0] as Sample).id] } } : {}),
      onProgress: (p) => progress.update(`${model.name} ${transform.name}`, p),
    })
    progress.end()
    return result
  } finally {
    await model.close?.()
  }
}

/** The summary's first line: model, transform, samples, reference and the bound. */
function headerLine(model: string, transform: string, samples: number, withTruth: boolean, bound: string): string {
  const reference = withTruth ? 'the truth' : "the model's clean prediction (no --truth)"
  return `${model}: ${transform} on ${samples} sample${samples === 1 ? '' : 's'}, scored against ${reference}, ${bound}`
}

/**
 * `segsense sweep`: one transform swept on the user's model and images. Scores against `--truth` masks, or without
 * them against the model's own clean prediction. Prints the summary (or the result JSON with `--json`), writes an
 * HTML report with `--out`, and with `--check` exits 1 when a swept value scores below `--min`.
 */
export async function runSweep(options: SweepCommandOptions): Promise<number> {
  const modelSettings = modelOptionsFrom(options)
  if (!options.transform) throw new UsageError('--transform is required (see segsense transforms)')
  const transform = transformByName(options.transform, options.option)
  const { plan, min } = planFlags(transform, options, 'segsense sweep', options)
  const { metric } = plan.requirement
  const key = thresholdKey(metric)
  const paths = samplePaths(options.image ?? [], options.truth ?? [])
  const withTruth = paths.every((p) => p.truth)
  const samples = await loadFlagSamples(paths, options)
  const model = await loadOnnxModel(modelSettings.file, modelSettings.options)
  const result = await sweepModel(model, samples, transform, options, plan, withTruth)
  const plain = { ...result }
  // Judged over the swept values (all of them: the range given is the range swept).
  const verdict = evaluateRequirement(plain, plan.requirement)
  // With --confidence the summary and the chart need the verdict's lower bound (the same bootstrap).
  const entry: ReportEntry = {
    result: plain,
    metric,
    [key]: min,
    ...(options.range ? { required: plan.required } : {}),
    ...(verdict.confidence !== undefined ? { verdict } : {}),
  }
  if (options.json) {
    // The shape of an entry of `segsense check --json`: the verdict holds each class's stable interval and pass.
    const json = { pass: verdict.pass, required: plan.required, modelSettings: model.config, verdict, result: plain }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  } else {
    const bound = describeBound(metric, { direction: key === 'max' ? 'lower' : 'higher', limit: min })
    const header = headerLine(model.name, transform.name, samples.length, withTruth, bound)
    const settings = describeModelSettings(model.config, modelSettings.options)
    process.stdout.write(`${header}\nmodel settings: ${settings}\n\n${summaryTable(reportRows([entry]))}\n`)
    process.stdout.write(warningLines(plain))
  }
  if (options.out) {
    const frames = framesOf(result)
    const report = await writeReport(
      [{ ...entry, ...(options.sample ? { sample: options.sample } : {}), ...(frames ? { frames } : {}) }],
      resolve(options.out),
      { title: `segsense sweep: ${model.name}`, ...(key === 'min' ? { min } : {}) },
    )
    ;(options.json ? process.stderr : process.stdout).write(`${options.json ? '' : '\n'}report: ${report.index}\n`)
  }
  return options.check && !verdict.pass ? EXIT.failed : EXIT.ok
}
