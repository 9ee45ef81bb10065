import { describe, expect, it } from 'vitest'
import { reserveSnapshotSlot, snapshotTestName } from '../../../src/vitest/snapshot-key.js'

/** vitest's snapshot numbering in small: a per-name counter bumped by each comparison. */
function fakeState() {
  const counts = new Map<string, number>()
  const _counters = {
    get: (name: string) => counts.get(name) ?? 0,
    set: (name: string, n: number) => counts.set(name, n),
    increment: (name: string) => {
      counts.set(name, (counts.get(name) ?? 0) + 1)
    },
  }
  const compare = (name: string) => {
    _counters.increment(name)
    return `${name} ${_counters.get(name)}`
  }
  return { state: { _counters }, compare, counts }
}

const file = { name: 'a.test.ts' }
const task = { name: 'curve', suite: { name: 'rotations', suite: file } }

describe('snapshot keys reserved at call time', () => {
  it('names a test as vitest keys it: describe names and its own, without the file', () => {
    expect(snapshotTestName(task)).toBe('rotations > curve')
    expect(snapshotTestName({ name: 'top', suite: file })).toBe('top')
  })

  it('each call keeps the number of its call, whichever comparison runs first', () => {
    const { state, compare, counts } = fakeState()
    const first = reserveSnapshotSlot(state, task)
    const second = reserveSnapshotSlot(state, task)
    expect(second.match(() => compare('rotations > curve'))).toBe('rotations > curve 2')
    expect(first.match(() => compare('rotations > curve'))).toBe('rotations > curve 1')
    expect(counts.get('rotations > curve')).toBe(2)
    // a later, un-reserved comparison (vitest's own toMatchSnapshot) goes on from there
    expect(compare('rotations > curve')).toBe('rotations > curve 3')
  })

  it('gives the number back when the sweep failed and no later call took one', () => {
    const { state, compare } = fakeState()
    reserveSnapshotSlot(state, task).release()
    expect(reserveSnapshotSlot(state, task).match(() => compare('rotations > curve'))).toBe('rotations > curve 1')
  })

  it('falls back to numbering at comparison time without a task or the counter', () => {
    const { compare } = fakeState()
    expect(reserveSnapshotSlot({}, task).match(() => 'as vitest does')).toBe('as vitest does')
    expect(reserveSnapshotSlot(fakeState().state, undefined).match(() => compare('x'))).toBe('x 1')
  })
})
