// The report's public types: what a caller hands writeReport and what it gets back.
import type { MetricName } from '../metrics/overlap.js'
import type { ModelComparison } from '../analysis/compare.js'
import type { RequirementVerdict } from '../analysis/requirement.js'
import type { SweepResult } from '../results/sweep-result.js'
import type { GridResult } from '../results/grid-result.js'
import type { SweepFrames } from '../sweep/types.js'
import type { GridReportEntry } from './grid-section.js'
import type { ReportTest } from './test-ref.js'

/** One sweep of a report, with what to judge it by and (optionally) its frames. */
export interface ReportEntry {
  readonly result: SweepResult
  /** Frames for the strip and the GIF; default the frames kept by `sweep(..., { keep: 'frames' })`, if any. */
  readonly frames?: SweepFrames
  /** Heading; default `<model> · <transform>`. */
  readonly title?: string
  /**
   * Threshold(s) on `metric`, one number or per class name; default the report's `min`. `null`: the entry has no
   * threshold (a sweep snapshot test): no class is judged by a score, and its status is `pass` alone.
   */
  readonly min?: number | Readonly<Record<string, number>> | null
  /**
   * Threshold(s) in mm when `metric` is a distance (`hd`, `hd95`, `assd`, `masd`: lower is better), in place of
   * `min`; without it a distance entry judges no class.
   */
  readonly max?: number | Readonly<Record<string, number>> | null
  /** Metric judged and charted; default `dice` (or the result's first metric). */
  readonly metric?: MetricName
  /**
   * The range the sweep is required over: shaded in the chart, and (without a `verdict`) pass/fail judges only the
   * swept values inside it. Without it every swept value must meet the threshold.
   */
  readonly required?: readonly [number, number]
  /** The requirement verdict, when the caller has one (else it is evaluated at `min` on the mean curve). */
  readonly verdict?: RequirementVerdict
  /** Overall status, when the caller decided it (e.g. a snapshot matcher); default the verdict's. */
  readonly pass?: boolean
  /** The test that ran the sweep. */
  readonly test?: ReportTest
  /** The sample shown in the frame strip and GIF; default the first with frames. */
  readonly sample?: string
  /** A model comparison (`toBeAtLeastAsRobustAs`, `segsense compare`): `result` is the candidate's sweep, this the baseline's. */
  readonly baseline?: SweepResult
  /** The comparison of `result` (candidate) with `baseline`: the section shows both curves, the difference and its band. */
  readonly comparison?: ModelComparison
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Page title; default `segsense report`. */
  readonly title?: string
  /** A line under the title (escaped). */
  readonly subtitle?: string
  /** Default threshold for entries without their own `min`; default 0.8. */
  readonly min?: number
  /** Frames per row of the strips; default 9. */
  readonly columns?: number
  /** Longer side of a strip frame in px; default 112. */
  readonly cell?: number
  /** GIF frame duration in ms; default 400. `gif: false` writes no GIF. */
  readonly delay?: number
  readonly gif?: boolean
  /** Date printed in the header; default now. */
  readonly date?: Date
  /** Two-parameter grids (`sweepGrid` results) to report after the sweeps: a heatmap per class with its stable region. */
  readonly grids?: readonly (GridResult | GridReportEntry)[]
}

/** One row of the summary table: one class of one sweep. */
export interface SummaryRow {
  /** Anchor of the sweep (`sweep-01`). */
  readonly sweep: string
  readonly title: string
  readonly model: string
  readonly transform: string
  readonly className: string
  readonly metric: MetricName
  /** Threshold, or null when the entry sets none for this class (or its metric is a distance). */
  readonly min: number | null
  /** A distance metric's threshold in mm; present only for distance metrics (null when none is set). */
  readonly max?: number | null
  /** The range judged, as text (`-90 deg to 90 deg`), or `all swept values`. */
  readonly required: string
  /** Stable interval as text (`[-12.4 deg, 8.1 deg]`, `the full circle`, ...), `-` without threshold. */
  readonly interval: string
  /** With a `confidence` verdict: the stable interval of the mean's lower confidence bound, as text, and its level. */
  readonly lowerInterval?: string
  readonly confidence?: number
  readonly auc: number | null
  readonly worst: { readonly value: string; readonly score: number } | null
  /** Every swept value meets the threshold; null without threshold. */
  readonly pass: boolean | null
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly dir: string
  /** Absolute path of index.html. */
  readonly index: string
  /** Every file written, absolute. */
  readonly files: string[]
  readonly rows: SummaryRow[]
  /** Per sweep: anchor, title and overall status (null when not judged). */
  readonly sweeps: { readonly id: string; readonly title: string; readonly pass: boolean | null }[]
}

/** A report entry checked and judged, ready to render (internal to the report). */
export interface PreparedSweep {
  /** Anchor of the sweep (`sweep-01`). */
  readonly id: string
  readonly title: string
  readonly entry: ReportEntry
  readonly metric: MetricName
  /** The thresholds it was judged by (`max` in mm for a distance metric); an empty map judges no class. */
  readonly min: number | Readonly<Record<string, number>>
  readonly verdict: RequirementVerdict | null
  readonly pass: boolean | null
  readonly rows: SummaryRow[]
}
