// Two properties of every registered transform (transformsByName), so that a new transform cannot join the registry
// without them: the neutral value is the identity, and the mean absolute change grows as the parameter moves away
// from it. The exceptions are listed below with the reason each is one.
import { describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import { transformsByName } from '../../../src/transforms/registry.js'
import type { Transform } from '../../../src/transforms/transform.js'

/**
 * A ramp, a bright disc and fine noise: nothing periodic (a periodic texture would make a shift by its period look
 * like no change), and every transform has something to change.
 */
function pattern(N: number): Raster {
  let s = 12345
  return raster(
    N,
    N,
    1,
    Float32Array.from({ length: N * N }, (_, k) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      const x = (k % N) * (256 / N)
      const y = Math.floor(k / N) * (256 / N)
      const disc = Math.hypot(x - 150, y - 110) < 50 ? 0.3 : 0
      return 0.1 + (0.35 * (x + 0.5 * y)) / 384 + disc + 0.06 * (s / 4294967296)
    }),
  )
}
// 256 px: cropPad's and resize's neutral side is 256 px, the identity for 256 px images only; the ladders of the others
// run on 128 px to keep the test short.
const grey = pattern(256)
const small = pattern(128)
const colour: Raster = raster(
  64,
  64,
  3,
  Float32Array.from({ length: 64 * 64 * 3 }, (_, k) => {
    return 0.2 + 0.6 * (((k * 37) % 101) / 100) * (k % 3 === 1 ? 0.5 : 1)
  }),
)

/** The image a transform is checked on: saturate only changes colour images. */
const imageFor = (name: string, ladder = false): Raster => {
  if (name === 'corruptions.saturate') return colour
  return ladder && name !== 'cropPad' ? small : grey
}

function meanAbsChange(a: Raster, b: Raster): number {
  let s = 0
  for (let i = 0; i < a.data.length; i++) s += Math.abs((a.data[i] as number) - (b.data[i] as number))
  return s / a.data.length
}

/** Values moving away from neutral towards each end of the default range (in the working axis), or the severities. */
function ladders(name: string, t: Transform): number[][] {
  const p = t.parameter
  if (p.scale === 'categorical') return name.startsWith('corruptions.') ? [[1, 2, 3, 4, 5]] : []
  const out: number[][] = []
  // A circular parameter is walked a sixth of a turn each way: past that, the change of a turn has saturated (the
  // turned image is as far from the original as an unrelated one) and wobbles with the image's own symmetries.
  const range =
    p.scale === 'circular' && p.period !== undefined
      ? [p.neutral - p.period / 6, p.neutral + p.period / 6]
      : p.defaultRange
  for (const end of range) {
    if (end === p.neutral) continue
    out.push(
      [0.15, 0.4, 0.7, 1].map((f) =>
        p.scale === 'log' ? p.neutral * (end / p.neutral) ** f : p.neutral + f * (end - p.neutral),
      ),
    )
  }
  return out
}

/** Not an identity at its neutral value, by design (README: "the DC row, not an identity"). */
const NO_IDENTITY: Readonly<Record<string, string>> = {
  spikePosition:
    'its parameter places a spike of fixed intensity; the neutral 0.5 is the DC row, which still changes the image',
}

/** Transforms whose change is not expected to grow along the ladder, and why. */
const NOT_MONOTONE: Readonly<Record<string, string>> = {
  spikePosition:
    'the spike moves rather than grows: its effect depends on the frequency it lands on, not on the distance from 0.5',
  resize: 'the output has another size than the input, so there is no pixelwise change to compare',
  'corruptions.frost':
    "the package's table lowers the image weight from severity 3 to 4 at the same frost weight ((.7, .7) -> (.65, .7)), which changes a " +
    'dark image less: on this image severity 4 changes less than 3 (so does imagecorruptions on sa-01.png, ' +
    'test/fixtures/oracle/corruption-stats.json)',
  'corruptions.spatter':
    'severities 1-3 are water drops and 4-5 mud, two different layers: mud (4) changes less than the densest water (3), ' +
    'in imagecorruptions too',
  'corruptions.glassBlur':
    "the package's table trades shuffles for distance, (σ, δ, iterations) = (1, 2, 3) -> (1.1, 3, 2) from severity 3 to 4: on " +
    'this image severity 4 changes less than 3, and imagecorruptions changes sa-01.png as much at 4 as at 3 (0.0529)',
  'corruptions.saturate':
    "the package's table first desaturates (x0.3, x0.1) and then saturates (x2, x5, x20): the change falls where the table turns",
}

const names = Object.keys(transformsByName)

describe('every registered transform', () => {
  it('is listed here with the images it is checked on', () => {
    expect(names.length).toBeGreaterThanOrEqual(39)
    for (const n of [...Object.keys(NO_IDENTITY), ...Object.keys(NOT_MONOTONE)]) expect(names, n).toContain(n)
  })

  it.each(names)('%s: the neutral value is the identity', (name) => {
    const t = transformsByName[name] as Transform
    const img = imageFor(name)
    const out = t.image(img, t.parameter.neutral)
    expect(out.data === img.data, 'a new array').toBe(false)
    if (name in NO_IDENTITY) {
      expect(meanAbsChange(out, img)).toBeGreaterThan(0)
      return
    }
    expect([out.width, out.height, out.channels]).toEqual([img.width, img.height, img.channels])
    expect(meanAbsChange(out, img), name).toBe(0)
  })

  it.each(names)('%s: the change grows with the parameter', (name) => {
    const t = transformsByName[name] as Transform
    const img = imageFor(name, true)
    const p = t.parameter
    const rungs = ladders(name, t)
    if (name in NOT_MONOTONE) return
    if (rungs.length === 0) {
      // Unordered codes (dihedral, flip): there is no "more"; every code but the neutral one must change the image.
      for (let v = p.defaultRange[0]; v <= p.defaultRange[1]; v += p.defaultStep) {
        if (v !== p.neutral) expect(meanAbsChange(t.image(img, v), img), `${name} ${v}`).toBeGreaterThan(1e-3)
      }
      return
    }
    for (const ladder of rungs) {
      const changes = ladder.map((v) => meanAbsChange(t.image(img, v), img))
      expect(changes[0], `${name} ${ladder[0]}`).toBeGreaterThan(1e-4)
      for (let i = 1; i < changes.length; i++) {
        const previous = changes[i - 1] as number
        expect(changes[i], `${name}: change at ${ladder[i]} (${changes.join(', ')})`).toBeGreaterThan(
          previous * (1 - 1e-9),
        )
      }
    }
  })

  const corruptionExceptions = Object.keys(NOT_MONOTONE).filter((n) => n.startsWith('corruptions.'))
  it.each(corruptionExceptions)('%s: the exception is real (one step does not grow)', (name) => {
    const t = transformsByName[name] as Transform
    const img = imageFor(name, true)
    const changes = [1, 2, 3, 4, 5].map((v) => meanAbsChange(t.image(img, v), img))
    expect(changes.some((c, i) => i > 0 && c < (changes[i - 1] as number))).toBe(true)
  })
})
