import { METRIC_NAMES } from '../../metrics/overlap.js'
import { SWEEP_SCHEMA_VERSION } from '../sweep-result.js'

/**
 * A score: a number >= 0 (in [0, 1] for the score metrics, checked by `validateSweepResult`; a distance in mm for
 * hd, hd95, assd, masd), or `null` for an undefined score or an infinite distance (neither is JSON; `null` never
 * passes a threshold).
 */
const score = {
  type: ['number', 'null'],
  minimum: 0,
  description:
    'Score in [0, 1], or a distance in mm (hd, hd95, assd, masd); null = undefined (nothing to score: ' +
    'the untransformed reference lacks the class, see warnings; both masks empty under bothEmpty "nan"; ' +
    'or a mean over only undefined scores) or, for a distance, infinite (exactly one of prediction and ' +
    "reference holds the class; in a mean: some sample's is, meanCounts > 0).",
} as const

/** Per class name: one score per swept value, in the order of `values`. */
const classCurves = {
  type: 'object',
  description: 'Class name -> one score per swept value (same length and order as values).',
  additionalProperties: { type: 'array', items: score },
} as const

/** Per metric: class curves. */
const scoreTable = {
  type: 'object',
  description: 'Metric name -> class curves; exactly the metrics listed in metrics.',
  propertyNames: { enum: [...METRIC_NAMES] },
  additionalProperties: classCurves,
} as const

const nonNegative = { type: 'number', minimum: 0 } as const

/**
 * JSON Schema (draft 2020-12) of a {@link SweepResult} (schemaVersion 1). Kept as a TypeScript constant so it
 * ships in `dist` with the code (tsc does not copy .json files); serialise it with `JSON.stringify` to publish it.
 * What a schema cannot express (every curve has `values.length` scores, metric and class keys match `metrics` and
 * `classes`, sorted values containing the neutral value, unique sample ids) is checked by `validateSweepResult`.
 */
export const sweepResultSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:segsense:schema:sweep-result:1',
  title: 'segsense SweepResult',
  type: 'object',
  required: [
    'schemaVersion',
    'model',
    'transform',
    'values',
    'classes',
    'metrics',
    'reference',
    'samples',
    'mean',
    'timing',
  ],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: SWEEP_SCHEMA_VERSION },
    model: { type: 'string', description: 'Model name.' },
    transform: {
      type: 'object',
      required: ['name', 'parameter', 'options'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        parameter: {
          type: 'object',
          required: ['name', 'unit', 'neutral', 'scale', 'defaultRange', 'defaultStep'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            unit: { type: 'string' },
            neutral: { type: 'number' },
            scale: { enum: ['linear', 'log', 'circular', 'categorical'] },
            period: { type: 'number', exclusiveMinimum: 0 },
            defaultRange: {
              type: 'array',
              prefixItems: [{ type: 'number' }, { type: 'number' }],
              minItems: 2,
              maxItems: 2,
            },
            defaultStep: { type: 'number', exclusiveMinimum: 0 },
            categories: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        options: { type: 'object', description: "The transform's options (plain JSON)." },
      },
    },
    values: {
      type: 'array',
      minItems: 1,
      items: { type: 'number' },
      description: 'Swept values, neutral included; ascending unless categorical.',
    },
    classes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string' },
      description: 'Names of the scored classes.',
    },
    metrics: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...METRIC_NAMES] } },
    reference: { enum: ['truth', 'prediction'], description: 'What predictions were scored against.' },
    emptyPolicy: {
      type: 'object',
      required: ['bothEmpty'],
      additionalProperties: false,
      properties: { bothEmpty: { enum: ['best', 'nan'] } },
    },
    nsdTolerance: {
      type: 'number',
      minimum: 0,
      description: "Tolerance of the nsd metric, in the truth's spacing units (pixels without spacing).",
    },
    samples: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'scores'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          scores: scoreTable,
          repeats: {
            type: 'array',
            minItems: 2,
            items: scoreTable,
            description: 'With repeats: the scores of each draw (scores is their mean).',
          },
        },
      },
    },
    mean: { ...scoreTable, description: 'Mean over samples, skipping null; null where every sample is null.' },
    meanCounts: {
      type: 'object',
      description:
        'Metric name -> class name -> per swept value, the number of samples the mean averaged (0 where the mean is null).',
      propertyNames: { enum: [...METRIC_NAMES] },
      additionalProperties: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
    },
    warnings: {
      type: 'array',
      description:
        'What was not scored and why: one entry per sample/class pair (absent when there is nothing to report).',
      items: {
        type: 'object',
        required: ['sample', 'className', 'reason', 'message'],
        additionalProperties: false,
        properties: {
          sample: { type: 'string', description: 'Sample id.' },
          className: { type: 'string', description: 'Class name.' },
          reason: {
            enum: ['empty-reference', 'large-class'],
            description:
              'empty-reference: the untransformed reference (truth or clean prediction) has no pixel of the class; ' +
              'the pair is null at every value. large-class: under reference "prediction", the clean prediction\'s ' +
              'class covers more than 90% of the image; the pair is scored.',
          },
          message: { type: 'string' },
        },
      },
    },
    volumes: {
      type: 'object',
      description:
        'Present when the samples were volumes swept slice by slice: scores are per volume (3D Dice from the ' +
        'summed voxel counts, distances in 3D with the spacing).',
      required: ['slicing', 'samples'],
      additionalProperties: false,
      properties: {
        slicing: { enum: ['axial', 'coronal', 'sagittal', 'axis'] },
        samples: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'dims', 'spacing', 'axis', 'slices'],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              dims: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 3, maxItems: 3 },
              spacing: {
                type: 'array',
                items: { type: 'number', exclusiveMinimum: 0 },
                minItems: 3,
                maxItems: 3,
                description: 'mm along i, j, k',
              },
              axis: { enum: [0, 1, 2], description: 'the voxel axis the slices were taken along' },
              slices: {
                type: 'array',
                items: { type: 'integer', minimum: 0 },
                minItems: 1,
                description: 'slice indices swept',
              },
            },
          },
        },
      },
    },
    confusion: {
      type: 'object',
      description:
        'With confusion: per value, pixel counts summed over samples; counts[k][t][p] = truth class classes[t] predicted as classes[p].',
      required: ['classes', 'ids', 'counts'],
      additionalProperties: false,
      properties: {
        classes: { type: 'array', items: { type: 'string' }, minItems: 1 },
        ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
        counts: {
          type: 'array',
          items: { type: 'array', items: { type: 'array', items: { type: 'number', minimum: 0 } } },
        },
      },
    },
    repeats: {
      type: 'object',
      description:
        'With repeats > 1: the number of draws of the random transform, the sweep seed and the seed of each draw.',
      required: ['count', 'seed', 'seeds'],
      additionalProperties: false,
      properties: {
        count: { type: 'integer', minimum: 2 },
        seed: { type: 'integer', minimum: 0 },
        seeds: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
    },
    refined: {
      type: 'object',
      description:
        'The stable-interval refinement: the values bisection added (also in values), its tolerance, metric, aggregate and thresholds.',
      required: ['values', 'tolerance', 'metric', 'aggregate', 'min'],
      additionalProperties: false,
      properties: {
        values: { type: 'array', items: { type: 'number' } },
        tolerance: { type: 'number', exclusiveMinimum: 0 },
        metric: { enum: [...METRIC_NAMES] },
        aggregate: { enum: ['mean', 'each'] },
        min: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
      },
    },
    timing: {
      type: 'object',
      required: ['totalMs', 'predictMs', 'transformMs', 'scoreMs', 'predictions'],
      additionalProperties: false,
      properties: {
        totalMs: nonNegative,
        predictMs: nonNegative,
        transformMs: nonNegative,
        scoreMs: nonNegative,
        predictions: { type: 'integer', minimum: 0 },
        cached: { type: 'integer', minimum: 0, description: '(sample, value) scores read from the result cache.' },
      },
    },
  },
} as const
