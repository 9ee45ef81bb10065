import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample, VolumeSample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import { renderChartPng } from '../report/chart.js'
import { type RequirementOptions, defaultsOf, planRequirement } from '../requirements/plan.js'
import { evaluateRequirement, type ClassVerdict, type RequirementVerdict } from '../analysis/requirement.js'
import { takeOver } from '../analysis/take-over.js'
import type { SweepResult } from '../results/sweep-result.js'
import { summarize } from '../analysis/summarize.js'
import { sweep } from '../sweep/sweep.js'
import { type SweepOptions } from '../sweep/types.js'
import { describeFailure, formatMetricScore, limitOf, meets, thresholdKey } from '../analysis/threshold.js'
import { isVolumeInput, type SliceSelection } from '../sweep/volume.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { formatInterval, formatScore, formatValue, table } from '../report/format.js'
import { type MatcherOutcome, attachChart, recordSweep } from './meta.js'
import { tracked } from './pending.js'
import { progressReporter } from './progress.js'
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

// Written out (not REQUIREMENT_KEYS plus two) so that the compiler flags a key added to RobustOptions alone.
const ROBUST_OPTION_KEYS = optionKeys<RobustOptions>({
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
  aggregate: true,
  reference: true,
  batchSize: true,
  emptyPolicy: true,
  batchTimeout: true,
  confidence: true,
  resamples: true,
  seed: true,
  repeats: true,
  confusion: true,
  samples: true,
  attach: true,
  slices: true,
  refine: true,
})

/** Checks that `received` looks like a SegmentationModel and `transform` like a Transform. */
export function checkMatcherInput(
  matcher: string,
  received: unknown,
  transform: unknown,
): asserts received is SegmentationModel {
  const model = received as Partial<SegmentationModel> | null
  if (!model || typeof model !== 'object' || typeof model.predict !== 'function' || typeof model.classes !== 'object') {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${matcher}: expect(model) needs a SegmentationModel (from loadOnnxModel or functionModel), got ${describeValue(received)}`,
    )
  }
  const t = transform as Partial<Transform> | null
  if (!t || typeof t !== 'object' || typeof t.image !== 'function' || !t.parameter) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${matcher}(transform, options): transform must be a segsense Transform (e.g. rotate, zoom.with({...})), got ${describeValue(transform)}`,
    )
  }
}

/** The samples of a matcher call, or of configureSegsense; a clear error when there are none. */
export function resolveSamples<T extends Sample | VolumeSample = Sample>(
  matcher: string,
  samples: readonly T[] | undefined,
): T[] {
  const list = samples ?? (segsenseDefaults().samples as readonly T[] | undefined)
  if (!list || list.length === 0) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${matcher} needs samples: pass { samples } or set them once with configureSegsense({ samples })`,
    )
  }
  return [...list]
}

/** Builds the failure table and the diffable actual/expected rows of a verdict. */
function failureReport(
  result: SweepResult,
  verdict: RequirementVerdict,
): { table: string[]; actual: string[]; expected: string[] } {
  const { metric } = verdict
  const each = verdict.aggregate === 'each'
  const lower = verdict.direction === 'lower'
  const bound = verdict.confidence !== undefined ? [`${percent(verdict.confidence)} lower`] : []
  // A distance fails in words, in mm ("hd95 7.2 mm > 5 mm"); a score keeps its score (and bound) and min columns.
  const rows: string[][] = [
    [
      'class',
      ...(each ? ['sample'] : []),
      result.transform.parameter.name,
      ...(lower ? ['failure'] : [metric, ...bound, 'min']),
    ],
  ]
  for (const f of verdict.failures)
    rows.push([
      f.className,
      ...(each ? [f.sample ?? ''] : []),
      formatValue(result, f.value),
      ...(lower
        ? [describeFailure(metric, f.score, limitOf(f))]
        : [formatScore(f.score), ...(bound.length ? [formatScore(f.lower)] : []), String(limitOf(f))]),
    ])
  // One row per (sample,) value listing every checked class, so that the diff marks only the failing rows.
  const curves = each
    ? result.samples.map((s) => ({ label: `${s.id} `, scores: s.scores[metric] ?? {} }))
    : [{ label: '', scores: result.mean[metric] ?? {} }]
  const actual: string[] = []
  const expected: string[] = []
  for (const { label, scores } of curves) {
    result.values.forEach((value, k) => {
      const head = `${label}${result.transform.name}(${formatValue(result, value)}):`
      const got = verdict.classes.map((c) => `${c.className} ${formatMetricScore(metric, scores[c.className]?.[k])}`)
      const want = verdict.classes.map((c) => {
        const s = scores[c.className]?.[k]
        const bound = { direction: verdict.direction, limit: limitOf(c) }
        return meets(s, bound)
          ? `${c.className} ${formatMetricScore(metric, s)}`
          : `${c.className} ${lower ? '<=' : '>='} ${limitOf(c)}${lower ? ' mm' : ''}`
      })
      actual.push(`${head} ${got.join(', ')}`)
      expected.push(`${head} ${want.join(', ')}`)
    })
  }
  return { table: table(rows), actual, expected }
}

/** `95 %` for 0.95. */
function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`
}

/** The stable interval(s) of a class as the messages give them: the mean's, and with `confidence` its lower bound's too. */
function intervalsText(result: SweepResult, verdict: RequirementVerdict, c: ClassVerdict): string {
  const mean = formatInterval(result, c.interval)
  if (verdict.confidence === undefined) return mean
  return `${mean} (mean), ${formatInterval(result, c.lowerInterval ?? null)} (${percent(verdict.confidence)} lower bound)`
}

/**
 * Which class takes over a failing class at its worst failing value (the lowest score, an undefined one first; among
 * equal scores the one nearest the neutral value, where the failure begins), from the sweep's confusion counts:
 * `at 40 deg, 61 % of LV pixels predicted as MYO`. Nothing when no pixel of the class went elsewhere.
 */
function takeOverText(result: SweepResult, verdict: RequirementVerdict, className: string): string | undefined {
  const value = worstFailure(result, verdict, className)
  if (value === undefined) return undefined
  const t = takeOver(result, className, result.values.indexOf(value))
  if (!t || t.share === 0) return undefined
  return `at ${formatValue(result, value)}, ${percent(t.share)} of ${className} pixels predicted as ${t.predicted} (${percent(t.kept)} kept)`
}

/** The worst failing value of a class: the lowest score (an undefined one first), nearest the neutral value on ties. */
function worstFailure(result: SweepResult, verdict: RequirementVerdict, className: string): number | undefined {
  const neutral = result.transform.parameter.neutral
  let worst: RequirementVerdict['failures'][number] | undefined
  for (const f of verdict.failures) {
    if (f.className !== className) continue
    const a = f.score ?? -1
    const b = worst ? (worst.score ?? -1) : Infinity
    if (!worst || a < b || (a === b && Math.abs(f.value - neutral) < Math.abs(worst.value - neutral))) worst = f
  }
  return worst?.value
}

/** A sweep of the failing classes' worst values with confusion counts (uncached): what {@link takeOverText} reads. */
async function confusionSweep(
  model: SegmentationModel,
  samples: readonly Sample[],
  transform: Transform,
  options: SweepOptions,
  verdict: RequirementVerdict,
  result: SweepResult,
): Promise<SweepResult | undefined> {
  const values = [
    ...new Set(
      verdict.classes
        .filter((c) => !c.pass)
        .map((c) => worstFailure(result, verdict, c.className))
        .filter((v): v is number => v !== undefined),
    ),
  ]
  if (values.length === 0) return undefined
  const {
    range: _range,
    step: _step,
    steps: _steps,
    values: _values,
    refine: _refine,
    cache: _cache,
    onProgress: _progress,
    ...rest
  } = options
  return sweep(model, samples, transform, { ...rest, values, confusion: true, cache: false })
}

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
  return robustToTransform.call(this, received, transform as Transform, options as RobustOptions)
}

function robustToTransform(
  this: MatcherState,
  received: unknown,
  transform: Transform,
  options: RobustOptions,
): Promise<MatcherOutcome> {
  return tracked(
    `toBeRobustTo(${(transform as Partial<Transform> | undefined)?.name ?? '?'})`,
    this.task?.id,
    Boolean(this.soft),
    async () => {
      checkMatcherInput('toBeRobustTo', received, transform)
      checkKnownKeys(options, ROBUST_OPTION_KEYS, `toBeRobustTo(${transform.name}) options`)
      const defaults = segsenseDefaults()
      const samples = resolveSamples<Sample | VolumeSample>('toBeRobustTo', options.samples)
      const { samples: _samples, attach: _attach, slices, ...requirementOptions } = options
      const plan = planRequirement(
        transform,
        requirementOptions,
        defaultsOf(defaults),
        `toBeRobustTo(${transform.name})`,
      )
      const { metric } = plan.requirement
      const key = thresholdKey(metric)
      const threshold = plan.requirement[key]
      const required = plan.required
      const onProgress = progressReporter(`toBeRobustTo(${transform.name})`)
      const volumes = isVolumeInput(samples)
      const sweepOptions = {
        ...plan.sweep,
        ...(onProgress ? { onProgress } : {}),
        ...(slices !== undefined ? { slices } : {}),
      }
      const result = await sweep(received, samples as Sample[], transform, sweepOptions)
      const verdict = evaluateRequirement(result, plan.requirement)
      const pass = verdict.pass
      const isNot = Boolean(this.isNot)
      const assertionFails = pass === isNot
      recordSweep(this.task as { meta: object } | undefined, {
        matcher: 'toBeRobustTo',
        pass: !assertionFails,
        result,
        verdict,
        required,
        [key]: threshold,
      })

      const hint = this.utils.matcherHint('toBeRobustTo', 'model', 'transform', { isNot, promise: this.promise })
      const range = `[${formatValue(result, required[0])}, ${formatValue(result, required[1])}]`
      const over = `${verdict.aggregate === 'each' ? `each of ${samples.length} samples` : `the ${verdict.confidence !== undefined ? `${percent(verdict.confidence)} lower confidence bound of the ` : ''}mean over ${samples.length} sample${samples.length === 1 ? '' : 's'}`}${plan.sweep.repeats !== undefined && plan.sweep.repeats > 1 ? ` (${plan.sweep.repeats} draws each)` : ''}`
      const thresholds = verdict.classes
        .map((c) => `${c.className} ${key === 'max' ? `<= ${limitOf(c)} mm` : `>= ${limitOf(c)}`}`)
        .join(', ')
      const requirement = `Required: ${metric} ${thresholds} under ${transform.name} over ${range} (${plan.gridText}), ${over}`
      // Which class takes over a failing class: the confusion counts of the worst failing values only, swept again
      // (one prediction per sample and value, on failure only; the main sweep stays cacheable and refinable).
      const confusionAtWorst =
        !pass && !isNot && !volumes
          ? result.confusion
            ? result
            : await confusionSweep(received, samples as Sample[], transform, plan.sweep, verdict, result)
          : undefined
      const intervals = verdict.classes.flatMap((c) => {
        if (c.pass)
          return [
            `${c.className} passes over the whole required range${verdict.confidence !== undefined ? ` (stable in ${intervalsText(result, verdict, c)})` : ''}`,
          ]
        const taken = confusionAtWorst ? takeOverText(confusionAtWorst, verdict, c.className) : undefined
        return [
          `${c.className} stable for ${transform.name} in ${intervalsText(result, verdict, c)}, required ${range}${c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''}`,
          ...(taken ? [`  ${taken}`] : []),
        ]
      })

      let report: ReturnType<typeof failureReport> | undefined
      // Sample/class pairs with nothing to score (null, left out of the means): said, so that a null is explained.
      const warnings = result.warnings?.length
        ? ['', `Not scored (${result.warnings.length}):`, ...result.warnings.map((w) => `  ${w.message}`)]
        : []
      const message = (): string => {
        if (isNot) {
          return [
            hint,
            '',
            `${requirement}.`,
            `Expected some value to fail, but every value passed:`,
            ...intervals.map((l) => `  ${l}`),
            ...warnings,
          ].join('\n')
        }
        report ??= failureReport(result, verdict)
        return [
          hint,
          '',
          `${requirement}.`,
          ...intervals,
          ...warnings,
          '',
          `Values that failed (${verdict.failures.length}):`,
          ...report.table.map((l) => `  ${l}`),
        ].join('\n')
      }

      const band =
        verdict.confidence !== undefined
          ? { confidence: verdict.confidence, resamples: verdict.resamples, seed: verdict.seed }
          : {}
      // Every class's interval and AUC: with attach 'always' the note is the JUnit reporter's test property.
      const aucOf = (c: ClassVerdict): string => {
        const auc = summarize(result, { metric, [key]: limitOf(c) }).classes[c.className]?.auc
        return typeof auc === 'number' ? `, AUC ${auc.toFixed(3)}` : ''
      }
      const classNote = (c: ClassVerdict): string =>
        `${c.className} ${c.pass ? 'passes' : 'fails'}, stable in ${intervalsText(result, verdict, c)}${aucOf(c)}` +
        (c.failingSamples.length ? `, failing samples: ${c.failingSamples.join(', ')}` : '')
      const note = `${transform.name}: ${verdict.classes.map(classNote).join('; ')} (required ${range})`
      await attachChart(this.task, options.attach ?? defaults.attach ?? 'on-failure', assertionFails, note, () =>
        renderChartPng(result, {
          metric,
          [key]: threshold,
          required,
          classes: verdict.classes.map((c) => c.className),
          ...band,
        }),
      )

      if (!pass && !isNot) {
        report ??= failureReport(result, verdict)
        return { pass, message, actual: report.actual, expected: report.expected }
      }
      return { pass, message }
    },
  )
}
