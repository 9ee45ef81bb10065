// The HTML report opened in a real browser: Debian's chromium driven by playwright-core (.ci/run installs chromium).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeReport } from '../../src/report/html.js'
import { sweep } from '../../src/sweep/sweep.js'
import { brightness, rotate } from '../../src/transforms/index.js'
import { scene, sceneModel } from '../support/report.js'

const CHROMIUM = '/usr/bin/chromium'
const evil = '<img src=x onerror=alert(1)>'
// Without chromium (a developer machine that has not installed it) the test is skipped; CI always has it.
const missing = !existsSync(CHROMIUM) && !process.env.CI

describe.skipIf(missing)('the HTML report in headless chromium', () => {
  let browser: Browser
  let dir: string
  let rows: number
  let longDir: string
  const consoleErrors: string[] = []
  const requests: string[] = []
  const dialogs: string[] = []
  const pageErrors: string[] = []
  let page: Awaited<ReturnType<Browser['newPage']>>

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'segsense-browser-'))
    const samples = [scene('s1'), scene(`s2 ${evil}`)]
    const model = sceneModel({ 1: evil, 2: 'square & "co"' }, true)
    const a = await sweep(model, samples, rotate, { range: [-90, 90], step: 30, keep: 'frames' })
    const b = await sweep(model, samples, brightness, { values: [0.5, 1, 2], keep: 'frames' })
    const c = await sweep(model, samples, rotate, { values: [-45, 0, 45] })
    const written = await writeReport(
      [
        {
          result: a,
          required: [-30, 30],
          sample: `s2 ${evil}`,
          test: { file: `x/${evil}.test.ts`, name: evil, state: 'failed' },
        },
        b,
        c,
      ],
      dir,
      { title: `report ${evil}` },
    )
    rows = written.rows.length
    // A report of long names: model, classes, transform options, test file and name.
    longDir = join(dir, 'long')
    const long = (what: string) => `${what}-${'really-quite-long-'.repeat(5)}end`
    const unbroken = `model_${'x'.repeat(160)}`
    const longModel = {
      ...sceneModel({ 1: long('left-ventricle'), 2: long('myocardium') }, true),
      name: long('cardiac-segmentation-model'),
    }
    const d = await sweep(longModel, samples, rotate.with({ padding: 'reflection' }), { range: [-90, 90], step: 30 })
    await writeReport(
      [
        {
          result: d,
          required: [-30, 30],
          title: unbroken,
          test: {
            file: `test/${long('folder')}/${long('robustness')}.test.ts`,
            name: long('a test name that goes on'),
            state: 'passed',
            matcher: 'toMatchSweepSnapshot',
          },
        },
        d,
      ],
      longDir,
    )
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    page = await browser.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('request', (r) => requests.push(r.url()))
    page.on('dialog', async (d) => {
      dialogs.push(d.message())
      await d.dismiss()
    })
    await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('loads with no console error and requests nothing but its own files', () => {
    expect(consoleErrors).toEqual([])
    expect(pageErrors).toEqual([])
    expect(dialogs).toEqual([])
    const own = pathToFileURL(dir).href + '/'
    expect(requests.length).toBeGreaterThan(1)
    for (const url of requests) expect(url.startsWith(own), url).toBe(true)
  })

  it('shows the summary table with one row per sweep and class', async () => {
    expect(rows).toBe(6)
    const cells = await page.$$eval('#summary tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-sweep'),
        tr.querySelector('td.class')?.textContent,
        tr.querySelector('td.status')?.textContent,
      ]),
    )
    expect(cells).toHaveLength(rows)
    expect(cells.map((c) => [c[0], c[1]])).toEqual([
      ['sweep-01', evil],
      ['sweep-01', 'square & "co"'],
      ['sweep-02', evil],
      ['sweep-02', 'square & "co"'],
      ['sweep-03', evil],
      ['sweep-03', 'square & "co"'],
    ])
    for (const c of cells) expect(['pass', 'fail']).toContain(c[2])
    // The sweep's cells (number, model, transform, required range) span its class rows.
    const sweepCells = await page.$$eval('#summary tbody td.sweep-cell', (tds) =>
      tds.map((td) => [td.firstChild?.textContent, td.getAttribute('rowspan')]),
    )
    expect(sweepCells.slice(0, 4)).toEqual([
      ['#01', '2'],
      ['top-blind', '2'],
      ['rotate', '2'],
      ['-30 deg to 30 deg', '2'],
    ])
    expect(sweepCells.slice(4, 8).map((c) => c[0])).toEqual(['#02', 'top-blind', 'brightness', 'all swept values'])
    // The summary names the test that ran a sweep (file and name), when there is one.
    expect(await page.$$eval('#summary tbody .test-ref', (d) => d.map((e) => e.textContent))).toEqual([
      `x/${evil}.test.ts › ${evil}`,
    ])
    // Each row links to its sweep's section.
    const targets = await page.$$eval('#summary tbody a', (as) =>
      as.map((a) => a.ownerDocument.getElementById(a.getAttribute('href')!.slice(1)) !== null),
    )
    expect(targets.every(Boolean)).toBe(true)
  })

  it('loads every image, inline chart, strip and GIF', async () => {
    const images = await page.$$eval('img', (imgs) =>
      imgs.map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })),
    )
    expect(images.map((i) => i.src)).toEqual([
      'sweep-01.gif',
      'sweep-01-strip.png',
      'sweep-02.gif',
      'sweep-02-strip.png',
    ])
    expect(images.every((i) => i.ok)).toBe(true)
    expect(await page.$$eval('section.sweep svg', (s) => s.length)).toBe(3)
    // The charts' lines drew: vega's line marks have a non-empty path.
    const lines = await page.$$eval('section.sweep svg .mark-line path', (ps) =>
      ps.map((p) => (p as unknown as { getTotalLength(): number }).getTotalLength()),
    )
    expect(lines).toHaveLength(6)
    expect(lines.every((l) => l > 10)).toBe(true)
  })

  it('fits the summary table in a 1280 px wide window, long names included', async () => {
    const wide = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    try {
      await wide.goto(pathToFileURL(join(longDir, 'index.html')).href, { waitUntil: 'load' })
      const fit = await wide.$eval('.summary-wrap', (wrap) => ({
        wrap: [wrap.scrollWidth, wrap.clientWidth],
        right: wrap.querySelector('table')!.getBoundingClientRect().right,
        page: wrap.ownerDocument.documentElement.scrollWidth,
      }))
      expect(fit.wrap[0], 'the summary scrolls sideways').toBeLessThanOrEqual(fit.wrap[1])
      expect(fit.right).toBeLessThanOrEqual(1280)
      expect(fit.page, 'the page scrolls sideways').toBeLessThanOrEqual(1280)
      // The status badges and the numbers stay on one line (the long names wrap instead).
      const lines = await wide.$$eval('#summary td.status .badge, #summary td.num, #summary th', (els) =>
        els.map((e) => {
          const range = e.ownerDocument.createRange()
          range.selectNodeContents(e)
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
        }),
      )
      expect(lines.length).toBeGreaterThan(0)
      expect(Math.max(...lines)).toBe(1)
    } finally {
      await wide.close()
    }
  })

  it('shows user strings as text, never as markup', async () => {
    // No element came out of a class, sample, test or file name.
    expect(await page.$$eval('img[src="x"]', (e) => e.length)).toBe(0)
    expect(await page.title()).toBe(`report ${evil}`)
    const text = await page.$eval('body', (b) => b.innerText)
    expect(text).toContain(evil)
    expect(text).toContain(`x/${evil}.test.ts`)
    expect(text).toContain(`Sample s2 ${evil}`)
  })
})
