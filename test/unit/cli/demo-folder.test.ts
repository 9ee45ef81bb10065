// `segsense demo` writes to its own folder, not the vitest reporter's: a demo run in a project must not replace (or be
// refused by) the report of the project's test run.
import { describe, expect, it } from 'vitest'
import { DEMO_OUT } from '../../../src/cli/demo.js'
import { program } from '../../../src/cli/main.js'

describe('segsense demo --out', () => {
  it("defaults to segsense-demo, not the reporter's segsense-report", () => {
    const demo = program(() => undefined).commands.find((c) => c.name() === 'demo')!
    const out = demo.options.find((o) => o.long === '--out')!
    expect(out.defaultValue).toBe('segsense-demo')
    expect(DEMO_OUT).toBe('segsense-demo')
    expect(demo.helpInformation()).toContain('(default: "segsense-demo")')
  })
})
