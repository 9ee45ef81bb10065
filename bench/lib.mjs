// Shared by the bench cases (bench/cases/*.mjs): where things are, the machine's state, writing a case's results.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const repoDir = join(benchDir, '..')
export const resultsDir = join(benchDir, 'results')

/**
 * The dist/ folder of a baseline checkout to measure beside this one (`--baseline DIR` of bench/run.mjs, passed as
 * SEGSENSE_BENCH_BASELINE), or undefined.
 */
export const baselineDir = process.env.SEGSENSE_BENCH_BASELINE
  ? resolve(process.env.SEGSENSE_BENCH_BASELINE)
  : undefined

/** Imports a module of this checkout's dist (default) or of the baseline's. */
export function importDist(path, from = repoDir) {
  return import(pathToFileURL(join(from, 'dist', path)).href)
}

/** Date, Node, CPU, cores and the 1-minute load average now (the machine is shared: the load says how quiet it was). */
export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    load1: Number(loadavg()[0].toFixed(2)),
  }
}

/** Writes bench/results/NAME.json and NAME.md (temp file, then rename) and prints the markdown. */
export function writeResult(name, json, markdown) {
  mkdirSync(resultsDir, { recursive: true })
  for (const [ext, text] of [
    ['json', `${JSON.stringify(json, null, 2)}\n`],
    ['md', markdown.endsWith('\n') ? markdown : `${markdown}\n`],
  ]) {
    const file = join(resultsDir, `${name}.${ext}`)
    writeFileSync(`${file}.tmp`, text)
    renameSync(`${file}.tmp`, file)
  }
  console.log(markdown)
}

/** Median of a list of numbers. */
export function median(xs) {
  const s = xs.slice().sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** `--name value` from argv, or the fallback. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

/** A number with `digits` decimals, as a number (for JSON). */
export function round(x, digits = 1) {
  return Number(x.toFixed(digits))
}
