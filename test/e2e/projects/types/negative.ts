// Must FAIL to type-check (the e2e suite asserts the error): an unknown option is rejected.
import { expect } from 'vitest'
import { functionModel, labelMap, rotate } from 'segsense'

const model = functionModel('m', { 1: 'LV' }, (img) => labelMap(img.width, img.height))
export const wrong = expect(model).toBeRobustTo(rotate, { min: 0.8, rnage: [-15, 15] })
