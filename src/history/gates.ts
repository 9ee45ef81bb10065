// A gate as a pull request reads it: one sweep's per-class threshold, stable interval, AUC and status, small enough to
// keep one per commit (the history) and to diff two runs (`segsense diff`). Pure functions over results.
import { SegsenseError, describeValue } from '../core/errors.js'
import { type MetricName, METRIC_NAMES, metricDirection } from '../metrics/overlap.js'
import type { RequirementVerdict } from '../analysis/requirement.js'
import type { SweepParameter, SweepResult } from '../results/sweep-result.js'
import type { CategoricalStability, Interval } from '../analysis/stability.js'
import { summarize } from '../analysis/summarize.js'

/** Default threshold of a score gate whose source names none (as the HTML report's default `min`). */
export const DEFAULT_GATE_MIN = 0.8

/** One class of a {@link Gate}. */
export interface GateClass {
  readonly className: string
  /** The threshold: `min` of a score metric, `max` (mm) of a distance; `null` when the gate set none (a snapshot). */
  readonly threshold: number | null
  /** Stable interval at the threshold; `null` when the neutral value fails, or when there is no threshold. */
  readonly interval: Interval | CategoricalStability | null
  /** Normalised AUC of the mean curve (as `summarize` reports it); `null` when no score is defined. */
  readonly auc: number | null
  /** The class's verdict; `null` when it was not judged. */
  readonly pass: boolean | null
}

/** One sweep of a run, reduced to what a pull request compares: plain JSON. */
export interface Gate {
  /**
   * What pairs the gate across runs: the test (file and full name) or the requirement name, the transform with its
   * options and the metric, and `#n` for the n-th such sweep; never the model name, which a retrained model changes.
   */
  readonly key: string
  /** Heading (`test name: model · transform`). */
  readonly title: string
  readonly test: { readonly file: string; readonly name: string } | null
  readonly model: string
  readonly transform: string
  readonly options: Readonly<Record<string, unknown>>
  readonly parameter: SweepParameter
  readonly metric: MetricName
  /** The swept range `[first, last]` (widths are only comparable over comparable ranges). */
  readonly range: readonly [number, number]
  readonly samples: number
  /** The gate's status; `null` when nothing judged it. */
  readonly pass: boolean | null
  readonly classes: readonly GateClass[]
}

/**
 * One sweep as the results files hold it: an entry of a report's `results.json` (reporter, `segsense sweep --out`,
 * `segsense check --out`), the object `segsense sweep --json` prints or an element of `segsense check --json`.
 */
export interface GateSource {
  readonly result: SweepResult
  readonly title?: string
  /** A spec requirement's name (`segsense check --json`). */
  readonly name?: string
  readonly test?: { readonly file: string; readonly name: string } | null
  readonly min?: number | Readonly<Record<string, number>> | null
  readonly max?: number | Readonly<Record<string, number>> | null
  readonly metric?: MetricName
  readonly verdict?: RequirementVerdict | null
  readonly pass?: boolean | null
}

/** A gate with the sweep it came from (what the paired bootstrap of a diff needs; never stored in the history). */
export interface GateWithResult extends Gate {
  readonly result?: SweepResult
}

function thresholdOf(t: GateSource['min'], className: string): number | null {
  if (t === null) return null
  if (typeof t === 'number') return t
  const v = t?.[className]
  return typeof v === 'number' ? v : null
}

/** `file › name`, a requirement name, or the title: how a gate is named in messages. */
export function gateLabel(gate: Pick<Gate, 'test' | 'title' | 'transform' | 'key'>): string {
  if (gate.test) return `${gate.test.file} › ${gate.test.name} (${gate.transform})`
  return gate.title.includes(gate.transform) ? gate.title : `${gate.title} (${gate.transform})`
}

function baseKey(s: GateSource, metric: MetricName): string {
  const who = s.test ? `${s.test.file} › ${s.test.name}` : (s.name ?? '')
  const opts = Object.keys(s.result.transform.options ?? {}).length
    ? ` ${JSON.stringify(s.result.transform.options)}`
    : ''
  return `${who} | ${s.result.transform.name}${opts} | ${metric}`
}

/**
 * The gates of a run's sweeps, in order. Each class's threshold, interval and status come from the source's verdict
 * when it has one (what the gate decided), else from its `min`/`max` (default {@link DEFAULT_GATE_MIN} for a score
 * metric; `min: null` is no threshold); the AUC is summarised from the mean curve.
 * @throws SegsenseError `E_SCHEMA` for a source without a sweep result or with a metric the result lacks.
 */
export function gatesOf(sources: readonly GateSource[], where = 'results'): GateWithResult[] {
  const seen = new Map<string, number>()
  return sources.map((s, i) => {
    const r = s?.result
    if (
      !r ||
      typeof r !== 'object' ||
      !Array.isArray(r.values) ||
      !Array.isArray(r.classes) ||
      typeof r.transform?.name !== 'string'
    ) {
      throw new SegsenseError('E_SCHEMA', `${where}: sweep ${i + 1} has no sweep result (got ${describeValue(r)})`)
    }
    const metric: MetricName =
      s.verdict?.metric ?? s.metric ?? (r.metrics.includes('dice') ? 'dice' : (r.metrics[0] as MetricName))
    if (!METRIC_NAMES.includes(metric) || !r.metrics.includes(metric)) {
      throw new SegsenseError(
        'E_SCHEMA',
        `${where}: sweep ${i + 1} is judged on ${describeValue(metric)}, which its result does not hold (metrics: ${r.metrics.join(', ')})`,
      )
    }
    const lower = metricDirection(metric) === 'lower'
    const limits = lower ? (s.max ?? null) : s.min === undefined ? DEFAULT_GATE_MIN : s.min
    const judged = s.verdict ? new Map(s.verdict.classes.map((c) => [c.className, c])) : null
    const names = judged ? [...judged.keys()] : r.classes
    const classes: GateClass[] = names.map((className) => {
      const v = judged?.get(className)
      const threshold = v ? (lower ? (v.max ?? null) : (v.min ?? null)) : thresholdOf(limits, className)
      // AUC of a score does not depend on the threshold; a distance's margin AUC needs one.
      const summary =
        lower && threshold === null
          ? null
          : summarize(r, { metric, [lower ? 'max' : 'min']: threshold ?? DEFAULT_GATE_MIN }).classes[className]
      return {
        className,
        threshold,
        interval: v ? v.interval : threshold === null ? null : (summary?.interval ?? null),
        auc: summary?.auc ?? null,
        pass: v ? v.pass : null,
      }
    })
    const base = baseKey(s, metric)
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    const pass = s.pass ?? s.verdict?.pass ?? null
    return {
      key: `${base} #${n}`,
      title: s.title ?? s.name ?? `${r.model} · ${r.transform.name}`,
      test: s.test ? { file: s.test.file, name: s.test.name } : null,
      model: r.model,
      transform: r.transform.name,
      options: r.transform.options ?? {},
      parameter: r.transform.parameter,
      metric,
      range: [r.values[0] as number, r.values[r.values.length - 1] as number],
      samples: r.samples.length,
      pass,
      classes,
      result: r,
    }
  })
}

/** The gate without its sweep result (what the history stores and `segsense diff --format json` prints). */
export function plainGate(g: GateWithResult): Gate {
  const { result: _r, ...gate } = g
  return gate
}

/** The interval's width in parameter units (the period for the full circle); 0 without one; null when categorical. */
export function widthOf(interval: Interval | CategoricalStability | null): number | null {
  if (interval === null) return 0
  return interval.kind === 'interval' ? interval.width : null
}

/**
 * The sweeps of a parsed results document: `{ sweeps: [...] }` (a report's results.json), `[...]` (`segsense check
 * --json`), `{ result, verdict }` (`segsense sweep --json`) or a bare SweepResult.
 * @throws SegsenseError `E_SCHEMA` naming `where` when the document is none of these.
 */
export function gateSources(doc: unknown, where: string): GateSource[] {
  const isResult = (x: unknown): x is SweepResult =>
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as SweepResult).values) &&
    typeof (x as SweepResult).transform === 'object'
  if (Array.isArray(doc)) return doc as GateSource[]
  if (typeof doc === 'object' && doc !== null) {
    const d = doc as { sweeps?: unknown; result?: unknown }
    if (Array.isArray(d.sweeps)) return d.sweeps as GateSource[]
    if (isResult(d.result)) return [doc as GateSource]
    if (isResult(doc)) return [{ result: doc }]
  }
  throw new SegsenseError(
    'E_SCHEMA',
    `${where} is not a segsense results file (a report's results.json, segsense sweep --json or segsense check --json output); ` +
      `got ${describeValue(doc)}`,
  )
}
