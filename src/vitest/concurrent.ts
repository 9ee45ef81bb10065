import { SegsenseError } from '../core/errors.js'
import type { MatcherState } from 'vitest'

/**
 * Refuses a snapshot matcher called through the global `expect` in a concurrent test. The global `expect` knows
 * only the test that started last, so with `test.concurrent` (or `describe.concurrent`) a snapshot would be filed
 * under another test without a word. Vitest marks a test whose context's `expect` was taken (`context._local`,
 * set by vitest's own runner for this purpose); a concurrent test that never took it asserted through the global.
 * @throws SegsenseError `E_BAD_PARAMETER` naming the matcher and telling to use the test context's `expect`.
 */
export function checkContextExpect(matcher: string, task: MatcherState['task']): void {
  if (!task?.concurrent) return
  const context = task.context as { _local?: boolean } | undefined
  if (context?._local === true) return
  throw new SegsenseError(
    'E_BAD_PARAMETER',
    `${matcher} cannot be used with the global expect in a concurrent test ("${task.name}"): its snapshot would be ` +
      "filed under another test; use the test context's expect: test.concurrent('name', async ({ expect }) => ...)",
  )
}
