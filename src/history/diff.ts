// Two runs of the same gates compared, base -> head: what `segsense diff` prints and the job summary's change column.
import { SegsenseError } from '../core/errors.js'
import { checkNumber } from '../core/validate.js'
import { isDistanceMetric } from '../metrics/overlap.js'
import { compareModels } from '../analysis/compare.js'
import type { CategoricalStability, Interval } from '../analysis/stability.js'
import { type Gate, type GateClass, type GateWithResult, gateLabel, plainGate, widthOf } from './gates.js'

/** Options of {@link diffGates}. */
export interface DiffOptions {
  /** How much stable-interval width (parameter units) a class may lose and not regress; default 0. */
  readonly margin?: number
  /** How much AUC a class may lose and not regress; default 0. */
  readonly aucMargin?: number
  /** Gates found in one run only are listed (`onlyInBase`, `onlyInHead`) instead of an error. Default false. */
  readonly allowUnmatched?: boolean
  /** Level of the paired bootstrap interval of the AUC change; default 0.95. */
  readonly confidence?: number
  readonly resamples?: number
  readonly seed?: number
}

/** One side of a {@link ClassDiff}. */
export interface ClassSide {
  readonly threshold: number | null
  readonly interval: Interval | CategoricalStability | null
  /** Interval width in parameter units; null for a categorical parameter or without a threshold. */
  readonly width: number | null
  readonly auc: number | null
  readonly pass: boolean | null
}

/** One class of one gate, base -> head. */
export interface ClassDiff {
  readonly className: string
  readonly base: ClassSide
  readonly head: ClassSide
  /** head width − base width (parameter units); null when either has none. */
  readonly widthChange: number | null
  /** head AUC − base AUC; null when either is undefined. */
  readonly aucChange: number | null
  /**
   * Paired percentile bootstrap interval of the AUC change over samples (`compareModels`), present when both runs
   * hold the same samples on the same grid with their full results.
   */
  readonly aucInterval?: {
    readonly lower: number | null
    readonly upper: number | null
    readonly confidence: number
    readonly pairs: number
  }
  /** The class's status changed: `fails` (passed in base, fails in head) or `passes`; null when it did not. */
  readonly crossing: 'fails' | 'passes' | null
  /** Why the class regressed (empty when it did not). */
  readonly regressions: readonly string[]
}

/** One gate, base -> head. */
export interface GateDiff {
  readonly key: string
  readonly label: string
  readonly base: Gate
  readonly head: Gate
  readonly classes: readonly ClassDiff[]
  readonly regressed: boolean
}

/** What {@link diffGates} returns: plain JSON. */
export interface ResultsDiff {
  /** Some class lost more than `margin` of width or `aucMargin` of AUC. */
  readonly regressed: boolean
  readonly margin: number
  readonly aucMargin: number
  readonly gates: readonly GateDiff[]
  /** Gates of the base run the head run does not have (only with `allowUnmatched`). */
  readonly onlyInBase: readonly Gate[]
  /** Gates of the head run the base run does not have (only with `allowUnmatched`). */
  readonly onlyInHead: readonly Gate[]
}

// Floating point: a loss of exactly the margin passes.
const EPS = 1e-9

function side(c: GateClass): ClassSide {
  return {
    threshold: c.threshold,
    interval: c.interval,
    width: c.threshold === null ? null : widthOf(c.interval),
    auc: c.auc,
    pass: c.pass,
  }
}

function checkMargin(value: unknown, what: string): number {
  return value === undefined ? 0 : checkNumber(`diff: ${what}`, value, 'nonnegative')
}

/** Both parameters describe the same axis: name, unit and scale. */
function sameAxis(a: Gate, b: Gate): boolean {
  const p = a.parameter,
    q = b.parameter
  return p.name === q.name && p.unit === q.unit && p.scale === q.scale
}

/** The paired bootstrap of compareModels, when both gates hold comparable full results; else nothing. */
function pairedAuc(
  base: GateWithResult,
  head: GateWithResult,
  options: DiffOptions,
): Map<string, NonNullable<ClassDiff['aucInterval']>> {
  const out = new Map<string, NonNullable<ClassDiff['aucInterval']>>()
  if (!base.result || !head.result || isDistanceMetric(head.metric) || base.result.samples.length < 2) return out
  const classes = head.classes.map((c) => c.className).filter((n) => base.classes.some((b) => b.className === n))
  if (!classes.length) return out
  try {
    const c = compareModels(head.result, base.result, {
      metric: head.metric,
      min: 0.5,
      scoreClasses: classes,
      ...(options.confidence !== undefined ? { confidence: options.confidence } : {}),
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    })
    for (const k of c.classes)
      out.set(k.className, { lower: k.auc.lower, upper: k.auc.upper, confidence: c.confidence, pairs: k.pairs })
  } catch {
    // Different samples or grids: no paired interval, the plain differences stand.
  }
  return out
}

/**
 * Compares two runs gate by gate (paired by {@link Gate.key}) and class by class: the stable interval base -> head
 * and its width change, the AUC change (with its paired bootstrap interval when both runs swept the same samples on
 * the same grid and carry their results), status crossings, and whether a class regressed: lost more than `margin`
 * of width or `aucMargin` of AUC.
 * @throws SegsenseError `E_BAD_PARAMETER` naming the gates that are in one run only (unless `allowUnmatched`), a gate
 *   whose parameter or classes differ between the runs; `E_WRONG_TYPE` / `E_OUT_OF_RANGE` for a bad margin.
 */
export function diffGates(
  base: readonly GateWithResult[],
  head: readonly GateWithResult[],
  options: DiffOptions = {},
): ResultsDiff {
  const margins = {
    margin: checkMargin(options.margin, 'margin'),
    aucMargin: checkMargin(options.aucMargin, 'aucMargin'),
  }
  const byKey = new Map(base.map((g) => [g.key, g]))
  const headKeys = new Set(head.map((g) => g.key))
  const onlyInBase = base.filter((g) => !headKeys.has(g.key))
  const onlyInHead = head.filter((g) => !byKey.has(g.key))
  if (!options.allowUnmatched) checkMatched(onlyInBase, onlyInHead)
  const gates: GateDiff[] = []
  for (const h of head) {
    const b = byKey.get(h.key)
    if (!b) continue
    checkComparable(b, h)
    const paired = pairedAuc(b, h, options)
    const classes = h.classes.map((hc) => {
      const bc = b.classes.find((c) => c.className === hc.className) as GateClass
      return classDiff(h, bc, hc, margins, paired.get(hc.className))
    })
    gates.push({
      key: h.key,
      label: gateLabel(h),
      base: plainGate(b),
      head: plainGate(h),
      classes,
      regressed: classes.some((c) => c.regressions.length > 0),
    })
  }
  return {
    regressed: gates.some((g) => g.regressed),
    ...margins,
    gates,
    onlyInBase: onlyInBase.map(plainGate),
    onlyInHead: onlyInHead.map(plainGate),
  }
}

/** Throws naming the gates found in one run only (the runs are not of the same suite). */
function checkMatched(onlyInBase: readonly Gate[], onlyInHead: readonly Gate[]): void {
  if (!onlyInBase.length && !onlyInHead.length) return
  const names = (gs: readonly Gate[]): string =>
    gs.slice(0, 5).map(gateLabel).join('; ') + (gs.length > 5 ? `; and ${gs.length - 5} more` : '')
  const parts = [
    onlyInBase.length ? `only in the base: ${names(onlyInBase)}` : '',
    onlyInHead.length ? `only in the head: ${names(onlyInHead)}` : '',
  ].filter(Boolean)
  throw new SegsenseError(
    'E_BAD_PARAMETER',
    `diff: the runs do not hold the same sweeps (${parts.join('; ')}); ` +
      'compare runs of the same suite, or allow unmatched sweeps',
    { details: { onlyInBase: onlyInBase.map((g) => g.key), onlyInHead: onlyInHead.map((g) => g.key) } },
  )
}

/** Throws when the same gate sweeps another parameter or judges other classes in the two runs. */
function checkComparable(b: Gate, h: Gate): void {
  if (!sameAxis(b, h)) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `diff: ${gateLabel(h)} sweeps ${b.parameter.name} (${b.parameter.unit}) in the base ` +
        `but ${h.parameter.name} (${h.parameter.unit}) in the head`,
      { details: { key: h.key } },
    )
  }
  const names = new Set(b.classes.map((c) => c.className))
  const missing = [
    ...h.classes.map((c) => c.className).filter((n) => !names.has(n)),
    ...b.classes.map((c) => c.className).filter((n) => !h.classes.some((c) => c.className === n)),
  ]
  if (missing.length) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `diff: ${gateLabel(h)} judges different classes in the two runs ` +
        `(base: ${b.classes.map((c) => c.className).join(', ')}; head: ${h.classes.map((c) => c.className).join(', ')})`,
      { details: { key: h.key } },
    )
  }
}

/** One class base -> head: the changes, the crossing and what counts as a regression. */
function classDiff(
  h: Gate,
  bc: GateClass,
  hc: GateClass,
  margins: { readonly margin: number; readonly aucMargin: number },
  aucInterval: ClassDiff['aucInterval'],
): ClassDiff {
  const bs = side(bc)
  const hs = side(hc)
  const widthChange = bs.width === null || hs.width === null ? null : hs.width - bs.width
  const aucChange = bs.auc === null || hs.auc === null ? null : hs.auc - bs.auc
  const crossing =
    bs.pass === true && hs.pass === false ? 'fails' : bs.pass === false && hs.pass === true ? 'passes' : null
  return {
    className: hc.className,
    base: bs,
    head: hs,
    widthChange,
    aucChange,
    ...(aucInterval ? { aucInterval } : {}),
    crossing,
    regressions: regressionsOf(h, bc, hc, widthChange, aucChange, margins),
  }
}

/** What a class lost past the margins, each said in words. */
function regressionsOf(
  h: Gate,
  bc: GateClass,
  hc: GateClass,
  widthChange: number | null,
  aucChange: number | null,
  { margin, aucMargin }: { readonly margin: number; readonly aucMargin: number },
): string[] {
  const bs = side(bc)
  const hs = side(hc)
  const regressions: string[] = []
  if (widthChange !== null && widthChange < -margin - EPS)
    regressions.push(`stable interval ${-widthChange} ${h.parameter.unit} narrower (margin ${margin})`)
  if (aucChange !== null && aucChange < -aucMargin - EPS)
    regressions.push(`AUC ${(-aucChange).toFixed(4)} lower (margin ${aucMargin})`)
  if (aucChange === null && bs.auc !== null) regressions.push('AUC no longer defined')
  // A looser threshold widens the interval by itself: a gate must not pass a diff by lowering its bar.
  const lower = isDistanceMetric(h.metric)
  if (
    bs.threshold !== null &&
    (hs.threshold === null || (lower ? hs.threshold > bs.threshold + EPS : hs.threshold < bs.threshold - EPS))
  ) {
    regressions.push(`threshold loosened from ${bs.threshold} to ${hs.threshold ?? 'none'}`)
  }
  // Categorical parameters have no width: a value that passed and no longer does is the loss.
  const fb = bc.interval?.kind === 'categorical' ? bc.interval.passFraction : null
  const fh = hc.interval?.kind === 'categorical' ? hc.interval.passFraction : null
  if (fb !== null && fh !== null && fh < fb - EPS)
    regressions.push(`${Math.round((fb - fh) * 100)} % fewer values pass`)
  else if (fb !== null && hs.threshold !== null && hc.interval === null) regressions.push('no value passes any more')
  return regressions
}
