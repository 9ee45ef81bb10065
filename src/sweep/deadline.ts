/** Limits on one awaited piece of work: an abort signal, a timeout in ms, and the errors each one raises. */
export interface Deadline {
  readonly signal?: AbortSignal | undefined
  /** Milliseconds; undefined waits as long as the work takes. */
  readonly timeout?: number | undefined
  readonly onAbort: () => Error
  readonly onTimeout: () => Error
}

/**
 * Settles with `work`, or rejects as soon as the signal aborts or the timeout passes, whichever comes first.
 * A model that never answers cannot be cancelled, only abandoned: its late result (or rejection) is dropped, never
 * left as an unhandled rejection.
 */
export function withDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
  const { signal, timeout } = deadline
  if (!signal && timeout === undefined) return work
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = (): void => {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
    }
    function abort(): void {
      settle()
      reject(deadline.onAbort())
    }
    // The work's outcome is always observed (second handler), so an abandoned rejection stays handled.
    work.then(
      (value) => {
        settle()
        resolve(value)
      },
      (error: unknown) => {
        settle()
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the model's own rejection, unchanged
        reject(error)
      },
    )
    if (signal?.aborted) return abort()
    signal?.addEventListener('abort', abort, { once: true })
    if (timeout !== undefined)
      timer = setTimeout(() => {
        settle()
        reject(deadline.onTimeout())
      }, timeout)
  })
}
