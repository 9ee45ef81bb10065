import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample, VolumeSample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { renderChartPng } from '../report/chart.js'
import { type RequirementOptions, defaultsOf, planRequirement } from '../spec/plan.js'
import { evaluateRequirement, type RequirementVerdict } from '../sweep/requirement.js'
import type { SweepResult } from '../sweep/result.js'
import { sweep } from '../sweep/sweep.js'
import { describeFailure, formatMetricScore, limitOf, meets, thresholdKey } from '../sweep/threshold.js'
import type { SliceSelection } from '../sweep/volume.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { formatInterval, formatScore, formatValue, table } from '../report/format.js'
import { type MatcherOutcome, attachChart, recordSweep } from './meta.js'
import { tracked } from './pending.js'
import { progressReporter } from './progress.js'

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

// Written out (not REQUIREMENT_KEYS plus two) so that the compiler flags a key added to RobustOptions alone.
const ROBUST_OPTION_KEYS = optionKeys<RobustOptions>({
  range: true, step: true, steps: true, values: true, min: true, max: true, minDice: true, metric: true, nsdTolerance: true,
  scoreClasses: true, classes: true, aggregate: true, reference: true, batchSize: true, emptyPolicy: true, batchTimeout: true,
  samples: true, attach: true, slices: true,
})

/** Checks that `received` looks like a SegmentationModel and `transform` like a Transform. */
export function checkMatcherInput(matcher: string, received: unknown, transform: unknown): asserts received is SegmentationModel {
  const model = received as Partial<SegmentationModel> | null
  if (!model || typeof model !== 'object' || typeof model.predict !== 'function' || typeof model.classes !== 'object') {
    throw new SegsenseError('E_BAD_PARAMETER', `${matcher}: expect(model) needs a SegmentationModel (from loadOnnxModel or functionModel), got ${describeValue(received)}`)
  }
  const t = transform as Partial<Transform> | null
  if (!t || typeof t !== 'object' || typeof t.image !== 'function' || !t.parameter) {
    throw new SegsenseError('E_BAD_PARAMETER', `${matcher}(transform, options): transform must be a segsense Transform (e.g. rotate, zoom.with({...})), got ${describeValue(transform)}`)
  }
}

/** The samples of a matcher call, or of configureSegsense; a clear error when there are none. */
export function resolveSamples<T extends Sample | VolumeSample = Sample>(matcher: string, samples: readonly T[] | undefined): T[] {
  const list = samples ?? (segsenseDefaults().samples as readonly T[] | undefined)
  if (!list || list.length === 0) {
    throw new SegsenseError('E_BAD_PARAMETER', `${matcher} needs samples: pass { samples } or set them once with configureSegsense({ samples })`)
  }
  return [...list]
}

/** Builds the failure table and the diffable actual/expected rows of a verdict. */
function failureReport(result: SweepResult, verdict: RequirementVerdict): { table: string[]; actual: string[]; expected: string[] } {
  const { metric } = verdict
  const each = verdict.aggregate === 'each'
  const lower = verdict.direction === 'lower'
  // A distance fails in words, in mm ("hd95 7.2 mm > 5 mm"); a score keeps its score and min columns.
  const rows: string[][] = [['class', ...(each ? ['sample'] : []), result.transform.parameter.name, ...(lower ? ['failure'] : [metric, 'min'])]]
  for (const f of verdict.failures) rows.push([f.className, ...(each ? [f.sample ?? ''] : []), formatValue(result, f.value), ...(lower ? [describeFailure(metric, f.score, limitOf(f))] : [formatScore(f.score), String(limitOf(f))])])
  // One row per (sample,) value listing every checked class, so that the diff marks only the failing rows.
  const curves = each ? result.samples.map((s) => ({ label: `${s.id} `, scores: s.scores[metric] ?? {} })) : [{ label: '', scores: result.mean[metric] ?? {} }]
  const actual: string[] = []
  const expected: string[] = []
  for (const { label, scores } of curves) {
    result.values.forEach((value, k) => {
      const head = `${label}${result.transform.name}(${formatValue(result, value)}):`
      const got = verdict.classes.map((c) => `${c.className} ${formatMetricScore(metric, scores[c.className]?.[k])}`)
      const want = verdict.classes.map((c) => {
        const s = scores[c.className]?.[k]
        const bound = { direction: verdict.direction, limit: limitOf(c) }
        return meets(s, bound) ? `${c.className} ${formatMetricScore(metric, s)}` : `${c.className} ${lower ? '<=' : '>='} ${limitOf(c)}${lower ? ' mm' : ''}`
      })
      actual.push(`${head} ${got.join(', ')}`)
      expected.push(`${head} ${want.join(', ')}`)
    })
  }
  return { table: table(rows), actual, expected }
}

/**
 * The `toBeRobustTo` matcher: sweeps `transform` over the required range on the samples and passes when every
 * swept value meets the threshold for every checked class. **Must be awaited**: `await expect(model).toBeRobustTo(...)`
 * (the setup entry fails a test that forgets it).
 */
export function toBeRobustTo(this: MatcherState, received: unknown, transform: Transform, options: RobustOptions = {}): Promise<MatcherOutcome> {
  return tracked(`toBeRobustTo(${(transform as Partial<Transform> | undefined)?.name ?? '?'})`, this.task?.id, Boolean(this.soft), async () => {
    checkMatcherInput('toBeRobustTo', received, transform)
    checkKnownKeys(options, ROBUST_OPTION_KEYS, `toBeRobustTo(${transform.name}) options`)
    const defaults = segsenseDefaults()
    const samples = resolveSamples<Sample | VolumeSample>('toBeRobustTo', options.samples)
    const { samples: _samples, attach: _attach, slices, ...requirementOptions } = options
    const plan = planRequirement(transform, requirementOptions, defaultsOf(defaults), `toBeRobustTo(${transform.name})`)
    const { metric } = plan.requirement
    const key = thresholdKey(metric)
    const threshold = plan.requirement[key]
    const required = plan.required
    const onProgress = progressReporter(`toBeRobustTo(${transform.name})`)
    const sweepOptions = { ...plan.sweep, ...(onProgress ? { onProgress } : {}), ...(slices !== undefined ? { slices } : {}) }
    const result = await sweep(received, samples as Sample[], transform, sweepOptions)
    const verdict = evaluateRequirement(result, plan.requirement)
    const pass = verdict.pass
    const isNot = Boolean(this.isNot)
    const assertionFails = pass === isNot
    recordSweep(this.task as { meta: object } | undefined, { matcher: 'toBeRobustTo', pass: !assertionFails, result, verdict, required, [key]: threshold })

    const hint = this.utils.matcherHint('toBeRobustTo', 'model', 'transform', { isNot, promise: this.promise })
    const range = `[${formatValue(result, required[0])}, ${formatValue(result, required[1])}]`
    const over = `${verdict.aggregate === 'each' ? `each of ${samples.length} samples` : `the mean over ${samples.length} sample${samples.length === 1 ? '' : 's'}`}`
    const thresholds = verdict.classes.map((c) => `${c.className} ${key === 'max' ? `<= ${limitOf(c)} mm` : `>= ${limitOf(c)}`}`).join(', ')
    const requirement = `Required: ${metric} ${thresholds} under ${transform.name} over ${range} (${plan.gridText}), ${over}`
    const intervals = verdict.classes.map((c) =>
      c.pass ? `${c.className} passes over the whole required range` : `${c.className} stable for ${transform.name} in ${formatInterval(result, c.interval)}, required ${range}${c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''}`)

    let report: ReturnType<typeof failureReport> | undefined
    // Sample/class pairs with nothing to score (null, left out of the means): said, so that a null is explained.
    const warnings = result.warnings?.length ? ['', `Not scored (${result.warnings.length}):`, ...result.warnings.map((w) => `  ${w.message}`)] : []
    const message = (): string => {
      if (isNot) {
        return [hint, '', `${requirement}.`, `Expected some value to fail, but every value passed:`, ...intervals.map((l) => `  ${l}`), ...warnings].join('\n')
      }
      report ??= failureReport(result, verdict)
      return [hint, '', `${requirement}.`, ...intervals, ...warnings, '', `Values that failed (${verdict.failures.length}):`, ...report.table.map((l) => `  ${l}`)].join('\n')
    }

    const note = `${transform.name}: ${verdict.classes.map((c) => `${c.className} ${c.pass ? 'passes' : `stable in ${formatInterval(result, c.interval)}${c.failingSamples.length ? ` (mean), failing samples: ${c.failingSamples.join(', ')}` : ''}`}`).join('; ')} (required ${range})`
    await attachChart(this.task, options.attach ?? defaults.attach ?? 'on-failure', assertionFails, note, () => renderChartPng(result, { metric, [key]: threshold, required, classes: verdict.classes.map((c) => c.className) }))

    if (!pass && !isNot) {
      report ??= failureReport(result, verdict)
      return { pass, message, actual: report.actual, expected: report.expected }
    }
    return { pass, message }
  })
}
