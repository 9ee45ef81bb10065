// The code block of docs/models.md, kept identical to it (test/e2e/doc-examples.test.ts checks and runs it): a bundled
// ONNX model and a function model with a fingerprint, predicting on one bundled sample.
import { loadOnnxModel, fixtureModelPath, loadFixtureSamples, CARDIAC_CLASSES, functionModel, labelMap } from 'segsense'

const [sample] = await loadFixtureSamples('cardiac')
const onnx = await loadOnnxModel(fixtureModelPath('cardiac-fragile'), { classes: CARDIAC_CLASSES })
const [predicted] = await onnx.predict([sample.image])
await onnx.close()
const lv = predicted.data.filter((id) => id === 3).length
console.log(`${onnx.name}: ${predicted.width}x${predicted.height} label map, ${lv} LV pixels`)

// Any function from an image to a label map is a model; the fingerprint lets sweeps cache its scores.
const bright = { ...functionModel('bright', { 1: 'bright' }, (img) =>
  labelMap(img.width, img.height, img.data.map((v) => (v > 0.5 ? 1 : 0)))), fingerprint: 'bright-v1' }
const [mask] = await bright.predict([sample.image])
console.log(`${bright.name} (${bright.fingerprint}): ${mask.data.filter((id) => id === 1).length} bright pixels`)
