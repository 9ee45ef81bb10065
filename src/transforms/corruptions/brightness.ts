/** The `brightness` corruption. */
import { corruption } from './corruption.js'
import { hsvEdit } from './hsv.js'

/** `brightness`: grey `x + c`; RGB: HSV value `V + c` (clipped), c = .1 .2 .3 .4 .5. */
export const brightness = corruption('brightness', [0.1, 0.2, 0.3, 0.4, 0.5], (img, c) => {
  if (img.channels >= 3) {
    return hsvEdit(img, (hsv) => {
      const v = (hsv[2] as number) + c
      hsv[2] = v > 1 ? 1 : v < 0 ? 0 : v
    })
  }
  const out = new Float64Array(img.data.length)
  for (let i = 0; i < out.length; i++) out[i] = (img.data[i] as number) + c
  return out
})
