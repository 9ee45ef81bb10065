import { METRIC_NAMES } from '../metrics/overlap.js'

// A threshold: one number for all classes, or per class name.
const threshold = {
  oneOf: [
    { type: 'number', minimum: 0, maximum: 1 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
  ],
} as const

// A distance threshold in mm (metrics hd, hd95, assd, masd; lower is better).
const distanceThreshold = {
  description: 'threshold of a distance metric (hd, hd95, assd, masd) in mm: every value must be <= max',
  oneOf: [
    { type: 'number', minimum: 0 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0 } },
  ],
} as const

// Class names to check (a subset of the model's classes).
const classNames = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } as const

// The keys a requirement shares with the spec's defaults (RequirementDefaults): all but name, transform, options, grid.
const requirementOptions = {
  min: threshold,
  max: distanceThreshold,
  minDice: {
    ...threshold,
    description: 'deprecated: the name of min for metric dice (an error with any other metric)',
  },
  metric: { enum: [...METRIC_NAMES] },
  nsdTolerance: {
    type: 'number',
    minimum: 0,
    description: "tolerance of metric nsd, in the truth's spacing units (pixels without spacing)",
  },
  scoreClasses: classNames,
  classes: { ...classNames, description: 'deprecated: the name of scoreClasses' },
  aggregate: { enum: ['mean', 'each'] },
  reference: { enum: ['truth', 'prediction'] },
  batchSize: { type: 'integer', minimum: 1 },
  emptyPolicy: {
    description: 'score where reference and prediction are both empty at a value: best (1) or nan (undefined)',
    oneOf: [
      { enum: ['best', 'nan'] },
      {
        type: 'object',
        additionalProperties: false,
        required: ['bothEmpty'],
        properties: { bothEmpty: { enum: ['best', 'nan'] } },
      },
    ],
  },
  batchTimeout: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 2_147_483_647,
    description: 'milliseconds one model call (one batch) may take',
  },
  confidence: {
    type: 'number',
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description:
      "the lower bound of the mean's bootstrap band at this level must meet the threshold (aggregate mean only)",
  },
  resamples: {
    type: 'integer',
    minimum: 100,
    maximum: 1_000_000,
    description: 'bootstrap replicates of confidence (default 2000)',
  },
  seed: {
    type: 'integer',
    minimum: 0,
    maximum: 4_294_967_295,
    description: 'seed of the bootstrap and of the draws of repeats (default 0)',
  },
  repeats: {
    type: 'integer',
    minimum: 1,
    description: 'seeded draws per value of a random transform, scored by their mean (default 1)',
  },
  confusion: {
    type: 'boolean',
    description: 'keep the class confusion counts per value in the result (default false)',
  },
  refine: {
    type: 'object',
    additionalProperties: false,
    required: ['tolerance'],
    description:
      'bisect each crossing of the threshold after the grid until its bracket is at most tolerance wide (parameter units)',
    properties: { tolerance: { type: 'number', exclusiveMinimum: 0 } },
  },
} as const

// OnnxInputOptions, closed: a misspelt key (normalise) is an error, not a default silently applied.
const modelInput = {
  type: 'object',
  additionalProperties: false,
  description: 'OnnxModelOptions.input: how images are fed to the model',
  properties: {
    name: { type: 'string', minLength: 1, description: 'input tensor to feed' },
    layout: { enum: ['NCHW', 'NHWC'] },
    channels: { enum: [1, 3] },
    order: { enum: ['RGB', 'BGR'] },
    size: {
      oneOf: [
        {
          type: 'array',
          items: { type: 'integer', minimum: 1 },
          minItems: 2,
          maxItems: 2,
          description: '[w, h]: a fixed size the image is fitted to',
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['multipleOf'],
          properties: { multipleOf: { type: 'integer', minimum: 1 } },
        },
      ],
    },
    fit: { enum: ['stretch', 'pad', 'crop'] },
    normalize: {
      type: 'object',
      additionalProperties: false,
      required: ['mean', 'std'],
      description: '(x - mean[c]) / std[c] per channel, on intensities in [0, 1]; one value applies to every channel',
      properties: {
        mean: { oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' }, minItems: 1 }] },
        std: {
          oneOf: [
            { type: 'number', exclusiveMinimum: 0 },
            { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1 },
          ],
        },
      },
    },
  },
} as const

// OnnxOutputOptions, closed.
const modelOutput = {
  type: 'object',
  additionalProperties: false,
  description: 'OnnxModelOptions.output: which output is read and how',
  properties: {
    name: { type: 'string', minLength: 1 },
    kind: { enum: ['logits', 'probabilities', 'sigmoid', 'labels'] },
    threshold: { type: 'number', description: 'threshold of a sigmoid output (default 0.5)' },
  },
} as const

// A model block: the spec's model, and a comparison requirement's baseline.
const modelBlock = {
  type: 'object',
  additionalProperties: false,
  properties: {
    onnx: { type: 'string', minLength: 1, description: 'path to the .onnx file, relative to the spec file' },
    name: { type: 'string', minLength: 1 },
    classes: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[0-9]+$' },
      additionalProperties: { type: 'string', minLength: 1 },
    },
    input: modelInput,
    output: modelOutput,
    batchSize: { type: 'integer', minimum: 1 },
  },
} as const

// The keys that make a requirement a comparison with a baseline model (ComparisonSettings and `baseline`).
const comparisonOptions = {
  baseline: {
    ...modelBlock,
    required: ['onnx'],
    description:
      "a baseline model (the spec's model block; classes default to the model's): the requirement becomes a comparison",
  },
  margin: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    description: "how much lower the model's AUC may be than the baseline's",
  },
  confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  resamples: { type: 'integer', minimum: 100, maximum: 1_000_000 },
  seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
} as const

/**
 * JSON Schema (draft 2020-12) of a robustness spec file; see `RobustnessSpec` in `requirements/types.ts`. A requirement's
 * keys are exactly those of `SpecRequirement`, the `defaults` keys those of `RequirementDefaults`
 * (test/unit/spec/schema.test.ts pins both at the type level). A requirement needs a threshold (`min`) of its own
 * or from `defaults`: `validateSpec` checks that.
 */
export const specSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://segsense.dev/schema/robustness-spec-1.json',
  title: 'segsense robustness spec',
  type: 'object',
  additionalProperties: false,
  required: ['model', 'samples', 'requirements'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    model: { ...modelBlock, required: ['onnx', 'classes'] },
    samples: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['image'],
        properties: {
          id: { type: 'string', minLength: 1 },
          image: { type: 'string', minLength: 1 },
          truth: { type: 'string', minLength: 1 },
        },
      },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      description: 'defaults of every requirement: any requirement key but name, transform, options and the grid',
      properties: requirementOptions,
    },
    requirements: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['transform'],
        properties: {
          name: { type: 'string', minLength: 1 },
          transform: { type: 'string', minLength: 1 },
          options: { type: 'object' },
          range: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          step: { type: 'number', exclusiveMinimum: 0 },
          steps: { type: 'integer', minimum: 2 },
          values: { type: 'array', items: { type: 'number' }, minItems: 1 },
          ...requirementOptions,
          ...comparisonOptions,
        },
      },
    },
  },
} as const
