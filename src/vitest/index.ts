/**
 * `segsense/vitest`: the setup entry. Add it to `test.setupFiles` (and to `compilerOptions.types` for the typings):
 *
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['segsense/vitest'] } })
 * ```
 *
 * It registers `toBeRobustTo`, `toMatchSweepSnapshot`, `toMatchPredictionSnapshot` and `toBeAtLeastAsRobustAs` with
 * `expect.extend`, fails a test whose matcher call was not awaited (vitest itself does not track async custom
 * matchers), and reports obsolete prediction snapshot files when a test file ends.
 * @packageDocumentation
 */
import { afterAll, afterEach, expect } from 'vitest'
import { type SegsenseMatchers, matchers } from './matchers.js'
import { enableCallTracking, settleCalls } from './pending.js'
import { obsoleteCheck } from './prediction-obsolete.js'

export {
  matchers,
  toBeRobustTo,
  toMatchSweepSnapshot,
  toMatchPredictionSnapshot,
  toBeAtLeastAsRobustAs,
  configureSegsense,
  robustnessSuite,
  type SegsenseMatchers,
  type RobustOptions,
  type SweepSnapshotOptions,
  type PredictionSnapshotOptions,
  type SegsenseDefaults,
  type AttachPolicy,
  type RobustnessSuiteOptions,
  type SweepRecord,
  type SegsenseTaskMeta,
  type AtLeastAsRobustOptions,
  type GridRobustOptions,
  type GridRecord,
} from './matchers.js'

expect.extend(matchers)

// Judges the test's matcher calls before vitest judges the test: an un-awaited call fails its own test, with its
// own failure when it failed. The hook waits for such calls up to the test's timeout (so no sweep outlives its test
// or reports into the next one); the hook's own timeout is out of the way (the largest setTimeout accepts).
afterEach(
  async (context) => {
    const errors = await settleCalls(context.task.id, context.task.timeout > 0 ? context.task.timeout : 600_000)
    const [first] = errors
    if (errors.length === 1 && first) throw first
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join('\n\n'))
  },
  2 ** 31 - 1,
)
enableCallTracking()

// Obsolete prediction snapshot files of this test file (vitest tracks only its .snap keys). The file's suite is the
// hook's second argument on vitest 4.1 (which refuses a first parameter that is not a destructured context) and was
// the first before: a parameterless function that finds it among its arguments works with both.
afterAll(function obsoletePredictions(): Promise<void> {
  // eslint-disable-next-line prefer-rest-params
  const suite = ([...arguments] as unknown[]).find((a: unknown) =>
    Array.isArray((a as { tasks?: unknown } | null)?.tasks),
  )
  return obsoleteCheck(suite, expect.getState().snapshotState?.snapshotUpdateState)
})

// The matchers' types on `expect(...)`. Vitest 4 and 5 both build their `Assertion` as a mapped type over
// `Chai.Assertion`, so augmenting it types the matchers on both majors, also with `skipLibCheck: false`
// (augmenting vitest's `Assertion<T>` directly fails with TS2428 on vitest 5, whose `Assertion` has two
// type parameters).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Assertion extends SegsenseMatchers {}
  }
}
