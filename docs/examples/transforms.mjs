// The code block of docs/transforms.md, kept identical to it (test/e2e/doc-examples.test.ts checks and runs it): options,
// names, and a transform of your own, on one bundled sample.
import { rotate, transformByName, defineTransform, loadFixtureSamples } from 'segsense'

const [sample] = await loadFixtureSamples('cardiac')
const reflect = rotate.with({ padding: 'reflection' })   // a copy; rotate itself keeps its defaults
console.log(reflect.name, JSON.stringify(reflect.options), 'spatial:', reflect.spatial)
const shot = transformByName('corruptions.shotNoise', { seed: 3 })   // the names of spec files and the CLI
console.log(shot.name, shot.parameter.name, shot.parameter.defaultRange.join('..'), 'random:', shot.random === true)

// Your own: an intensity inversion blended in by the parameter, 0 the identity.
const invert = defineTransform({
  name: 'invert', spatial: false,
  parameter: { name: 'amount', unit: '', neutral: 0, scale: 'linear', defaultRange: [0, 1], defaultStep: 0.25 },
  image: (img, a) => ({ ...img, data: img.data.map((v) => (1 - a) * v + a * (1 - v)) }),
})
const inverted = invert.image(sample.image, 1)
console.log(invert.name, 'at 1: pixel 0', sample.image.data[0].toFixed(3), '->', inverted.data[0].toFixed(3))
