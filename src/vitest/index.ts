/**
 * `segsense/vitest`: the setup entry. Add it to `test.setupFiles` (and to `compilerOptions.types` for the typings):
 *
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { setupFiles: ['segsense/vitest'] } })
 * ```
 *
 * It registers `toBeRobustTo` and `toMatchSweepSnapshot` with `expect.extend`, and fails a test whose matcher call
 * was not awaited (vitest itself does not track async custom matchers).
 * @packageDocumentation
 */
import { afterEach, expect } from 'vitest'
import { type SegsenseMatchers, matchers } from './matchers.js'
import { takeUnsettled } from './pending.js'

export {
  matchers, toBeRobustTo, toMatchSweepSnapshot, configureSegsense, robustnessSuite,
  type SegsenseMatchers, type RobustOptions, type SweepSnapshotOptions, type SegsenseDefaults, type AttachPolicy,
  type RobustnessSuiteOptions, type SweepRecord, type SegsenseTaskMeta,
} from './matchers.js'

expect.extend(matchers)

afterEach((context) => {
  const left = takeUnsettled(context.task.id)
  if (left.length) {
    throw new Error(`${left.join(', ')} was not awaited. segsense matchers are async: write \`await expect(model).${left[0]?.split('(')[0]}(...)\` (an un-awaited sweep would pass the test and fail later with no test named).`)
  }
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
