/**
 * `segsense/vitest`: the setup entry. Add it to `test.setupFiles` (and to `compilerOptions.types` for the typings):
 *
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['segsense/vitest'] } })
 * ```
 *
 * It registers `toBeRobustTo`, `toMatchSweepSnapshot` and `toBeAtLeastAsRobustAs` with `expect.extend`, and fails a
 * test whose matcher call was not awaited (vitest itself does not track async custom matchers).
 * @packageDocumentation
 */
import { afterEach, expect } from 'vitest'
import { type SegsenseMatchers, matchers } from './matchers.js'
import { enableCallTracking, settleCalls } from './pending.js'

export {
  matchers, toBeRobustTo, toMatchSweepSnapshot, toBeAtLeastAsRobustAs, configureSegsense, robustnessSuite,
  type SegsenseMatchers, type RobustOptions, type SweepSnapshotOptions, type SegsenseDefaults, type AttachPolicy,
  type RobustnessSuiteOptions, type SweepRecord, type SegsenseTaskMeta, type AtLeastAsRobustOptions,
} from './matchers.js'

expect.extend(matchers)

// Judges the test's matcher calls before vitest judges the test: an un-awaited call fails its own test, with its
// own failure when it failed. The hook waits for such calls up to the test's timeout (so no sweep outlives its test
// or reports into the next one); the hook's own timeout is out of the way (the largest setTimeout accepts).
afterEach(async (context) => {
  const errors = await settleCalls(context.task.id, context.task.timeout > 0 ? context.task.timeout : 600_000)
  if (errors.length === 1) throw errors[0]
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join('\n\n'))
}, 2 ** 31 - 1)
enableCallTracking()

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
