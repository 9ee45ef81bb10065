// Shared by the case-study scripts: arguments, where figures and numbers go, and the tables written into the pages.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSample } from 'segsense'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * `--quick`: a small run (few samples and values) for CI, which must not touch the committed figures;
 * `--out DIR`: write figures and numbers there instead of docs/img and docs/case-studies/results.
 */
export function caseStudyArgs(argv = process.argv.slice(2)) {
  const quick = argv.includes('--quick')
  const at = argv.indexOf('--out')
  const out = at >= 0 ? argv[at + 1] : undefined
  if (at >= 0 && !out) throw new Error('--out needs a directory')
  if (quick && !out) throw new Error('--quick writes small figures: give --out DIR so the committed ones stay')
  return {
    quick,
    figures: out ?? join(here, '..', 'img'),
    results: out ?? join(here, 'results'),
    // The pages' tables are rewritten only by a full run into the repository.
    pages: out === undefined,
  }
}

function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, data)
  renameSync(tmp, path)
}

/** Writes a figure (PNG bytes) as `<dir>/<name>.png`; returns the path. */
export function writeFigure(args, name, png) {
  const path = join(args.figures, `${name}.png`)
  writeAtomic(path, png)
  return path
}

/** Writes the numbers of a study as `<dir>/<study>.json` (rounded to 4 decimals); returns the path. */
export function writeNumbers(args, study, numbers) {
  const path = join(args.results, `${study}.json`)
  writeAtomic(
    path,
    `${JSON.stringify(numbers, (_, v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v), 2)}\n`,
  )
  return path
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` of a page (full runs only). */
export function writeTable(args, page, name, markdown) {
  if (!args.pages) return
  const path = join(here, page)
  const text = readFileSync(path, 'utf8')
  const begin = `<!-- ${name}:begin -->`
  const end = `<!-- ${name}:end -->`
  const i = text.indexOf(begin)
  const j = text.indexOf(end)
  if (i < 0 || j < i) throw new Error(`${path} has no ${begin} ... ${end} block`)
  writeAtomic(path, `${text.slice(0, i + begin.length)}\n${markdown.trim()}\n${text.slice(j)}`)
}

/** A markdown table from a header row and rows. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** `0.812` or `-` for an undefined score. */
export const fmt = (v, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-')

/** An interval `[from, to]` (interpolated bounds) as text, or `none` when the neutral value fails. */
export function fmtInterval(interval, unit = '') {
  if (!interval) return 'none'
  if (interval.kind === 'categorical') return `${Math.round(interval.passFraction * 100)} % of values pass`
  if (interval.full) return 'the full circle'
  const low = interval.censoredLow ? `<= ${fmt(interval.from, 1)}` : fmt(interval.from, 1)
  const high = interval.censoredHigh ? `>= ${fmt(interval.to, 1)}` : fmt(interval.to, 1)
  return `[${low}, ${high}]${unit ? ` ${unit}` : ''}`
}

/** Prints a progress line on stderr. */
export const log = (...parts) => console.error('[case study]', ...parts)

/**
 * The Sunnybrook subset (read in place, never copied): `$SEGSENSE_SUNNYBROOK`, else ../shared/data/sunnybrook-lv
 * beside the checkout. Without it the study prints why and exits 0, so the quick form in CI skips with a message.
 */
export function sunnybrookData() {
  const data =
    process.env.SEGSENSE_SUNNYBROOK ?? fileURLToPath(new URL('../../../shared/data/sunnybrook-lv/', import.meta.url))
  if (!existsSync(join(data, 'slices.json'))) {
    console.error(
      `[case study] skipped: the Sunnybrook subset is not at ${data} (set SEGSENSE_SUNNYBROOK to its folder)`,
    )
    process.exit(0)
  }
  return {
    meta: JSON.parse(readFileSync(join(data, 'slices.json'), 'utf8')),
    load: (m) => loadSunnybrookSlice(data, m),
  }
}

/** One slice of the subset (an entry of slices.json) with its expert mask, as loadSample reads it. */
function loadSunnybrookSlice(data, m) {
  return loadSample(m.id, join(data, 'slices', `${m.id}.png`), join(data, 'slices', `${m.id}-mask.png`))
}
