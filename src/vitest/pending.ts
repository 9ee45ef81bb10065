/**
 * Tracks every segsense matcher call of a test, so the setup entry can fail a test that forgot `await`, whatever
 * the timing: vitest does not track un-awaited `expect.extend` matchers (the test passes, and a failure surfaces
 * later as an unattributed "Unhandled Rejection", or not at all under `--dangerouslyIgnoreUnhandledErrors`).
 *
 * A matcher returns a {@link TrackedCall} instead of a plain promise. Vitest chains its verdict onto it with
 * `then`, and hands the derived promise (also a TrackedCall) to the test; a `then` on that one (from `await`,
 * `Promise.all`, `.then`, `.catch`) is what "awaited" means. Until then its rejection is held back (never
 * unhandled); {@link settleCalls} reports the call in its own test.
 */

/** One matcher call of a test. */
interface Call {
  readonly label: string
  /** Depth of the promise the test code receives: 1, or 2 under `expect.soft` (which chains once more). */
  readonly userDepth: number
  /** Did the test code call `then` on the promise it received? */
  awaited: boolean
  /** The verdict as the test would see it; `undefined` while running. */
  outcome?: { readonly failed: false } | { readonly failed: true; readonly error: unknown }
  /** Settles (never rejects) with the verdict. */
  settled?: Promise<void>
}

const callsByTest = new Map<string, Call[]>()
/** Set by the setup entry, which settles the calls: without it (matchers registered by hand) nothing is held back. */
let settling = false

/** Called by the setup entry when it installs its `afterEach`: from now on matcher calls are tracked. */
export function enableCallTracking(): void {
  settling = true
}

/**
 * A matcher call's promise that records whether the test awaited it. It behaves as a promise (`then`, `catch`,
 * `finally`); the promises vitest and the test derive from it are TrackedCalls too, up to the one the test gets.
 */
export class TrackedCall<T> implements Promise<T> {
  readonly [Symbol.toStringTag] = 'Promise'
  readonly #promise: Promise<T>
  readonly #call: Call
  readonly #depth: number

  /** @internal Use {@link tracked}. */
  constructor(promise: Promise<T>, call: Call, depth: number) {
    this.#promise = promise
    this.#call = call
    this.#depth = depth
    if (depth < call.userDepth) {
      promise.catch(() => undefined) // vitest chains onto it at once; this only keeps it from ever counting as unhandled
    } else if (depth === call.userDepth) {
      // The verdict the test receives: recorded (which also handles it) and reported by settleCalls if not awaited.
      call.settled = promise.then(
        () => {
          call.outcome = { failed: false }
        },
        (error: unknown) => {
          call.outcome = { failed: true, error }
        },
      )
    }
  }

  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (this.#depth >= this.#call.userDepth) this.#call.awaited = true
    const next = this.#promise.then(onfulfilled, onrejected)
    // Past the promise the test received, chains are the test's own: plain promises (their rejections are theirs).
    return this.#depth >= this.#call.userDepth ? next : new TrackedCall(next, this.#call, this.#depth + 1)
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected)
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then(
      // As Promise.prototype.finally: a thenable that onfinally returns is waited for.
      async (value) => {
        await Promise.resolve(onfinally?.())
        return value
      },
      async (reason: unknown) => {
        await Promise.resolve(onfinally?.())
        throw reason
      },
    )
  }
}

/**
 * Runs a matcher's `work` as a call of test `taskId`. Untracked (a plain promise, as vitest expects) without a task
 * (the global `expect` in a `test.concurrent`) or without the setup entry (matchers registered by hand: nobody
 * would report a held-back failure). `soft`: the call is an `expect.soft` one (vitest chains once more).
 */
export function tracked<T>(
  label: string,
  taskId: string | undefined,
  soft: boolean,
  work: () => Promise<T>,
): Promise<T> {
  if (taskId === undefined || !settling) return work()
  const call: Call = { label, userDepth: soft ? 2 : 1, awaited: false }
  const list = callsByTest.get(taskId) ?? []
  list.push(call)
  callsByTest.set(taskId, list)
  return new TrackedCall(work(), call, 0)
}

/**
 * Judges test `taskId`'s matcher calls when it ends: waits (at most `waitMs`) for each call that the test did not
 * await, and returns one error per such call, saying it was not awaited and carrying its own failure if it failed.
 * Awaited calls reached the test through the `await` and are not reported again. Forgets the test's calls.
 */
export async function settleCalls(taskId: string, waitMs: number): Promise<Error[]> {
  const calls = callsByTest.get(taskId) ?? []
  callsByTest.delete(taskId)
  const unawaited = calls.filter((c) => !c.awaited)
  if (!unawaited.length) return []
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs)
  })
  await Promise.race([Promise.all(unawaited.map((c) => c.settled ?? Promise.resolve())), deadline])
  clearTimeout(timer)
  return unawaited.map((c) => notAwaitedError(c, waitMs))
}

function notAwaitedError(call: Call, waitMs: number): Error {
  const fix = `segsense matchers are async: write \`await expect(model).${call.label.split('(')[0]}(...)\``
  if (!call.outcome)
    return new Error(`${call.label} was not awaited, and was still running ${waitMs} ms after the test ended. ${fix}.`)
  if (!call.outcome.failed)
    return new Error(
      `${call.label} was not awaited (it passed, but only because the test happened to wait long enough). ${fix}.`,
    )
  const { error } = call.outcome
  const head = `${call.label} was not awaited, and it failed (${fix}):`
  if (error instanceof Error) {
    // Keep the original error (its actual/expected make vitest's diff); only say first that it was not awaited.
    error.message = `${head}\n\n${error.message}`
    return error
  }
  return new Error(`${head}\n\n${String(error)}`)
}
