import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { comparisonHeadline, comparisonLines, renderComparisonPng } from '../report/compare.js'
import {
  comparisonSettingsOf,
  planComparison,
  runComparison,
  withoutComparisonSettings,
} from '../requirements/comparison.js'
import { type RequirementOptions, defaultsOf } from '../requirements/plan.js'
import { type ComparisonSettings, comparisonSettings } from '../analysis/compare.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { type MatcherOutcome, attachChart, recordSweep } from './meta.js'
import { tracked } from './pending.js'
import { progressReporter } from './progress.js'
import { checkMatcherInput, resolveSamples } from './robust.js'

/**
 * Options of `toBeAtLeastAsRobustAs`: the grid and scoring keys of a requirement (`range`, `step`, `metric`,
 * `scoreClasses`, `reference`, ...; `min` is the threshold of the stable intervals reported, default 0.8), the
 * comparison's `margin`, `confidence`, `resamples` and `seed`, the samples, and when to attach the chart.
 */
export interface AtLeastAsRobustOptions
  extends Omit<RequirementOptions, 'aggregate' | 'refine' | 'repeats' | 'confusion'>, ComparisonSettings {
  /** Samples both models are swept on; default the `samples` set with `configureSegsense`. */
  readonly samples?: readonly Sample[]
  /** When to attach the chart of both curves to the test report; default `on-failure`. */
  readonly attach?: AttachPolicy
}

const AT_LEAST_KEYS = optionKeys<AtLeastAsRobustOptions>({
  range: true,
  step: true,
  steps: true,
  values: true,
  min: true,
  max: true,
  minDice: true,
  metric: true,
  nsdTolerance: true,
  scoreClasses: true,
  classes: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  batchTimeout: true,
  margin: true,
  confidence: true,
  resamples: true,
  seed: true,
  samples: true,
  attach: true,
})

/**
 * The `toBeAtLeastAsRobustAs` matcher: sweeps the candidate (`expect(candidate)`) and the baseline once each on the
 * same samples and grid, compares them with `compareModels`, and passes when no compared class's AUC is lower than
 * the baseline's by more than `margin` (at the lower confidence bound when `confidence` is given). **Must be awaited.**
 */
export function toBeAtLeastAsRobustAs(
  this: MatcherState,
  received: unknown,
  baseline: SegmentationModel,
  transform: Transform,
  options: AtLeastAsRobustOptions = {},
): Promise<MatcherOutcome> {
  const name = `toBeAtLeastAsRobustAs(${(transform as Partial<Transform> | undefined)?.name ?? '?'})`
  return tracked(name, this.task?.id, Boolean(this.soft), async () => {
    checkMatcherInput('toBeAtLeastAsRobustAs', received, transform)
    const b = baseline as Partial<SegmentationModel> | null
    if (!b || typeof b !== 'object' || typeof b.predict !== 'function' || typeof b.classes !== 'object') {
      throw new SegsenseError(
        'E_BAD_PARAMETER',
        `toBeAtLeastAsRobustAs(baseline, transform, options): baseline must be a SegmentationModel (from loadOnnxModel or functionModel), got ${describeValue(baseline)}`,
      )
    }
    checkKnownKeys(options, AT_LEAST_KEYS, `${name} options`)
    const defaults = segsenseDefaults()
    const samples = resolveSamples('toBeAtLeastAsRobustAs', options.samples)
    const { samples: _samples, attach: _attach, ...rest } = options
    const plan = planComparison(transform, withoutComparisonSettings(rest), defaultsOf(defaults), name)
    const settings = comparisonSettingsOf(options)
    comparisonSettings(settings, name) // before the sweeps
    const reporters = new Map([received, baseline].map((m) => [m.name, progressReporter(`${name} ${m.name}`)]))
    const {
      candidate: a,
      baseline: bResult,
      comparison,
    } = await runComparison(received, baseline, samples, plan, settings, (model, p) => reporters.get(model)?.(p))
    const { min, metric } = plan.requirement
    const pass = comparison.pass
    const isNot = Boolean(this.isNot)
    const assertionFails = pass === isNot
    recordSweep(this.task as { meta: object } | undefined, {
      matcher: 'toBeAtLeastAsRobustAs',
      pass: !assertionFails,
      result: a,
      baseline: bResult,
      comparison,
      required: plan.required,
      min,
    })

    const hint = this.utils.matcherHint('toBeAtLeastAsRobustAs', 'candidate', 'baseline, transform', {
      isNot,
      promise: this.promise,
    })
    const sweeps = { candidate: a, baseline: bResult, comparison }
    const lines = comparisonLines(sweeps).map((l) => `  ${l}`)
    const warnings = [...(a.warnings ?? []), ...(bResult.warnings ?? [])]
    const notScored = warnings.length
      ? ['', `Not scored (${warnings.length}):`, ...warnings.map((w) => `  ${w.message}`)]
      : []
    const message = (): string =>
      [
        hint,
        '',
        `${comparisonHeadline(comparison, a)}${isNot ? ', but it was expected to be less robust' : ''}:`,
        ...lines,
        ...notScored,
        '',
        `AUC: candidate − baseline, mean over samples with its ${Math.round(comparison.confidence * 100)}% paired bootstrap interval; p: paired Wilcoxon signed-rank test on the per-sample AUCs; stable: candidate vs baseline at ${metric} >= ${comparison.classes.map((c) => c.min).every((t, _, all) => t === all[0]) ? comparison.classes[0]?.min : comparison.classes.map((c) => `${c.min} (${c.className})`).join(', ')}.`,
      ].join('\n')
    await attachChart(
      this.task,
      options.attach ?? defaults.attach ?? 'on-failure',
      assertionFails,
      `${comparisonHeadline(comparison, a)}: ${comparisonLines(sweeps).join('; ')}`,
      () => renderComparisonPng(sweeps),
    )
    return { pass, message }
  })
}
