import { resolve } from 'node:path'
import type { Sample } from '../core/types.js'
import { loadOnnxModel } from '../models/onnx.js'
import { type ComparedSweeps, comparisonHeadline, comparisonLines } from '../report/compare.js'
import { table } from '../report/format.js'
import { writeReport } from '../report/html.js'
import { comparisonSettingsOf } from '../requirements/comparison.js'
import type { RequirementPlan } from '../requirements/plan.js'
import { compareModels, comparisonSettings } from '../analysis/compare.js'
import type { SweepResult } from '../results/sweep-result.js'
import { sweep } from '../sweep/sweep.js'
import { transformByName } from '../transforms/registry.js'
import type { Transform } from '../transforms/transform.js'
import { type ModelFlags, describeModelSettings, modelOptionsFrom } from './model-options.js'
import { createProgress } from './progress.js'
import { type CommonOptions, EXIT, UsageError, samplePaths } from './shared.js'
import { type SweepFlags, loadFlagSamples, planFlags, warningLines } from './sweep.js'

/** Options of `segsense compare`, as commander parses them. */
export interface CompareCommandOptions extends SweepFlags, ModelFlags, CommonOptions {
  readonly baseline?: string
  readonly baselineConfig?: string
  readonly margin?: number
  readonly confidence?: number
  readonly resamples?: number
  readonly seed?: number
  readonly out?: string
  readonly json?: boolean
}

/** The baseline's model settings: those of `--baseline-config`, else the candidate's (without its name). */
function baselineSettingsOf(
  options: CompareCommandOptions,
  candidate: ReturnType<typeof modelOptionsFrom>,
): ReturnType<typeof modelOptionsFrom> {
  if (!options.baseline && !options.baselineConfig) throw new UsageError('--baseline <file.onnx> is required')
  const { name: _name, ...shared } = candidate.options
  return options.baselineConfig
    ? modelOptionsFrom({
        modelConfig: options.baselineConfig,
        ...(options.baseline ? { model: options.baseline } : {}),
        ...(options.modelClasses ? { modelClasses: options.modelClasses } : {}),
      })
    : { file: resolve(options.baseline as string), options: shared }
}

/** Sweeps each model in turn on the same samples and grid; returns the results and each model's settings line. */
async function sweepEach(
  models: readonly ReturnType<typeof modelOptionsFrom>[],
  samples: readonly Sample[],
  transform: Transform,
  plan: RequirementPlan,
  withTruth: boolean,
  quiet: boolean,
): Promise<{ results: SweepResult[]; settings: string[] }> {
  const progress = createProgress({ quiet })
  const results: SweepResult[] = []
  const settings: string[] = []
  for (const { file, options: modelOptions } of models) {
    const model = await loadOnnxModel(file, modelOptions)
    try {
      results.push(
        await sweep(model, samples, transform, {
          ...plan.sweep,
          reference: withTruth ? 'truth' : 'prediction',
          onProgress: (p) => progress.update(`${model.name} ${transform.name}`, p),
        }),
      )
      settings.push(`${model.name}: ${describeModelSettings(model.config, modelOptions)}`)
    } finally {
      await model.close?.()
    }
  }
  progress.end()
  return { results, settings }
}

/** The text summary: headline, model settings, the table of AUCs and p-values, one line per class. */
function comparisonText(sweeps: ComparedSweeps, settings: readonly string[]): string {
  const { candidate, comparison } = sweeps
  const f = (x: number | null): string => (x === null ? '-' : x.toFixed(3))
  const rows = [
    ['class', 'AUC candidate', 'AUC baseline', 'p', 'status'],
    ...comparison.classes.map((c) => [
      c.className,
      f(c.candidate.auc),
      f(c.baseline.auc),
      c.wilcoxon ? String(Number(c.wilcoxon.pvalue.toPrecision(2))) : '-',
      c.pass ? 'pass' : 'FAIL',
    ]),
  ]
  return [
    `${comparisonHeadline(comparison, candidate)}`,
    ...settings.map((s) => `model settings of ${s}`),
    '',
    ...table(rows),
    '',
    ...comparisonLines(sweeps),
    '',
  ].join('\n')
}

/**
 * `segsense compare`: sweeps the candidate (`--model`) and the baseline (`--baseline`, with the candidate's
 * settings, or those of `--baseline-config`) once each on the same images and grid, compares them with
 * `compareModels`, prints one line per class (or the JSON with `--json`), writes the report with `--out`, and
 * returns exit code 1 when the candidate is less robust.
 */
export async function runCompare(options: CompareCommandOptions): Promise<number> {
  const candidateSettings = modelOptionsFrom(options)
  const baselineSettings = baselineSettingsOf(options, candidateSettings)
  if (!options.transform) throw new UsageError('--transform is required (see segsense transforms)')
  const transform = transformByName(options.transform, options.option)
  const { plan } = planFlags(transform, options, 'segsense compare')
  const decision = comparisonSettingsOf(options)
  comparisonSettings(decision, 'segsense compare') // before the sweeps
  const paths = samplePaths(options.image ?? [], options.truth ?? [])
  const withTruth = paths.every((p) => p.truth)
  const samples = await loadFlagSamples(paths, options)
  const models = [candidateSettings, baselineSettings]
  const { results, settings } = await sweepEach(models, samples, transform, plan, withTruth, Boolean(options.quiet))
  const [candidate, baseline] = results as [SweepResult, SweepResult]
  const { min, metric, scoreClasses } = plan.requirement
  const comparison = compareModels(candidate, baseline, {
    min,
    metric,
    ...(scoreClasses ? { scoreClasses } : {}),
    ...decision,
  })
  if (options.json) {
    const json = { pass: comparison.pass, required: plan.required, comparison, candidate, baseline }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  } else {
    process.stdout.write(comparisonText({ candidate, baseline, comparison }, settings))
    process.stdout.write(warningLines(candidate) + warningLines(baseline))
  }
  if (options.out) {
    const report = await writeReport(
      [{ result: candidate, baseline, comparison, metric, min, required: plan.required }],
      resolve(options.out),
      { title: `segsense compare: ${candidate.model} vs ${baseline.model}` },
    )
    ;(options.json ? process.stderr : process.stdout).write(`${options.json ? '' : '\n'}report: ${report.index}\n`)
  }
  return comparison.pass ? EXIT.ok : EXIT.failed
}
