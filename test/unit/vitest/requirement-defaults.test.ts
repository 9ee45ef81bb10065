// toBeRobustTo called through vitest's own expect (attach: 'never', so no chart is rendered): the defaults of
// configureSegsense, the options it carries to the sweep, and the warnings in its failure message.
import { afterEach, describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { LabelMap, Raster, Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import type { SweepRecord } from '../../../src/vitest/meta.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { type SegsenseDefaults, configureSegsense } from '../../../src/vitest/config.js'
import { toBeRobustTo } from '../../../src/vitest/robust.js'

expect.extend({ toBeRobustTo })
type Robust = { toBeRobustTo: (t: unknown, o?: object) => Promise<void> }
const robust = (model: SegmentationModel) => expect(model) as unknown as Robust

const W = 8
function squareImage(): Raster {
  const data = new Float32Array(W * W)
  for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) data[y * W + x] = 1
  return raster(W, W, 1, data)
}
const threshold = functionModel('threshold', { 1: 'fg' }, (img) =>
  labelMap(
    img.width,
    img.height,
    Uint8Array.from(img.data, (v) => (v > 0.5 ? 1 : 0)),
  ),
)
const noTruth: Sample[] = [{ id: 'square', image: squareImage() }]
const blank: Sample[] = [{ id: 'blank', image: raster(W, W) }]

async function failure(p: Promise<void>): Promise<string> {
  try {
    await p
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected the matcher to fail')
}

const sweepsOf = (task: { meta: object }) =>
  (task.meta as { segsense?: { sweeps: SweepRecord[] } }).segsense?.sweeps ?? []

// Every key configured here is cleared after each test (configureSegsense merges, undefined clears).
const CLEAR: SegsenseDefaults = {
  samples: undefined,
  min: undefined,
  metric: undefined,
  reference: undefined,
  emptyPolicy: undefined,
  aggregate: undefined,
  nsdTolerance: undefined,
  scoreClasses: undefined,
  batchSize: undefined,
  batchTimeout: undefined,
  attach: undefined,
}
afterEach(() => configureSegsense(CLEAR))

describe('configureSegsense takes every requirement default of toBeRobustTo', () => {
  it('reference, emptyPolicy, aggregate, metric, scoreClasses, batchSize reach the sweep and the check', async ({
    task,
  }) => {
    configureSegsense({
      samples: noTruth,
      min: 0.9,
      reference: 'prediction',
      emptyPolicy: 'nan',
      aggregate: 'each',
      metric: 'iou',
      scoreClasses: ['fg'],
      batchSize: 1,
      attach: 'never',
    })
    // No truth: only the configured reference 'prediction' lets this run (else E_MISSING_TRUTH).
    await robust(threshold).toBeRobustTo(rotate, { values: [0, 90] })
    const [record] = sweepsOf(task)
    expect(record?.result).toMatchObject({
      reference: 'prediction',
      emptyPolicy: { bothEmpty: 'nan' },
      metrics: ['iou'],
      classes: ['fg'],
    })
    expect(record?.verdict).toMatchObject({ aggregate: 'each', metric: 'iou' })
    expect(record?.result.timing.predictions).toBe(5) // 2 values, the clean image and its 2 probes
  })

  it('refine reaches the sweep: the crossings of the gate are bisected and recorded', async ({ task }) => {
    configureSegsense({ samples: noTruth, reference: 'prediction', attach: 'never' })
    const message = await failure(
      robust(threshold).toBeRobustTo(rotate, { values: [0, 20, 40], min: 0.95, refine: { tolerance: 5 } }),
    )
    expect(message).toContain('Values that failed')
    const result = sweepsOf(task)[0]?.result
    expect(result?.refined).toMatchObject({ tolerance: 5, metric: 'dice', aggregate: 'mean', min: { fg: 0.95 } })
    expect(result?.refined?.values.length).toBeGreaterThan(0)
    for (const v of result?.refined?.values ?? []) expect(result?.values).toContain(v)
  })

  it('the options of the call win over the configured defaults', async ({ task }) => {
    configureSegsense({ samples: noTruth, min: 0.9, reference: 'prediction', emptyPolicy: 'nan', attach: 'never' })
    await robust(threshold).toBeRobustTo(rotate, { values: [0], emptyPolicy: 'best', min: 0.5 })
    expect(sweepsOf(task)[0]?.result.emptyPolicy).toEqual({ bothEmpty: 'best' })
  })

  it('batchTimeout: a model that never answers fails with E_TIMEOUT', async () => {
    const silent: SegmentationModel = {
      name: 'silent',
      classes: { 1: 'fg' },
      predict: () => new Promise<LabelMap[]>(() => {}),
    }
    configureSegsense({ samples: noTruth, min: 0.5, reference: 'prediction', batchTimeout: 20, attach: 'never' })
    const message = await failure(robust(silent).toBeRobustTo(rotate, { values: [0] }))
    expect(message).toContain('model "silent" did not answer batch 1 of 2')
  })
})

describe('toBeRobustTo options', () => {
  it('emptyPolicy and batchTimeout are options of the matcher', async ({ task }) => {
    await robust(threshold).toBeRobustTo(rotate, {
      samples: noTruth,
      reference: 'prediction',
      values: [0],
      min: 0.5,
      emptyPolicy: { bothEmpty: 'nan' },
      batchTimeout: 60_000,
      attach: 'never',
    })
    expect(sweepsOf(task)[0]?.result.emptyPolicy).toEqual({ bothEmpty: 'nan' })
    const message = await failure(
      robust(threshold).toBeRobustTo(rotate, { samples: noTruth, min: 0.5, emptyPolicy: 'none' as never }),
    )
    expect(message).toContain("toBeRobustTo(rotate): emptyPolicy must be 'best' or 'nan'")
  })

  it('a bad sweep option is refused once, by the sweep, naming the matcher call; a misspelt one by the planner', async () => {
    const call = (options: object) =>
      failure(robust(threshold).toBeRobustTo(rotate, { samples: noTruth, values: [0], min: 0.5, ...options }))
    expect(await call({ reference: 'gt' })).toBe(
      `toBeRobustTo(rotate): sweep option reference must be 'truth' or 'prediction', got "gt"`,
    )
    expect(await call({ reference: 'prediction', batchSize: 0 })).toMatch(
      /^toBeRobustTo\(rotate\): sweep option batchSize must be an integer/,
    )
    // The matcher's own keys are known to the one key check: a misspelt one is named with its nearest key.
    expect(await call({ atach: 'never' })).toMatch(
      /^toBeRobustTo\(rotate\): unknown key "atach" \(did you mean 'attach'\?\); known keys: range, .*, samples, slices, attach$/,
    )
    // A slices option given is handed on, never dropped for being falsy: on images the sweep refuses it.
    expect(await call({ reference: 'prediction', slices: '' })).toContain(
      'toBeRobustTo(rotate): sweep options: unknown key "slices"',
    )
    expect(await call({ reference: 'prediction', attach: 'sometimes' })).toBe(
      `toBeRobustTo(rotate): attach must be 'on-failure', 'always' or 'never', got "sometimes"`,
    )
  })

  it('the failure message lists what was not scored: a model that finds nothing fails, saying so', async () => {
    const message = await failure(
      robust(threshold).toBeRobustTo(rotate, {
        samples: blank,
        reference: 'prediction',
        values: [0, 30],
        min: 0.5,
        attach: 'never',
      }),
    )
    expect(message).toContain('Warnings (1):\n  sample "blank": the clean prediction has no fg; not scored')
  })
})
