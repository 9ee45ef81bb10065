import { SegsenseError, describeValue } from '../core/errors.js'
import { optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { comparisonHeadline, comparisonLines, renderComparisonPng } from '../report/compare.js'
import {
  comparisonSettingsOf,
  planComparison,
  runComparison,
  withoutComparisonSettings,
} from '../requirements/comparison.js'
import { REQUIREMENT_KEYS, type RequirementOptions, defaultsOf } from '../requirements/plan.js'
import {
  COMPARISON_KEYS,
  type ComparisonSettings,
  type ModelComparison,
  comparisonSettings,
} from '../analysis/compare.js'
import type { Transform } from '../transforms/transform.js'
import type { AttachPolicy } from './config.js'
import { checkTransform, defineMatcher, transformName } from './frame.js'
import { warningLines } from './robust-message.js'
import type { SweepProgress } from '../sweep/types.js'

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

// The keys toBeAtLeastAsRobustAs reads itself (the comparison's settings among them); the requirement keys it takes
// go to the planner, which checks every key once.
const OWN_KEYS = [
  ...COMPARISON_KEYS,
  ...optionKeys<Pick<AtLeastAsRobustOptions, 'samples' | 'attach'>>({ samples: true, attach: true }),
]
const NOT_COMPARED: readonly string[] = ['aggregate', 'refine', 'repeats', 'confusion', ...COMPARISON_KEYS]
const TAKES = REQUIREMENT_KEYS.filter((k) => !NOT_COMPARED.includes(k))

/** Checks the `baseline` argument. */
function checkBaseline(baseline: unknown): asserts baseline is SegmentationModel {
  const b = baseline as Partial<SegmentationModel> | null
  if (!b || typeof b !== 'object' || typeof b.predict !== 'function' || typeof b.classes !== 'object') {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      'toBeAtLeastAsRobustAs(baseline, transform, options): baseline must be a SegmentationModel ' +
        `(from loadOnnxModel or functionModel), got ${describeValue(baseline)}`,
    )
  }
}

/**
 * The `toBeAtLeastAsRobustAs` matcher: sweeps the candidate (`expect(candidate)`) and the baseline once each on the
 * same samples and grid, compares them with `compareModels`, and passes when no compared class's AUC is lower than
 * the baseline's by more than `margin` (at the lower confidence bound when `confidence` is given). **Must be awaited.**
 */
export const toBeAtLeastAsRobustAs = defineMatcher({
  name: 'toBeAtLeastAsRobustAs',
  label: (_baseline: SegmentationModel, transform: Transform, _options?: AtLeastAsRobustOptions) =>
    `toBeAtLeastAsRobustAs(${transformName(transform)})`,
  async run(f, candidate, baseline, transform, options = {}) {
    checkTransform('toBeAtLeastAsRobustAs(baseline, transform, options)', transform)
    checkBaseline(baseline)
    const { samples: given, attach, ...rest } = options
    const caller = { where: f.label, takes: TAKES, ownKeys: OWN_KEYS }
    const plan = planComparison(transform, withoutComparisonSettings(rest), defaultsOf(f.defaults), caller)
    const settings = comparisonSettingsOf(options)
    comparisonSettings(settings, f.label) // before the sweeps
    const samples = f.samples(given)
    const policy = f.attachPolicy(attach)
    const reporters = new Map([candidate, baseline].map((m) => [m.name, f.progress(`${f.label} ${m.name}`)]))
    const progress = (model: string, p: SweepProgress): void => reporters.get(model)?.(p)
    const sweeps = await runComparison(candidate, baseline, samples, plan, settings, progress)
    const { candidate: a, baseline: b, comparison } = sweeps
    const headline = comparisonHeadline(comparison, a)
    const message = [
      f.hint('baseline, transform', 'candidate'),
      '',
      `${headline}${f.isNot ? ', but it was expected to be less robust' : ''}:`,
      ...comparisonLines(sweeps).map((l) => `  ${l}`),
      ...warningLines([...(a.warnings ?? []), ...(b.warnings ?? [])]),
      '',
      legend(comparison, plan.requirement.metric),
    ].join('\n')
    return f.assert({
      pass: comparison.pass,
      message: () => message,
      sweep: {
        matcher: 'toBeAtLeastAsRobustAs',
        result: a,
        baseline: b,
        comparison,
        required: plan.required,
        min: plan.requirement.min,
      },
      attach: policy,
      charts: [
        { note: `${headline}: ${comparisonLines(sweeps).join('; ')}`, render: () => renderComparisonPng(sweeps) },
      ],
    })
  },
})

/** The last line of the message: what the AUC, p and stable columns are. */
function legend(comparison: ModelComparison, metric: string): string {
  const mins = comparison.classes.map((c) => c.min)
  const same = mins.every((t) => t === mins[0])
  const at = same
    ? String(comparison.classes[0]?.min)
    : comparison.classes.map((c) => `${c.min} (${c.className})`).join(', ')
  return (
    `AUC: candidate − baseline, mean over samples with its ${Math.round(comparison.confidence * 100)}% paired ` +
    'bootstrap interval; p: paired Wilcoxon signed-rank test on the per-sample AUCs; ' +
    `stable: candidate vs baseline at ${metric} >= ${at}.`
  )
}
