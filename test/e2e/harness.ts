// Runs real vitest on the consumer projects under test/e2e/projects, copied to a temporary folder where
// `segsense` resolves to this package (as an installed dependency would) and `vitest` to ours.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '')
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')

/** A fresh copy of test/e2e/projects with node_modules/segsense -> this repository. */
export function consumerWorkspace(): { root: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'segsense-e2e-'))
  cpSync(join(repo, 'test/e2e/projects'), join(root, 'projects'), { recursive: true })
  mkdirSync(join(root, 'node_modules'))
  symlinkSync(repo, join(root, 'node_modules/segsense'), 'dir')
  symlinkSync(join(repo, 'node_modules/vitest'), join(root, 'node_modules/vitest'), 'dir')
  symlinkSync(join(repo, 'node_modules/@types'), join(root, 'node_modules/@types'), 'dir')
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) }
}

export interface VitestRun {
  readonly code: number
  /** stdout + stderr, ANSI colours stripped. */
  readonly output: string
}

/**
 * Runs `vitest run` in `cwd` with `args`. `ci` decides whether vitest sees a CI environment: the suite itself
 * runs under CI=true, so every run sets it explicitly.
 */
export function runVitest(
  cwd: string,
  args: string[],
  options: { ci: boolean; env?: Record<string, string> },
): Promise<VitestRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env, FORCE_COLOR: '0', NO_COLOR: '1' }
  // std-env detects CI from many variables; clear the common ones for a "local" run.
  // (A variable the caller sets, such as GITHUB_ACTIONS for a job summary run, stays.)
  for (const k of [
    'CI',
    'GITHUB_ACTIONS',
    'CONTINUOUS_INTEGRATION',
    'BUILD_NUMBER',
    'RUN_ID',
    'VITEST',
    'VITEST_MODE',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
    'TEST',
    'NODE_ENV',
  ])
    if (!(k in (options.env ?? {}))) delete env[k]
  if (options.ci) env.CI = 'true'
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitestBin, 'run', ...args],
      { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        // eslint-disable-next-line no-control-regex
        resolve({ code, output: `${stdout}\n${stderr}`.replace(/\u001b\[[0-9;]*m/g, '') })
      },
    )
  })
}

/** One test as the consumer project's reporter wrote it to annotations.json. */
export interface ReportedTest {
  readonly name: string
  readonly state: string
  readonly errors: string[]
  readonly annotations: { message: string; type: string; contentType?: string; bodyLength?: number; path?: string }[]
  readonly meta: { segsense?: { sweeps: { matcher: string; pass: boolean; result: { values: number[] } }[] } }
}

/** Reads annotations.json written by the consumer's reporter. */
export function reportedTests(projectDir: string): ReportedTest[] {
  return JSON.parse(readFileSync(join(projectDir, 'annotations.json'), 'utf8')) as ReportedTest[]
}
