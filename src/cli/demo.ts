import { resolve } from 'node:path'
import { isSegsenseError } from '../core/errors.js'
import { CARDIAC_CLASSES, fixtureModelPath, loadFixtureSamples, type FixtureModelName } from '../models/fixtures.js'
import type { SegmentationModel } from '../models/model.js'
import { loadOnnxModel } from '../models/onnx.js'
import { writeReport, type ReportEntry } from '../report/html.js'
import type { GridOptions } from '../results/values.js'
import { sweep } from '../sweep/sweep.js'
import { brightness, contrast } from '../transforms/intensity.js'
import { rotate, zoom } from '../transforms/geometric.js'
import { spike } from '../transforms/mri/index.js'
import type { Transform } from '../transforms/transform.js'
import { createProgress } from './progress.js'
import { type CommonOptions, EXIT, summaryTable } from './shared.js'

/**
 * The demo's report folder: its own, not the vitest reporter's `segsense-report`, so that running the demo in a
 * project never replaces (or is refused by) the report of its test run.
 */
export const DEMO_OUT = 'segsense-demo'

/** Options of `segsense demo`. */
export interface DemoOptions extends CommonOptions {
  /** Report folder; default {@link DEMO_OUT}. */
  readonly out?: string
  readonly min?: number
  /**
   * A small configuration of the same sweeps (2 samples, 5 values per transform, 3 for spike) that finishes in
   * seconds on a loaded machine: for tests of the command, not for conclusions. Hidden from `--help`.
   */
  readonly quick?: boolean
}

/** One sweep of the demo: the grid swept and the range a usable model should tolerate. */
export interface DemoPlan {
  readonly transform: Transform
  readonly grid: GridOptions
  readonly required: readonly [number, number]
}

/**
 * The demo's sweeps, with grids chosen so that both models on all samples take about a minute, and the ranges a
 * model should tolerate to be usable on other scanners' data (misas's questions: orientation, field of view,
 * intensity scaling, k-space spikes).
 */
export const DEMO_PLANS: readonly DemoPlan[] = [
  { transform: rotate, grid: { range: [-180, 180], step: 15 }, required: [-90, 90] },
  { transform: zoom, grid: { range: [0.5, 2], steps: 9 }, required: [0.7, 1.4] },
  { transform: brightness, grid: { range: [0.25, 4], steps: 9 }, required: [0.5, 2] },
  { transform: contrast, grid: { range: [0.25, 4], steps: 9 }, required: [0.5, 2] },
  { transform: spike, grid: { range: [0, 2], step: 0.25 }, required: [0, 1] },
]

/** `--quick`: the demo's sweeps on coarse grids over the same ranges (see {@link DemoOptions.quick}). */
export const QUICK_DEMO_PLANS: readonly DemoPlan[] = DEMO_PLANS.map((p) => ({
  ...p,
  grid: p.transform === spike ? { range: [0, 2], step: 1 } : { range: p.grid.range, steps: 5 },
}))

/** Samples a `--quick` demo sweeps (the first ones, in name order). */
const QUICK_SAMPLES = 2

/** The bundled models the demo compares, in this order. */
export const DEMO_MODELS: readonly FixtureModelName[] = ['cardiac-fragile', 'cardiac-robust']

/**
 * `segsense demo`: the bundled fragile and robust cardiac models on the bundled samples, swept with rotate, zoom,
 * brightness, contrast and spike; writes the HTML report and prints the summary table and the report's path.
 * A bundled model that is missing is skipped with a note (the first one is required).
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const started = performance.now()
  const min = options.min ?? 0.8
  const out = resolve(options.out ?? DEMO_OUT)
  const all = await loadFixtureSamples('cardiac')
  const samples = options.quick ? all.slice(0, QUICK_SAMPLES) : all
  const progress = createProgress({ quiet: Boolean(options.quiet) })
  const models: SegmentationModel[] = []
  try {
    for (const name of DEMO_MODELS) {
      let path: string
      try {
        path = fixtureModelPath(name)
      } catch (e) {
        if (isSegsenseError(e, 'E_FILE_NOT_FOUND') && name !== DEMO_MODELS[0]) {
          process.stderr.write(`segsense demo: skipping ${name} (${e.message})\n`)
          continue
        }
        throw e
      }
      models.push(await loadOnnxModel(path, { classes: CARDIAC_CLASSES }))
    }
    // Transform by transform, each model in turn: the report shows the two models side by side.
    const entries: ReportEntry[] = []
    for (const { transform, grid, required } of options.quick ? QUICK_DEMO_PLANS : DEMO_PLANS) {
      for (const model of models) {
        // Keep only the frames the report draws (one sample's strip and GIF): memory stays flat in the samples.
        const keep = { frames: samples.slice(0, 1).map((s) => s.id) }
        const result = await sweep(model, samples, transform, {
          ...grid,
          keep,
          onProgress: (p) => progress.update(`${model.name} ${transform.name}`, p),
        })
        progress.end()
        entries.push({ result: { ...result }, frames: result.frames, min, required })
      }
    }
    const names = models.map((m) => m.name)
    const report = await writeReport(entries, out, {
      title: 'segsense demo',
      subtitle:
        `${names.join(' vs ')} on ${samples.length} synthetic short-axis cardiac MR samples, ` +
        `Dice >= ${min} required over each transform's required range`,
      min,
    })
    if (!options.quiet)
      process.stderr.write(
        `${entries.length} sweeps and the report in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      )
    const head =
      `segsense demo: ${names.join(', ')} on ${samples.length} samples; ` +
      `stable interval at Dice >= ${min}, status over the required range`
    process.stdout.write(`${head}\n\n${summaryTable(report.rows)}\n\nreport: ${report.index}\n`)
    return EXIT.ok
  } finally {
    for (const m of models) await m.close?.()
  }
}
