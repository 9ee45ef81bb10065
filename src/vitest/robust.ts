import type { MatcherState } from 'vitest'
import { optionKeys } from '../core/options.js'
import type { Sample, VolumeSample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { renderChartPng } from '../report/chart.js'
import { type RequirementOptions, type RequirementPlan, defaultsOf, planCall } from '../requirements/plan.js'
import { type RequirementVerdict, evaluateRequirement } from '../analysis/requirement.js'
import type { SweepResult } from '../results/sweep-result.js'
import { sweep } from '../sweep/sweep.js'
import { thresholdKey } from '../analysis/threshold.js'
import { isVolumeInput, type SliceSelection } from '../sweep/volume.js'
import type { Transform } from '../transforms/transform.js'
import type { AttachPolicy } from './config.js'
import { checkTransform, defineMatcher, transformName } from './frame.js'
import type { MatcherOutcome } from './meta.js'
import { type RobustFacts, chartNote, diffRows, robustMessage, worstFailure } from './robust-message.js'
import { type GridRobustOptions, toBeRobustToGrid } from './robust-grid.js'
import type { GridAxes } from '../sweep/grid2d.js'

/**
 * Options of `toBeRobustTo`: the requirement (grid, `min`, `metric`, `scoreClasses`, ...; the same keys as a spec
 * file's requirement), the samples, and when to attach the chart.
 */
export interface RobustOptions extends RequirementOptions {
  /**
   * Samples to sweep; default the `samples` set with `configureSegsense`. Volumes (`VolumeSample`s) are swept slice
   * by slice and scored in 3D (see `sweepVolumes`).
   */
  readonly samples?: readonly Sample[] | readonly VolumeSample[]
  /** Volumes only: which slices to predict (`'axial'` by default; see `SliceSelection`). */
  readonly slices?: SliceSelection
  /** When to attach the chart PNG to the test report; default `on-failure`. */
  readonly attach?: AttachPolicy
}

// The keys toBeRobustTo reads itself; the requirement keys go to the planner, which checks every key once.
const OWN_KEYS = optionKeys<Omit<RobustOptions, keyof RequirementOptions>>({
  samples: true,
  slices: true,
  attach: true,
})

/**
 * The `toBeRobustTo` matcher: sweeps `transform` over the required range on the samples and passes when every
 * swept value meets the threshold for every checked class. **Must be awaited**: `await expect(model).toBeRobustTo(...)`
 * (the setup entry fails a test that forgets it).
 */
export function toBeRobustTo(
  this: MatcherState,
  received: unknown,
  transform: Transform | GridAxes,
  options: RobustOptions | GridRobustOptions = {},
): Promise<MatcherOutcome> {
  // Two axes [a, b]: the grid form (robust-grid.ts).
  if (Array.isArray(transform))
    return toBeRobustToGrid.call(this, received, transform as GridAxes, options as GridRobustOptions)
  return robustToTransform.call(this, received, transform as Transform, options)
}

const robustToTransform = defineMatcher({
  name: 'toBeRobustTo',
  label: (transform: Transform, _options?: RobustOptions) => `toBeRobustTo(${transformName(transform)})`,
  async run(f, model, transform, options = {}) {
    checkTransform('toBeRobustTo(transform, options)', transform)
    const { samples: given, slices, attach, ...requirement } = options
    const plan = planCall(transform, requirement, defaultsOf(f.defaults), { where: f.label, ownKeys: OWN_KEYS })
    const samples = f.samples<Sample | VolumeSample>(given)
    const policy = f.attachPolicy(attach)
    const onProgress = f.progress()
    const sweepOptions = {
      ...plan.sweep,
      ...(onProgress ? { onProgress } : {}),
      ...(slices !== undefined ? { slices } : {}),
    }
    const result = await sweep(model, samples as Sample[], transform, sweepOptions)
    const verdict = evaluateRequirement(result, plan.requirement)
    // Which class takes over a failing class: the confusion counts of the worst failing values only, swept again
    // (one prediction per sample and value, on failure only; the main sweep stays cacheable and refinable).
    const explain = !verdict.pass && !f.isNot && !isVolumeInput(samples)
    const confusion = explain ? await confusionAtWorst(model, samples as Sample[], plan, verdict, result) : undefined
    const facts: RobustFacts = { plan, result, verdict, samples: samples.length, ...(confusion ? { confusion } : {}) }
    const message = [f.hint('transform'), '', ...robustMessage(facts, f.isNot)].join('\n')
    const key = thresholdKey(verdict.metric)
    const threshold = plan.requirement[key]
    const { confidence, resamples, seed } = verdict
    const band = confidence !== undefined ? { confidence, resamples, seed } : {}
    const classes = verdict.classes.map((c) => c.className)
    const chart = { metric: verdict.metric, [key]: threshold, required: plan.required, classes, ...band }
    return f.assert({
      pass: verdict.pass,
      message: () => message,
      ...(verdict.pass ? {} : diffRows(result, verdict)),
      sweep: { matcher: 'toBeRobustTo', result, verdict, required: plan.required, [key]: threshold },
      attach: policy,
      charts: [{ note: chartNote(facts), render: () => renderChartPng(result, chart) }],
    })
  },
})

/**
 * The sweep with confusion counts at the failing classes' worst values (uncached), or the sweep itself when it
 * counted them: what names the class that takes over.
 */
async function confusionAtWorst(
  model: SegmentationModel,
  samples: readonly Sample[],
  plan: RequirementPlan,
  verdict: RequirementVerdict,
  result: SweepResult,
): Promise<SweepResult | undefined> {
  if (result.confusion) return result
  const worst = verdict.classes.filter((c) => !c.pass).map((c) => worstFailure(result, verdict, c.className))
  const values = [...new Set(worst.filter((v): v is number => v !== undefined))]
  if (values.length === 0) return undefined
  const { range: _r, step: _s, steps: _n, values: _v, refine: _f, cache: _c, onProgress: _p, ...rest } = plan.sweep
  return sweep(model, samples, plan.transform, { ...rest, values, confusion: true, cache: false })
}
