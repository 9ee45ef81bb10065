// The staged report write (src/report/folder.ts): a writeReport killed at any step leaves the complete old report or
// the complete new one, never a mix; a smaller report keeps no file of a larger one; leftovers go at the next write.
// The writes run in child processes of the built package (dist/: run `npm run build` first), killed with SIGKILL.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeReport } from '../../../src/report/html.js'
import { sweep } from '../../../src/sweep/sweep.js'
import { rotate } from '../../../src/transforms/geometric.js'
import { scene, sceneModel } from '../../support/report.js'

const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '')
const dist = join(repo, 'dist')
const child = join(repo, 'test/support/report-child.mjs')
const root = mkdtempSync(join(tmpdir(), 'segsense-swap-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Runs the child writer; resolves with the signal that ended it (null when it exited). */
function write(out: string, version: 'old' | 'new', killAt?: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [child, dist, out, version, ...(killAt ? [String(killAt)] : [])],
      (err, _stdout, stderr) => {
        if (err && !err.signal) return reject(new Error(`child failed: ${stderr || err.message}`))
        resolve(err?.signal ?? null)
      },
    )
  })
}

/** Every file of a folder with the hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')
          .slice(0, 16),
      ]),
  )
}

// The new report writes 4 files (strip, GIF, results.json, index.html), then sets the old folder aside (5) and swaps
// the new one in (6); killed after that, the old one is left hidden for the next write to remove.
const STEPS = 6

describe('writeReport killed during the write', () => {
  let old: Record<string, string>
  let fresh: Record<string, string>
  const trials: { step: number; signal: NodeJS.Signals | null; dir: string }[] = []

  beforeAll(async () => {
    if (!existsSync(join(dist, 'report/folder.js')))
      throw new Error('dist/ is missing or stale: run `npm run build` first')
    await Promise.all([write(join(root, 'ref-old/report'), 'old'), write(join(root, 'ref-new/report'), 'new')])
    old = snapshot(join(root, 'ref-old/report'))
    fresh = snapshot(join(root, 'ref-new/report'))
    const steps = Array.from({ length: STEPS }, (_, k) => k + 1)
    // Two at a time: the machine is shared.
    for (let k = 0; k < steps.length; k += 2) {
      await Promise.all(
        steps.slice(k, k + 2).map(async (step) => {
          const dir = join(root, `kill-${step}`)
          cpSync(join(root, 'ref-old/report'), join(dir, 'report'), { recursive: true })
          trials.push({ step, signal: await write(join(dir, 'report'), 'new', step), dir })
        }),
      )
    }
    trials.sort((a, b) => a.step - b.step)
  }, 120_000)

  it('the reference reports differ, and the smaller one has fewer files', () => {
    expect(Object.keys(old)).toContain('sweep-02.gif')
    expect(Object.keys(fresh)).not.toContain('sweep-02.gif')
    expect(JSON.parse(readFileSync(join(root, 'ref-old/report/results.json'), 'utf8')).title).toBe('old')
  })

  it('every kill leaves the complete old report or the complete new one, byte for byte', () => {
    expect(trials.map((t) => t.signal)).toEqual(trials.map(() => 'SIGKILL'))
    const seen = trials.map(({ step, dir }) => {
      const report = join(dir, 'report')
      // Between setting the old folder aside and renaming the new one in (two renames), there is no report at all.
      if (!existsSync(report)) return `${step}: none`
      const files = snapshot(report)
      if (JSON.stringify(files) === JSON.stringify(old)) return `${step}: old`
      if (JSON.stringify(files) === JSON.stringify(fresh)) return `${step}: new`
      return `${step}: mixed ${Object.keys(files).join(',')}`
    })
    expect(seen).toEqual(['1: old', '2: old', '3: old', '4: old', '5: none', '6: new'])
  })

  it('leaves its staging folder hidden beside the report, and the next write removes it', async () => {
    const hidden = (step: number) =>
      readdirSync(join(root, `kill-${step}`))
        .filter((f) => f !== 'report')
        .map((f) => f.replace(/-\d+-[0-9a-f]+$/, '-<pid>-<random>'))
        .sort()
    expect(hidden(2)).toEqual(['.report.segsense-tmp-<pid>-<random>'])
    expect(hidden(5)).toEqual(['.report.segsense-old-<pid>-<random>', '.report.segsense-tmp-<pid>-<random>'])
    expect(hidden(6)).toEqual(['.report.segsense-old-<pid>-<random>'])
    const result = await sweep(sceneModel(), [scene('a')], rotate, { values: [-30, 0, 30] })
    for (const step of [2, 5, 6]) {
      const dir = join(root, `kill-${step}`)
      await writeReport([result], join(dir, 'report'))
      expect(readdirSync(dir)).toEqual(['report'])
      expect(readdirSync(join(dir, 'report')).sort()).toEqual(['index.html', 'results.json'])
    }
  })
})

describe('writeReport into an existing folder', async () => {
  const result = await sweep(sceneModel(), [scene('a')], rotate, { values: [-30, 0, 30], keep: 'frames' })

  it('replaces a larger report whole: no file of it stays', async () => {
    const dir = join(root, 'smaller')
    await writeReport([result, result, result], dir)
    expect(readdirSync(dir)).toContain('sweep-03.gif')
    await writeReport([result], dir)
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'results.json', 'sweep-01-strip.png', 'sweep-01.gif'])
    expect(readdirSync(root).filter((f) => f.startsWith('.smaller'))).toEqual([])
  })

  it('refuses a folder holding other files, and leaves them alone', async () => {
    const dir = join(root, 'foreign')
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    await expect(writeReport([result], dir)).rejects.toMatchObject({
      code: 'E_FILE_WRITE',
      message: expect.stringMatching(/"notes\.txt".*folder of its own/),
    })
    expect(readdirSync(dir)).toEqual(['notes.txt'])
    expect(readdirSync(root).filter((f) => f.startsWith('.foreign'))).toEqual([])
  })
})
