/** Where a sweep came from, when a test ran it (the vitest reporter fills this in). */
export interface ReportTest {
  /** Test file, relative to the project root. */
  readonly file: string
  /** Full test name (suite names joined with ` > `). */
  readonly name: string
  /** `passed`, `failed`, `skipped`, ... */
  readonly state?: string
  /** The matcher that ran the sweep. */
  readonly matcher?: string
}
