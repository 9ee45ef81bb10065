/** Normalised 1D Gaussian kernels as scipy and OpenCV build them (they differ in size and truncation). */

/**
 * scipy `_gaussian_kernel1d(sigma, 0, radius)` with `radius = int(truncate·σ + 0.5)`:
 * weights `exp(−k²/(2σ²))`, k = −r..r, normalised to sum 1.
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const r = Math.floor(truncate * sigma + 0.5)
  // Radius 0 is the identity (also avoids 0/0 when sigma*sigma underflows).
  if (r === 0) return Float64Array.of(1)
  const k = new Float64Array(2 * r + 1)
  let sum = 0
  for (let i = -r; i <= r; i++) {
    const w = Math.exp((-0.5 * i * i) / (sigma * sigma))
    k[i + r] = w
    sum += w
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) / sum
  return k
}

/** cv2 `getGaussianKernel(n, σ)` for σ > 0: n taps centred on `(n − 1)/2`, normalised to sum 1. */
export function cvGaussianKernel(n: number, sigma: number): Float64Array {
  const k = new Float64Array(n)
  let s = 0
  for (let i = 0; i < n; i++) {
    const d = i - (n - 1) / 2
    k[i] = Math.exp(-(d * d) / (2 * sigma * sigma))
    s += k[i] as number
  }
  for (let i = 0; i < n; i++) k[i] = (k[i] as number) / s
  return k
}
