#!/usr/bin/env node
// `node scripts/report-screenshot.mjs [REPORT_DIR] [OUT.png]`: the top of a segsense HTML report in headless
// chromium (Debian's /usr/bin/chromium, or CHROMIUM=...), 1280 px wide, cut at 1660 px: how docs/img/report.png
// is taken after `npx segsense demo`. Palette-quantised by sharp to keep the file small.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import sharp from 'sharp'

const dir = resolve(process.argv[2] ?? 'segsense-demo')
const out = resolve(process.argv[3] ?? 'docs/img/report.png')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1660 } })
  await page.goto(pathToFileURL(resolve(dir, 'index.html')).href, { waitUntil: 'load' })
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 1660 } })
  await sharp(png).png({ palette: true, compressionLevel: 9 }).toFile(out)
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
}
