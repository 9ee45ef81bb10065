/**
 * Snapshot keys taken when a matcher is called, not when its sweep ends. Vitest keys a file snapshot
 * `<test name> <n>` with a per-test counter it bumps when the comparison runs; two `toMatchSweepSnapshot` calls in
 * one `Promise.all` would swap keys whenever the second sweep finished first.
 */

/** The part of vitest's (private) per-name snapshot counter we use; present in vitest 4.1 and 5. */
interface Counters {
  get(name: string): number
  set(name: string, count: number): unknown
  increment(name: string): void
}

/** A task as far as its snapshot name goes. */
interface NamedTask {
  readonly name: string
  readonly suite?: NamedTask | undefined
}

/** A snapshot number reserved for one matcher call. */
export interface SnapshotSlot {
  /** Runs vitest's (synchronous) snapshot comparison so that it takes the reserved number. */
  match<T>(compare: () => T): T
  /** Gives the number back when no comparison will run (the sweep failed), if no later call took one since. */
  release(): void
}

/** The test name vitest keys snapshots with: its describe names and its own, joined by ` > `, without the file. */
export function snapshotTestName(task: NamedTask): string {
  const names = [task.name]
  for (let suite = task.suite; suite?.suite; suite = suite.suite) if (suite.name) names.unshift(suite.name)
  return names.join(' > ')
}

/**
 * Reserves the next snapshot number of `task` in vitest's `snapshotState`. Falls back to vitest's own numbering
 * (at comparison time) when the counter is not where vitest 4.1 and 5 keep it.
 */
export function reserveSnapshotSlot(snapshotState: unknown, task: NamedTask | undefined): SnapshotSlot {
  const counters = (snapshotState as { _counters?: Partial<Counters> } | undefined)?._counters
  if (
    !task ||
    !counters ||
    typeof counters.get !== 'function' ||
    typeof counters.set !== 'function' ||
    typeof counters.increment !== 'function'
  ) {
    return { match: (compare) => compare(), release: () => undefined }
  }
  const c = counters as Counters
  const name = snapshotTestName(task)
  c.increment(name)
  const count = c.get(name)
  return {
    match(compare) {
      // The comparison is synchronous: no other call can see the counter moved back.
      const latest = c.get(name)
      c.set(name, count - 1)
      try {
        return compare()
      } finally {
        c.set(name, Math.max(latest, c.get(name)))
      }
    },
    release() {
      if (c.get(name) === count) c.set(name, count - 1)
    },
  }
}
