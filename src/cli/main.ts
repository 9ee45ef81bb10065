#!/usr/bin/env node
/**
 * The `segsense` command: `demo`, `sweep`, `compare`, `check`, `diff`, `history` and `transforms`.
 * Exit codes: 0 ok, 1 a requirement failed, 2 a usage or input error (one line on stderr; the stack with `--debug`).
 * @packageDocumentation
 */
import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { METRIC_NAMES } from '../metrics/overlap.js'
import { type CheckOptions, runCheck } from './check.js'
import { type CompareCommandOptions, runCompare } from './compare.js'
import { DEMO_OUT, type DemoOptions, runDemo } from './demo.js'
import { type DiffCommandOptions, runDiff } from './diff.js'
import { type HistoryAddOptions, type HistoryReportOptions, runHistoryAdd, runHistoryReport } from './history.js'
import { EXIT, UsageError, collect, oneLine, parseNumber, parseOption } from './shared.js'
import { type SweepCommandOptions, runSweep } from './sweep.js'
import { runTransforms } from './transforms.js'

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version
  } catch {
    return 'unknown'
  }
}

const number =
  (flag: string) =>
  (text: string): number => {
    try {
      return parseNumber(flag, text)
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message)
    }
  }

const integer =
  (flag: string) =>
  (text: string): number => {
    const v = number(flag)(text)
    if (!Number.isInteger(v) || v < 1)
      throw new InvalidArgumentError(`${flag}: ${JSON.stringify(text)} is not an integer >= 1`)
    return v
  }

// A 0-based index (--slice, --frame).
const index =
  (flag: string) =>
  (text: string): number => {
    const v = number(flag)(text)
    if (!Number.isInteger(v) || v < 0)
      throw new InvalidArgumentError(`${flag}: ${JSON.stringify(text)} is not an integer >= 0`)
    return v
  }

function common(cmd: Command): Command {
  return cmd.option('-q, --quiet', 'no progress output on stderr').option('--debug', 'print stack traces of errors')
}

/**
 * The flags `segsense sweep` and `segsense compare` share: the model's settings, the samples, the transform and its
 * grid, the metric and threshold, batching and the empty-mask policy.
 */
function sweepFlags(cmd: Command): Command {
  return cmd
    .option('-m, --model <file>', 'ONNX model file (required, unless --model-config names it)')
    .option(
      '-c, --model-classes <list>',
      "the model's class ids and names, e.g. 1=RV,2=MYO,3=LV (required, unless --model-config has them)",
    )
    .addOption(new Option('--classes <list>', 'deprecated name of --model-classes').hideHelp())
    .option(
      '--model-config <file.json>',
      "the model's settings as a spec's model block: { onnx, classes, name, input, output, batchSize }; flags override it",
    )
    .option('--input-name <name>', 'model input to feed (default the first image-shaped input)')
    .addOption(
      new Option('--input-layout <layout>', 'input tensor layout (default from the model)').choices(['NCHW', 'NHWC']),
    )
    .addOption(
      new Option('--input-channels <n>', 'channels the model takes (default from the model)').choices(['1', '3']),
    )
    .addOption(
      new Option('--input-order <order>', 'channel order of a 3-channel model (default RGB)').choices(['RGB', 'BGR']),
    )
    .option(
      '--input-size <WxH>',
      "fixed tensor size the image is fitted to, e.g. 256x256 (default the model's fixed size)",
    )
    .option(
      '--input-multiple-of <n>',
      'dynamic size: pad the image to a multiple of n (default 32)',
      integer('--input-multiple-of'),
    )
    .addOption(
      new Option('--input-fit <fit>', 'how an image is fitted to a fixed size (default stretch)').choices([
        'stretch',
        'pad',
        'crop',
      ]),
    )
    .option(
      '--input-mean <list>',
      'normalisation (x - mean) / std per channel, on intensities in [0, 1], e.g. 0.485,0.456,0.406; one value for all',
    )
    .option('--input-std <list>', 'normalisation std per channel, e.g. 0.229,0.224,0.225; one value for all')
    .option('--output-name <name>', 'model output to read (default the first score map)')
    .addOption(
      new Option('--output-kind <kind>', 'how the output becomes class ids (default from the model)').choices([
        'logits',
        'probabilities',
        'sigmoid',
        'labels',
      ]),
    )
    .option('--output-threshold <t>', 'threshold of a sigmoid output (default 0.5)', number('--output-threshold'))
    .option(
      '--score-classes <names>',
      'class names to check (sweep --check) or compare, e.g. LV,MYO (default every class)',
    )
    .option(
      '-i, --image <file|dir>',
      'image file or folder (repeatable); .dcm, a folder of one DICOM series, .nii or .nii.gz too',
      collect,
      [],
    )
    .option('--axis <i|j|k>', 'NIfTI or DICOM series: the voxel axis to slice along, i, j or k (or 0, 1, 2; default k)')
    .option(
      '--slice <n>',
      'NIfTI or DICOM series: the slice index along --axis (default the middle slice)',
      index('--slice'),
    )
    .option('--frame <n>', 'multi-frame DICOM: the frame (default 0)', index('--frame'))
    .option(
      '-t, --truth <file|dir>',
      'truth mask per --image, in the same order, or a folder of masks (repeatable)',
      collect,
      [],
    )
    .requiredOption('-T, --transform <name>', 'transform name (see segsense transforms)')
    .option(
      '--option <key=value>',
      'transform option, e.g. padding=reflection (repeatable)',
      (v: string, prev: Record<string, unknown>) => {
        try {
          return parseOption(v, prev)
        } catch (e) {
          throw new InvalidArgumentError((e as Error).message)
        }
      },
    )
    .option('-r, --range <from:to>', "range to sweep, e.g. -90:90 (default: the transform's)")
    .option('-s, --step <step>', 'step between values', number('--step'))
    .option('--steps <n>', 'number of values over the range (log-spaced for log parameters)', integer('--steps'))
    .option('--values <list>', 'explicit values, e.g. 0,90,180')
    .addOption(new Option('--metric <name>', 'metric').choices([...METRIC_NAMES]).default('dice'))
    .option(
      '--nsd-tolerance <t>',
      'tolerance of --metric nsd, in the truth spacing units (pixels without spacing)',
      number('--nsd-tolerance'),
    )
    .option(
      '--min <score>',
      "threshold of a score metric for the stable intervals (and sweep --check's pass/fail; default 0.8)",
      number('--min'),
    )
    .option(
      '--max <mm>',
      'threshold of a distance metric (hd, hd95, assd, masd), in mm: pass/fail when every value is <= max (sweep only)',
      number('--max'),
    )
    .option('--batch-size <n>', 'images per model call', integer('--batch-size'))
    .addOption(
      new Option(
        '--empty-policy <policy>',
        'score where reference and prediction are both empty at a value: best (1) or nan (not scored)',
      ).choices(['best', 'nan']),
    )
}

/** Receives a command's exit code. */
export type Run = (code: Promise<number> | number) => void

/** `segsense demo`: the bundled models and samples. */
function demoCommand(prog: Command, run: Run): void {
  common(prog.command('demo'))
    .description(
      'sweep the bundled fragile and robust cardiac models on the bundled samples ' +
        '(rotate, zoom, brightness, contrast, spike) and write an HTML report',
    )
    .option('-o, --out <dir>', 'report folder', DEMO_OUT)
    .option('--min <dice>', 'Dice threshold for stable intervals and pass/fail', number('--min'), 0.8)
    // A small configuration for tests of the command (docs/cli.md), kept out of --help.
    .addOption(new Option('--quick', 'coarse grids on 2 samples').hideHelp())
    .action((o: DemoOptions) => run(runDemo(o)))
}

/** `segsense sweep`: one transform on your model and images. */
function sweepCommand(prog: Command, run: Run): void {
  sweepFlags(
    common(prog.command('sweep')).description(
      "sweep one transform on your ONNX model and images; without --truth, score against the model's own clean prediction",
    ),
  )
    .option('--check', 'exit 1 when a swept value scores below --min (or a distance lies above --max)')
    .option(
      '--confidence <level>',
      "pass/fail on the lower bound of the mean's bootstrap band over samples at this level, e.g. 0.95",
      number('--confidence'),
    )
    .option('--resamples <n>', 'bootstrap replicates of --confidence (default 2000)', integer('--resamples'))
    .option(
      '--seed <n>',
      'seed of the bootstrap and of the --repeats draws, an integer >= 0 (default 0)',
      number('--seed'),
    )
    .option(
      '--repeats <n>',
      'seeded draws per value of a random transform (noise, elastic, ...), scored by their mean (default 1)',
      integer('--repeats'),
    )
    .option('--confusion', 'keep the class confusion counts per value (in --json and the report)')
    .option(
      '--refine <tolerance>',
      'after the grid, bisect each crossing of --min until its bracket is at most this wide (parameter units)',
      number('--refine'),
    )
    .option('--no-cache', 'do not read or write the result cache (also SEGSENSE_CACHE=0)')
    .option('--sample <id>', "sample shown in the report's frame strip and GIF (default the first)")
    .option('-o, --out <dir>', 'write an HTML report to this folder')
    .option(
      '--json',
      'print { pass, required, modelSettings, verdict, result } as JSON on stdout (verdict: per class the stable interval and pass)',
    )
    .action((o: SweepCommandOptions) => run(runSweep(o)))
}

/** `segsense compare`: a candidate against a baseline. */
function compareCommand(prog: Command, run: Run): void {
  sweepFlags(
    common(prog.command('compare')).description(
      'sweep a candidate (--model) and a baseline (--baseline) on the same images and grid and compare their ' +
        'robustness; exit 1 when the candidate is less robust',
    ),
  )
    .requiredOption(
      '-b, --baseline <file>',
      'ONNX file of the baseline model (same settings and classes as --model, unless --baseline-config)',
    )
    .option(
      '--baseline-config <file.json>',
      "the baseline's settings as a spec's model block (default those of --model)",
    )
    .option(
      '--margin <d>',
      "how much lower the candidate's AUC may be than the baseline's (default 0)",
      number('--margin'),
    )
    .option(
      '--confidence <level>',
      'decide at the lower bound of this two-sided bootstrap interval, e.g. 0.95 (default: at the AUC difference, interval at 0.95)',
      number('--confidence'),
    )
    .option('--resamples <n>', 'bootstrap resamples (default 2000)', integer('--resamples'))
    .option('--seed <n>', 'bootstrap seed (default 0)', number('--seed'))
    .option('-o, --out <dir>', 'write an HTML report (both curves, the difference and its band) to this folder')
    .option(
      '--json',
      'print { pass, comparison, candidate, baseline } as JSON on stdout (candidate/baseline: the sweep results)',
    )
    .action((o: CompareCommandOptions) => run(runCompare(o)))
}

/** `segsense check <spec>`: a robustness spec. */
function checkCommand(prog: Command, run: Run): void {
  common(prog.command('check'))
    .description('run a robustness spec (JSON); exit 1 when a requirement fails')
    .argument('<spec>', 'spec file, e.g. robustness.json')
    .option('-o, --out <dir>', 'write an HTML report to this folder')
    .option('--json', 'print the outcomes as JSON on stdout')
    .action((file: string, o: CheckOptions) => run(runCheck(file, o)))
}

/** `segsense diff BASE HEAD`: two results files compared gate by gate. */
function diffCommand(prog: Command, run: Run): void {
  common(prog.command('diff'))
    .description(
      "compare two results files (a report's results.json, sweep --json, check --json) sweep by sweep, class by " +
        'class; exit 1 when a class lost more than the margins',
    )
    .argument('<base>', 'results file of the base run (e.g. main)')
    .argument('<head>', 'results file of the head run (e.g. the pull request)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'md', 'json']).default('text'))
    .option(
      '--margin <width>',
      "interval width a class may lose, in the parameter's unit (default 0)",
      number('--margin'),
    )
    .option('--auc-margin <d>', 'AUC a class may lose (default 0)', number('--auc-margin'))
    .option('--allow-unmatched', 'list sweeps found in one run only instead of failing (exit 2) on them')
    .option('-o, --out <file>', 'write the output to this file instead of stdout')
    .action((base: string, head: string, o: DiffCommandOptions) => run(runDiff(base, head, o)))
}

/** `segsense history add` / `report`: one run per commit, and the trend of every gate. */
function historyCommand(prog: Command, run: Run): void {
  const history = prog
    .command('history')
    .description('a history of runs over commits: add one run, report the trend of every gate')
  common(history.command('add'))
    .description(
      'store one run (a results file) as DIR/<commit>.json: append-only, one file per commit, a re-run adds nothing',
    )
    .argument('<results>', "results file (a report's results.json, sweep --json, check --json)")
    .requiredOption('--dir <folder>', 'history folder')
    .option('--commit <sha>', 'commit of the run (default $GITHUB_SHA, else git rev-parse HEAD)')
    .option('--date <iso>', 'date of the run, ISO 8601 (default now); runs are ordered by it')
    .option(
      '--margin <width>',
      'interval width a class may lose before the change is called a regression (default 0)',
      number('--margin'),
    )
    .option(
      '--auc-margin <d>',
      'AUC a class may lose before the change is called a regression (default 0)',
      number('--auc-margin'),
    )
    .action((results: string, o: HistoryAddOptions) => run(runHistoryAdd(results, o)))
  common(history.command('report'))
    .description('write the trend of every gate: OUT/index.html (charts) and OUT/summary.md (the last N values)')
    .requiredOption('--dir <folder>', 'history folder')
    .requiredOption('-o, --out <folder>', 'report folder (replaced whole)')
    .option('--last <n>', 'commits shown per gate (default 20)', integer('--last'))
    .option(
      '--margin <width>',
      'interval width a class may lose between commits before it is flagged (default 0)',
      number('--margin'),
    )
    .option(
      '--auc-margin <d>',
      'AUC a class may lose between commits before it is flagged (default 0)',
      number('--auc-margin'),
    )
    .action((o: HistoryReportOptions) => run(runHistoryReport(o)))
}

/** `segsense transforms`: the list of transforms. */
function transformsCommand(prog: Command, run: Run): void {
  prog
    .command('transforms')
    .description(
      'list every transform with its parameter, unit, neutral value, default range and options (with defaults)',
    )
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => run(runTransforms(o)))
}

/** Builds the command-line program; `run` receives each command's exit code. */
export function program(run: Run): Command {
  const prog = new Command('segsense')
    .description(
      'Robustness sweeps for image-segmentation models: sweep a transformation, score against the transformed truth, ' +
        'report the stable interval.',
    )
    .version(version())
    // Usage errors on one line, as every other error.
    .configureOutput({
      outputError: (text, write) => write(`segsense: ${text.trim().replace(/^error: /, '')} (see segsense --help)\n`),
    })
    .exitOverride()
    .configureHelp({ sortSubcommands: false })
    // --quiet reaches the library's own warnings (the cache's "disabled") through the one variable they read.
    .hook('preAction', (_root, action) => {
      if (action.opts<{ quiet?: boolean }>().quiet) process.env.SEGSENSE_QUIET = '1'
    })
  for (const add of [
    demoCommand,
    sweepCommand,
    compareCommand,
    checkCommand,
    diffCommand,
    historyCommand,
    transformsCommand,
  ])
    add(prog, run)
  return prog
}

/** Runs the command line and returns the exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug')
  // Always a promise: the callback's assignment is invisible to narrowing, and awaiting a plain number is a lint error.
  let pending: Promise<number> = Promise.resolve(EXIT.ok)
  try {
    await program((code) => {
      pending = Promise.resolve(code)
    }).parseAsync([...argv], { from: 'user' })
    return await pending
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed its message already; help and version are not errors.
      // (`segsense` alone prints the help as an error: exit code 2.)
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    process.stderr.write(`segsense: ${oneLine(e)}\n`)
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`)
    else if (!(e instanceof UsageError) && !(e instanceof Error && 'code' in e))
      process.stderr.write('(run with --debug for the stack trace)\n')
    return EXIT.usage
  }
}

function isEntry(): boolean {
  try {
    // The bin is a symlink (node_modules/.bin/segsense): compare real paths.
    return Boolean(process.argv[1]) && realpathSync(process.argv[1] as string) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

// Run when executed (the bin or `node dist/cli/main.js`), not when imported.
if (isEntry()) process.exitCode = await main(process.argv.slice(2))
