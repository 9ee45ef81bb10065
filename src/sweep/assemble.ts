/**
 * The last stage of a sweep: a finished run's raw scores reduced and assembled into the plain-JSON `SweepResult`
 * (with the kept frames attached, non-enumerable). The image, volume and grid front doors all end here.
 */
import { SegsenseError } from '../core/errors.js'
import type { Transform } from '../transforms/transform.js'
import { reduceScores } from '../results/reduce.js'
import {
  SWEEP_SCHEMA_VERSION,
  type Refinement,
  type SweepParameter,
  type SweepResult,
  type SweepWarning,
} from '../results/sweep-result.js'
import { confusionJson } from './confusion.js'
import { largeClassWarnings } from './reference-checks.js'
import type { RepeatedScores } from './repeats.js'
import type { RawScores } from './run.js'
import type { RunPlan, SweepFrames, SweepPlan, SweepResultWithFrames } from './types.js'

/**
 * The frames a result kept (`sweep(..., { keep: 'frames' })`), or `undefined` for a result without them (one
 * parsed from JSON, or swept without `keep`).
 */
export function framesOf(result: SweepResult): SweepFrames | undefined {
  const frames = (result as Partial<SweepResultWithFrames>).frames
  return frames && Array.isArray(frames.samples) ? frames : undefined
}

/** A transform's parameter as stored in a result (plain JSON; category keys as strings). */
export function parameterJson(t: Pick<Transform, 'parameter'>): SweepParameter {
  const p = t.parameter
  const out: { -readonly [K in keyof SweepParameter]: SweepParameter[K] } = {
    name: p.name,
    unit: p.unit,
    neutral: p.neutral,
    scale: p.scale,
    defaultRange: [p.defaultRange[0], p.defaultRange[1]],
    defaultStep: p.defaultStep,
  }
  if (p.period !== undefined) out.period = p.period
  if (p.categories !== undefined)
    out.categories = Object.fromEntries(Object.entries(p.categories).map(([k, v]) => [k, String(v)]))
  return out
}

/** A transform's options as plain JSON, for a result. @throws SegsenseError `E_BAD_PARAMETER` when they are not JSON. */
export function optionsJson(t: Transform): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(t.options ?? {})) as Record<string, unknown>
  } catch (cause) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `transform ${JSON.stringify(t.name)}: options must be plain JSON to be stored in a sweep result`,
      { cause },
    )
  }
}

/** What {@link assembleResult} reads of a plan: the volume sweep's samples are volumes, so only their ids count. */
export type AssemblyPlan = RunPlan &
  Pick<SweepPlan, 'reference' | 'keepFrames'> & { readonly samples: readonly { readonly id: string }[] }

/**
 * The warnings of a run: one per sample/class pair whose untransformed reference lacks the class, then (under
 * `reference: 'prediction'`) one per pair whose clean prediction covers nearly the whole image.
 */
export function warningsOf(plan: AssemblyPlan, raw: RawScores): SweepWarning[] {
  const what = plan.reference === 'truth' ? 'the truth' : 'the clean prediction'
  const large =
    plan.reference === 'prediction'
      ? largeClassWarnings(
          plan.classes,
          plan.samples.map((s) => s.id),
          raw.references,
        )
      : []
  return raw.emptyReferences
    .map(({ sample, className }): SweepWarning => {
      const id = (plan.samples[sample] as { id: string }).id
      return {
        sample: id,
        className,
        reason: 'empty-reference',
        message: `sample ${JSON.stringify(id)}: ${what} has no ${className}; not scored`,
      }
    })
    .concat(large)
}

/** The plain-JSON result of a finished run (with its frames attached, non-enumerable, when kept). */
/** What a run adds to its result beyond the raw scores: repeated draws, cache hits, refined values. */
export interface AssemblyExtras {
  readonly repeated?: RepeatedScores
  readonly cached?: number
  readonly refined?: Refinement | undefined
}

export function assembleResult(
  plan: AssemblyPlan,
  raw: RawScores,
  totalMs: number,
  extras: AssemblyExtras = {},
): SweepResult {
  const { repeated, cached, refined } = extras
  const { metrics, classNames, values, transform } = plan
  const reduced = reduceScores(raw.scores, metrics, classNames, values.length)
  const draws = repeated?.draws.map((d) => reduceScores(d.scores, metrics, classNames, values.length).samples)
  const warnings = warningsOf(plan, raw)
  const result: SweepResult = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    model: plan.model.name,
    transform: { name: transform.name, parameter: parameterJson(transform), options: optionsJson(transform) },
    values: [...values],
    classes: [...classNames],
    metrics: [...metrics],
    reference: plan.reference,
    emptyPolicy: { bothEmpty: plan.emptyPolicy.bothEmpty },
    ...(metrics.includes('nsd') ? { nsdTolerance: plan.nsdTolerance } : {}),
    samples: plan.samples.map((s, i) => ({
      id: s.id,
      scores: reduced.samples[i] ?? {},
      ...(draws ? { repeats: draws.map((d) => d[i] ?? {}) } : {}),
    })),
    mean: reduced.mean,
    meanCounts: reduced.meanCounts,
    ...(warnings.length ? { warnings } : {}),
    ...(plan.confusion && raw.confusion ? { confusion: confusionJson(plan.confusion, raw.confusion) } : {}),
    ...(repeated ? { repeats: { count: repeated.seeds.length, seed: plan.seed, seeds: [...repeated.seeds] } } : {}),
    ...(refined ? { refined } : {}),
    timing: {
      totalMs,
      predictMs: raw.predictMs,
      transformMs: raw.transformMs,
      scoreMs: raw.scoreMs,
      predictions: raw.predictions,
      ...(cached ? { cached } : {}),
    },
  }
  if (raw.frames) {
    const samples = plan.samples.flatMap((s, i) => (raw.frames?.[i] ? [{ id: s.id, frames: raw.frames[i] }] : []))
    const frames: SweepFrames = { classes: { ...plan.classes }, samples }
    // Non-enumerable: JSON.stringify, spreads and structuredClone skip it, so the result stays plain JSON data.
    Object.defineProperty(result, 'frames', { value: frames, enumerable: false, writable: false, configurable: true })
  }
  return result
}
