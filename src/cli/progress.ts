import type { SweepProgress } from '../sweep/types.js'

/** Progress of one labelled task (a sweep), drawn on a stream. */
export interface Progress {
  /** Reports `done` of `total` units (images) for `label`; the first call for a label starts its clock. */
  update(label: string, p: SweepProgress): void
  /** Ends the current task (clears the bar on a terminal, prints a summary line otherwise). */
  end(): void
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Default process.stderr. Only `write` and `isTTY` are used (a structural type: no Node typings needed). */
  readonly stream?: { write(text: string): unknown; readonly isTTY?: boolean }
  /** Draw nothing at all. */
  readonly quiet?: boolean
  /** Redraw a bar in place; default `stream.isTTY`. */
  readonly tty?: boolean
  /** Plain mode: at most one line per this many ms while running; default 5000. */
  readonly interval?: number
}

const BAR = 24

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?'
  if (s < 60) return `${Math.max(0, Math.round(s))}s`
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal (values done, rate, ETA), plain lines otherwise (one every
 * few seconds while running and one when a task ends), nothing with `quiet`.
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr
  const tty = options.tty ?? Boolean(stream.isTTY)
  const interval = options.interval ?? 5000
  let label: string | null = null
  let started = 0
  let lastDraw = 0
  let last: SweepProgress = { done: 0, total: 0 }
  const rate = (now: number): number => last.done / Math.max(1e-3, (now - started) / 1000)
  const line = (now: number): string => {
    const r = rate(now)
    const eta = r > 0 ? (last.total - last.done) / r : Infinity
    return `${label}: ${last.done}/${last.total} images · ${r.toFixed(1)}/s · ETA ${seconds(eta)}`
  }
  const finish = (): void => {
    if (options.quiet || label === null) return
    const now = performance.now()
    if (tty) stream.write('\r\x1b[K')
    else
      stream.write(
        `${label}: ${last.done}/${last.total} images in ${((now - started) / 1000).toFixed(1)} s (${rate(now).toFixed(1)}/s)\n`,
      )
  }
  return {
    update(l, p) {
      if (options.quiet) return
      const now = performance.now()
      if (l !== label) {
        finish()
        label = l
        started = now
        lastDraw = 0
      }
      last = p
      if (tty) {
        // A redraw costs a write per call: at most ten a second.
        if (now - lastDraw < 100 && p.done < p.total) return
        lastDraw = now
        const filled = p.total ? Math.round((BAR * p.done) / p.total) : 0
        stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${line(now)}`)
      } else if (now - lastDraw >= interval && p.done < p.total) {
        if (lastDraw !== 0) stream.write(`${line(now)}\n`)
        lastDraw = now
      }
    },
    end() {
      finish()
      label = null
    },
  }
}
