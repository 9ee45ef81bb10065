import { isDistanceMetric } from '../../metrics/overlap.js'
import type { SweepResult } from '../sweep-result.js'
import { type Validation, jsonValidator, validOrThrow } from './checker.js'
import { sweepResultSchema } from './sweep-result.schema.js'

export { sweepResultSchema } from './sweep-result.schema.js'

/** Outcome of {@link validateSweepResult}: the typed result, or readable errors (`<JSON pointer> <what is wrong>`). */
export type SweepResultValidation = Validation<SweepResult>

/** Checks what JSON Schema cannot: lengths and keys that must agree with `values`, `metrics` and `classes`. */
function consistencyErrors(r: SweepResult): string[] {
  const errors: string[] = []
  const K = r.values.length
  const p = r.transform.parameter
  const checkTable = (table: Record<string, Record<string, unknown[]>>, path: string): void => {
    for (const m of r.metrics)
      if (!(m in table)) errors.push(`${path} must have metric ${JSON.stringify(m)} (listed in /metrics)`)
    for (const [m, curves] of Object.entries(table)) {
      if (!(r.metrics as string[]).includes(m)) errors.push(`${path}/${m} is not listed in /metrics`)
      for (const c of r.classes)
        if (!(c in curves)) errors.push(`${path}/${m} must have class ${JSON.stringify(c)} (listed in /classes)`)
      for (const [c, curve] of Object.entries(curves)) {
        if (!r.classes.includes(c)) errors.push(`${path}/${m}/${c} is not listed in /classes`)
        if (curve.length !== K)
          errors.push(`${path}/${m}/${c} must have ${K} scores (one per value), has ${curve.length}`)
      }
    }
  }
  checkTable(r.mean, '/mean')
  if (r.meanCounts) {
    checkTable(r.meanCounts, '/meanCounts')
    const n = r.samples.length
    for (const [m, curves] of Object.entries(r.meanCounts)) {
      for (const [c, counts] of Object.entries(curves)) {
        counts.forEach((count, k) => {
          const mean = r.mean[m as keyof typeof r.mean]?.[c]?.[k]
          if (count > n) errors.push(`/meanCounts/${m}/${c}/${k} is ${count}, more than the ${n} samples`)
          // A distance's mean is null with a count > 0 when some sample's distance is infinite.
          else if (count === 0 ? mean !== null : mean === null && !isDistanceMetric(m))
            errors.push(
              `/meanCounts/${m}/${c}/${k} is ${count} but /mean/${m}/${c}/${k} is ${String(mean)} (a mean is null ` +
                `exactly when it averaged 0 samples)`,
            )
        })
      }
    }
  }
  const scoreRange = (table: Record<string, Record<string, unknown[]>>, path: string): void => {
    for (const [m, curves] of Object.entries(table)) {
      if (isDistanceMetric(m)) continue
      for (const [c, curve] of Object.entries(curves))
        curve.forEach(
          (v, k) =>
            typeof v === 'number' && v > 1 && errors.push(`${path}/${m}/${c}/${k} is ${v}: ${m} is a score in [0, 1]`),
        )
    }
  }
  scoreRange(r.mean, '/mean')
  r.samples.forEach((s, i) => scoreRange(s.scores, `/samples/${i}/scores`))
  const ids = new Set<string>()
  r.samples.forEach((s, i) => {
    if (ids.has(s.id)) errors.push(`/samples/${i}/id ${JSON.stringify(s.id)} is used by an earlier sample`)
    ids.add(s.id)
    checkTable(s.scores, `/samples/${i}/scores`)
    s.repeats?.forEach((t, d) => checkTable(t, `/samples/${i}/repeats/${d}`))
    if (s.repeats && s.repeats.length !== r.repeats?.count)
      errors.push(
        `/samples/${i}/repeats has ${s.repeats.length} draws, /repeats/count says ${String(r.repeats?.count)}`,
      )
  })
  if (r.repeats && r.repeats.seeds.length !== r.repeats.count)
    errors.push(`/repeats/seeds has ${r.repeats.seeds.length} seeds for ${r.repeats.count} draws`)
  if (r.confusion) {
    const C = r.confusion.classes.length
    if (r.confusion.ids.length !== C) errors.push(`/confusion/ids has ${r.confusion.ids.length} ids for ${C} classes`)
    if (r.confusion.counts.length !== K)
      errors.push(`/confusion/counts has ${r.confusion.counts.length} matrices for ${K} values`)
    r.confusion.counts.forEach((m, k) => {
      if (m.length !== C || m.some((row) => row.length !== C))
        errors.push(`/confusion/counts/${k} must be a ${C} x ${C} matrix`)
    })
  }
  r.warnings?.forEach((w, i) => {
    if (!ids.has(w.sample)) errors.push(`/warnings/${i}/sample ${JSON.stringify(w.sample)} is not a sample id`)
    if (!r.classes.includes(w.className))
      errors.push(`/warnings/${i}/className ${JSON.stringify(w.className)} is not listed in /classes`)
  })
  if (p.scale === 'categorical') {
    if (new Set(r.values).size !== K) errors.push('/values must not repeat a value')
  } else {
    for (let i = 1; i < K; i++) {
      if (!((r.values[i] as number) > (r.values[i - 1] as number))) {
        errors.push(`/values/${i} must be greater than /values/${i - 1} (values ascend)`)
        break
      }
    }
  }
  if (!r.values.includes(p.neutral)) errors.push(`/values must include the neutral value ${p.neutral}`)
  if (p.scale === 'log')
    r.values.forEach((v, i) => v > 0 || errors.push(`/values/${i} must be > 0 (log-scale parameter)`))
  if (p.scale === 'circular' && p.period === undefined)
    errors.push('/transform/parameter must have property "period" (circular parameter)')
  return errors
}

/**
 * Validates a parsed sweep result (a JSON string is parsed first) against {@link sweepResultSchema} and the
 * consistency rules a schema cannot express.
 *
 * @returns `{ valid: true, result }`, or `{ valid: false, errors }` with one readable line per problem, e.g.
 *   `/samples/0/scores/dice/LV/3 must be number or null`.
 * @example
 * const v = validateSweepResult(JSON.parse(text)); if (!v.valid) console.error(v.errors.join('\n'))
 */
export function validateSweepResult(json: unknown): SweepResultValidation {
  return validator(json)
}

const validator = jsonValidator<SweepResult>(sweepResultSchema, consistencyErrors)

/**
 * Like {@link validateSweepResult}, but returns the typed result or throws.
 * @throws SegsenseError `E_SCHEMA` listing the problems (`details.errors` holds all of them).
 */
export function assertSweepResult(json: unknown, what = 'sweep result'): SweepResult {
  return validOrThrow(validateSweepResult(json), what, 'SweepResult', 1)
}
