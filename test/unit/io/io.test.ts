import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, inflateSync } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { raster } from '../../../src/core/raster.js'
import { loadImage, saveImage } from '../../../src/io/image.js'
import { loadMask, loadSample, saveMask } from '../../../src/io/mask.js'
import { decodePng, encodePng, encodePngPixels, readPngHeader } from '../../../src/io/png.js'
import { expectRejection } from '../../support/helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segsense-io-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const f32 = Math.fround

/** Writes raw samples as an image with sharp (an independent encoder, the oracle for our loaders). */
async function writeWithSharp(
  name: string,
  data: Uint8Array | Uint16Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: (s: Sharp) => Sharp,
): Promise<string> {
  const path = join(dir, name)
  await format(sharp(data, { raw: { width, height, channels } })).toFile(path)
  return path
}

/** Decodes a file with sharp to raw samples in the given colourspace (the oracle for our writers). */
async function readWithSharp(path: string | Uint8Array, space: 'b-w' | 'grey16' | 'srgb' | 'rgb16', keepAlpha = false) {
  let s = sharp(path)
  if (!keepAlpha) s = s.removeAlpha()
  const { data, info } = await s
    .toColourspace(space)
    .raw({ depth: space.endsWith('16') ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const samples = space.endsWith('16')
    ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
    : new Uint8Array(data)
  return { samples: Array.from(samples), info }
}

/** The filter byte of every row of a non-interlaced PNG (inflates its IDAT with node:zlib). */
function rowFilters(png: Uint8Array): number[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const parts: Uint8Array[] = []
  let width = 0
  let height = 0
  let bitsPerPixel = 0
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o)
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8))
    if (type === 'IHDR') {
      width = view.getUint32(o + 8)
      height = view.getUint32(o + 12)
      bitsPerPixel = png[o + 16]! * ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[png[o + 17]!]!
    }
    if (type === 'IDAT') parts.push(png.subarray(o + 8, o + 8 + len))
    o += 12 + len
  }
  const raw = inflateSync(Buffer.concat(parts))
  const stride = Math.ceil((width * bitsPerPixel) / 8) + 1
  return Array.from({ length: height }, (_, y) => raw[y * stride]!)
}

function pseudoRandom(n: number, max: number, seed = 1): number[] {
  let s = seed
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    out.push(s % (max + 1))
  }
  return out
}

describe('loadImage', () => {
  it('loads an 8-bit grey PNG as one channel scaled by 255', async () => {
    const values = new Uint8Array([0, 10, 255, 128, 7, 9])
    const path = await writeWithSharp('g8.png', values, 3, 2, 1, (s) => s.toColourspace('b-w').png())
    expect((await sharp(path).metadata()).channels).toBe(1) // the fixture really is grey
    const img = await loadImage(path)
    expect([img.width, img.height, img.channels]).toEqual([3, 2, 1])
    expect(Array.from(img.data)).toEqual(Array.from(values, (v) => f32(v / 255)))
  })

  it('loads every 16-bit grey value exactly as v / 65535', async () => {
    const values = new Uint16Array(65536).map((_, i) => i)
    const path = await writeWithSharp('g16.png', values, 256, 256, 1, (s) => s.toColourspace('grey16').png())
    const meta = await sharp(path).metadata()
    expect([meta.channels, meta.depth]).toEqual([1, 'ushort'])
    const img = await loadImage(path)
    expect([img.width, img.height, img.channels]).toEqual([256, 256, 1])
    expect(img.data[1000]).toBe(f32(1000 / 65535))
    for (let i = 0; i < 65536; i++)
      if (img.data[i] !== f32(i / 65535)) expect.fail(`value ${i} loaded as ${img.data[i]}`)
  })

  it('round-trips 16-bit grey through saveImage({ bitDepth: 16 }) exactly', async () => {
    const ids = pseudoRandom(40 * 30, 65535)
    const img = raster(
      40,
      30,
      1,
      ids.map((v) => v / 65535),
    )
    const path = join(dir, 'rt16.png')
    await saveImage(img, path, { bitDepth: 16 })
    const oracle = await readWithSharp(path, 'grey16')
    expect(oracle.info.channels).toBe(1)
    expect(oracle.samples).toEqual(ids)
    const back = await loadImage(path)
    expect(back.channels).toBe(1)
    expect(Array.from(back.data)).toEqual(Array.from(img.data))
  })

  it('round-trips 8-bit grey and RGB through saveImage', async () => {
    const grey = pseudoRandom(17 * 9, 255, 3)
    const g = raster(
      17,
      9,
      1,
      grey.map((v) => v / 255),
    )
    await saveImage(g, join(dir, 'rt8.png'))
    expect((await readWithSharp(join(dir, 'rt8.png'), 'b-w')).samples).toEqual(grey)
    expect(Array.from((await loadImage(join(dir, 'rt8.png'))).data)).toEqual(Array.from(g.data))

    const rgb = pseudoRandom(17 * 9 * 3, 255, 5)
    const c = raster(
      17,
      9,
      3,
      rgb.map((v) => v / 255),
    )
    await saveImage(c, join(dir, 'rtrgb.png'))
    const oracle = await readWithSharp(join(dir, 'rtrgb.png'), 'srgb')
    expect(oracle.info.channels).toBe(3)
    expect(oracle.samples).toEqual(rgb)
    const back = await loadImage(join(dir, 'rtrgb.png'))
    expect(back.channels).toBe(3)
    expect(Array.from(back.data)).toEqual(Array.from(c.data))
  })

  it('loads 16-bit RGB exactly', async () => {
    const values = new Uint16Array(pseudoRandom(5 * 4 * 3, 65535, 7))
    const path = await writeWithSharp('rgb16.png', values, 5, 4, 3, (s) => s.toColourspace('rgb16').png())
    const img = await loadImage(path)
    expect(img.channels).toBe(3)
    expect(Array.from(img.data)).toEqual(Array.from(values, (v) => f32(v / 65535)))
  })

  it('drops alpha by default and keeps it with keepAlpha (RGBA)', async () => {
    const rgba = new Uint8Array(pseudoRandom(4 * 3 * 4, 255, 11))
    const path = await writeWithSharp('rgba.png', rgba, 4, 3, 4, (s) => s.png())
    const dropped = await loadImage(path)
    expect(dropped.channels).toBe(3)
    const expectRgb: number[] = []
    for (let i = 0; i < 12; i++)
      expectRgb.push(f32(rgba[4 * i]! / 255), f32(rgba[4 * i + 1]! / 255), f32(rgba[4 * i + 2]! / 255))
    expect(Array.from(dropped.data)).toEqual(expectRgb)
    const kept = await loadImage(path, { keepAlpha: true })
    expect(kept.channels).toBe(4)
    expect(Array.from(kept.data)).toEqual(Array.from(rgba, (v) => f32(v / 255)))
    // And back out again: saveImage writes RGBA that sharp decodes to the same samples.
    await saveImage(kept, join(dir, 'rgba-out.png'))
    expect((await readWithSharp(join(dir, 'rgba-out.png'), 'srgb', true)).samples).toEqual(Array.from(rgba))
  })

  it('loads grey+alpha as 1 channel, or 2 with keepAlpha, at 8 and 16 bits', async () => {
    for (const bitDepth of [8, 16] as const) {
      const max = bitDepth === 16 ? 65535 : 255
      const samples = pseudoRandom(6 * 5 * 2, max, 13)
      samples[0] = 1000 % (max + 1)
      const bytes = await encodePngPixels({
        width: 6,
        height: 5,
        colourType: 4,
        bitDepth,
        data: bitDepth === 16 ? Uint16Array.from(samples) : Uint8Array.from(samples),
      })
      const meta = await sharp(bytes).metadata()
      expect([meta.channels, meta.hasAlpha]).toEqual([2, true])
      const grey = await loadImage(bytes)
      expect(grey.channels).toBe(1)
      expect(Array.from(grey.data)).toEqual(samples.filter((_, i) => i % 2 === 0).map((v) => f32(v / max)))
      const kept = await loadImage(bytes, { keepAlpha: true })
      expect(kept.channels).toBe(2)
      expect(Array.from(kept.data)).toEqual(samples.map((v) => f32(v / max)))
    }
  })

  it('converts RGB to ITU-R 601 luma with grey: true', async () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30])
    const path = await writeWithSharp('luma.png', rgb, 2, 2, 3, (s) => s.png())
    const img = await loadImage(path, { grey: true })
    expect(img.channels).toBe(1)
    const expected = [0, 1, 2, 3].map(
      (i) => (0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!) / 255,
    )
    for (let i = 0; i < 4; i++) expect(img.data[i]).toBeCloseTo(expected[i]!, 6)
  })

  it('loads JPEG (colour and grey) with the right size and channels', async () => {
    const w = 16
    const h = 12
    const rgb = new Uint8Array(w * h * 3)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x * 10, y * 15, 100], (y * w + x) * 3)
    const path = await writeWithSharp('c.jpg', rgb, w, h, 3, (s) => s.jpeg({ quality: 95 }))
    const img = await loadImage(path)
    expect([img.width, img.height, img.channels]).toEqual([w, h, 3])
    let maxErr = 0
    for (let i = 0; i < rgb.length; i++) maxErr = Math.max(maxErr, Math.abs(img.data[i]! - rgb[i]! / 255))
    expect(maxErr).toBeLessThan(0.08) // lossy, but the same picture

    const greyPath = await writeWithSharp('g.jpg', new Uint8Array(w * h).fill(77), w, h, 1, (s) =>
      s.toColourspace('b-w').jpeg(),
    )
    const g = await loadImage(greyPath)
    expect([g.width, g.height, g.channels]).toEqual([w, h, 1])
    expect(g.data[0]).toBeCloseTo(77 / 255, 1)
  })

  it('loads lossless WebP and TIFF exactly', async () => {
    const rgb = new Uint8Array(pseudoRandom(7 * 5 * 3, 255, 17))
    const webp = await writeWithSharp('c.webp', rgb, 7, 5, 3, (s) => s.webp({ lossless: true }))
    const a = await loadImage(webp)
    expect([a.width, a.height, a.channels]).toEqual([7, 5, 3])
    expect(Array.from(a.data)).toEqual(Array.from(rgb, (v) => f32(v / 255)))
    const tiff = await writeWithSharp('c.tiff', rgb, 7, 5, 3, (s) => s.tiff({ compression: 'lzw' }))
    const b = await loadImage(tiff)
    expect([b.width, b.height, b.channels]).toEqual([7, 5, 3])
    expect(Array.from(b.data)).toEqual(Array.from(rgb, (v) => f32(v / 255)))
    const greyTiff = await writeWithSharp('g.tiff', rgb.subarray(0, 35), 7, 5, 1, (s) => s.toColourspace('b-w').tiff())
    expect((await loadImage(greyTiff)).channels).toBe(1)
  })

  it('accepts encoded bytes as the source', async () => {
    const bytes = await encodePng(raster(2, 1, 1, [0, 1]))
    const img = await loadImage(bytes)
    expect(Array.from(img.data)).toEqual([0, 1])
  })
})

describe('loadMask', () => {
  it('gives palette indices of a palette PNG written by sharp (1, 2, 4 and 8 bit)', async () => {
    const w = 13
    const h = 11
    const bitDepthsSeen = new Set<number>()
    for (const colours of [2, 4, 16, 200]) {
      const pick = pseudoRandom(w * h, colours - 1, colours)
      const rgb = new Uint8Array(w * h * 3)
      // distinct, well separated colours so that quantisation keeps them exact
      for (let i = 0; i < w * h; i++)
        rgb.set([(pick[i]! * 37) % 256, (pick[i]! * 91) % 256, pick[i]! < 128 ? pick[i]! * 2 : 255 - pick[i]!], 3 * i)
      const path = await writeWithSharp(`pal${colours}.png`, rgb, w, h, 3, (s) =>
        s.png({ palette: true, colours, dither: 0, effort: 10 }),
      )
      const file = new Uint8Array(await readFile(path))
      const header = readPngHeader(file)
      expect(header.colourType).toBe(3)
      bitDepthsSeen.add(header.bitDepth)
      const mask = await loadMask(path)
      expect(mask.data).toBeInstanceOf(Uint8Array)
      // Oracle: sharp's RGB decoding of the file equals the PLTE colour at our index, pixel by pixel.
      const { palette } = await decodePng(file)
      const oracle = await readWithSharp(path, 'srgb')
      for (let i = 0; i < w * h; i++) {
        const idx = mask.data[i]!
        expect([palette![3 * idx], palette![3 * idx + 1], palette![3 * idx + 2]]).toEqual(
          oracle.samples.slice(3 * i, 3 * i + 3),
        )
      }
      expect(new Set(mask.data).size).toBe(new Set(pick).size)
    }
    expect([...bitDepthsSeen].sort((a, b) => a - b)).toEqual([1, 2, 4, 8])
  })

  it('gives the indices of a hand-made palette PNG, and maps its colours with a palette option', async () => {
    const indices = Uint8Array.from([0, 1, 2, 3, 3, 2, 1, 0, 2, 2, 1, 1])
    const pal = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    for (const bitDepth of [2, 4, 8] as const) {
      const bytes = await encodePngPixels({ width: 4, height: 3, colourType: 3, bitDepth, data: indices, palette: pal })
      // sharp agrees on the colours we encoded
      const oracle = await readWithSharp(bytes, 'srgb')
      expect(oracle.samples).toEqual(Array.from(indices).flatMap((i) => Array.from(pal.subarray(3 * i, 3 * i + 3))))
      expect(Array.from((await loadMask(bytes)).data)).toEqual(Array.from(indices))
    }
    const bytes = await encodePngPixels({
      width: 4,
      height: 3,
      colourType: 3,
      bitDepth: 8,
      data: indices,
      palette: pal,
    })
    const mapped = await loadMask(bytes, {
      palette: { 0: [0, 0, 0], 7: [255, 0, 0], 300: [0, 255, 0], 9: [0, 0, 255] },
    })
    expect(mapped.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(mapped.data)).toEqual(Array.from(indices, (i) => [0, 7, 300, 9][i]))
  })

  it('decodes interlaced PNGs like sharp does', async () => {
    const w = 13
    const h = 11
    const grey = new Uint8Array(pseudoRandom(w * h, 255, 19))
    const path = await writeWithSharp('interlaced.png', grey, w, h, 1, (s) =>
      s.toColourspace('b-w').png({ progressive: true }),
    )
    const bytes = new Uint8Array(await readFile(path))
    expect(readPngHeader(bytes).interlaced).toBe(true)
    expect(Array.from((await loadMask(path)).data)).toEqual(Array.from(grey))
    const rgb = new Uint8Array(pseudoRandom(w * h * 3, 255, 23))
    const rgbPath = await writeWithSharp('interlaced-rgb.png', rgb, w, h, 3, (s) => s.png({ progressive: true }))
    const decoded = await decodePng(new Uint8Array(await readFile(rgbPath)))
    expect(Array.from(decoded.data)).toEqual(Array.from(rgb))
  })

  it('undoes every PNG row filter: sharp-written adaptive-filtered files and our own files agree with sharp', async () => {
    const w = 40
    const h = 30
    const noise = pseudoRandom(w * h * 4, 40, 41)
    // gradients plus noise, so that all five filter types win on some row
    const sample = (x: number, y: number, c: number, max: number) =>
      Math.min(max, Math.round((((x * (c + 1) * 3 + y * 5) % 200) + noise[(y * w + x) * 4 + c]!) * (max / 255)))
    const cases = [
      { channels: 1, space: 'b-w', max: 255 },
      { channels: 3, space: 'srgb', max: 255 },
      { channels: 1, space: 'grey16', max: 65535 },
      { channels: 3, space: 'rgb16', max: 65535 },
    ] as const
    const filtersSeen = new Set<number>()
    for (const { channels, space, max } of cases) {
      const values = new Array<number>(w * h * channels)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let c = 0; c < channels; c++) values[(y * w + x) * channels + c] = sample(x, y, c, max)
      const typed = max === 65535 ? Uint16Array.from(values) : Uint8Array.from(values)
      const path = await writeWithSharp(`filtered-${space}.png`, typed, w, h, channels, (s) =>
        s.toColourspace(space).png({ adaptiveFiltering: true, compressionLevel: 9 }),
      )
      const file = new Uint8Array(await readFile(path))
      for (const f of rowFilters(file)) filtersSeen.add(f)
      expect(Array.from((await decodePng(file)).data)).toEqual(values)
      // our encoder, decoded by sharp
      const ours = await encodePngPixels({
        width: w,
        height: h,
        colourType: channels === 1 ? 0 : 2,
        bitDepth: max === 65535 ? 16 : 8,
        data: typed,
      })
      const oursFilters = new Set(rowFilters(ours))
      expect(oursFilters.size).toBeGreaterThan(2)
      expect((await readWithSharp(ours, space)).samples).toEqual(values)
    }
    for (const f of [1, 2, 3, 4]) expect(filtersSeen.has(f), `sharp used filter ${f}`).toBe(true) // Sub, Up, Average, Paeth
  })

  it('reads grey ids exactly: 8-bit, 16-bit (Uint16Array), and unscaled 1-bit', async () => {
    const ids8 = Uint8Array.from([0, 1, 2, 255, 3, 0])
    const p8 = await writeWithSharp('m8.png', ids8, 3, 2, 1, (s) => s.toColourspace('b-w').png())
    const m8 = await loadMask(p8)
    expect(m8.data).toBeInstanceOf(Uint8Array)
    expect(Array.from(m8.data)).toEqual(Array.from(ids8))

    const ids16 = Uint16Array.from([0, 1, 256, 1000, 65535, 3])
    const p16 = await writeWithSharp('m16.png', ids16, 3, 2, 1, (s) => s.toColourspace('grey16').png())
    const m16 = await loadMask(p16)
    expect(m16.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(m16.data)).toEqual(Array.from(ids16))

    const bits = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 1, 1])
    const b1 = await encodePngPixels({ width: 9, height: 1, colourType: 0, bitDepth: 1, data: bits })
    expect((await readWithSharp(b1, 'b-w')).samples).toEqual(Array.from(bits, (b) => b * 255)) // sharp scales
    expect(Array.from((await loadMask(b1)).data)).toEqual(Array.from(bits)) // we do not
  })

  it('round-trips 16-bit masks with ids > 255 through saveMask', async () => {
    const ids = Uint16Array.from(pseudoRandom(21 * 8, 40000, 29))
    const path = join(dir, 'mask16.png')
    await saveMask({ width: 21, height: 8, data: ids }, path)
    const oracle = await readWithSharp(path, 'grey16')
    expect(oracle.info.channels).toBe(1)
    expect(oracle.samples).toEqual(Array.from(ids))
    const back = await loadMask(path)
    expect(back.data).toBeInstanceOf(Uint16Array)
    expect(Array.from(back.data)).toEqual(Array.from(ids))
  })

  it('saves masks with ids <= 255 as 8-bit grey', async () => {
    const path = join(dir, 'mask8.png')
    await saveMask({ width: 3, height: 1, data: Uint16Array.from([0, 5, 255]) }, path)
    const meta = await sharp(path).metadata()
    expect([meta.depth, meta.channels]).toEqual(['uchar', 1])
    expect(Array.from((await loadMask(path)).data)).toEqual([0, 5, 255])
  })

  it('maps RGB colours to class ids with a palette (PNG and lossless WebP)', async () => {
    const palette = { 0: [0, 0, 0], 1: [255, 0, 0], 2: [0, 128, 255], 700: [10, 20, 30] } as const
    const truth = pseudoRandom(9 * 7, 3, 31).map((k) => [0, 1, 2, 700][k]!)
    const rgb = new Uint8Array(truth.flatMap((id) => [...palette[id as 0 | 1 | 2 | 700]]))
    for (const [name, fmt] of [
      ['rgbmask.png', (s: Sharp) => s.png()],
      ['rgbmask.webp', (s: Sharp) => s.webp({ lossless: true })],
    ] as const) {
      const path = await writeWithSharp(name, rgb, 9, 7, 3, fmt)
      const mask = await loadMask(path, { palette })
      expect(mask.data).toBeInstanceOf(Uint16Array)
      expect(Array.from(mask.data)).toEqual(truth)
    }
    // RGBA: alpha is ignored
    const rgba = new Uint8Array(truth.flatMap((id) => [...palette[id as 0 | 1 | 2 | 700], 17]))
    const p = await writeWithSharp('rgbamask.png', rgba, 9, 7, 4, (s) => s.png())
    expect(Array.from((await loadMask(p, { palette })).data)).toEqual(truth)
  })

  it('reads an RGB file with equal channels as grey ids without a palette', async () => {
    const ids = [0, 1, 2, 2, 1, 0]
    const path = await writeWithSharp('greyrgb.png', Uint8Array.from(ids.flatMap((v) => [v, v, v])), 3, 2, 3, (s) =>
      s.png(),
    )
    expect((await sharp(path).metadata()).channels).toBe(3)
    expect(Array.from((await loadMask(path)).data)).toEqual(ids)
  })
})

describe('errors', () => {
  it('truncated PNG is E_IMAGE_DECODE naming the file, for images and masks', async () => {
    const full = await encodePng(
      raster(
        64,
        64,
        3,
        pseudoRandom(64 * 64 * 3, 255, 37).map((v) => v / 255),
      ),
    )
    const path = join(dir, 'truncated.png')
    await writeFile(path, full.subarray(0, Math.floor(full.length * 0.6)))
    const err = await expectRejection(loadImage(path), 'E_IMAGE_DECODE', path)
    expect(err.message.length).toBeGreaterThan(`cannot decode image ${path}: `.length) // carries sharp's reason
    await expectRejection(loadMask(path), 'E_IMAGE_DECODE', path, 'truncated')
    await expectRejection(loadImage(full.subarray(0, 100)), 'E_IMAGE_DECODE', 'buffer of 100 bytes')
    const jpeg = await sharp(Buffer.from(pseudoRandom(64 * 64 * 3, 255, 43)), {
      raw: { width: 64, height: 64, channels: 3 },
    })
      .jpeg()
      .toBuffer()
    const jpegPath = join(dir, 'truncated.jpg')
    await writeFile(jpegPath, jpeg.subarray(0, Math.floor(jpeg.length * 0.8)))
    await expectRejection(loadImage(jpegPath), 'E_IMAGE_DECODE', jpegPath)
  })

  it("a decoder's multi-line report becomes a one-line message, the full text in details", async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 200, b: 3 } } })
      .jpeg()
      .toBuffer()
    const cut = jpeg.subarray(0, Math.floor(jpeg.length * 0.5))
    // Precondition: libvips itself reports this file on several lines, repeating some.
    const raw = await sharp(cut, { failOn: 'error' })
      .raw()
      .toBuffer()
      .then(
        () => '',
        (e: unknown) => (e as Error).message,
      )
    expect(raw.split('\n').length).toBeGreaterThan(2)
    const path = join(dir, 'multi-line.jpg')
    await writeFile(path, cut)
    for (const load of [loadImage, loadMask]) {
      const err = await expectRejection(load(path), 'E_IMAGE_DECODE', path)
      expect(err.message).not.toMatch(/[\r\n]/)
      const parts = err.message.slice(err.message.indexOf(': ') + 2).split('; ')
      expect(new Set(parts).size).toBe(parts.length) // repeated lines kept once
      expect(String(err.details?.fullMessage)).toContain(raw)
    }
  })

  it('a palette PNG with an index past the end of its palette is refused, naming the file, index and size', async () => {
    // Our encoder refuses such indices, so encode 4 entries and cut the PLTE chunk to 2 (fresh CRC) by hand.
    const indices = Uint8Array.from([0, 1, 1, 0, 0, 1, 3, 0, 1, 0, 0, 1])
    const pal = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
    const good = await encodePngPixels({ width: 4, height: 3, colourType: 3, bitDepth: 8, data: indices, palette: pal })
    const bad = shortenPalette(good, 2)
    const path = join(dir, 'palette-overflow.png')
    await writeFile(path, bad)
    expect(Array.from((await decodePng(good)).data)).toEqual(Array.from(indices)) // the untouched file decodes
    for (const attempt of [
      decodePng(bad, { name: path }),
      loadMask(path),
      loadMask(path, { palette: { 1: [255, 0, 0] } }),
    ]) {
      const err = await expectRejection(attempt, 'E_IMAGE_DECODE', path, 'palette index 3', 'palette has 2 entries')
      expect(err.details).toMatchObject({ file: path, index: 3, paletteSize: 2, x: 2, y: 1 })
    }
    // An index equal to the last entry is fine: the check is not off by one.
    const edge = shortenPalette(good, 4)
    expect(Array.from((await loadMask(edge)).data)).toEqual(Array.from(indices))
  })

  it('garbage bytes and a corrupt CRC are E_IMAGE_DECODE', async () => {
    await expectRejection(loadImage(new TextEncoder().encode('hello')), 'E_IMAGE_DECODE', 'buffer of 5 bytes')
    await expectRejection(loadMask(new TextEncoder().encode('hello')), 'E_IMAGE_DECODE', 'buffer of 5 bytes')
    const bytes = Uint8Array.from(await encodePng({ width: 4, height: 4, data: new Uint8Array(16).fill(1) }))
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff // inside IDAT
    await expectRejection(loadMask(bytes), 'E_IMAGE_DECODE', 'CRC')
  })

  it('RGB mask without palette is E_BAD_MASK asking for a palette', async () => {
    const path = await writeWithSharp('colourmask.png', Uint8Array.from([0, 0, 0, 255, 0, 0]), 2, 1, 3, (s) => s.png())
    await expectRejection(loadMask(path), 'E_BAD_MASK', path, 'palette', '(1, 0)')
  })

  it('unknown colour is E_PALETTE naming the pixel and the colour', async () => {
    const rgb = new Uint8Array(4 * 3 * 3) // black everywhere
    rgb.set([12, 34, 56], (2 * 4 + 3) * 3) // pixel (3, 2)
    const path = await writeWithSharp('unknown.png', rgb, 4, 3, 3, (s) => s.png())
    await expectRejection(
      loadMask(path, { palette: { 0: [0, 0, 0], 1: [255, 0, 0] } }),
      'E_PALETTE',
      path,
      '(3, 2)',
      '[12, 34, 56]',
    )
  })

  it('loadSample: mask and image of different sizes is E_SIZE_MISMATCH naming both files', async () => {
    const imgPath = join(dir, 's-img.png')
    const maskPath = join(dir, 's-mask.png')
    await saveImage(raster(5, 4, 1), imgPath)
    await saveMask({ width: 4, height: 5, data: new Uint8Array(20) }, maskPath)
    await expectRejection(
      loadSample('case1', imgPath, maskPath),
      'E_SIZE_MISMATCH',
      imgPath,
      maskPath,
      '5x4',
      '4x5',
      'case1',
    )
    const okMask = join(dir, 's-mask-ok.png')
    await saveMask({ width: 5, height: 4, data: new Uint8Array(20).fill(2) }, okMask)
    const s = await loadSample('case1', imgPath, okMask)
    expect(s.id).toBe('case1')
    expect([s.image.width, s.image.height, s.truth?.width, s.truth?.height]).toEqual([5, 4, 5, 4])
    expect(Array.from(s.truth!.data)).toEqual(new Array(20).fill(2))
    expect((await loadSample('img-only', imgPath)).truth).toBeUndefined()
  })

  it('missing file is E_FILE_NOT_FOUND naming the path', async () => {
    const path = join(dir, 'does-not-exist.png')
    await expectRejection(loadImage(path), 'E_FILE_NOT_FOUND', path)
    await expectRejection(loadMask(path), 'E_FILE_NOT_FOUND', path)
    await expectRejection(loadSample('x', join(dir, 'rt8.png'), path), 'E_FILE_NOT_FOUND', path)
  })

  it('pixel limit is E_IMAGE_TOO_LARGE naming file, size and limit', async () => {
    const jpg = await writeWithSharp('limit.jpg', new Uint8Array(10 * 8 * 3), 10, 8, 3, (s) => s.jpeg())
    await expectRejection(loadImage(jpg, { maxPixels: 79 }), 'E_IMAGE_TOO_LARGE', jpg, '10x8', '79')
    await expect(loadImage(jpg, { maxPixels: 80 })).resolves.toMatchObject({ width: 10, height: 8 })
    const png = join(dir, 'limit-mask.png')
    await saveMask({ width: 10, height: 8, data: new Uint8Array(80) }, png)
    await expectRejection(loadMask(png, { maxPixels: 50 }), 'E_IMAGE_TOO_LARGE', png, '10x8', '50')
    await expectRejection(loadImage(png, { maxPixels: 0 }), 'E_OUT_OF_RANGE', 'maxPixels')
  })

  it('the default limit stops a decompression bomb from its header, before decoding', async () => {
    // A 1x1 PNG whose IHDR claims 20000 x 20000 (400 Mpx) with a valid CRC: only the header is read.
    const bytes = Uint8Array.from(await encodePng({ width: 1, height: 1, data: new Uint8Array(1) }))
    const view = new DataView(bytes.buffer)
    view.setUint32(16, 20000)
    view.setUint32(20, 20000)
    view.setUint32(29, crc32(bytes.subarray(12, 29)))
    await expectRejection(loadImage(bytes), 'E_IMAGE_TOO_LARGE', '20000x20000', '100000000')
    await expectRejection(loadMask(bytes), 'E_IMAGE_TOO_LARGE', '20000x20000', '100000000')
  })
})

describe('saveImage / encodePng', () => {
  it('writes atomically: no temp file left behind, an existing file is replaced', async () => {
    const sub = join(dir, 'atomic')
    await mkdir(sub)
    const path = join(sub, 'out.png')
    await saveImage(raster(3, 3, 1), path)
    await saveImage(raster(4, 2, 1, new Float32Array(8).fill(1)), path)
    expect(await readdir(sub)).toEqual(['out.png'])
    const back = await loadImage(path)
    expect([back.width, back.height, back.data[0]]).toEqual([4, 2, 1])
  })

  it('a missing target folder is E_FILE_WRITE naming the path and creates nothing', async () => {
    const missing = join(dir, 'no-such-folder')
    const path = join(missing, 'out.png')
    await expectRejection(saveImage(raster(2, 2, 1), path), 'E_FILE_WRITE', path)
    await expectRejection(saveMask({ width: 1, height: 1, data: new Uint8Array(1) }, path), 'E_FILE_WRITE', path)
    expect((await readdir(dir)).includes('no-such-folder')).toBe(false)
  })

  it('a failing rename (target is a folder) is E_FILE_WRITE and removes the temp file', async () => {
    const sub = join(dir, 'rename-fail')
    await mkdir(join(sub, 'target.png'), { recursive: true })
    await expectRejection(saveImage(raster(2, 2, 1), join(sub, 'target.png')), 'E_FILE_WRITE', join(sub, 'target.png'))
    expect(await readdir(sub)).toEqual(['target.png'])
  })

  it('clamps to [0, 1] and rounds; tells masks from rasters by their integer data', async () => {
    const img = raster(5, 1, 1, [-0.5, 0, 0.5, 1, 1.7])
    const oracle = await readWithSharp(await encodePng(img), 'b-w')
    expect(oracle.samples).toEqual([0, 0, Math.round(0.5 * 255), 255, 255])
    const mask = { width: 5, height: 1, data: Uint8Array.from([0, 1, 2, 3, 4]) }
    expect((await readWithSharp(await encodePng(mask), 'b-w')).samples).toEqual([0, 1, 2, 3, 4]) // ids, not scaled
    await expectRejection(encodePng(raster(1, 1, 1, [Number.NaN])), 'E_OUT_OF_RANGE', 'NaN')
    await expectRejection(encodePng(raster(1, 1, 5)), 'E_OUT_OF_RANGE', '5')
    await expectRejection(
      encodePng({ width: 1, height: 1, data: Uint16Array.from([300]) }, { bitDepth: 8 }),
      'E_OUT_OF_RANGE',
      '300',
    )
  })
})

/** Rewrites a PNG's PLTE chunk to its first `entries` entries, with a correct CRC. */
function shortenPalette(png: Uint8Array, entries: number): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o)
    if (String.fromCharCode(...png.subarray(o + 4, o + 8)) === 'PLTE') {
      const chunk = new Uint8Array(12 + 3 * entries)
      const cv = new DataView(chunk.buffer)
      cv.setUint32(0, 3 * entries)
      chunk.set(png.subarray(o + 4, o + 8 + 3 * entries), 4)
      cv.setUint32(8 + 3 * entries, crc32(chunk.subarray(4, 8 + 3 * entries)))
      return Buffer.concat([png.subarray(0, o), chunk, png.subarray(o + 12 + len)])
    }
    o += 12 + len
  }
  throw new Error('no PLTE chunk')
}
