import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sample } from '../../../src/core/types.js'
import { loadSample } from '../../../src/io/mask.js'
import { SUNNYBROOK_CLASSES, fixtureModelPath } from '../../../src/models/fixtures.js'
import { loadOnnxModel } from '../../../src/models/onnx.js'
import type { SegmentationModel } from '../../../src/models/model.js'

// The real-data fixture models (fixtures/README.md, model card) on slices of the held-out patient SCD0000501, read
// in place from ../shared/data/sunnybrook-lv (or $SEGSENSE_SUNNYBROOK); skipped when the data are absent.
const data =
  process.env.SEGSENSE_SUNNYBROOK ?? new URL('../../../../shared/data/sunnybrook-lv/', import.meta.url).pathname
const present = existsSync(join(data, 'slices.json'))
const NAMES = ['sunnybrook-fragile', 'sunnybrook-robust'] as const

describe('real-data fixture models: files and classes (no data needed)', () => {
  for (const name of NAMES) {
    it(`${name}: ships as an ONNX file <= 2 MB that loads with SUNNYBROOK_CLASSES`, async () => {
      const path = fixtureModelPath(name)
      expect(readFileSync(path).length).toBeLessThanOrEqual(2 * 1024 * 1024)
      const model = await loadOnnxModel(path, { classes: SUNNYBROOK_CLASSES })
      expect(model.classes).toEqual({ 2: 'MYO', 3: 'LV' })
      await model.close?.()
    })
  }
})

if (!present)
  console.warn(
    `[sunnybrook-fixtures] skipped: the Sunnybrook subset is not at ${data} (set SEGSENSE_SUNNYBROOK to its folder)`,
  )

const title = present
  ? 'real-data fixture models on held-out Sunnybrook slices'
  : `real-data fixture models on held-out Sunnybrook slices (skipped: no data at ${data})`
describe.skipIf(!present)(title, () => {
  let slices: Sample[] = []
  const models: Partial<Record<(typeof NAMES)[number], SegmentationModel>> = {}
  beforeAll(async () => {
    // Two held-out slices, one end-diastole (both contours), one end-systole (cavity only), as loadSample gives them:
    // 16-bit values scaled by 65535, no window (the models normalise per image inside the graph).
    const meta = JSON.parse(readFileSync(join(data, 'slices.json'), 'utf8')) as {
      id: string
      patient: string
      myocardium_annotated: boolean
    }[]
    const held = meta.filter((m) => m.patient === 'SCD0000501')
    const pick = [held.find((m) => m.myocardium_annotated)!, held.find((m) => !m.myocardium_annotated)!]
    slices = await Promise.all(
      pick.map((m) => loadSample(m.id, join(data, 'slices', `${m.id}.png`), join(data, 'slices', `${m.id}-mask.png`))),
    )
    for (const name of NAMES)
      models[name] = await loadOnnxModel(fixtureModelPath(name), { classes: SUNNYBROOK_CLASSES })
  })
  afterAll(async () => {
    for (const m of Object.values(models)) await m?.close?.()
  })

  for (const name of NAMES) {
    it(`${name}: predicts the LV cavity where the expert drew it (Dice >= 0.7), and no RV`, async () => {
      expect(Math.max(...slices[0]!.image.data)).toBeLessThan(0.1) // really the unwindowed, nearly black input
      for (const s of slices) {
        const [pred] = await models[name]!.predict([s.image])
        const p = pred!.data
        const t = s.truth!.data
        let inter = 0
        let np = 0
        let nt = 0
        let rv = 0
        for (let i = 0; i < p.length; i++) {
          const a = p[i] === 3
          const b = t[i] === 3
          if (a) np++
          if (b) nt++
          if (a && b) inter++
          if (p[i] === 1) rv++
        }
        expect(nt).toBeGreaterThan(0)
        expect((2 * inter) / (np + nt), `${name} on ${s.id}`).toBeGreaterThanOrEqual(0.7)
        expect(rv).toBe(0)
      }
    })
  }
})
