/**
 * Obsolete prediction snapshot files: vitest tracks the keys of `.snap` files only, so segsense tracks its own. Each
 * `toMatchPredictionSnapshot` call marks the files it reads or writes; when a test file ends, the setup entry asks
 * {@link obsoletePredictionFiles} which files of its snapshot folder no test touched. A sidecar whose test was
 * skipped or failed is kept (its call may simply not have run); so are the PNGs a kept sidecar lists.
 */
import { join } from 'node:path'
import { snapshotTestName } from './snapshot-key.js'
import { listSnapshotFiles, predictionDir, readSidecar, removeFiles } from './prediction-store.js'

const touched = new Map<string, Set<string>>()

/**
 * Marks files of snapshot folder `dir` as used in this run. A stored PNG that the call no longer produces stays
 * unmarked: it is obsolete once no sidecar lists it.
 */
export function markTouched(dir: string, files: readonly string[]): void {
  const set = touched.get(dir) ?? new Set<string>()
  for (const f of files) set.add(f)
  touched.set(dir, set)
}

/** A test of the file as far as obsolete tracking goes. */
export interface TestOutcome {
  /** The snapshot name: describe names and the test's, joined by ` > `. */
  readonly name: string
  /** Did it run to the end and pass? */
  readonly passed: boolean
}

/**
 * The files of `testPath`'s prediction folder that no call of this run touched and no test that did not finish
 * (skipped, filtered out, failed) may still own. Forgets the folder's marks.
 */
export async function obsoletePredictionFiles(
  testPath: string,
  tests: readonly TestOutcome[],
): Promise<{ dir: string; files: string[] }> {
  const dir = predictionDir(testPath)
  const used = touched.get(dir) ?? new Set<string>()
  touched.delete(dir)
  const files = await listSnapshotFiles(dir)
  const unfinished = new Set(tests.filter((t) => !t.passed).map((t) => t.name))
  const referenced = new Set<string>()
  const obsolete: string[] = []
  for (const f of files.filter((f) => f.endsWith('.json'))) {
    let sidecar
    try {
      sidecar = await readSidecar(join(dir, f))
    } catch {
      continue // not ours to judge: the matcher reports an unreadable sidecar when its test runs
    }
    if (!sidecar) continue
    const testName = sidecar.test.replace(/ \d+$/, '')
    if (used.has(f) || unfinished.has(testName)) {
      for (const p of sidecar.predictions) referenced.add(p.file)
    } else {
      obsolete.push(f)
    }
  }
  for (const f of files) if (f.endsWith('.png') && !used.has(f) && !referenced.has(f)) obsolete.push(f)
  return { dir, files: obsolete.sort() }
}

/**
 * Reports the obsolete files of a test file as vitest reports obsolete snapshots: with `-u` (`all`) they are
 * removed; under CI (`none`) the file fails; otherwise a warning lists them.
 */
export async function reportObsoletePredictions(
  testPath: string,
  tests: readonly TestOutcome[],
  mode: string | undefined,
): Promise<void> {
  const { dir, files } = await obsoletePredictionFiles(testPath, tests)
  if (!files.length) return
  const list = files.map((f) => `  ${f}`).join('\n')
  if (mode === 'all') {
    await removeFiles(dir, files)
    console.warn(`segsense: removed ${files.length} obsolete prediction snapshot file(s) from ${dir}:\n${list}`)
  } else if (mode === 'none') {
    throw new Error(
      `Obsolete prediction snapshots found when no snapshot update is expected (${files.length} file(s) in ${dir}):` +
        `\n${list}\nRun \`vitest -u\` to remove them.`,
    )
  } else {
    console.warn(
      `segsense: ${files.length} obsolete prediction snapshot file(s) in ${dir} (run \`vitest -u\` to remove them):\n${list}`,
    )
  }
}

/** A task of vitest's runner, as far as {@link obsoleteCheck} reads it. */
interface RunnerTask {
  readonly type: string
  readonly name: string
  readonly mode?: string
  readonly suite?: RunnerTask | undefined
  readonly tasks?: readonly RunnerTask[]
  readonly result?: { readonly state?: string }
  readonly filepath?: string
  readonly file?: { readonly filepath?: string }
}

/**
 * The setup entry's `afterAll`: reports the obsolete prediction files of the test file that just ended (`suite` is
 * its root suite, `mode` vitest's snapshot update state).
 */
export async function obsoleteCheck(suite: unknown, mode: string | undefined): Promise<void> {
  const root = suite as RunnerTask
  const testPath = root.filepath ?? root.file?.filepath
  if (!testPath) return
  const tests: TestOutcome[] = []
  const visit = (t: RunnerTask): void => {
    if (t.type === 'test') tests.push({ name: snapshotTestName(t), passed: t.result?.state === 'pass' })
    for (const c of t.tasks ?? []) visit(c)
  }
  visit(root)
  await reportObsoletePredictions(testPath, tests, mode)
}
