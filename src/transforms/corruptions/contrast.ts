/** The `contrast` corruption. */
import { corruption } from './corruption.js'

/** `contrast`: `(x − mean)·c + mean` per channel, c = .4 .3 .2 .1 .05. */
export const contrast = corruption('contrast', [0.4, 0.3, 0.2, 0.1, 0.05], (img, c) => {
  const { channels: C, data: src } = img
  const means = new Float64Array(C)
  for (let i = 0; i < src.length; i++) means[i % C] = (means[i % C] as number) + (src[i] as number)
  for (let ch = 0; ch < C; ch++) means[ch] = (means[ch] as number) / (src.length / C)
  const out = new Float64Array(src.length)
  for (let i = 0; i < src.length; i++)
    out[i] = ((src[i] as number) - (means[i % C] as number)) * c + (means[i % C] as number)
  return out
})
