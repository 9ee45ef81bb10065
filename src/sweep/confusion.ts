import { SegsenseError, describeValue } from '../core/errors.js'
import type { Classes } from '../core/types.js'
import type { SweepConfusion } from '../results/sweep-result.js'

/** The classes a sweep's confusion matrices count, and where each class id sits in them. @internal */
export interface ConfusionLabels {
  /** Class ids in matrix order: background 0 first, then the model's other ids ascending. */
  readonly ids: readonly number[]
  /** Their names (the model's, `background` for an unnamed 0). */
  readonly names: readonly string[]
  /** `index[id]`: row/column of class id `id`, -1 for an id that is not counted. */
  readonly index: Int32Array
}

/**
 * The confusion labels of a model: every class id of `classes` plus background 0 (named `background` when the model
 * does not name it). @internal
 */
export function confusionLabels(classes: Classes): ConfusionLabels {
  const ids = [...new Set([0, ...Object.keys(classes).map(Number)])]
    .filter((id) => Number.isInteger(id) && id >= 0)
    .sort((a, b) => a - b)
  const names = ids.map((id) => classes[id] ?? (id === 0 ? 'background' : String(id)))
  const index = new Int32Array((ids[ids.length - 1] as number) + 1).fill(-1)
  ids.forEach((id, i) => (index[id] = i))
  return { ids, names, index }
}

/** Checks the sweep option `confusion` (a boolean; default false). @internal */
export function checkConfusionOption(value: unknown): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean')
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `sweep option confusion must be true or false, got ${describeValue(value)}`,
      { details: { value } },
    )
  return value
}

/** The JSON form of per-value confusion matrices (`counts[k]`: row-major size x size). @internal */
export function confusionJson(labels: ConfusionLabels, counts: readonly Float64Array[]): SweepConfusion {
  const C = labels.ids.length
  return {
    classes: [...labels.names],
    ids: [...labels.ids],
    counts: counts.map((m) => Array.from({ length: C }, (_, r) => Array.from(m.subarray(r * C, r * C + C)))),
  }
}
