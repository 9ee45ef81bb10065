export { complexPlane, fft1d, fft2, fft2InPlace, fftAxis, ifft2, rasterToPlane } from './fft.js'
export type { ComplexPlane } from './fft.js'
export { fftshift, ifftshift, roll2 } from './shift.js'
