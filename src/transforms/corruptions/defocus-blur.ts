/** The `defocus_blur` corruption: a disk kernel, anti-aliased with a small Gaussian. */
import { reflect101Index } from '../kernels/border.js'
import { filter2D, separableFilter, type Kernel2D } from '../kernels/convolve.js'
import { cvGaussianKernel } from '../kernels/gaussian.js'
import { corruption } from './corruption.js'

/**
 * imagecorruptions `disk(radius, alias_blur)`: a normalised binary disk on `arange(−8, 9)` (radius <= 8)
 * or `arange(−r, r + 1)`, then `cv2.GaussianBlur` (3x3 or 5x5, σ = alias_blur, BORDER_REFLECT_101). Row-major.
 */
export function defocusKernel(radius: number, aliasBlur: number): Kernel2D {
  const half = radius <= 8 ? 8 : Math.floor(radius)
  const size = 2 * half + 1
  const disk = new Float64Array(size * size)
  let sum = 0
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * size + x + half] = 1
        sum++
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i] = (disk[i] as number) / sum
  const g = cvGaussianKernel(radius <= 8 ? 3 : 5, aliasBlur)
  const blurred = separableFilter(
    { width: size, height: size, channels: 1, data: Float32Array.from(disk) },
    g,
    g,
    reflect101Index,
  )
  return { size, data: blurred }
}

/** `defocus_blur`: disk kernel (radius, alias blur) = (3,.1) (4,.5) (6,.5) (8,.5) (10,.5). */
export const defocusBlur = corruption(
  'defocusBlur',
  [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5],
  ] as const,
  (img, [r, alias]) => filter2D(img, defocusKernel(r, alias)),
)
