import { SegsenseError, describeValue } from '../core/errors.js'
import { checkSeed, createRng } from '../transforms/random.js'
import type { Transform } from '../transforms/transform.js'
import { meanCurve } from '../results/reduce.js'
import type { SweepPlan } from './types.js'
import { type RawScores, type RunControl, addTiming, runBatches, zeroTiming } from './run.js'

/** Most draws a sweep takes (each is a whole sweep). */
export const MAX_REPEATS = 1000

/**
 * Checks the sweep options `repeats` and `seed` against the transform: `repeats` an integer in 1..1000, more than 1
 * only for a random transform with a `seed` option. @internal
 * @throws SegsenseError `E_BAD_PARAMETER` naming the transform.
 */
export function checkRepeats(transform: Transform, repeats: unknown, seed: unknown): { repeats: number; seed: number } {
  const n = repeats ?? 1
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_REPEATS) {
    throw new SegsenseError(
      typeof n === 'number' ? 'E_OUT_OF_RANGE' : 'E_WRONG_TYPE',
      `sweep option repeats must be an integer in 1..${MAX_REPEATS}, got ${describeValue(repeats)}`,
      { details: { value: repeats } },
    )
  }
  const s = checkSeed(seed ?? 0, 'sweep option seed')
  if (n > 1) {
    if (transform.random !== true) {
      throw new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `sweep option repeats is ${n}, but transform ${JSON.stringify(transform.name)} is deterministic: ` +
          `every draw would give the same scores. repeats is for random transforms (noise, elastic, ` +
          `corruptions.gaussianNoise, ...)`,
        { details: { transform: transform.name, repeats: n } },
      )
    }
    if (!transform.options || !Object.hasOwn(transform.options, 'seed')) {
      throw new SegsenseError(
        'E_INCOMPATIBLE_OPTIONS',
        `transform ${JSON.stringify(transform.name)} is random but has no seed option, so repeats cannot ` +
          `draw it again: give it a seed option (defineTransform options: { seed: 0 })`,
        { details: { transform: transform.name } },
      )
    }
  }
  return { repeats: n, seed: s }
}

/**
 * The transform seeds of `count` draws derived from a sweep's `seed`: the first `count` 32-bit outputs of segsense's
 * seeded generator (xoshiro128**, the transforms' own) started at `seed`. The same seed always gives the same draws;
 * a prefix of a longer list is the shorter one, so `repeats: 5` repeats the draws of `repeats: 3` and adds two.
 * @example
 * repeatSeeds(1, 3) // the transform seeds of sweep(..., { repeats: 3, seed: 1 })
 */
export function repeatSeeds(seed: number, count: number): number[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, () => rng.nextUint32())
}

/** Per-element mean over draws, skipping NaN (NaN when every draw is undefined), as the runner's raw curves hold it. */
function meanOver(curves: readonly Float64Array[]): Float64Array {
  return Float64Array.from(meanCurve(curves, (curves[0] as Float64Array).length).mean, (v) => v ?? Number.NaN)
}

/** What {@link runRepeats} returns: the draws' mean as one run, each draw's raw scores, and the draw seeds. */
export interface RepeatedScores {
  readonly raw: RawScores
  readonly draws: readonly RawScores[]
  readonly seeds: readonly number[]
}

/**
 * Runs a planned sweep once per draw (`plan.repeats` times) with the transform's seed set to each of
 * {@link repeatSeeds}, around the runner: the runner is untouched. The combined run holds per sample the mean over
 * draws, the first draw's frames, confusion counts and timing summed over draws. Progress counts every draw.
 */
export async function runRepeats(plan: SweepPlan, control: RunControl = {}): Promise<RepeatedScores> {
  const seeds = repeatSeeds(plan.seed, plan.repeats)
  const draws: RawScores[] = []
  for (const [r, seed] of seeds.entries()) {
    const transform = (plan.transform as Transform<{ seed: number }>).with({ seed })
    const onProgress = control.onProgress
    const drawControl: RunControl = {
      signal: control.signal,
      // Every draw is a full run: its progress is offset by the draws before it.
      onProgress: onProgress
        ? (p) => onProgress({ done: r * p.total + p.done, total: p.total * seeds.length })
        : undefined,
    }
    // Frames are kept for the first draw only: memory stays that of one sweep.
    draws.push(await runBatches({ ...plan, transform, keepFrames: r === 0 ? plan.keepFrames : null }, drawControl))
  }
  const first = draws[0] as RawScores
  const scores = first.scores.map((table, s) =>
    table.map((perClass, m) =>
      perClass.map((_, c) => meanOver(draws.map((d) => d.scores[s]?.[m]?.[c] as Float64Array))),
    ),
  )
  const confusion = first.confusion
    ? first.confusion.map((_, k) => {
        const sum = new Float64Array((first.confusion?.[k] as Float64Array).length)
        for (const d of draws) d.confusion?.[k]?.forEach((v, i) => (sum[i] = (sum[i] as number) + v))
        return sum
      })
    : null
  const timing = zeroTiming()
  for (const d of draws) addTiming(timing, d)
  const raw: RawScores = {
    scores,
    frames: first.frames,
    emptyReferences: first.emptyReferences,
    confusion,
    references: first.references,
    ...timing,
  }
  return { raw, draws, seeds }
}
