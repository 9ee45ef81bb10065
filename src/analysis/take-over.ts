import type { SweepResult } from '../results/sweep-result.js'

/** What takes over a class at one value: the predicted class that gets the largest share of its truth pixels. */
export interface TakeOver {
  /** The class whose truth pixels are counted. */
  readonly className: string
  /** The other class (or background) predicted most often on them. */
  readonly predicted: string
  /** Its share of the class's truth pixels, summed over samples, in [0, 1]. */
  readonly share: number
  /** The share predicted correctly. */
  readonly kept: number
}

/**
 * Which class takes over `className`'s pixels at value index `k` of a result swept with `confusion`: the class other
 * than itself predicted on the largest share of its truth pixels. `undefined` without confusion counts, for a class
 * the matrices do not list, or when the class has no truth pixel at that value.
 */
export function takeOver(result: Pick<SweepResult, 'confusion'>, className: string, k: number): TakeOver | undefined {
  const c = result.confusion
  const row = c?.classes.indexOf(className) ?? -1
  const counts = c?.counts[k]?.[row]
  if (!c || row < 0 || !counts) return undefined
  let total = 0
  let best = -1
  for (let j = 0; j < counts.length; j++) {
    total += counts[j] as number
    if (j !== row && (best < 0 || (counts[j] as number) > (counts[best] as number))) best = j
  }
  if (total === 0 || best < 0) return undefined
  return {
    className,
    predicted: c.classes[best] as string,
    share: (counts[best] as number) / total,
    kept: (counts[row] as number) / total,
  }
}
