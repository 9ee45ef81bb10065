import { describe, expect, it } from 'vitest'
import { enableCallTracking, settleCalls, tracked } from '../../../src/vitest/pending.js'

// What vitest's expect.extend does with an async matcher's result: chains its verdict and returns that promise.
const viaVitest = (p: Promise<{ pass: boolean }>) =>
  p.then(({ pass }) => {
    if (!pass) throw new Error('matcher failed')
  })
let n = 0
const taskId = () => `task-${++n}`

describe('tracked matcher calls', () => {
  it('without the setup entry, a call is a plain promise: nothing is held back', async () => {
    const id = taskId()
    const call = tracked('toBeRobustTo(rotate)', id, false, () => Promise.resolve({ pass: true }))
    expect(call).toBeInstanceOf(Promise)
    await call
    enableCallTracking() // what the setup entry does; the tests below rely on it
    expect(tracked('toBeRobustTo(rotate)', id, false, () => Promise.resolve({ pass: true }))).not.toBeInstanceOf(
      Promise,
    )
    await settleCalls(id, 100)
  })

  it('an awaited call is not reported again', async () => {
    const id = taskId()
    await expect(
      viaVitest(tracked('toBeRobustTo(rotate)', id, false, () => Promise.resolve({ pass: false }))),
    ).rejects.toThrow('matcher failed')
    expect(await settleCalls(id, 100)).toEqual([])
  })

  it('a call whose promise was never awaited is reported with its failure, and its rejection stays handled', async () => {
    const id = taskId()
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      void viaVitest(tracked('toBeRobustTo(rotate)', id, false, () => Promise.resolve({ pass: false })))
      await new Promise((resolve) => setTimeout(resolve, 20))
      const [error, ...rest] = await settleCalls(id, 100)
      expect(rest).toEqual([])
      expect(error?.message).toMatch(/^toBeRobustTo\(rotate\) was not awaited, and it failed .*\n\nmatcher failed$/s)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a passing call that was not awaited is reported too; a still running one after the wait says so', async () => {
    const id = taskId()
    void viaVitest(tracked('toBeRobustTo(rotate)', id, false, () => Promise.resolve({ pass: true })))
    void viaVitest(
      tracked('toMatchSweepSnapshot(zoom)', id, false, () => new Promise<{ pass: boolean }>(() => undefined)),
    )
    const messages = (await settleCalls(id, 30)).map((e) => e.message)
    expect(messages[0]).toMatch(/^toBeRobustTo\(rotate\) was not awaited \(it passed/)
    expect(messages[1]).toMatch(
      /^toMatchSweepSnapshot\(zoom\) was not awaited, and was still running 30 ms after the test ended/,
    )
  })

  it('counts Promise.all, .then and .catch as awaiting; expect.soft chains once more before the test gets it', async () => {
    const id = taskId()
    await Promise.all([viaVitest(tracked('a(x)', id, false, () => Promise.resolve({ pass: true })))])
    await viaVitest(tracked('b(x)', id, false, () => Promise.resolve({ pass: false }))).catch(() => undefined)
    const soft = viaVitest(tracked('c(x)', id, true, () => Promise.resolve({ pass: true }))).then(
      () => undefined,
      () => undefined,
    ) // what vitest's soft wrapper adds
    expect(await settleCalls(id, 100)).toHaveLength(1) // c: the soft wrapper's chain is not the test's await
    await soft
  })
})
