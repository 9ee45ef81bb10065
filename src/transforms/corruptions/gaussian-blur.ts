/** The `gaussian_blur` corruption. */
import { clampIndex } from '../kernels/border.js'
import { separableFilter } from '../kernels/convolve.js'
import { gaussianKernel } from '../kernels/gaussian.js'
import { corruption } from './corruption.js'

/** `gaussian_blur` (validation set; skimage `gaussian`, mode 'nearest', truncate 4): σ = 1 2 3 4 6 px. */
export const gaussianBlur = corruption('gaussianBlur', [1, 2, 3, 4, 6], (img, sigma) => {
  const k = gaussianKernel(sigma, 4)
  return separableFilter(img, k, k, clampIndex)
})
