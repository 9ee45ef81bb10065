// Must FAIL to type-check: a misspelled option of a matcher is a type error for strict consumers too.
import { expect } from 'vitest'
import { functionModel, labelMap, rotate } from 'segsense'

const model = functionModel('m', { 1: 'LV' }, (img) => labelMap(img.width, img.height))
export const wrong = expect(model).toBeRobustTo(rotate, { min: 0.8, scoreTolerance: 0.02 })
