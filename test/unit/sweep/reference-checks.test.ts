import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { SegsenseError } from '../../../src/core/errors.js'
import { labelMap, raster, sample } from '../../../src/core/raster.js'
import type { LabelMap, Raster, Sample } from '../../../src/core/types.js'
import { type SegmentationModel, functionModel } from '../../../src/models/model.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { LARGE_CLASS_SHARE, probeImages } from '../../../src/sweep/reference-checks.js'
import { sweepGrid } from '../../../src/sweep/grid2d.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { brightness, contrast, noise } from '../../../src/transforms/intensity.js'
import { rotate } from '../../../src/transforms/geometric.js'

const W = 16
const H = 16

/** A 16x16 image with a bright square of side `side` at (2, 2) (and its truth). */
function square(id: string, side = 6): Sample {
  const img = new Float32Array(W * H).fill(0.1)
  const truth = new Uint8Array(W * H)
  for (let y = 2; y < 2 + side; y++)
    for (let x = 2; x < 2 + side; x++) {
      img[y * W + x] = 0.9
      truth[y * W + x] = 1
    }
  return sample(id, raster(W, H, 1, img), labelMap(W, H, truth))
}
const noTruth = (s: Sample): Sample => ({ id: s.id, image: s.image })
const samples = [noTruth(square('a')), noTruth(square('b', 4))]

/** A function model that counts the images it is given. */
function counting(
  name: string,
  fn: (img: Raster) => LabelMap,
  classes: Record<number, string> = { 1: 'fg' },
): SegmentationModel & { n: number } {
  const inner = functionModel(name, classes, fn)
  const m = {
    name,
    classes: inner.classes,
    n: 0,
    predict(images: Raster[]) {
      m.n += images.length
      return inner.predict(images)
    },
  }
  return m
}
const threshold =
  (cut = 0.5) =>
  (img: Raster) =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v) => (v > cut ? 1 : 0)),
    )

async function refusal(p: Promise<unknown>): Promise<SegsenseError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(SegsenseError)
  return e as SegsenseError
}

const intensity = { values: [0.5, 1, 1.5], reference: 'prediction' as const, cache: false as const }

describe("reference: 'prediction' refuses a clean prediction no transform can change", () => {
  it('an all-foreground function model: E_DEGENERATE_REFERENCE naming the sample, instead of Dice 1', async () => {
    const all = counting('all-fg', (img) =>
      labelMap(img.width, img.height, new Uint8Array(img.width * img.height).fill(1)),
    )
    const e = await refusal(sweep(all, samples, brightness, intensity))
    expect(e.code).toBe('E_DEGENERATE_REFERENCE')
    expect(e.details).toMatchObject({ sample: 'a', reason: 'fills-image' })
    expect(e.message).toBe(
      `sweep of "brightness" on model "all-fg" with reference: 'prediction': the clean prediction of sample "a" is fg ` +
        'at every pixel, so no transform can show a change; score against a truth mask, or check what the model ' +
        'outputs (a sigmoid threshold below its range?)',
    )
    expect(e.message).not.toContain('\n')
    // Against the truth the same model is scored (and fails) as usual.
    const withTruth = await sweep(all, [square('a')], brightness, { values: [1], cache: false })
    expect(withTruth.mean.dice?.fg?.[0]).toBeLessThan(0.5)
  })

  it('foreground of two classes that covers the whole image, unless id 0 is scored as a class', async () => {
    const halves = (img: Raster): LabelMap =>
      labelMap(
        img.width,
        img.height,
        Uint8Array.from(img.data, (v, i) => (v > 0.5 ? 1 : i % img.width < 8 ? 2 : 1)),
      )
    const m = counting('halves', halves, { 1: 'LV', 2: 'MYO' })
    const e = await refusal(sweep(m, samples, brightness, intensity))
    expect(e.code).toBe('E_DEGENERATE_REFERENCE')
    expect(e.message).toMatch(/the clean prediction of sample "a" has no background \(LV \d+\.\d%, MYO \d+\.\d%\)/)
    // With id 0 a class of its own (no background), a prediction without it is no refusal by itself.
    const named = counting('halves', halves, { 0: 'sky', 1: 'LV', 2: 'MYO' })
    const r = await sweep(named, samples, brightness, { ...intensity, scoreClasses: [0, 1, 2] })
    expect(r.classes).toEqual(['sky', 'LV', 'MYO'])
  })

  it('an ONNX sigmoid model read with output.threshold -1 (below its range): refused', async () => {
    const file = fileURLToPath(new URL('../../../fixtures/models/test/sigmoid.onnx', import.meta.url))
    const model = await loadOnnxModel(file, { classes: { 1: 'fg' }, output: { threshold: -1 } })
    try {
      const e = await refusal(sweep(model, samples, brightness, intensity))
      expect(e.code).toBe('E_DEGENERATE_REFERENCE')
      expect(e.details).toMatchObject({ reason: 'fills-image' })
    } finally {
      await model.close()
    }
    // The same model at its default threshold 0.5 depends on its input and is scored.
    const fine = await loadOnnxModel(file, { classes: { 1: 'fg' } })
    try {
      const r = await sweep(fine, samples, brightness, intensity)
      expect(r.mean.dice?.fg?.[1]).toBe(1)
    } finally {
      await fine.close()
    }
  })

  it('a model that returns the same labels whatever its input: refused as input-independent', async () => {
    const fixed = labelMap(W, H, (square('x', 5).truth as LabelMap).data)
    const constant = counting('constant', () => ({ ...fixed, data: fixed.data.slice() }))
    const e = await refusal(sweep(constant, samples, brightness, intensity))
    expect(e.code).toBe('E_DEGENERATE_REFERENCE')
    expect(e.details).toMatchObject({ model: 'constant', reason: 'input-independent' })
    expect(e.message).toContain('predicts the same labels for a blank image and for a shuffled copy of every sample')
    // Refused after the clean phase only: 2 clean images and 2 probes each, no pair predicted.
    expect(constant.n).toBe(6)
    // contrast too: every intensity transform gives Dice 1 to such a model, so none may score it.
    expect((await refusal(sweep(constant, samples, contrast, intensity))).code).toBe('E_DEGENERATE_REFERENCE')
  })

  it('a model that depends on its input is not refused; all-background predictions stay empty-reference warnings', async () => {
    const r = await sweep(counting('t', threshold()), samples, brightness, intensity)
    expect(r.warnings).toBeUndefined()
    const none = counting('none', (img) => labelMap(img.width, img.height, new Uint8Array(img.width * img.height)))
    const empty = await sweep(none, samples, brightness, intensity)
    expect(empty.warnings?.map((w) => w.reason)).toEqual(['empty-reference', 'empty-reference'])
    expect(evaluateRequirement(empty, { min: 0.5 }).pass).toBe(false)
  })

  it('every front door that scores against the clean prediction refuses: repeated draws, a 2D grid, refinement', async () => {
    const fixed = labelMap(W, H, (square('x', 5).truth as LabelMap).data)
    const constant = counting('constant', () => ({ ...fixed, data: fixed.data.slice() }))
    const draws = sweep(constant, samples, noise, {
      values: [0, 0.1],
      repeats: 2,
      reference: 'prediction',
      cache: false,
    })
    expect((await refusal(draws)).code).toBe('E_DEGENERATE_REFERENCE')
    const grid = sweepGrid(constant, samples, [brightness, contrast], {
      axes: [{ values: [0.5, 1] }, { values: [0.5, 1] }],
      reference: 'prediction',
    })
    expect((await refusal(grid)).code).toBe('E_DEGENERATE_REFERENCE')
    const refined = sweep(constant, samples, brightness, { ...intensity, refine: { min: 0.9, tolerance: 0.05 } })
    expect((await refusal(refined)).code).toBe('E_DEGENERATE_REFERENCE')
  })

  it('not caught: a fixed mask whenever the image is bright enough; a spatial transform still fails it', async () => {
    // Depends on its input only through the mean: the blank probe differs, so the check lets it through (documented).
    const fixed = labelMap(W, H, (square('x', 5).truth as LabelMap).data)
    const meanGated = counting('mean-gated', (img) => {
      const mean = img.data.reduce((a, v) => a + v, 0) / img.data.length
      return mean > 0.05 ? { ...fixed, data: fixed.data.slice() } : labelMap(W, H, new Uint8Array(W * H))
    })
    const r = await sweep(meanGated, samples, brightness, intensity)
    expect(r.mean.dice?.fg).toEqual([1, 1, 1])
    // Against a rotated reference its unmoved mask loses: it fails a rotation gate.
    const turned = await sweep(meanGated, samples, rotate, { values: [0, 90], reference: 'prediction', cache: false })
    expect(evaluateRequirement(turned, { min: 0.9 }).pass).toBe(false)
  })

  it('the probes: a blank image and a seeded shuffle of the same pixels', () => {
    const img = square('a').image
    const { blank, shuffled } = probeImages(img)
    expect(blank.data.every((v) => v === 0)).toBe(true)
    expect([...shuffled.data].sort()).toEqual([...img.data].sort())
    expect(shuffled.data).not.toEqual(img.data)
    expect(probeImages(img).shuffled.data).toEqual(shuffled.data)
    const rgb = raster(
      2,
      2,
      3,
      Float32Array.from({ length: 12 }, (_, i) => Math.floor(i / 3) * 10 + (i % 3)),
    )
    const moved = probeImages(rgb).shuffled.data
    for (let p = 0; p < 4; p++) expect(moved[p * 3 + 1]).toBe((moved[p * 3] as number) + 1) // channels stay together
  })
})

describe('large-class warning', () => {
  const bright = sample('big', raster(W, H, 1, new Float32Array(W * H).fill(0.9)))
  const big = [bright, noTruth(square('small', 4))]
  // The bright square covers all but one pixel column of `big`.
  const almost = (img: Raster): LabelMap =>
    labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v, i) => (v > 0.5 && i % img.width !== 0 ? 1 : 0)),
    )

  it(`warns when a class covers more than ${100 * LARGE_CLASS_SHARE}% of the clean prediction; the pair is still scored`, async () => {
    const r = await sweep(counting('almost', almost), big, brightness, intensity)
    expect(r.warnings).toEqual([
      {
        sample: 'big',
        className: 'fg',
        reason: 'large-class',
        message:
          `sample "big": the clean prediction's fg covers 93.8% of the image (over 90%); ` +
          'its scores stay high whatever the transform does',
      },
    ])
    expect(r.meanCounts?.dice?.fg).toEqual([2, 2, 2])
    expect(validateSweepResult(JSON.parse(JSON.stringify(r))).valid).toBe(true)
    // Against the truth the share is no concern: no warning.
    const truthRun = await sweep(
      counting('almost', almost),
      [{ ...bright, truth: labelMap(W, H, new Uint8Array(W * H).fill(1)) }],
      brightness,
      { values: [1], cache: false },
    )
    expect(truthRun.warnings).toBeUndefined()
  })

  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('a run from the cache warns as the first run did', async () => {
    // The suite runs with SEGSENSE_CACHE=0 (vitest.config.ts); this test turns the cache on for itself.
    const saved = process.env.SEGSENSE_CACHE
    delete process.env.SEGSENSE_CACHE
    onTestFinished(() => {
      if (saved !== undefined) process.env.SEGSENSE_CACHE = saved
    })
    const dir = mkdtempSync(join(tmpdir(), 'segsense-refchecks-'))
    dirs.push(dir)
    const m = { ...counting('almost', almost), fingerprint: 'almost-v1' }
    const options = { ...intensity, cache: { dir } }
    const first = await sweep(m, big, brightness, options)
    const second = await sweep(m, big, brightness, options)
    expect(second.timing.cached).toBe(6)
    expect(second.warnings).toEqual(first.warnings)
  })
})

describe('the neutral value without truth', () => {
  it('is the clean image: rotate -45..45 step 15 predicts 6 rotated images per sample, not 7', async () => {
    const m = counting('t', threshold())
    const r = await sweep(m, [samples[0] as Sample], rotate, {
      range: [-45, 45],
      step: 15,
      ...intensity,
      values: undefined,
    })
    expect(r.values).toEqual([-45, -30, -15, 0, 15, 30, 45])
    expect(m.n).toBe(6 + 1 + 2) // rotated images, the clean one, its two probes
    expect(r.samples[0]?.scores.dice?.fg?.[3]).toBe(1)
  })
})
