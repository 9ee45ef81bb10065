/**
 * Unknown option keys: every options object segsense takes, at every entry point, goes through
 * {@link checkKnownKeys}, so that a misspelt key (`treshold`, `paddin`) is an error instead of a silently
 * applied default (a gate that passes because its option never arrived).
 */
import { SegsenseError, describeValue } from './errors.js'

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: insertions, deletions,
 * substitutions and swaps of two neighbouring letters each cost 1, so the commonest typo (`mni` for `min`) is one
 * edit away, as `treshold` is from `threshold`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let before: number[] = []
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const row = [i]
    for (let j = 1; j <= t.length; j++) {
      let d = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1),
      )
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1)
      row[j] = d
    }
    before = prev
    prev = row
  }
  return prev[t.length] as number
}

/**
 * The known name closest to `name` by {@link editDistance} (the first on ties), or `undefined` when none is
 * close enough to be a plausible typo: at most half the longer name's length (and at least 1 edit) away.
 */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = editDistance(name, k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  if (best === undefined) return undefined
  return bestDistance <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 2)) ? best : undefined
}

/**
 * Throws `E_UNKNOWN_OPTION` (a kind of `E_BAD_PARAMETER`) when `options` (an object, or undefined) has an own key that is not in `known`,
 * naming the key, the nearest known one and the known ones:
 * `loadOnnxModel option output: unknown key "treshold" (did you mean 'threshold'?); known keys: name, kind, threshold`.
 *
 * @param where names the options object in the message, e.g. `rotate.with()` or `sweep options`.
 * @example
 * checkKnownKeys(options, ['padding', 'interpolation'], 'rotate.with()')
 */
export function checkKnownKeys(options: unknown, known: readonly string[], where: string): void {
  if (options === undefined || options === null || typeof options !== 'object') return
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const guess = nearest(key, known)
    const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`
    const list = known.length ? `known keys: ${known.join(', ')}` : 'it takes no options'
    throw new SegsenseError('E_UNKNOWN_OPTION', `${where}: unknown key ${describeValue(key)}${hint}; ${list}`, {
      details: { option: key, ...(guess === undefined ? {} : { suggestion: guess }), known: [...known] },
    })
  }
}

/**
 * The value of an option that has a new and a deprecated name: the new name's value, else the old one's.
 * @throws SegsenseError `E_BAD_PARAMETER` when both are given (`${where}: give scoreClasses, not both scoreClasses
 *   and classes (its deprecated name)`).
 */
export function aliased<T>(
  where: string,
  name: string,
  value: T | undefined,
  oldName: string,
  oldValue: T | undefined,
): T | undefined {
  if (value !== undefined && oldValue !== undefined) {
    throw new SegsenseError(
      'E_INCOMPATIBLE_OPTIONS',
      `${where}: give ${name}, not both ${name} and ${oldName} (its deprecated name)`,
    )
  }
  return value ?? oldValue
}

/**
 * The keys of an options type as a list, written as `{ key: true, ... }` so that the compiler checks the list is
 * complete: a key added to the type but not here (or left here after it is removed) is a type error.
 *
 * @example
 * const KEYS = optionKeys<SweepOptions>({ range: true, step: true, ... })
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys))
}
