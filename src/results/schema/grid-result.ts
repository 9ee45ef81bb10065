import { METRIC_NAMES } from '../../metrics/overlap.js'
import { GRID_SCHEMA_VERSION, type GridResult } from '../grid-result.js'
import { type Validation, jsonValidator, validOrThrow } from './checker.js'
import { sweepResultSchema } from './sweep-result.schema.js'

// The parts a grid result shares with a sweep result come from the sweep schema, so that the two cannot drift.
const sweep = sweepResultSchema.properties
const score = sweep.mean.additionalProperties.additionalProperties.items

/** Per class name: rows of scores, one row per value of the first axis, one score per value of the second. */
const gridTable = {
  type: 'object',
  description:
    'Metric name -> class name -> grid[i][j], the score at axes[0].values[i] and axes[1].values[j]; ' +
    'exactly the metrics and classes listed.',
  propertyNames: { enum: [...METRIC_NAMES] },
  additionalProperties: {
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'array', items: score } },
  },
} as const

const axis = {
  type: 'object',
  required: ['role', 'transform', 'parameter', 'options', 'values'],
  additionalProperties: false,
  properties: {
    role: {
      enum: ['transform', 'option'],
      description:
        "transform: the axis sweeps the transform's own parameter (applied first axis first); " +
        "option: it sweeps an option of the other axis' transform (one transform per cell).",
    },
    transform: {
      type: 'string',
      minLength: 1,
      description: 'The transform applied along the axis, or whose option the axis sweeps.',
    },
    parameter: sweep.transform.properties.parameter,
    options: { type: 'object', description: "The transform's options (plain JSON)." },
    values: {
      type: 'array',
      minItems: 1,
      items: { type: 'number' },
      description: 'Swept values, neutral included; ascending unless categorical.',
    },
  },
} as const

const index = { type: 'integer', minimum: 0 } as const

/**
 * JSON Schema (draft 2020-12) of a {@link GridResult} (schemaVersion 1), the result of `sweepGrid`. What a schema
 * cannot express (each grid has `axes[0].values.length` rows of `axes[1].values.length` scores, keys match `metrics`
 * and `classes`, `neutral` points at the neutral values) is checked by {@link validateGridResult}.
 */
export const gridResultSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:segsense:schema:grid-result:1',
  title: 'segsense GridResult',
  type: 'object',
  required: [
    'schemaVersion',
    'kind',
    'model',
    'axes',
    'neutral',
    'classes',
    'metrics',
    'reference',
    'emptyPolicy',
    'samples',
    'mean',
    'meanCounts',
    'timing',
  ],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: GRID_SCHEMA_VERSION },
    kind: { const: 'grid' },
    model: sweep.model,
    axes: {
      type: 'array',
      prefixItems: [axis, axis],
      minItems: 2,
      maxItems: 2,
      items: false,
      description: 'The two swept parameters: axes[0] indexes the rows of every grid, axes[1] the columns.',
    },
    neutral: {
      type: 'array',
      prefixItems: [index, index],
      minItems: 2,
      maxItems: 2,
      items: false,
      description: 'Indices [i, j] of the neutral cell.',
    },
    classes: sweep.classes,
    metrics: sweep.metrics,
    reference: sweep.reference,
    emptyPolicy: sweep.emptyPolicy,
    nsdTolerance: sweep.nsdTolerance,
    samples: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'scores'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, scores: gridTable },
      },
    },
    mean: { ...gridTable, description: 'Mean over samples, skipping null; null where every sample is null.' },
    meanCounts: {
      type: 'object',
      description:
        'Metric name -> class name -> per cell, the number of samples the mean averaged (0 where the mean is null).',
      propertyNames: { enum: [...METRIC_NAMES] },
      additionalProperties: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: 'array', items: index } },
      },
    },
    warnings: sweep.warnings,
    timing: sweep.timing,
  },
} as const

/** Outcome of {@link validateGridResult}: the typed result, or readable errors (`<JSON pointer> <what is wrong>`). */
export type GridResultValidation = Validation<GridResult>

/** The consistency rules a schema cannot express. */
function consistencyErrors(r: GridResult): string[] {
  const errors: string[] = []
  const [n, m] = [r.axes[0].values.length, r.axes[1].values.length]
  const checkTable = (table: Record<string, Record<string, unknown[][]>>, path: string): void => {
    for (const metric of r.metrics)
      if (!(metric in table)) errors.push(`${path} must have metric ${JSON.stringify(metric)} (listed in /metrics)`)
    for (const [metric, grids] of Object.entries(table)) {
      if (!(r.metrics as string[]).includes(metric)) errors.push(`${path}/${metric} is not listed in /metrics`)
      for (const c of r.classes)
        if (!(c in grids)) errors.push(`${path}/${metric} must have class ${JSON.stringify(c)} (listed in /classes)`)
      for (const [c, grid] of Object.entries(grids)) {
        if (!r.classes.includes(c)) errors.push(`${path}/${metric}/${c} is not listed in /classes`)
        if (grid.length !== n || grid.some((row) => row.length !== m))
          errors.push(`${path}/${metric}/${c} must be ${n} rows (axes[0] values) of ${m} scores (axes[1] values)`)
      }
    }
  }
  checkTable(r.mean, '/mean')
  checkTable(r.meanCounts, '/meanCounts')
  for (const [metric, grids] of Object.entries(r.meanCounts)) {
    for (const [c, counts] of Object.entries(grids)) {
      counts.forEach((row, i) =>
        row.forEach((count, j) => {
          const mean = r.mean[metric as keyof typeof r.mean]?.[c]?.[i]?.[j]
          if (count > r.samples.length)
            errors.push(`/meanCounts/${metric}/${c}/${i}/${j} is ${count}, more than the ${r.samples.length} samples`)
          else if ((count === 0) !== (mean === null))
            errors.push(
              `/meanCounts/${metric}/${c}/${i}/${j} is ${count} but /mean/${metric}/${c}/${i}/${j} is ` +
                `${String(mean)} (a mean is null exactly when it averaged 0 samples)`,
            )
        }),
      )
    }
  }
  const ids = new Set<string>()
  r.samples.forEach((s, i) => {
    if (ids.has(s.id)) errors.push(`/samples/${i}/id ${JSON.stringify(s.id)} is used by an earlier sample`)
    ids.add(s.id)
    checkTable(s.scores, `/samples/${i}/scores`)
  })
  r.warnings?.forEach((w, i) => {
    if (!ids.has(w.sample)) errors.push(`/warnings/${i}/sample ${JSON.stringify(w.sample)} is not a sample id`)
    if (!r.classes.includes(w.className))
      errors.push(`/warnings/${i}/className ${JSON.stringify(w.className)} is not listed in /classes`)
  })
  r.axes.forEach((a, k) => {
    const p = a.parameter
    const values = a.values
    if (p.scale === 'categorical') {
      if (new Set(values).size !== values.length) errors.push(`/axes/${k}/values must not repeat a value`)
    } else if (values.some((v, i) => i > 0 && !(v > (values[i - 1] as number)))) {
      errors.push(`/axes/${k}/values must ascend`)
    }
    if (p.scale === 'log' && values.some((v) => !(v > 0)))
      errors.push(`/axes/${k}/values must be > 0 (log-scale parameter)`)
    if (p.scale === 'circular' && p.period === undefined)
      errors.push(`/axes/${k}/parameter must have property "period" (circular parameter)`)
    if (values[r.neutral[k] as number] !== p.neutral)
      errors.push(`/neutral/${k} must be the index of the neutral value ${p.neutral} in /axes/${k}/values`)
  })
  if (r.axes[0].role === 'option' && r.axes[1].role === 'option')
    errors.push('/axes: at most one axis may have role "option" (it sweeps an option of the other axis\' transform)')
  return errors
}

/**
 * Validates a parsed grid result (a JSON string is parsed first) against {@link gridResultSchema} and the
 * consistency rules a schema cannot express.
 * @returns `{ valid: true, result }`, or `{ valid: false, errors }` with one readable line per problem.
 * @example
 * const v = validateGridResult(JSON.parse(text)); if (!v.valid) console.error(v.errors.join('\n'))
 */
export function validateGridResult(json: unknown): GridResultValidation {
  return validator(json)
}

const validator = jsonValidator<GridResult>(gridResultSchema, consistencyErrors)

/**
 * Like {@link validateGridResult}, but returns the typed result or throws.
 * @throws SegsenseError `E_SCHEMA` listing the problems (`details.errors` holds all of them).
 */
export function assertGridResult(json: unknown, what = 'grid result'): GridResult {
  return validOrThrow(validateGridResult(json), what, 'GridResult', GRID_SCHEMA_VERSION)
}
