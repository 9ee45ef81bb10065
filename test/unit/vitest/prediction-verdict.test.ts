import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { LabelMap } from '../../../src/core/types.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { labelMapHash } from '../../../src/vitest/prediction-compare.js'
import { resolveBudget } from '../../../src/vitest/prediction-snapshot.js'
import type { PredictionSidecar } from '../../../src/vitest/prediction-store.js'
import { type Prediction, compareWithSnapshot, failureLines } from '../../../src/vitest/prediction-verdict.js'

const classes = { 1: 'LV' }
const image = raster(4, 4)
const map = (ids: number[], w = 4, h = 4) => labelMap(w, h, ids)
const A = map([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0])
const B = map([0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0]) // one pixel gained
const prediction = (sample: string, value: number, m: LabelMap): Prediction => ({
  sample,
  value,
  image,
  map: m,
  sha256: labelMapHash(m),
  file: `${sample}.${value}.png`,
})
const sidecar = (
  entries: { sample: string; value: number; map: LabelMap }[],
  over: Partial<PredictionSidecar> = {},
): PredictionSidecar => ({
  segsense: 'prediction-snapshot',
  version: 1,
  test: 't 1',
  model: { name: 'm', fingerprint: 'file:aaaa,options:bbbb', classes },
  runtime: { onnxruntime: '1.30.0', platform: 'linux-x64', node: 'v20' },
  transform: { name: 'rotate', options: {} },
  predictions: entries.map((e) => ({
    sample: e.sample,
    value: e.value,
    file: `${e.sample}.${e.value}.png`,
    width: e.map.width,
    height: e.map.height,
    sha256: labelMapHash(e.map),
  })),
  ...over,
})

describe('compareWithSnapshot', () => {
  it('matches equal hashes without reading the stored PNG', async () => {
    const read: string[] = []
    const v = await compareWithSnapshot(
      sidecar([{ sample: 'a', value: 0, map: A }]),
      [prediction('a', 0, A)],
      classes,
      resolveBudget({}, classes),
      (f) => {
        read.push(f)
        return Promise.resolve(A)
      },
      rotate,
    )
    expect(v).toMatchObject({ pass: true, moved: [] })
    expect(read).toEqual([])
  })

  it('reads and compares a prediction whose hash differs: within or beyond the budget', async () => {
    const stored = sidecar([{ sample: 'a', value: 0, map: A }])
    const strict = await compareWithSnapshot(
      stored,
      [prediction('a', 0, B)],
      classes,
      resolveBudget({}, classes),
      () => Promise.resolve(A),
      rotate,
    )
    expect(strict.pass).toBe(false)
    expect(strict.failing[0]!.comparison).toMatchObject({
      changed: 1,
      classes: [{ className: 'LV', gained: 1, lost: 0 }],
    })
    const loose = await compareWithSnapshot(
      stored,
      [prediction('a', 0, B)],
      classes,
      resolveBudget({ maxChangedPixels: 1 }, classes),
      () => Promise.resolve(A),
      rotate,
    )
    expect(loose).toMatchObject({ pass: true, failing: [] })
    expect(loose.moved).toHaveLength(1) // a near miss
  })

  it('fails a size change with both sizes, and names new and vanished predictions and a changed class map', async () => {
    const v = await compareWithSnapshot(
      sidecar(
        [
          { sample: 'a', value: 0, map: A },
          { sample: 'b', value: 0, map: A },
        ],
        { model: { name: 'm', fingerprint: null, classes: { 1: 'RV' } } },
      ),
      [prediction('a', 0, map(new Array(8).fill(0), 2, 4)), prediction('c', 0, A)],
      classes,
      resolveBudget({}, classes),
      () => Promise.resolve(A),
      rotate,
    )
    expect(v.pass).toBe(false)
    expect(v.sizes).toEqual(['a rotate=0: the stored prediction is 4x4, the new one 2x4'])
    expect(v.structural).toEqual([
      'class map changed: {"1":"RV"} -> {"1":"LV"}',
      'c rotate=0 is new (not in the snapshot)',
      'b rotate=0 is no longer predicted',
    ])
    expect(v.fresh.map((p) => p.sample)).toEqual(['a', 'c'])
    expect(v.gone.map((p) => p.sample)).toEqual(['b'])
  })
})

describe('failureLines', () => {
  it('lists the moved predictions and the worst, and says when the model or the runtime changed', async () => {
    const stored = sidecar([
      { sample: 'a', value: 0, map: A },
      { sample: 'a', value: 10, map: A },
    ])
    const budget = resolveBudget({ minDice: { LV: 0.95 } }, classes)
    const v = await compareWithSnapshot(
      stored,
      [prediction('a', 0, B), prediction('a', 10, A)],
      classes,
      budget,
      () => Promise.resolve(A),
      rotate,
    )
    const text = failureLines(v, {
      budget,
      transform: rotate,
      total: 2,
      stored,
      fingerprint: 'file:cccc,options:bbbb',
      runtime: { onnxruntime: '1.31.0', platform: 'darwin-arm64', node: 'v22' },
    }).join('\n')
    // Dice LV = 2*4/(4+5) = 0.8889
    expect(text).toContain('1 of 2 prediction(s) moved beyond the budget (Dice vs stored LV >= 0.95):')
    expect(text).toContain(
      '  a rotate=0: 1 px changed (6.25 %, allowed any); LV gained 1, lost 0, Dice 0.8889; Dice below budget: LV 0.8889 < 0.95',
    )
    expect(text).toContain('Worst: a rotate=0, 1 px changed.')
    expect(text).toContain('Note: the model changed (fingerprint file:aaaa,options:bbbb -> file:cccc,options:bbbb).')
    expect(text).toContain(
      'Note: the snapshot was recorded with onnxruntime 1.30.0 on linux-x64, this run uses onnxruntime 1.31.0 on darwin-arm64: predictions can differ across runtimes and platforms.',
    )
  })
})
