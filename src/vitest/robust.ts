import type { MatcherState } from 'vitest'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { Sample } from '../core/types.js'
import type { MetricName } from '../metrics/overlap.js'
import type { SegmentationModel } from '../models/model.js'
import { renderChartPng } from '../report/chart.js'
import type { GridOptions } from '../sweep/grid.js'
import { evaluateRequirement, type RequirementVerdict } from '../sweep/requirement.js'
import type { SweepResult } from '../sweep/result.js'
import { sweep } from '../sweep/sweep.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, segsenseDefaults } from './config.js'
import { formatInterval, formatScore, formatValue, table } from '../report/format.js'
import { type MatcherOutcome, recordSweep } from './meta.js'
import { tracked } from './pending.js'

/** Options of `toBeRobustTo`: the sweep grid (as `sweep()`), the samples and the requirement. */
export interface RobustOptions extends GridOptions {
  /** Samples to sweep; default the `samples` set with `configureSegsense`. */
  readonly samples?: readonly Sample[]
  /** Dice threshold, one for all classes or per class name (`{ LV: 0.9, MYO: 0.8 }`). */
  readonly minDice?: number | Readonly<Record<string, number>>
  /** Threshold on `metric` when it is not Dice (same shape as `minDice`). */
  readonly min?: number | Readonly<Record<string, number>>
  /** Metric to check; default `dice`. */
  readonly metric?: MetricName
  /** Tolerance of `metric: 'nsd'` in the truth's spacing units (pixels without spacing); default 1. */
  readonly nsdTolerance?: number
  /** Class names to check; default every class with a threshold. */
  readonly classes?: readonly string[]
  /** `mean` (default): the mean curve over samples must pass; `each`: every sample must pass. */
  readonly aggregate?: 'mean' | 'each'
  /** Score against the truth (default) or the model's own clean prediction. */
  readonly reference?: 'truth' | 'prediction'
  /** Images per model call; default 16. */
  readonly batchSize?: number
  /** When to attach the chart PNG to the test report; default `on-failure`. */
  readonly attach?: AttachPolicy
}

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
export function resolveSamples(matcher: string, samples: readonly Sample[] | undefined): Sample[] {
  const list = samples ?? segsenseDefaults().samples
  if (!list || list.length === 0) {
    throw new SegsenseError('E_BAD_PARAMETER', `${matcher} needs samples: pass { samples } or set them once with configureSegsense({ samples })`)
  }
  return [...list]
}

/** The range a sweep is required over: `range`, else the extent of `values`, else the transform's default. */
export function requiredRange(transform: Transform, options: GridOptions): [number, number] {
  if (options.range) return [options.range[0], options.range[1]]
  if (options.values && options.values.length) return [Math.min(...options.values), Math.max(...options.values)]
  return [transform.parameter.defaultRange[0], transform.parameter.defaultRange[1]]
}

function gridOf(options: GridOptions): GridOptions {
  const grid: { -readonly [K in keyof GridOptions]: GridOptions[K] } = {}
  if (options.range !== undefined) grid.range = options.range
  if (options.step !== undefined) grid.step = options.step
  if (options.steps !== undefined) grid.steps = options.steps
  if (options.values !== undefined) grid.values = options.values
  return grid
}

/** Describes the grid as the user gave it: `step 5`, `9 steps`, `values 0, 90, 180`. */
function describeGrid(transform: Transform, options: GridOptions): string {
  if (options.values) return `values ${options.values.join(', ')}`
  if (options.steps !== undefined) return `${options.steps} steps`
  return `step ${options.step ?? transform.parameter.defaultStep}`
}

/** Builds the failure table and the diffable actual/expected rows of a verdict. */
function failureReport(result: SweepResult, verdict: RequirementVerdict): { table: string[]; actual: string[]; expected: string[] } {
  const { metric } = verdict
  const each = verdict.aggregate === 'each'
  const rows: string[][] = [['class', ...(each ? ['sample'] : []), result.transform.parameter.name, metric, 'min']]
  for (const f of verdict.failures) rows.push([f.className, ...(each ? [f.sample ?? ''] : []), formatValue(result, f.value), formatScore(f.score), String(f.min)])
  // One row per (sample,) value listing every checked class, so that the diff marks only the failing rows.
  const curves = each ? result.samples.map((s) => ({ label: `${s.id} `, scores: s.scores[metric] ?? {} })) : [{ label: '', scores: result.mean[metric] ?? {} }]
  const actual: string[] = []
  const expected: string[] = []
  for (const { label, scores } of curves) {
    result.values.forEach((value, k) => {
      const head = `${label}${result.transform.name}(${formatValue(result, value)}):`
      const got = verdict.classes.map((c) => `${c.className} ${formatScore(scores[c.className]?.[k])}`)
      const want = verdict.classes.map((c) => {
        const s = scores[c.className]?.[k]
        return typeof s === 'number' && s >= c.min ? `${c.className} ${formatScore(s)}` : `${c.className} >= ${c.min}`
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
export async function toBeRobustTo(this: MatcherState, received: unknown, transform: Transform, options: RobustOptions = {}): Promise<MatcherOutcome> {
  return tracked(`toBeRobustTo(${(transform as Partial<Transform> | undefined)?.name ?? '?'})`, this.task?.id, async () => {
    checkMatcherInput('toBeRobustTo', received, transform)
    const defaults = segsenseDefaults()
    const samples = resolveSamples('toBeRobustTo', options.samples)
    const metric = options.metric ?? defaults.metric ?? 'dice'
    const min = options.min ?? options.minDice ?? defaults.minDice
    if (min === undefined) {
      throw new SegsenseError('E_BAD_PARAMETER', `toBeRobustTo(${transform.name}) needs a threshold: { minDice: 0.85 } (or per class { minDice: { LV: 0.9 } }, or min with another metric)`)
    }
    const required = requiredRange(transform, options)
    const result = await sweep(received, samples, transform, {
      ...gridOf(options),
      metrics: [metric],
      ...(options.nsdTolerance !== undefined ? { nsdTolerance: options.nsdTolerance } : {}),
      ...(options.reference ? { reference: options.reference } : {}),
      batchSize: options.batchSize ?? defaults.batchSize ?? 16,
    })
    const verdict = evaluateRequirement(result, {
      min, metric, aggregate: options.aggregate ?? 'mean',
      ...(options.classes ? { classes: options.classes } : {}),
    })
    const pass = verdict.pass
    const isNot = Boolean(this.isNot)
    const assertionFails = pass === isNot
    recordSweep(this.task as { meta: object } | undefined, { matcher: 'toBeRobustTo', pass: !assertionFails, result, verdict, required, min })

    const hint = this.utils.matcherHint('toBeRobustTo', 'model', 'transform', { isNot, promise: this.promise })
    const range = `[${formatValue(result, required[0])}, ${formatValue(result, required[1])}]`
    const over = `${verdict.aggregate === 'each' ? `each of ${samples.length} samples` : `the mean over ${samples.length} sample${samples.length === 1 ? '' : 's'}`}`
    const thresholds = verdict.classes.map((c) => `${c.className} >= ${c.min}`).join(', ')
    const requirement = `Required: ${metric} ${thresholds} under ${transform.name} over ${range} (${describeGrid(transform, options)}), ${over}`
    const intervals = verdict.classes.map((c) =>
      c.pass ? `${c.className} passes over the whole required range` : `${c.className} stable for ${transform.name} in ${formatInterval(result, c.interval)}, required ${range}${c.failingSamples.length ? `; failing samples: ${c.failingSamples.join(', ')}` : ''}`)

    let report: ReturnType<typeof failureReport> | undefined
    const message = (): string => {
      if (isNot) {
        return [hint, '', `${requirement}.`, `Expected some value to fail, but every value passed:`, ...intervals.map((l) => `  ${l}`)].join('\n')
      }
      report ??= failureReport(result, verdict)
      return [hint, '', `${requirement}.`, ...intervals, '', `Values that failed (${verdict.failures.length}):`, ...report.table.map((l) => `  ${l}`)].join('\n')
    }

    const attach = options.attach ?? defaults.attach ?? 'on-failure'
    if (this.task && (attach === 'always' || (attach === 'on-failure' && assertionFails))) {
      const png = await renderChartPng(result, { metric, min, required, classes: verdict.classes.map((c) => c.className) })
      const note = `${transform.name}: ${verdict.classes.map((c) => `${c.className} ${c.pass ? 'passes' : `stable in ${formatInterval(result, c.interval)}${c.failingSamples.length ? ` (mean), failing samples: ${c.failingSamples.join(', ')}` : ''}`}`).join('; ')} (required ${range})`
      await this.task.context.annotate(note, assertionFails ? 'error' : 'notice', { contentType: 'image/png', body: png })
    }

    if (!pass && !isNot) {
      report ??= failureReport(result, verdict)
      return { pass, message, actual: report.actual, expected: report.expected }
    }
    return { pass, message }
  }, () => ({ pass: !this.isNot, message: () => 'not awaited (reported by the segsense setup entry)' }))
}
