import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { reportRows, writeReport } from '../../../src/report/html.js'
import { validateSweepResult } from '../../../src/results/schema/validate.js'
import { evaluateRequirement } from '../../../src/analysis/requirement.js'
import { summarize } from '../../../src/analysis/summarize.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate, zoom } from '../../../src/transforms/geometric.js'
import { expectRejection } from '../../support/helpers.js'
import { scene, sceneModel, xmlTags } from '../../support/report.js'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'segsense-report-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const evil = '<img src=x onerror=alert(1)>'
const samples = [scene('a'), scene('<b>&')]

describe('writeReport', async () => {
  const robust = await sweep(sceneModel(), samples, rotate, { range: [-90, 90], step: 30, keep: 'frames' })
  const fragile = await sweep(sceneModel({ 1: evil, 2: 'square' }, true), samples, rotate, {
    range: [-90, 90],
    step: 30,
    keep: 'frames',
  })
  const zoomed = await sweep(sceneModel(), samples, zoom, { values: [0.8, 1, 1.25] })
  const dir = tmp()
  const written = await writeReport(
    [
      robust,
      {
        result: fragile,
        required: [-30, 30],
        sample: '<b>&',
        title: `fragile ${evil}`,
        test: { file: 'test/a&b.test.ts', name: `x > ${evil}`, state: 'failed' },
      },
      { result: zoomed, min: { square: 0.9 } },
    ],
    dir,
    { min: 0.7, date: new Date('2026-01-02T03:04:05Z') },
  )
  const html = readFileSync(join(dir, 'index.html'), 'utf8')

  it('writes index.html, results.json and the strip and GIF of each sweep with frames', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'index.html',
      'results.json',
      'sweep-01-strip.png',
      'sweep-01.gif',
      'sweep-02-strip.png',
      'sweep-02.gif',
    ])
    expect(written.index).toBe(join(dir, 'index.html'))
    expect(html).toContain('src="sweep-01-strip.png"')
    expect(html).toContain('src="sweep-02.gif"')
  })

  it('writes results.json whose results pass the schema', () => {
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
    expect(json.sweeps.map((s: { id: string }) => s.id)).toEqual(['sweep-01', 'sweep-02', 'sweep-03'])
    for (const s of json.sweeps) expect(validateSweepResult(s.result).valid).toBe(true)
    expect(json.sweeps[1].test).toEqual({ file: 'test/a&b.test.ts', name: `x > ${evil}`, state: 'failed' })
    expect(json.sweeps[1].required).toEqual([-30, 30])
  })

  it('tabulates every class of every sweep with the summary of summarize() and the verdict of evaluateRequirement()', () => {
    expect(written.rows.map((r) => [r.sweep, r.className])).toEqual([
      ['sweep-01', 'disc'],
      ['sweep-01', 'square'],
      ['sweep-02', evil],
      ['sweep-02', 'square'],
      ['sweep-03', 'disc'],
      ['sweep-03', 'square'],
    ])
    const s = summarize(robust, { min: 0.7 }).classes.disc!
    const row = written.rows[0]!
    expect(row.auc).toBe(s.auc)
    expect(row.worst?.score).toBe(s.worst?.score)
    expect(row.pass).toBe(evaluateRequirement(robust, { min: 0.7 }).classes[0]!.pass)
    // A per-class threshold judges only that class.
    expect(written.rows.slice(4).map((r) => [r.min, r.pass === null])).toEqual([
      [null, true],
      [0.9, false],
    ])
  })

  it('judges a sweep with a required range only over the values inside it', () => {
    const over = (from: number, to: number) => {
      const curve = fragile.mean.dice![evil]!
      return fragile.values.every((v, k) => v < from || v > to || (curve[k] ?? -1) >= 0.7)
    }
    const row = written.rows.find((r) => r.sweep === 'sweep-02' && r.className === evil)!
    expect(row.pass).toBe(over(-30, 30))
    expect(row.required).toBe('-30 deg to 30 deg')
    // The expectation differs from judging every swept value, so the test can tell the two apart.
    expect(over(-90, 90)).toBe(false)
    expect(over(-30, 30)).toBe(true)
  })

  it('escapes every user string and makes no request of its own', () => {
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('test/a&amp;b.test.ts')
    expect(html).toContain('&lt;b&gt;&amp;')
    expect(html).not.toMatch(/<script|<link|@import|url\(\s*['"]?https?:/i)
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i)
    expect(html).toContain("default-src 'none'")
    // Well-formed markup once the void elements are closed.
    expect(() =>
      xmlTags(html.replace(/<!doctype html>/i, '').replace(/<(meta|img|br|hr|input)\b([^>]*?)\/?>/g, '<$1$2/>')),
    ).not.toThrow()
  })

  it('gives each inline chart its own ids', () => {
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
    for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1])
  })

  it('refuses invalid results and empty input', async () => {
    await expect(writeReport([{ ...robust, values: [1] }], tmp())).rejects.toThrow(/sweep 1 is not a valid SweepResult/)
    await expectRejection(writeReport([], tmp()), 'E_OUT_OF_RANGE', 'at least one sweep result')
    await expectRejection(writeReport({} as never, tmp()), 'E_WRONG_TYPE', 'at least one sweep result')
    await expectRejection(writeReport([robust], 42 as never), 'E_WRONG_TYPE', 'dir must be a folder path, got 42')
    await expectRejection(writeReport([robust], ''), 'E_OUT_OF_RANGE', 'dir must be a folder path')
  })

  it('reportRows gives the same rows without writing', () => {
    expect(reportRows([robust], { min: 0.7 })).toEqual(written.rows.slice(0, 2))
  })
})
