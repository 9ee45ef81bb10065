// What the vitest reporter turns a test's segsense meta into: report entries linked to the test.
import type { TestCase } from 'vitest/node'
import type { GridReportEntry } from '../report/grid-section.js'
import type { ReportEntry } from '../report/html.js'
import type { GridRecord, SegsenseTaskMeta, SweepRecord } from './meta.js'

/** The parts of vitest's TestCase that {@link reportEntries} reads. */
export type ReportedTest = Pick<TestCase, 'name' | 'fullName' | 'meta'> & {
  readonly module: Pick<TestCase['module'], 'relativeModuleId'>
  result(): { readonly state: string }
}

/**
 * The report entries of one test: one per sweep record in its meta, linked to the test file and name. A sweep
 * snapshot has no threshold (`min: null`): its status is the matcher's outcome, not a score against the report's
 * default threshold.
 */
export function reportEntries(test: ReportedTest): ReportEntry[] {
  const meta = test.meta() as SegsenseTaskMeta
  const sweeps: readonly SweepRecord[] = Array.isArray(meta.segsense?.sweeps) ? meta.segsense.sweeps : []
  const state = test.result().state
  return sweeps.map((s) => ({
    result: s.result,
    title: `${test.name}: ${s.result.model}${s.baseline ? ` vs ${s.baseline.model}` : ''} · ${s.result.transform.name}`,
    pass: s.pass,
    test: { file: test.module.relativeModuleId, name: test.fullName, state, matcher: s.matcher },
    ...(s.verdict ? { verdict: s.verdict } : {}),
    ...(s.baseline && s.comparison ? { baseline: s.baseline, comparison: s.comparison } : {}),
    ...(s.required ? { required: s.required } : {}),
    ...(s.min !== undefined ? { min: s.min } : s.matcher === 'toMatchSweepSnapshot' ? { min: null } : {}),
    ...(s.max !== undefined ? { max: s.max, metric: s.verdict?.metric ?? 'hd95' } : {}),
  }))
}

/** The grid entries of one test (`toBeRobustTo([a, b])`), linked to the test file and name. */
export function gridReportEntries(test: ReportedTest): GridReportEntry[] {
  const meta = test.meta() as SegsenseTaskMeta
  const grids: readonly GridRecord[] = Array.isArray(meta.segsense?.grids) ? meta.segsense.grids : []
  const state = test.result().state
  return grids.map((g) => ({
    result: g.result,
    title: `${test.name}: ${g.result.model} · ${g.result.axes.map((a) => `${a.transform} ${a.parameter.name}`).join(' x ')}`,
    min: g.min,
    pass: g.pass,
    test: { file: test.module.relativeModuleId, name: test.fullName, state, matcher: g.matcher },
  }))
}
