/**
 * Progress of a long sweep inside vitest: a matcher's sweep can run for minutes with nothing on screen. Lines go to
 * `console.error`, vitest's live channel for a test's output: the default reporter prints them while the test runs,
 * under the test's name, and `--silent` hides them. (Annotations would not do: the default reporter prints them
 * only for failed tests, and every report keeps them.)
 */
import type { SweepProgress } from '../sweep/types.js'

/** When progress lines start, and how often they come at most; default 3 s. */
const DEFAULT_EVERY_MS = 3000

/** Settings of {@link progressReporter}; the defaults come from the environment (see {@link progressSettings}). */
export interface ProgressSettings {
  /** Write progress lines at all. */
  readonly enabled: boolean
  /** First line after this many ms of sweeping, then at most one line per this many ms. */
  readonly everyMs: number
}

/**
 * Progress settings from the environment: on after 3 s, except in CI (`CI` set to anything but `false`/`0`), where
 * logs are read afterwards. `SEGSENSE_PROGRESS=off` turns it off; `SEGSENSE_PROGRESS=<seconds>` turns it on (CI too)
 * with that interval.
 */
export function progressSettings(env: Readonly<Record<string, string | undefined>> = process.env): ProgressSettings {
  const setting = env.SEGSENSE_PROGRESS?.trim()
  if (setting === 'off') return { enabled: false, everyMs: DEFAULT_EVERY_MS }
  const seconds = setting ? Number(setting) : NaN
  if (Number.isFinite(seconds) && seconds >= 0) return { enabled: true, everyMs: seconds * 1000 }
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  return { enabled: !ci, everyMs: DEFAULT_EVERY_MS }
}

/**
 * A sweep's `onProgress` that writes `segsense: <label> 120/370 predictions (32%), 4.1 s` once the sweep has run
 * for `everyMs`, then at most every `everyMs`, and a last line when it ends (only if it wrote any). `undefined`
 * when disabled.
 */
export function progressReporter(
  label: string,
  settings: ProgressSettings = progressSettings(),
  write: (line: string) => void = (line) => console.error(line),
  now: () => number = Date.now,
): ((p: SweepProgress) => void) | undefined {
  if (!settings.enabled) return undefined
  const start = now()
  let last: number | undefined
  return ({ done, total }) => {
    const t = now()
    const due = last === undefined ? t - start >= settings.everyMs : t - last >= settings.everyMs
    if (!(due || (done === total && last !== undefined))) return
    last = t
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100
    write(
      `segsense: ${label} ${done}/${total} predictions (${pct}%), ${((t - start) / 1000).toFixed(1)} s${done === total ? ', done' : ''}`,
    )
  }
}
