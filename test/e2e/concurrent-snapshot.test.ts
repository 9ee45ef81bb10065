import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consumerWorkspace, reportedTests, runVitest } from './harness.js'

// A real vitest run of test/e2e/projects/concurrent: the snapshot matchers through the global expect in
// concurrent tests fail with a message naming the fix; through the test context's expect they file their snapshot
// under their own test.
let ws: ReturnType<typeof consumerWorkspace>
beforeAll(() => {
  ws = consumerWorkspace()
})
afterAll(() => ws?.dispose())

describe('segsense snapshot matchers in concurrent tests', () => {
  it('refuse the global expect, work with the context expect', async () => {
    const cwd = join(ws.root, 'projects/concurrent')
    const run = await runVitest(cwd, [], { ci: false })
    expect(run.code).not.toBe(0)
    const tests = new Map(reportedTests(cwd).map((t) => [t.name, t]))
    for (const name of ['sweep snapshot, global expect', 'prediction snapshot, global expect']) {
      const t = tests.get(name)
      expect(t?.state, name).toBe('failed')
      expect(t?.errors.join('\n')).toMatch(/cannot be used with the global expect in a concurrent test/)
      expect(t?.errors.join('\n')).toMatch(/use the test context's expect/)
    }
    for (const name of [
      'sweep snapshot, context expect',
      'prediction snapshot, context expect',
      'sequential, global expect',
    ])
      expect(tests.get(name)?.state, name).toBe('passed')
    // The context-expect snapshots are filed under their own tests, and nothing under the refused ones.
    const snap = readFileSync(join(cwd, '__snapshots__/concurrent.test.ts.snap'), 'utf8')
    expect(snap).toContain('context expect > sweep snapshot, context expect')
    expect(snap).toContain('sequential, global expect')
    expect(snap).not.toContain('global expect > sweep snapshot, global expect')
    const predictions = join(cwd, '__snapshots__/concurrent.test.ts.predictions')
    expect(existsSync(predictions)).toBe(true)
    const files = readdirSync(predictions)
    expect(files.some((f) => f.startsWith('prediction snapshot, context expect 1.'))).toBe(true)
    expect(files.some((f) => f.includes('global expect'))).toBe(false)
  }, 240_000)
})
