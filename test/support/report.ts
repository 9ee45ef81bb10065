// Small synthetic scenes and models for the report tests (unit and e2e; no ONNX): fast and exact.
import { labelMap, raster } from '../../src/core/raster.js'
import type { Classes, Sample } from '../../src/core/types.js'
import { functionModel, type SegmentationModel } from '../../src/models/model.js'

/** A 48x48 image: a disc (intensity 0.9, class 1) left of centre and a square (0.6, class 2) on the right, with its truth. */
export function scene(id: string, size = 48): Sample {
  const img = new Float32Array(size * size)
  const mask = new Uint8Array(size * size)
  const c = (size - 1) / 2
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x
      img[i] = 0.1
      if ((x - (c - 9)) ** 2 + (y - c) ** 2 <= 36) {
        img[i] = 0.9
        mask[i] = 1
      } else if (x >= c + 4 && x <= c + 12 && y >= c - 4 && y <= c + 4) {
        img[i] = 0.6
        mask[i] = 2
      }
    }
  return { id, image: raster(size, size, 1, img), truth: labelMap(size, size, mask) }
}

/**
 * Thresholds intensities into the scene's classes. `blind` ignores the top 15 rows: the disc leaves them at small
 * rotations but not at 90 degrees, so the model passes small rotations only.
 */
export function sceneModel(classes: Classes = { 1: 'disc', 2: 'square' }, blind = false): SegmentationModel {
  return functionModel(blind ? 'top-blind' : 'threshold', classes, (img) => {
    const out = new Uint8Array(img.width * img.height)
    for (let i = blind ? 15 * img.width : 0; i < out.length; i++) {
      const v = img.data[i] as number
      out[i] = v > 0.75 ? 1 : v > 0.45 ? 2 : 0
    }
    return labelMap(img.width, img.height, out)
  })
}

/** Checks that a string is well-formed XML (balanced, properly nested tags; quoted attributes), returning the tag names seen. */
export function xmlTags(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '')
  const stack: string[] = []
  const seen: string[] = []
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/g
  let at = 0
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(at, m.index)
    if (/[<>]/.test(between))
      throw new Error(`stray < or > before offset ${m.index}: ${JSON.stringify(between.slice(0, 80))}`)
    at = m.index + m[0].length
    const [, close, name, , selfClose] = m as unknown as [string, string, string, string, string]
    if (close) {
      const open = stack.pop()
      if (open !== name) throw new Error(`</${name}> closes <${open}>`)
    } else {
      seen.push(name)
      if (!selfClose) stack.push(name)
    }
  }
  if (/[<>]/.test(body.slice(at))) throw new Error('stray < or > at the end')
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`)
  return seen
}
