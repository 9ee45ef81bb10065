// Type-checked (never run) by check.mjs against the PACKED package, with the strictest options a consumer may
// use (exactOptionalPropertyTypes, skipLibCheck: false), by TypeScript 5.9 and 7: every public entry point.
import { expect, test } from 'vitest'
import { type Sample, type SweepResult, functionModel, labelMap, loadSpec, rotate, summarize, sweep } from 'segsense'
import { brightness, corruptions, defineTransform, zoom } from 'segsense/transforms'
import { scoreMasks } from 'segsense/metrics'
import { matchers } from 'segsense/matchers'
import SegsenseReporter from 'segsense/reporter'

declare const samples: Sample[]
const model = functionModel('m', { 1: 'LV' }, (img) => labelMap(img.width, img.height))

test('the public API under strict options', async () => {
  const result: SweepResult = await sweep(model, samples, rotate, { range: [-30, 30], step: 10, scoreClasses: ['LV'] })
  const interval = summarize(result, { min: 0.8 }).classes['LV']?.interval
  void interval
  void scoreMasks(labelMap(2, 2), labelMap(2, 2), { classes: { 1: 'LV' }, metrics: ['dice'] })
  void corruptions.jpeg
  void brightness
  void defineTransform
  void loadSpec
  void matchers.toBeRobustTo
  void new SegsenseReporter({ outputDir: 'report' })
  void new SegsenseReporter({ summary: 'segsense.md', stepSummary: false, reportUrl: 'https://ci/run/1', history: { dir: 'history', margin: 5 } })
  await expect(model).toBeRobustTo(zoom, { samples, range: [0.8, 1.25], steps: 5, min: { LV: 0.9 }, scoreClasses: ['LV'] })
  await expect(model).toMatchSweepSnapshot(rotate, { samples, scoreTolerance: 0.02, intervalMin: 0.8 })
})
