import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePng } from '../../src/io/png.js'
import { GAINED_COLOUR, LOST_COLOUR } from '../../src/report/prediction-diff.js'
import { consumerWorkspace, reportedTests, runVitest } from './harness.js'

// Real vitest runs of toMatchPredictionSnapshot on the bundled cardiac models (test/e2e/projects/predictions):
// 2 samples x rotate at [0, 30]; the fragile model is "the old model", the robust one "the retrained one".
let ws: ReturnType<typeof consumerWorkspace>
beforeAll(() => {
  ws = consumerWorkspace()
})
afterAll(() => ws?.dispose())

const cwd = () => join(ws.root, 'projects/predictions')
const dir = () => join(cwd(), '__snapshots__/predictions.test.ts.predictions')
const KEY = 'segmentation under rotation 1'
const PREDICTIONS = ['sa-01.rotate=0', 'sa-02.rotate=0', 'sa-01.rotate=30', 'sa-02.rotate=30']
const png = (name: string) => readFileSync(join(dir(), `${KEY}.${name}.png`))
const ids = async (bytes: Uint8Array) => (await decodePng(bytes)).data

describe('toMatchPredictionSnapshot in real vitest runs', () => {
  const fragile: Record<string, Buffer> = {}
  const received: Record<string, Buffer> = {}
  let failure = ''
  let diffPath = ''

  it('refuses to write a missing snapshot under CI and attaches the received PNGs', async () => {
    const run = await runVitest(cwd(), [], { ci: true })
    expect(run.code).toBe(1)
    expect(run.output).toContain(`New prediction snapshot "${KEY}" was not written: the update mode is "none"`)
    expect(run.output).toContain('vitest -u')
    expect(existsSync(dir())).toBe(false)
    const [t] = reportedTests(cwd())
    expect(t!.annotations.map((a) => a.message)).toEqual(
      ['sa-01 rotate=0', 'sa-02 rotate=0', 'sa-01 rotate=30', 'sa-02 rotate=30'].map((p) => `received prediction ${p}`),
    )
    for (const [k, a] of t!.annotations.entries()) received[PREDICTIONS[k]!] = readFileSync(a.path!)
  })

  it('writes one PNG per sample and value and a JSON sidecar on the first local run', async () => {
    const run = await runVitest(cwd(), [], { ci: false })
    expect(run.code, run.output).toBe(0)
    expect(run.output).toMatch(/Snapshots\s+1 written/)
    expect(readdirSync(dir()).sort()).toEqual([`${KEY}.json`, ...PREDICTIONS.map((p) => `${KEY}.${p}.png`)].sort())
    const sidecar = JSON.parse(readFileSync(join(dir(), `${KEY}.json`), 'utf8'))
    expect(sidecar).toMatchObject({
      segsense: 'prediction-snapshot',
      version: 1,
      test: KEY,
      model: {
        name: 'cardiac-fragile',
        fingerprint: expect.stringMatching(/^file:[0-9a-f]{16},options:[0-9a-f]{16}$/),
        classes: { 1: 'RV', 2: 'MYO', 3: 'LV' },
      },
      runtime: {
        onnxruntime: expect.stringMatching(/^\d+\.\d+\.\d+/),
        platform: `${process.platform}-${process.arch}`,
      },
      transform: { name: 'rotate', options: { padding: 'zeros' } },
    })
    for (const p of PREDICTIONS) {
      fragile[p] = png(p)
      expect(fragile[p].equals(received[p]!), p).toBe(true) // what CI attached is what a local run stores
      const decoded = await decodePng(fragile[p])
      expect([decoded.width, decoded.height, decoded.colourType, decoded.bitDepth]).toEqual([256, 256, 0, 8])
      expect(new Set(decoded.data)).toEqual(new Set([0, 1, 2, 3]))
    }
  })

  it('passes unchanged under CI, and fails when the model changes, naming each moved prediction and the worst', async () => {
    expect((await runVitest(cwd(), [], { ci: true })).code).toBe(0)
    const run = await runVitest(cwd(), [], { ci: true, env: { SEGSENSE_MODEL: 'robust' } })
    expect(run.code).toBe(1)
    const [t] = reportedTests(cwd())
    failure = t!.errors[0]!
    expect(failure).toContain('expect(model).toMatchPredictionSnapshot(samples)')
    expect(failure).toMatch(/4 of 4 prediction\(s\) moved beyond the budget \(changed pixels <= 0\):/)
    expect(failure).toMatch(/Worst: sa-0\d rotate=\d+, \d+ px changed\./)
    expect(failure).toMatch(/Note: the model changed \(fingerprint file:\w+,options:\w+ -> file:\w+,options:\w+\)/)
    expect(t!.annotations).toHaveLength(1)
    expect(t!.annotations[0]).toMatchObject({ type: 'error', contentType: 'image/png' })
    diffPath = t!.annotations[0]!.path!
    for (const p of PREDICTIONS) expect(png(p).equals(fragile[p]!)).toBe(true) // nothing written
  })

  it('-u rewrites the moved predictions; the counts and the diff image agree with the stored files, pixel by pixel', async () => {
    const update = await runVitest(cwd(), ['-u'], { ci: false, env: { SEGSENSE_MODEL: 'robust' } })
    expect(update.code, update.output).toBe(0)
    expect(update.output).toMatch(/Snapshots\s+1 updated/)
    expect(JSON.parse(readFileSync(join(dir(), `${KEY}.json`), 'utf8')).model.name).toBe('cardiac-robust')
    // The counts, from the stored PNGs before and after (not from the matcher's own code).
    let gainedPixels = 0
    let lostPixels = 0
    const changedOf: Record<string, number> = {}
    for (const p of PREDICTIONS) {
      const before = await ids(fragile[p]!)
      const after = await ids(png(p))
      const gained = [0, 0, 0, 0],
        lost = [0, 0, 0, 0]
      let changed = 0
      for (let i = 0; i < before.length; i++) {
        if (before[i] === after[i]) continue
        changed++
        gained[after[i]!]!++
        lost[before[i]!]!++
        if (after[i] === 0) lostPixels++
        else gainedPixels++
      }
      changedOf[p] = changed
      const [sample, value] = p.split('.rotate=')
      const line = failure.split('\n').find((l) => l.startsWith(`  ${sample} rotate=${value}:`))
      expect(line, p).toContain(`${changed} px changed`)
      for (const [id, name] of [
        [1, 'RV'],
        [2, 'MYO'],
        [3, 'LV'],
      ] as const) {
        if (gained[id] || lost[id])
          expect(line, `${p} ${name}`).toContain(`${name} gained ${gained[id]}, lost ${lost[id]}`)
      }
    }
    const worst = Object.entries(changedOf).sort((a, b) => b[1] - a[1])[0]!
    expect(failure).toContain(`Worst: ${worst[0].replace('.rotate=', ' rotate=')}, ${worst[1]} px changed.`)
    // The diff image: 4 rows of stored | new | diff; gained pixels in one colour, lost in the other, nothing else.
    const diff = await decodePng(readFileSync(diffPath))
    expect([diff.width, diff.height, diff.colourType]).toEqual([3 * 256 + 8, 4 * 256 + 12, 2])
    let magenta = 0
    let cyan = 0
    for (let i = 0; i < diff.data.length; i += 3) {
      const rgb = [diff.data[i], diff.data[i + 1], diff.data[i + 2]]
      if (rgb.every((v, k) => v === GAINED_COLOUR[k])) magenta++
      if (rgb.every((v, k) => v === LOST_COLOUR[k])) cyan++
    }
    expect(magenta).toBe(gainedPixels)
    expect(cyan).toBe(lostPixels)
  })

  it('-u with a budget rewrites only the predictions that moved beyond it', async () => {
    const robust = Object.fromEntries(PREDICTIONS.map((p) => [p, png(p)]))
    const update = await runVitest(cwd(), ['-u'], { ci: false, env: { SEGSENSE_BUDGET: '120' } })
    expect(update.code, update.output).toBe(0)
    for (const p of PREDICTIONS) {
      const moved = !png(p).equals(robust[p]!)
      expect(moved, p).toBe(p.endsWith('=30')) // the rotated predictions moved by more than 120 px, the others less
      if (moved) expect(png(p).equals(fragile[p]!)).toBe(true)
    }
  })

  it('a near miss within budget passes, and with attach: always its diff image is attached as a notice', async () => {
    // stored now: fragile at 30 degrees, robust at 0; the robust model moves only the two rotated predictions (284, 159 px)
    const run = await runVitest(cwd(), [], {
      ci: true,
      env: { SEGSENSE_MODEL: 'robust', SEGSENSE_BUDGET: '300', SEGSENSE_ATTACH: 'always' },
    })
    expect(run.code, run.output).toBe(0)
    const [t] = reportedTests(cwd())
    expect(t!.annotations).toHaveLength(1)
    expect(t!.annotations[0]!.type).toBe('notice')
    expect(t!.annotations[0]!.message).toMatch(
      /^segmentation under rotation 1: 2 prediction\(s\) moved within budget, worst sa-01 rotate=30 \d+ px/,
    )
    const diff = await decodePng(readFileSync(t!.annotations[0]!.path!))
    expect([diff.width, diff.height]).toEqual([3 * 256 + 8, 2 * 256 + 4])
  })

  it('reports obsolete files (a renamed test) under CI, and removes them with -u', async () => {
    // (the local warning is pinned by test/unit/vitest/prediction-obsolete.test.ts)
    const renamed = { SEGSENSE_TEST_NAME: 'renamed' }
    const ci = await runVitest(cwd(), [], { ci: true, env: renamed })
    expect(ci.code).toBe(1)
    expect(ci.output).toContain('Obsolete prediction snapshots found when no snapshot update is expected (5 file(s)')
    expect(ci.output).toContain(`${KEY}.json`)
    const update = await runVitest(cwd(), ['-u'], { ci: false, env: renamed })
    expect(update.code, update.output).toBe(0)
    expect(update.output).toMatch(/removed 5 obsolete prediction snapshot file\(s\)/)
    expect(readdirSync(dir()).sort()).toEqual(
      ['renamed 1.json', ...PREDICTIONS.map((p) => `renamed 1.${p}.png`)].sort(),
    )
  })
})
