// Names holding control characters, U+FFFE or a lone surrogate reach every SVG writer (chart via vega, overlay legend,
// strip labels, GIF captions) and the HTML report: all of them render, and no XML-invalid code point is written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { renderChartPng, renderChartSvg } from '../../../src/report/chart.js'
import { sweepGif } from '../../../src/report/gif.js'
import { writeReport } from '../../../src/report/html.js'
import { frameStrip, overlayPng } from '../../../src/report/overlay.js'
import { classPalette } from '../../../src/report/palette.js'
import { escapeXml, xmlValid } from '../../../src/report/xml.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { framesOf } from '../../../src/sweep/assemble.js'
import { defineTransform } from '../../../src/transforms/transform.js'
import { scene, sceneModel } from '../../support/report.js'

const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('xmlValid', () => {
  it('replaces C0 controls (but tab, LF, CR), U+FFFE, U+FFFF and lone surrogates; keeps surrogate pairs', () => {
    expect(xmlValid(C0)).toBe(`${'\uFFFD'.repeat(9)}\t\n\uFFFD\uFFFD\r${'\uFFFD'.repeat(18)}`)
    expect(xmlValid('a\uFFFEb\uFFFFc')).toBe('a\uFFFDb\uFFFDc')
    expect(xmlValid('x\uD800y\uDC00z\uDBFF')).toBe('x\uFFFDy\uFFFDz\uFFFD')
    expect(xmlValid('ok \u{1F600} é \uE000 \uFFFD')).toBe('ok \u{1F600} é \uE000 \uFFFD')
  })

  it('escapeXml makes text valid, then escapes it', () => {
    expect(escapeXml('<a\u0000&\uD800>')).toBe('&lt;a\uFFFD&amp;\uFFFD&gt;')
  })
})

describe('names with XML-invalid code points', async () => {
  const classes = { 1: `disc${C0}`, 2: 'box\uFFFE\uD800' }
  const shift = defineTransform({
    name: `shift\u0001\uDFFF`,
    spatial: false,
    parameter: {
      name: 'dx\u0002',
      unit: 'px\u0003',
      neutral: 0,
      scale: 'linear',
      defaultRange: [-2, 2],
      defaultStep: 2,
    },
    image: (img) => img,
  })
  const model = { ...sceneModel(classes), name: 'model\u0007\uFFFF' }
  const result = await sweep(model, [scene(`sample\u0000\uD83D`)], shift, { values: [-2, 0, 2], keep: 'frames' })
  const frames = framesOf(result)!

  it('the chart renders to SVG and PNG', async () => {
    const svg = await renderChartSvg(result, { min: 0.8 })
    expect(svg).not.toMatch(INVALID)
    expect(svg).toContain('\uFFFD')
    expect((await renderChartPng(result, { min: 0.8 })).length).toBeGreaterThan(1000)
  })

  it('the overlay legend, the frame strip and the GIF captions render', async () => {
    const s = scene('x')
    expect(
      (await overlayPng(s.image, s.truth, s.truth, { palette: classPalette(classes, result.classes) })).length,
    ).toBeGreaterThan(100)
    expect((await frameStrip(result, frames)).length).toBeGreaterThan(100)
    expect((await sweepGif(result, frames)).length).toBeGreaterThan(100)
  })

  it('the HTML report holds no XML-invalid code point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segsense-xml-'))
    dirs.push(dir)
    await writeReport([{ result, test: { file: 'a\u0000.test.ts', name: 'b\uD800', state: 'passed' } }], join(dir, 'r'))
    const html = readFileSync(join(dir, 'r/index.html'), 'utf8')
    expect(html).not.toMatch(INVALID)
    expect(html).toContain('disc\uFFFD')
  })
})
