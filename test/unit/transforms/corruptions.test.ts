import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { labelMap, raster } from '../../../src/core/raster.js'
import type { Raster } from '../../../src/core/types.js'
import {
  corruptions,
  corruptionElasticField,
  defocusKernel,
  jpegQuantTable,
} from '../../../src/transforms/corruptions/index.js'

const at = (img: Raster, x: number, y: number, ch = 0): number =>
  img.data[(y * img.width + x) * img.channels + ch] as number

/** 12x10 test pattern, value ((3·row + 5·col) mod 11)/10 (the same array was fed to scipy for the oracles). */
const pattern = raster(
  12,
  10,
  1,
  Float32Array.from({ length: 120 }, (_, k) => ((3 * Math.floor(k / 12) + 5 * (k % 12)) % 11) / 10),
)

function constant(w: number, h: number, v: number, channels = 1): Raster {
  return raster(w, h, channels, new Float32Array(w * h * channels).fill(v))
}

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

const textured = (() => {
  const r = lcg(3)
  const W = 64
  return raster(
    W,
    W,
    1,
    Float32Array.from(
      { length: W * W },
      (_, k) => 0.5 + 0.3 * Math.sin((k % W) / 3) * Math.cos(Math.floor(k / W) / 5) + 0.05 * r(),
    ),
  )
})()

describe('every corruption', () => {
  const names = Object.keys(corruptions) as (keyof typeof corruptions)[]

  it.each(names)(
    '%s: severity 0 returns the input unchanged, severities 1..5 change it, bad severities throw',
    (name) => {
      const t = corruptions[name]
      expect(t.parameter.scale).toBe('categorical')
      expect(t.parameter.neutral).toBe(0)
      const img =
        name === 'saturate'
          ? raster(
              16,
              16,
              3,
              Float32Array.from({ length: 768 }, (_, k) => ((k * 37) % 101) / 100),
            )
          : textured
      const clean = t.image(img, 0)
      expect(Array.from(clean.data)).toEqual(Array.from(img.data))
      for (let s = 1; s <= 5; s++) {
        const out = t.image(img, s)
        let diff = 0
        for (let i = 0; i < out.data.length; i++)
          diff = Math.max(diff, Math.abs((out.data[i] as number) - (img.data[i] as number)))
        expect(diff, `severity ${s}`).toBeGreaterThan(1e-3)
        expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0)
        expect(Math.max(...out.data)).toBeLessThanOrEqual(1)
      }
      expect(() => t.image(img, 6)).toThrow(new RegExp(`corruptions.${name}: severity must be an integer in 0..5`))
      expect(() => t.image(img, 1.5)).toThrow(/severity must be an integer/)
    },
  )

  const random = [
    ...['gaussianNoise', 'shotNoise', 'impulseNoise', 'speckleNoise', 'motionBlur', 'elastic'],
    ...['glassBlur', 'snow', 'frost', 'fog', 'spatter'],
  ] as const
  it('the random ones say so (sweeps with repeats need it), the others do not', () => {
    for (const name of names)
      expect(corruptions[name].random === true, name).toBe((random as readonly string[]).includes(name))
  })

  it.each(random)('%s: same seed same output, different seeds differ', (name) => {
    const t = corruptions[name]
    const a = t.with({ seed: 1 }).image(textured, 3)
    const b = t.with({ seed: 1 }).image(textured, 3)
    const c = t.with({ seed: 2 }).image(textured, 3)
    expect(Array.from(a.data)).toEqual(Array.from(b.data))
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data))
  })

  it('quantize truncates to uint8 levels', () => {
    const out = corruptions.contrast.with({ quantize: true }).image(textured, 2)
    for (const v of out.data) expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-3)
  })
})

describe('noise corruptions (distribution)', () => {
  const grey = constant(128, 128, 0.5)
  const stats = (img: Raster): [number, number] => {
    let m = 0
    for (const v of img.data) m += v
    m /= img.data.length
    let s = 0
    for (const v of img.data) s += (v - m) ** 2
    return [m, Math.sqrt(s / img.data.length)]
  }

  it('gaussianNoise: std c = .08 at severity 1', () => {
    const [m, s] = stats(corruptions.gaussianNoise.image(grey, 1))
    expect(m).toBeCloseTo(0.5, 2)
    expect(s).toBeGreaterThan(0.08 * 0.97)
    expect(s).toBeLessThan(0.08 * 1.03)
  })

  it('shotNoise: Poisson(x·c)/c has mean x and variance x/c (c = 60, PTRS branch; c = 12·0.5 = 6, multiplication branch)', () => {
    for (const [sev, c] of [
      [1, 60],
      [3, 12],
    ] as const) {
      const out = corruptions.shotNoise.image(grey, sev)
      const [m, s] = stats(out)
      expect(m, `severity ${sev}`).toBeCloseTo(0.5, 2)
      expect(s / Math.sqrt(0.5 / c), `severity ${sev}`).toBeGreaterThan(0.97)
      expect(s / Math.sqrt(0.5 / c), `severity ${sev}`).toBeLessThan(1.03)
      for (const v of out.data) expect(Math.abs(v * c - Math.round(v * c))).toBeLessThan(1e-4)
    }
  })

  it('impulseNoise: a fraction c of pixels flipped, half salt and half pepper', () => {
    const out = corruptions.impulseNoise.image(grey, 4)
    let salt = 0
    let pepper = 0
    for (const v of out.data) {
      if (v === 1) salt++
      else if (v === 0) pepper++
      else expect(v).toBe(0.5)
    }
    const n = out.data.length
    expect((salt + pepper) / n).toBeCloseTo(0.17, 2)
    expect(salt / (salt + pepper)).toBeCloseTo(0.5, 1)
  })
})

describe('blur corruptions', () => {
  it('zoomBlur matches scipy.ndimage.zoom-based imagecorruptions (scipy 1.17.1) at severities 1 and 5', () => {
    const s1 = corruptions.zoomBlur.image(pattern, 1)
    const s5 = corruptions.zoomBlur.image(pattern, 5)
    const pts: [number, number][] = [
      [0, 0],
      [4, 3],
      [11, 9],
      [7, 5],
    ]
    const ref1 = [0.0, 0.618695, 0.553718, 0.522203]
    const ref5 = [0.216667, 0.630724, 0.512917, 0.509631]
    pts.forEach(([x, y], k) => {
      expect(at(s1, x, y)).toBeCloseTo(ref1[k] as number, 5)
      expect(at(s5, x, y)).toBeCloseTo(ref5[k] as number, 5)
    })
  })

  it('gaussianBlur matches scipy gaussian_filter(σ = 1, mode nearest, truncate 4)', () => {
    const out = corruptions.gaussianBlur.image(pattern, 1)
    const ref = [0.252394, 0.544934, 0.40035, 0.46682]
    const pts: [number, number][] = [
      [0, 0],
      [4, 3],
      [11, 9],
      [7, 5],
    ]
    pts.forEach(([x, y], k) => expect(at(out, x, y)).toBeCloseTo(ref[k] as number, 5))
  })

  it('defocus kernel: a normalised disk (29 pixels for r = 3; the σ = 0.1 anti-alias blur is nearly the identity)', () => {
    const k = defocusKernel(3, 0.1)
    expect(k.size).toBe(17)
    expect(k.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 7)
    expect(k.data[8 * 17 + 8]).toBeCloseTo(1 / 29, 7)
    expect(k.data[8 * 17 + 8 + 4]).toBeCloseTo(0, 7)
    const big = defocusKernel(10, 0.5)
    expect(big.size).toBe(21)
    // A constant image stays constant (weights sum to one away from the kernel border).
    const out = corruptions.defocusBlur.image(constant(30, 30, 0.4), 2)
    for (const v of out.data) expect(v).toBeCloseTo(0.4, 6)
  })

  it('motionBlur keeps constants and smears a dot along a line with Gaussian weights', () => {
    const flat = corruptions.motionBlur.image(constant(40, 40, 0.3), 1)
    for (const v of flat.data) expect(v).toBeCloseTo(0.3, 6)
    const dot = raster(41, 41, 1)
    dot.data[20 * 41 + 20] = 1
    const out = corruptions.motionBlur.image(dot, 1)
    // width 21, σ = 3: the dot keeps weight k[0] = 1/Σ exp(−i²/18).
    let z = 0
    for (let i = 0; i < 21; i++) z += Math.exp(-(i * i) / 18)
    expect(at(out, 20, 20)).toBeCloseTo(1 / z, 5)
    expect(out.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
  })
})

describe('digital corruptions', () => {
  it('contrast: (x − mean)·c + mean, c = .4 at severity 1', () => {
    const img = raster(4, 1, 1, [0, 0.2, 0.4, 0.6])
    const out = corruptions.contrast.image(img, 1)
    ;[0.18, 0.26, 0.34, 0.42].forEach((v, k) => expect(out.data[k]).toBeCloseTo(v, 6))
  })

  it('brightness: grey x + c clipped; colour scales RGB with the HSV value; grey RGB equals the grey path', () => {
    const g = corruptions.brightness.image(raster(2, 1, 1, [0.3, 0.95]), 1)
    expect(g.data[0]).toBeCloseTo(0.4, 6)
    expect(g.data[1]).toBeCloseTo(1, 6)
    const c = corruptions.brightness.image(raster(2, 1, 3, [0.2, 0.4, 0.1, 0.3, 0.3, 0.3]), 1)
    ;[0.25, 0.5, 0.125, 0.4, 0.4, 0.4].forEach((v, k) => expect(c.data[k]).toBeCloseTo(v, 6))
  })

  it('saturate: HSV S·c0 + c1 on colour (hand-computed), throws on grey', () => {
    const c = corruptions.saturate.image(raster(1, 1, 3, [0.2, 0.4, 0.1]), 1)
    ;[0.34, 0.4, 0.31].forEach((v, k) => expect(c.data[k]).toBeCloseTo(v, 6))
    expect(() => corruptions.saturate.image(textured, 1)).toThrow(/needs a colour image.*got 1 channel/)
  })

  it('pixelate: BOX down by c then NEAREST back (c = .5: pairwise means)', () => {
    const img = raster(
      10,
      2,
      1,
      Float32Array.from({ length: 20 }, (_, k) => (k % 10) / 10),
    )
    const out = corruptions.pixelate.image(img, 2)
    for (let x = 0; x < 10; x++) expect(at(out, x, 1)).toBeCloseTo((2 * Math.floor(x / 2) + 0.5) / 10, 6)
  })

  it('jpeg: IJG quality scaling of the Annex K tables, exact on flat blocks, error grows with severity', () => {
    expect(jpegQuantTable(50)[0]).toBe(16)
    expect(jpegQuantTable(25)[0]).toBe(32)
    expect(jpegQuantTable(10)[0]).toBe(80)
    expect(jpegQuantTable(7)[63]).toBe(255)
    expect(jpegQuantTable(25, true)[0]).toBe(34)
    const flat = corruptions.jpeg.image(constant(16, 16, 128 / 255), 5)
    for (const v of flat.data) expect(v).toBeCloseTo(128 / 255, 6)
    const err = (s: number): number => {
      const o = corruptions.jpeg.image(textured, s)
      let e = 0
      for (let i = 0; i < o.data.length; i++) e += Math.abs((o.data[i] as number) - (textured.data[i] as number))
      return e / o.data.length
    }
    expect(err(1)).toBeLessThan(err(5))
    const colour = corruptions.jpeg.image(raster(16, 16, 3, new Float32Array(768).fill(0.5)), 3)
    for (const v of colour.data) expect(Math.abs(v - 0.5)).toBeLessThan(1.5 / 255)
  })

  /** Smooth RGB test card on uint8 levels: the three channels vary at different rates and directions. */
  function colourCard(W: number, H: number): Raster {
    const d = new Float32Array(W * H * 3)
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3
        d[i] = Math.round(255 * (0.5 + 0.35 * Math.sin(x / 7) * Math.cos(y / 9))) / 255
        d[i + 1] = Math.round(255 * (0.45 + 0.3 * Math.cos((x + y) / 11))) / 255
        d[i + 2] = Math.round(255 * (0.4 + 0.35 * Math.sin((x - 2 * y) / 13))) / 255
      }
    }
    return raster(W, H, 3, d)
  }

  it('jpeg: colour images match libjpeg (sharp, same quality, 4:2:0) within a mean absolute difference of 3.5 levels', async () => {
    // The codec differs from libjpeg only in chroma upsampling (replicated, libjpeg's is "fancy") and in the
    // float DCT, so the difference is small and unbiased; a wrong colour transform or chroma offset shows as a
    // bias of the channel (+1 in Cb moves B by 1.8 levels) or as a larger MAD at the coarse qualities.
    for (const [W, H] of [
      [64, 48],
      [61, 37],
    ] as const) {
      const img = colourCard(W, H)
      const u8 = Uint8Array.from(img.data, (v) => Math.round(v * 255))
      for (const [severity, quality] of [
        [1, 25],
        [2, 18],
        [3, 15],
        [4, 10],
        [5, 7],
      ] as const) {
        const encoded = await sharp(u8, { raw: { width: W, height: H, channels: 3 } })
          .jpeg({ quality, chromaSubsampling: '4:2:0' })
          .toBuffer()
        const libjpeg = await sharp(encoded).raw().toBuffer()
        const ours = corruptions.jpeg.image(img, severity).data
        expect(libjpeg.length).toBe(ours.length)
        let mad = 0
        let madToInput = 0
        const bias = [0, 0, 0]
        for (let i = 0; i < ours.length; i++) {
          const d = (ours[i] as number) * 255 - (libjpeg[i] as number)
          mad += Math.abs(d)
          bias[i % 3] = (bias[i % 3] as number) + d
          madToInput += Math.abs((u8[i] as number) - (libjpeg[i] as number))
        }
        const label = `${W}x${H}, quality ${quality}`
        mad /= ours.length
        // Much closer to libjpeg than libjpeg is to its input.
        expect(mad, label).toBeLessThan(0.7 * (madToInput / ours.length))
        expect(mad, label).toBeLessThan(severity <= 2 ? 3.5 : 3.9)
        // At the finer qualities no channel is shifted (coarse ones flip whole DC steps, so only the MAD there).
        if (severity <= 2) for (const b of bias) expect(Math.abs(b / (ours.length / 3)), label).toBeLessThan(0.5)
      }
    }
  })
})

describe('elastic corruption (spatial)', () => {
  it('field bounded by α·max_d, labels follow the image', () => {
    const { dx, dy } = corruptionElasticField(64, 64, 250 * 0.12, 1)
    const bound = 250 * 0.12 * 0.005 * 64
    for (let i = 0; i < dx.length; i++) {
      expect(Math.abs(dx[i] as number)).toBeLessThanOrEqual(bound)
      expect(Math.abs(dy[i] as number)).toBeLessThanOrEqual(bound)
    }
    expect(corruptions.elastic.spatial).toBe(true)
    const W = 48
    const img = raster(
      W,
      W,
      1,
      Float32Array.from({ length: W * W }, (_, k) =>
        ((k % W) - 24) ** 2 + (Math.floor(k / W) - 24) ** 2 < 144 ? 1 : 0,
      ),
    )
    const mask = labelMap(W, W, Uint8Array.from(img.data))
    const t = corruptions.elastic.with({ seed: 5 })
    const out = t.image(img, 5)
    const lab = t.labels!(mask, 5)
    let agree = 0
    for (let k = 0; k < W * W; k++) if (((out.data[k] as number) >= 0.5 ? 1 : 0) === lab.data[k]) agree++
    expect(agree / (W * W)).toBeGreaterThan(0.98)
    expect(Array.from(t.labels!(mask, 0).data)).toEqual(Array.from(mask.data))
  })
})
