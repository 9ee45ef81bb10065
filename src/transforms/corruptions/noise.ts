/** The noise corruptions: gaussian, shot (Poisson), impulse (salt and pepper) and speckle. */
import { createRng, normalField } from '../random.js'
import { corruption } from './corruption.js'
import { poisson } from './poisson.js'

/** `gaussian_noise`: `x + N(0, c)`, c = .08 .12 .18 .26 .38. */
export const gaussianNoise = corruption('gaussianNoise', [0.08, 0.12, 0.18, 0.26, 0.38], (img, c, o) => {
  const z = normalField(img.data.length, o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = (img.data[i] as number) + c * (z[i] as number)
  return out
})

/** `shot_noise`: `Poisson(x·c)/c`, c = 60 25 12 5 3. */
export const shotNoise = corruption('shotNoise', [60, 25, 12, 5, 3], (img, c, o) => {
  const rng = createRng(o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = poisson(rng, (img.data[i] as number) * c) / c
  return out
})

/** `impulse_noise` (skimage `random_noise(mode='s&p')`): each value flipped w.p. c, half to 1, half to 0; c = .03 .06 .09 .17 .27. */
export const impulseNoise = corruption('impulseNoise', [0.03, 0.06, 0.09, 0.17, 0.27], (img, c, o) => {
  const rng = createRng(o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) {
    const flip = rng.next() < c
    const salt = rng.next() < 0.5
    out[i] = flip ? (salt ? 1 : 0) : (img.data[i] as number)
  }
  return out
})

/** `speckle_noise` (validation set): `x + x·N(0, c)`, c = .15 .2 .35 .45 .6. */
export const speckleNoise = corruption('speckleNoise', [0.15, 0.2, 0.35, 0.45, 0.6], (img, c, o) => {
  const z = normalField(img.data.length, o.seed)
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) {
    const x = img.data[i] as number
    out[i] = x + x * c * (z[i] as number)
  }
  return out
})
