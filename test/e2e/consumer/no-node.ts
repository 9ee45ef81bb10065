// Type-checked (never run) by check.mjs against the PACKED package in a consumer with no @types/node, whose tsconfig
// has exactly the README's `"types": ["segsense/vitest"]`: segsense's typings must name no Node global (`Buffer`,
// `NodeJS.*`, `node:` modules), nor reach a dependency's typings that do.
import { expect, test } from 'vitest'
import { type Sample, functionModel, isDicom, labelMap, loadOnnxModel, rotate, sweep } from 'segsense'
import { brightness } from 'segsense/transforms'
import { scoreMasks } from 'segsense/metrics'

declare const samples: Sample[]
const model = functionModel('m', { 1: 'LV' }, (img) => labelMap(img.width, img.height))

test('the README setup without @types/node', async () => {
  void isDicom(new Uint8Array(200))
  void loadOnnxModel
  void scoreMasks(labelMap(2, 2), labelMap(2, 2), { classes: { 1: 'LV' }, metrics: ['dice'] })
  void (await sweep(model, samples, brightness, { range: [0.5, 1.5], steps: 3 }))
  await expect(model).toBeRobustTo(rotate, { samples, range: [-30, 30], step: 10, min: { LV: 0.9 } })
  await expect(model).toMatchSweepSnapshot(rotate, { samples, scoreTolerance: 0.02 })
})
