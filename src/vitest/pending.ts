/**
 * Tracks matcher calls that are still running, so the setup entry can fail a test that forgot `await`:
 * vitest does not track un-awaited `expect.extend` matchers (the test passes, and a late rejection surfaces as an
 * unattributed "Unhandled Rejection").
 */
interface Entry { readonly label: string; readonly taskId: string; abandoned: boolean }
const running = new Map<symbol, Entry>()

/**
 * Runs `work`, registered as pending for test `taskId` under `label` until it settles (untracked without a task).
 * If the test ended first (the call was not awaited, and {@link takeUnsettled} already failed the test), the
 * outcome is replaced by `whenAbandoned(outcome)` and errors are swallowed, so no unattributed rejection follows.
 */
export async function tracked<T>(label: string, taskId: string | undefined, work: () => Promise<T>, whenAbandoned: () => T): Promise<T> {
  if (taskId === undefined) return work()
  const key = Symbol(label)
  const entry: Entry = { label, taskId, abandoned: false }
  running.set(key, entry)
  try {
    const outcome = await work()
    return entry.abandoned ? whenAbandoned() : outcome
  } catch (error) {
    if (entry.abandoned) return whenAbandoned()
    throw error
  } finally {
    running.delete(key)
  }
}

/** Labels of test `taskId`'s matcher calls still running; marks them abandoned (one missing `await` fails one test). */
export function takeUnsettled(taskId: string): string[] {
  const labels: string[] = []
  for (const [key, entry] of running) {
    if (entry.taskId !== taskId) continue
    labels.push(entry.label)
    entry.abandoned = true
    running.delete(key)
  }
  return labels
}
