// Synthetic models and a sample for the consumer project (no ONNX needed to exercise the matchers).
import { functionModel, labelMap, raster, type Sample } from 'segsense'

const S = 64
const C = (S - 1) / 2

/** A bright disc of radius r at (cx, cy), with its mask (class 1). */
export function discSample(id: string, cx: number, cy: number, r: number): Sample {
  const img = new Float32Array(S * S)
  const mask = new Uint8Array(S * S)
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    img[y * S + x] = inside ? 0.9 : 0.1
    mask[y * S + x] = inside ? 1 : 0
  }
  return { id, image: raster(S, S, 1, img), truth: labelMap(S, S, mask) }
}

/** Sees the disc anywhere: rotation-invariant. `shrink` erodes its prediction by that many px (a "retrained" model). */
export function thresholdModel(shrink = 0) {
  return functionModel('threshold', { 1: 'disc' }, (img) => {
    const out = new Uint8Array(img.width * img.height)
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
      let on = (img.data[y * img.width + x] as number) > 0.5
      for (let d = 1; on && d <= shrink; d++) {
        for (const [dx, dy] of [[d, 0], [-d, 0], [0, d], [0, -d]] as const) {
          const v = img.data[Math.min(img.height - 1, Math.max(0, y + dy)) * img.width + Math.min(img.width - 1, Math.max(0, x + dx))] as number
          if (v <= 0.5) on = false
        }
      }
      out[y * img.width + x] = on ? 1 : 0
    }
    return labelMap(img.width, img.height, out)
  })
}

/** Blind to the left half of the image. */
export const rightHalfModel = functionModel('right-half', { 1: 'disc' }, (img) => {
  const out = new Uint8Array(img.width * img.height)
  for (let y = 0; y < img.height; y++) for (let x = img.width / 2; x < img.width; x++) out[y * img.width + x] = (img.data[y * img.width + x] as number) > 0.5 ? 1 : 0
  return labelMap(img.width, img.height, out)
})

export const centred = discSample('centred', C, C, 12)
export const offCentre = discSample('off-centre', C + 18, C, 8)
