// reference: 'prediction' (no truth): models whose prediction cannot change must not pass a gate.
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { brightness, functionModel, labelMap, loadOnnxModel, raster, type LabelMap, type Raster, type Sample } from 'segsense'

const S = 32
/** A bright square (columns and rows 8..23) on a dark background, without truth. */
const image = (() => {
  const data = new Float32Array(S * S).fill(0.1)
  for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) data[y * S + x] = 0.9
  return raster(S, S, 1, data)
})()
const samples: Sample[] = [{ id: 'square', image }]
const bright: Sample[] = [{ id: 'bright', image: raster(S, S, 1, new Float32Array(S * S).fill(0.9)) }]
const gate = { values: [0.6, 1, 1.4], min: 0.9, reference: 'prediction' as const }
const labels = (img: Raster, f: (v: number, i: number) => number): LabelMap =>
  labelMap(img.width, img.height, Uint8Array.from(img.data, f))

test('control: a model that depends on its input passes', async () => {
  await expect(functionModel('threshold', { 1: 'fg' }, (img) => labels(img, (v) => (v > 0.5 ? 1 : 0)))).toBeRobustTo(
    brightness,
    { samples, ...gate },
  )
})

test('an all-foreground model is refused', async () => {
  await expect(functionModel('all-fg', { 1: 'fg' }, (img) => labels(img, () => 1))).toBeRobustTo(brightness, {
    samples,
    ...gate,
  })
})

test('a sigmoid model read with threshold -1 is refused', async () => {
  // The consumer workspace links node_modules/segsense to the package, whose fixtures ship the test models.
  const file = fileURLToPath(new URL('../../node_modules/segsense/fixtures/models/test/sigmoid.onnx', import.meta.url))
  const model = await loadOnnxModel(file, {
    classes: { 1: 'fg' },
    output: { threshold: -1 },
  })
  try {
    await expect(model).toBeRobustTo(brightness, { samples, ...gate })
  } finally {
    await model.close()
  }
})

test('a model that returns the same labels for any input is refused', async () => {
  const fixed = labels(image, (v) => (v > 0.5 ? 1 : 0))
  await expect(functionModel('constant', { 1: 'fg' }, () => ({ ...fixed, data: fixed.data.slice() }))).toBeRobustTo(
    brightness,
    { samples, ...gate },
  )
})

test('not: a class covering most of the clean prediction is listed under Warnings', async () => {
  const almost = functionModel('almost', { 1: 'fg' }, (img) => labels(img, (v, i) => (v > 0.5 && i % S !== 0 ? 1 : 0)))
  await expect(almost).not.toBeRobustTo(brightness, { samples: bright, ...gate })
})
