// Volumes made in code for the volume-sweep and distance-gate tests: a ball with a radial intensity ramp, a gain
// transform that grows or shrinks what a thresholding model finds, and that model.
import { labelMap } from '../../src/core/raster.js'
import type { LabelVolume, Raster, Volume, VolumeSample } from '../../src/core/types.js'
import { functionModel } from '../../src/models/model.js'
import { defineTransform } from '../../src/transforms/transform.js'

/**
 * A ball of radius `radius` mm at the centre of a `dims` grid with `spacing` mm: the truth is the ball, the image
 * falls off linearly with the distance r from the centre, `1 - r / (2 radius)`, so a model thresholding at 0.5
 * finds exactly the ball and `gain` (below) grows or shrinks it: radius' = 2 radius (1 - 0.5 / gain).
 */
export function ballVolume(
  id: string,
  dims: [number, number, number],
  spacing: [number, number, number],
  radius: number,
): VolumeSample {
  const [nx, ny, nz] = dims
  const image = new Float32Array(nx * ny * nz)
  const truth = new Uint8Array(nx * ny * nz)
  const c = dims.map((d, a) => ((d - 1) / 2) * (spacing[a] as number))
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const r = Math.hypot(i * spacing[0] - c[0]!, j * spacing[1] - c[1]!, k * spacing[2] - c[2]!)
        image[v] = Math.max(0, 1 - r / (2 * radius))
        truth[v] = r <= radius ? 1 : 0
      }
    }
  }
  const affine = [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1]
  const vol: Volume = { dims, channels: 1, data: image, spacing, affine }
  const lab: LabelVolume = { dims, data: truth, spacing, affine }
  return { id, image: vol, truth: lab }
}

/** Multiplies intensities by the swept gain (non-spatial: the truth stays). */
export const gain = defineTransform({
  name: 'gain',
  spatial: false,
  parameter: { name: 'gain', unit: 'x', neutral: 1, scale: 'linear', defaultRange: [0.5, 2], defaultStep: 0.25 },
  image: (img, g) => ({ ...img, data: img.data.map((v) => v * g) }),
})

/** Pointwise: class 1 where the intensity is at least 0.5. Counts its calls and the slices it saw. */
export function thresholdModel() {
  const seen = { calls: 0, slices: 0 }
  const model = functionModel('threshold', { 1: 'ball' }, (img: Raster) => {
    seen.slices++
    return labelMap(
      img.width,
      img.height,
      Uint8Array.from(img.data, (v) => (v >= 0.5 ? 1 : 0)),
    )
  })
  const predict = model.predict.bind(model)
  return { seen, model: { ...model, predict: async (images: readonly Raster[]) => (seen.calls++, predict(images)) } }
}
