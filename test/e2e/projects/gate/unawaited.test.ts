// Matcher calls without `await`, in every timing: each must fail its own test, with no unhandled rejection.
import { expect, test } from 'vitest'
import { functionModel, rotate } from 'segsense'
import { centred, offCentre, rightHalfModel, thresholdModel } from './models.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** rightHalfModel, 40 ms per image: the sweep outlives the test. */
const slowModel = functionModel('slow-right-half', { 1: 'disc' }, async (img) => {
  await pause(40)
  return (await rightHalfModel.predict([img]))[0]!
})

test('not awaited: a fast failing sweep, then the test awaits something else', async () => {
  // no chart to render: the sweep surely settles long before the test ends
  void expect(rightHalfModel).toBeRobustTo(rotate, { samples: [offCentre], values: [180], min: 0.9, attach: 'never' })
  await pause(1000)
})

test('not awaited: a slow failing sweep', () => {
  void expect(slowModel).toBeRobustTo(rotate, { samples: [offCentre], range: [-180, 180], step: 30, min: 0.9 })
})

test('not awaited: a passing call', async () => {
  void expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [90], min: 0.5 })
  await pause(1000)
})

test('awaited after other work: passes', async () => {
  const call = expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [90], min: 0.5 })
  await pause(300)
  await call
})

test('awaited through Promise.all: fails with the matcher message only', async () => {
  await Promise.all([
    expect(thresholdModel()).toBeRobustTo(rotate, { samples: [centred], values: [90], min: 0.5 }),
    expect(rightHalfModel).toBeRobustTo(rotate, { samples: [offCentre], values: [180], min: 0.9 }),
  ])
})
