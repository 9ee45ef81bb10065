import type { TestAnnotation, TestAttachment, TestContext } from 'vitest'
import type { ModelComparison } from '../analysis/compare.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { RequirementVerdict } from '../analysis/requirement.js'
import type { GridResult } from '../results/grid-result.js'
import type { GridVerdict } from '../analysis/grid-requirement.js'
import type { AttachPolicy } from './config.js'

/** One matcher's sweep as stored in `task.meta.segsense.sweeps` (plain JSON; the JSON reporter keeps it). */
export interface SweepRecord {
  readonly matcher: 'toBeRobustTo' | 'toMatchSweepSnapshot' | 'toBeAtLeastAsRobustAs'
  /** Did the assertion pass (after `.not`)? */
  readonly pass: boolean
  /** The sweep (of the candidate, for toBeAtLeastAsRobustAs). */
  readonly result: SweepResult
  /** The baseline's sweep (toBeAtLeastAsRobustAs only). */
  readonly baseline?: SweepResult
  /** The model comparison (toBeAtLeastAsRobustAs only). */
  readonly comparison?: ModelComparison
  /** Requirement verdict (toBeRobustTo only). */
  readonly verdict?: RequirementVerdict
  /** The required range (toBeRobustTo only). */
  readonly required?: readonly [number, number]
  readonly min?: number | Readonly<Record<string, number>>
  /** The threshold in mm of a distance metric (toBeRobustTo with `max`). */
  readonly max?: number | Readonly<Record<string, number>>
}

/** One grid of `toBeRobustTo([a, b])` as stored in `task.meta.segsense.grids` (plain JSON). */
export interface GridRecord {
  readonly matcher: 'toBeRobustTo'
  /** Did the assertion pass (after `.not`)? */
  readonly pass: boolean
  readonly result: GridResult
  readonly verdict: GridVerdict
  readonly min: number | Readonly<Record<string, number>>
}

/** What segsense keeps in `task.meta`. */
export interface SegsenseTaskMeta {
  segsense?: { sweeps: SweepRecord[]; grids?: GridRecord[] }
}

/** Appends a sweep record to a task's meta (no-op without a task, e.g. the global expect in test.concurrent). */
export function recordSweep(task: { meta: object } | undefined, record: SweepRecord): void {
  if (!task) return
  const meta = task.meta as SegsenseTaskMeta
  meta.segsense ??= { sweeps: [] }
  meta.segsense.sweeps.push(record)
}

/** Appends a grid record to a task's meta (no-op without a task). */
export function recordGrid(task: { meta: object } | undefined, record: GridRecord): void {
  if (!task) return
  const meta = task.meta as SegsenseTaskMeta
  meta.segsense ??= { sweeps: [] }
  ;(meta.segsense.grids ??= []).push(record)
}

/** What a segsense matcher returns to vitest (vitest 4.1 does not export its SyncExpectationResult). */
export interface MatcherOutcome {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

/**
 * `task.context.annotate`, or `undefined` when vitest refuses it: a call the test did not await may end after the
 * test did, and then its failure (reported by the setup entry) matters more than its attachment.
 */
export async function annotateIfRunning(
  task: { readonly context: Pick<TestContext, 'annotate'> } | undefined,
  message: string,
  type: string,
  attachment: TestAttachment,
): Promise<TestAnnotation | undefined> {
  if (!task) return undefined
  try {
    return await task.context.annotate(message, type, attachment)
  } catch {
    return undefined
  }
}

/**
 * Attaches a chart PNG to the running test under the matchers' `attach` policy: `always`, or `on-failure` when the
 * assertion fails. `render` runs only when the chart is attached (vega and sharp load on the first chart).
 */
export async function attachChart(
  task: { readonly context: Pick<TestContext, 'annotate'> } | undefined,
  attach: AttachPolicy,
  assertionFails: boolean,
  note: string,
  render: () => Promise<Uint8Array>,
): Promise<void> {
  if (!task || !(attach === 'always' || (attach === 'on-failure' && assertionFails))) return
  await annotateIfRunning(task, note, assertionFails ? 'error' : 'notice', {
    contentType: 'image/png',
    body: await render(),
  })
}
