// The job summary of a real vitest run under GitHub Actions (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY), with the history of
// two commits, rendered by a GFM renderer (marked) in headless chromium and looked at.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { marked } from 'marked'
import { type Browser, chromium } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, runVitest } from './harness.js'

const CHROMIUM = '/usr/bin/chromium'
const missing = !existsSync(CHROMIUM) && !process.env.CI

let ws: ReturnType<typeof consumerWorkspace>
const cwd = () => join(ws.root, 'projects/summary')
const step = () => join(ws.root, 'step-summary.md')
const env = (sha: string, extra: Record<string, string> = {}) => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_STEP_SUMMARY: step(),
  GITHUB_SHA: sha,
  SEGSENSE_REPORT_URL: 'https://ci.example/run/7/artifacts/segsense-report',
  ...extra,
})

/** Table rows of a markdown document (lines starting with `| ` that are not the header or its rule). */
const mdRows = (md: string) => md.split('\n').filter((l) => /^\| [^|]*\| /.test(l) && !l.startsWith('| | test'))

describe('the job summary of a vitest run in GitHub Actions', () => {
  let first: string
  let second: string
  let third: string
  let junit: string
  let summaryFile: string
  let history: Record<string, string>
  let runs: Awaited<ReturnType<typeof runVitest>>[]

  beforeAll(async () => {
    ws = consumerWorkspace()
    writeFileSync(step(), '')
    runs = [await runVitest(cwd(), [], { ci: true, env: env('1111111aaaa') })]
    first = readFileSync(step(), 'utf8')
    // GitHub gives every step its own summary file.
    writeFileSync(step(), '')
    runs.push(await runVitest(cwd(), [], { ci: true, env: env('2222222bbbb', { NARROW: '1' }) }))
    second = readFileSync(step(), 'utf8')
    history = Object.fromEntries(
      readdirSync(join(cwd(), 'history')).map((f) => [f, readFileSync(join(cwd(), 'history', f), 'utf8')]),
    )
    junit = readFileSync(join(cwd(), 'junit.xml'), 'utf8')
    summaryFile = readFileSync(join(cwd(), 'summary-out/segsense.md'), 'utf8')
    // A third run, of the passing gate only, with a corrupt file in the history.
    writeFileSync(join(cwd(), 'history/0000000zzzz.json'), '{ "schemaVersion": 1, "kind": "segsense-hi')
    writeFileSync(step(), '')
    runs.push(await runVitest(cwd(), ['-t', 'brightness'], { ci: true, env: env('3333333cccc') }))
    third = readFileSync(step(), 'utf8')
  }, 240_000)
  afterAll(() => ws?.dispose())

  it("names every gate's test, transform, class and interval, failures first, with the report link", () => {
    expect(
      runs.slice(0, 2).map((r) => r.code),
      runs.map((r) => r.output).join('\n'),
    ).toEqual([1, 1])
    expect(first).toContain('### pr robustness: 2 of 3 gates pass · 1 failed')
    expect(first).toContain('[HTML report](https://ci.example/run/7/artifacts/segsense-report)')
    const rows = mdRows(first)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(
      /^\| ❌ fail \| <code>pr\.test\.ts<\/code> › rotation &gt; right-half model within 90 degrees \| right-half \| rotate \| disc \| dice &gt;= 0\.8 \| \\\[-?\d/,
    )
    expect(rows.slice(1).map((r) => r.split(' | ').slice(3, 5))).toEqual([
      ['rotate', 'disc'],
      ['brightness', 'disc'],
    ])
    // The test name's markup and pipe are text.
    expect(first).toContain('disc &lt;img src=x onerror=alert(1)&gt; \\| any angle')
    expect(first).toMatch(/<details><summary>2 other gates \(2 rows\)<\/summary>/)
    // The first run has no earlier one: no change column.
    expect(first).not.toContain('change |')
    // summary: 'path.md' holds the same summary as the step's file.
    expect(summaryFile.trim()).toBe(second.trim())
  })

  it('stores each run in the history and flags the narrowing against the earlier commit', () => {
    expect(Object.keys(history).sort()).toEqual(['1111111aaaa.json', '2222222bbbb.json'])
    expect(runs[1]!.output).toContain('segsense history: commit 2222222bbbb ->')
    expect(second).toContain('compared with commit 1111111aaaa')
    expect(second).toMatch(
      /> ⚠️ \*\*rotation &gt; right-half model within 90 degrees\*\* \(rotate\) disc: \\\[-?[\d.]+ deg, [\d.]+ deg\\\] → \\\[-?[\d.]+ deg, [\d.]+ deg\\\]; width −[\d.]+ deg/,
    )
    expect(second).toContain('1 regressed')
    const unchanged = mdRows(second).filter((r) => r.includes('no change'))
    expect(unchanged).toHaveLength(2)
  })

  it('fails the run on a corrupt history file, naming it, still writes the summary, and loses nothing', () => {
    const run = runs[2]!
    expect(run.code, run.output).toBe(1)
    expect(run.output).toContain(
      `segsense history: history file ${join(cwd(), 'history/0000000zzzz.json')} is not valid JSON`,
    )
    expect(run.output).toMatch(/Tests +1 passed/)
    expect(third).toContain('### pr robustness: 1 of 1 gate pass')
    expect(third).toContain('<details><summary>1 gate (1 row)</summary>')
    expect(third).not.toContain('compared with')
    const after = readdirSync(join(cwd(), 'history')).sort()
    expect(after).toEqual([...Object.keys(history), '0000000zzzz.json'].sort())
    for (const [f, text] of Object.entries(history)) expect(readFileSync(join(cwd(), 'history', f), 'utf8')).toBe(text)
  })

  it("puts the interval and AUC of a gate with attach: 'always' into the JUnit file as a test property", () => {
    const testcase = /<testcase classname="pr\.test\.ts" name="brightness"[\s\S]*?<\/testcase>/.exec(junit)?.[0] ?? ''
    expect(testcase).toMatch(
      /<property name="notice" value="brightness: disc passes, stable in \[&lt;= 0\.8x, &gt;= 1\.25x\], AUC 1\.000 \(required \[0\.8x, 1\.25x\]\)">/,
    )
    // The chart PNG attached to it is not in the JUnit file (vitest's JUnit reporter drops attachments).
    expect(testcase).not.toMatch(/png|ATTACHMENT/i)
  })

  describe.skipIf(missing)('rendered by marked in chromium', () => {
    let browser: Browser
    let page: Awaited<ReturnType<Browser['newPage']>>
    const dialogs: string[] = []
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      })
      page = await browser.newPage({ viewport: { width: 1100, height: 700 } })
      page.on('dialog', async (d) => {
        dialogs.push(d.message())
        await d.dismiss()
      })
      // GitHub's markdown styles, roughly: what a reader of the summary sees.
      const css = [
        'body{font:14px/1.5 "DejaVu Sans",Arial,sans-serif;margin:16px;color:#1f2328}',
        'table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}',
        'blockquote{margin:0;padding:0 12px;border-left:4px solid #d1d9e0;color:#59636e}',
        'code{background:#eff1f3;padding:1px 4px;border-radius:4px}',
      ].join('')
      const html = marked.parse(second, { async: false, gfm: true })
      await page.setContent(
        `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body>${html}</body></html>`,
        {
          waitUntil: 'load',
        },
      )
    }, 60_000)
    afterAll(async () => {
      await browser?.close()
    })

    it('is GitHub-flavoured markdown: every table row a table row, no markup from names, passing gates collapsed', async () => {
      const tables = await page.$$eval('table', (ts) =>
        ts.map((t) => [t.querySelectorAll('thead th').length, t.querySelectorAll('tbody tr').length]),
      )
      expect(tables).toEqual([
        [9, 1],
        [9, 2],
      ])
      expect(mdRows(second)).toHaveLength(3)
      expect(await page.$$eval('img', (i) => i.length)).toBe(0)
      expect(dialogs).toEqual([])
      const cells = await page.$$eval('tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      )
      expect(cells.map((c) => [c[3], c[4]])).toEqual([
        ['rotate', 'disc'],
        ['rotate', 'disc'],
        ['brightness', 'disc'],
      ])
      expect(cells[1]![1]).toBe('pr.test.ts › rotation > disc <img src=x onerror=alert(1)> | any angle')
      expect(cells[0]![6]).toMatch(/^\[-?[\d.]+ deg, [\d.]+ deg\]$/)
      // Collapsed: the passing rows are hidden until the details open.
      const hidden = page.locator('details tbody tr').first()
      expect(await hidden.isVisible()).toBe(false)
      await page.click('details summary')
      expect(await hidden.isVisible()).toBe(true)
    })

    it('looks like a summary: a screenshot with the table drawn', async () => {
      const png = await page.screenshot({ fullPage: true })
      const out = join(ws.root, 'job-summary.png')
      writeFileSync(out, png)
      if (process.env.SEGSENSE_KEEP_SCREENSHOT) writeFileSync(process.env.SEGSENSE_KEEP_SCREENSHOT, png)
      const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true })
      expect(info.width).toBe(1100)
      // The two tables and the flagged line make the page taller than a header alone.
      expect(info.height).toBeGreaterThan(300)
      // The tables' borders (#d1d9e0) and header fill (#f6f8fa) are drawn; the text is dark on white.
      let border = 0,
        dark = 0
      for (let i = 0; i < data.length; i += 3) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        if (Math.abs(r - 0xd1) < 6 && Math.abs(g - 0xd9) < 6 && Math.abs(b - 0xe0) < 6) border++
        if (r < 80 && g < 80 && b < 80) dark++
      }
      expect(border).toBeGreaterThan(2000)
      expect(dark).toBeGreaterThan(2000)
      const box = await page.locator('table').first().boundingBox()
      expect(box!.width).toBeGreaterThan(600)
    })
  })
})
