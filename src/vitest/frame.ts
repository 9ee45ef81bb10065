/**
 * The one frame of the segsense matchers. A matcher supplies its plan, its verdict and its message; the frame does
 * what every matcher does around them: tracks the call (so that a forgotten `await` fails its own test, see
 * pending.ts), checks the model, reads the `configureSegsense` defaults and the samples, makes the progress reporter,
 * names the matcher in every input error, and in {@link Frame.assert} records the result for the reporter, attaches
 * the charts under the `attach` policy and returns the outcome vitest judges.
 */
import type { MatcherState, TestAnnotation, TestAttachment } from 'vitest'
import { SegsenseError, describeValue, isSegsenseError } from '../core/errors.js'
import { checkChoice } from '../core/validate.js'
import type { Sample, VolumeSample } from '../core/types.js'
import type { SegmentationModel } from '../models/model.js'
import type { SweepProgress } from '../sweep/types.js'
import type { Transform } from '../transforms/transform.js'
import { type AttachPolicy, type SegsenseDefaults, segsenseDefaults } from './config.js'
import {
  type GridRecord,
  type MatcherOutcome,
  type SweepRecord,
  annotateIfRunning,
  recordGrid,
  recordSweep,
} from './meta.js'
import { tracked } from './pending.js'
import { progressReporter } from './progress.js'

/** A chart attached under the call's `attach` policy; `render` runs only when it is attached (vega loads lazily). */
export interface Chart {
  readonly note: string
  readonly render: () => Promise<Uint8Array>
}

/** What a matcher hands {@link Frame.assert}: its verdict (before `.not`), message and what the frame keeps. */
export interface Assertion {
  /** The matcher's own verdict; the frame applies `.not`. */
  readonly pass: boolean
  readonly message: () => string
  /** Diffable rows for vitest's diff (only on a failure without `.not`). */
  readonly actual?: unknown
  readonly expected?: unknown
  /** The record for `task.meta.segsense` (its `pass` is the assertion's, filled in by the frame). */
  readonly sweep?: Omit<SweepRecord, 'pass'>
  readonly grid?: Omit<GridRecord, 'pass'>
  /** Charts to attach: with `always`, or with `on-failure` when the assertion fails. */
  readonly charts?: readonly Chart[]
  /** The call's `attach` option (the default comes from `configureSegsense`, then `on-failure`). */
  readonly attach?: AttachPolicy
}

/** One matcher call as the frame sees it. */
export interface Frame {
  /** `toBeRobustTo` */
  readonly name: string
  /** `toBeRobustTo(rotate)`: the call, as messages, progress lines and the not-awaited error name it. */
  readonly label: string
  readonly isNot: boolean
  readonly task: MatcherState['task']
  readonly state: MatcherState
  /** The `configureSegsense` defaults at the time of the call. */
  readonly defaults: SegsenseDefaults
  /** vitest's hint line: `expect(model).toBeRobustTo(transform)`. */
  hint(expected: string, received?: string): string
  /** The call's samples, else those of `configureSegsense`; an error naming the matcher when there are none. */
  samples<T extends Sample | VolumeSample = Sample>(given: readonly T[] | undefined): T[]
  /** A sweep's `onProgress` writing `segsense: <label> 120/370 predictions ...`, or undefined when progress is off. */
  progress(label?: string): ((p: SweepProgress) => void) | undefined
  /** The `attach` policy of the call: its option, else the configured one, else `on-failure`. */
  attachPolicy(given: AttachPolicy | undefined): AttachPolicy
  /** Annotates the running test (undefined without a task, or once it ended). */
  annotate(note: string, type: string, attachment: TestAttachment): Promise<TestAnnotation | undefined>
  /** Ends the call: records, attaches and returns the outcome. */
  assert(assertion: Assertion): Promise<MatcherOutcome>
}

/** How a matcher is framed. */
export interface MatcherDefinition<Args extends unknown[]> {
  readonly name: string
  /** The call's label from its arguments (which may be anything: it runs before any check). */
  readonly label: (...args: Args) => string
  /** Refuse `.not` (a snapshot has no negation). */
  readonly noNot?: boolean
  readonly run: (frame: Frame, model: SegmentationModel, ...args: Args) => Promise<MatcherOutcome>
}

/** A framed matcher, as `expect.extend` takes it. */
export type FramedMatcher<Args extends unknown[]> = (
  this: MatcherState,
  received: unknown,
  ...args: Args
) => Promise<MatcherOutcome>

/** Frames a matcher: see the module comment. */
export function defineMatcher<Args extends unknown[]>(definition: MatcherDefinition<Args>): FramedMatcher<Args> {
  return function framed(this: MatcherState, received: unknown, ...args: Args): Promise<MatcherOutcome> {
    const label = definition.label(...args)
    return tracked(label, this.task?.id, Boolean(this.soft), async () => {
      try {
        const frame = makeFrame(this, definition.name, label)
        checkModel(definition.name, received)
        if (definition.noNot && frame.isNot) {
          throw new SegsenseError('E_INCOMPATIBLE_OPTIONS', `${definition.name} cannot be used with .not`)
        }
        return await definition.run(frame, received, ...args)
      } catch (error) {
        throw named(error, definition.name, label)
      }
    })
  }
}

function makeFrame(state: MatcherState, name: string, label: string): Frame {
  const isNot = Boolean(state.isNot)
  const task = state.task
  const defaults = segsenseDefaults()
  const attachPolicy = (given: AttachPolicy | undefined): AttachPolicy =>
    checkChoice(`${label}: attach`, given ?? defaults.attach ?? 'on-failure', ATTACH_POLICIES)
  return {
    name,
    label,
    isNot,
    task,
    state,
    defaults,
    hint: (expected, received = 'model') =>
      state.utils.matcherHint(name, received, expected, { isNot, promise: state.promise }),
    samples: (given) => resolveSamples(name, given, defaults),
    progress: (line = label) => progressReporter(line),
    attachPolicy,
    annotate: (note, type, attachment) => annotateIfRunning(task, note, type, attachment),
    assert: async (a) => {
      const fails = a.pass === isNot
      const meta = task as { meta: object } | undefined
      if (a.sweep) recordSweep(meta, { ...a.sweep, pass: !fails })
      if (a.grid) recordGrid(meta, { ...a.grid, pass: !fails })
      const policy = attachPolicy(a.attach)
      if (task && a.charts && (policy === 'always' || (policy === 'on-failure' && fails))) {
        for (const chart of a.charts) {
          const body = await chart.render()
          await annotateIfRunning(task, chart.note, fails ? 'error' : 'notice', { contentType: 'image/png', body })
        }
      }
      const diff = !a.pass && !isNot && a.actual !== undefined ? { actual: a.actual, expected: a.expected } : {}
      return { pass: a.pass, message: a.message, ...diff }
    },
  }
}

const ATTACH_POLICIES: readonly AttachPolicy[] = ['on-failure', 'always', 'never']

/** Checks that `received` (of `expect(received)`) looks like a SegmentationModel. */
function checkModel(name: string, received: unknown): asserts received is SegmentationModel {
  const model = received as Partial<SegmentationModel> | null
  if (!model || typeof model !== 'object' || typeof model.predict !== 'function' || typeof model.classes !== 'object') {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${name}: expect(model) needs a SegmentationModel (from loadOnnxModel or functionModel), ` +
        `got ${describeValue(received)}`,
    )
  }
}

/** Checks a matcher's transform argument; `call` names the argument list in the message. */
export function checkTransform(call: string, transform: unknown): asserts transform is Transform {
  const t = transform as Partial<Transform> | null
  if (!t || typeof t !== 'object' || typeof t.image !== 'function' || !t.parameter) {
    throw new SegsenseError(
      'E_WRONG_TYPE',
      `${call}: transform must be a segsense Transform (e.g. rotate, zoom.with({...})), got ${describeValue(transform)}`,
    )
  }
}

/** The name of a transform argument for a label, before it is checked. */
export function transformName(transform: unknown): string {
  const name = (transform as Partial<Transform> | null | undefined)?.name
  return typeof name === 'string' ? name : '?'
}

function resolveSamples<T extends Sample | VolumeSample>(
  name: string,
  samples: readonly T[] | undefined,
  defaults: SegsenseDefaults,
): T[] {
  const list = samples ?? (defaults.samples as readonly T[] | undefined)
  if (!list || list.length === 0) {
    throw new SegsenseError(
      'E_BAD_PARAMETER',
      `${name} needs samples: pass { samples } or set them once with configureSegsense({ samples })`,
    )
  }
  return [...list]
}

/**
 * An input error raised below the matcher (the sweep's resolver, a transform, a sample check) names the matcher
 * call it came from, so that `sweep option batchSize must be ...` reads `toBeRobustTo(rotate): sweep option ...`.
 */
function named(error: unknown, name: string, label: string): unknown {
  if (isSegsenseError(error, 'E_BAD_PARAMETER') && !error.message.startsWith(name)) {
    error.message = `${label}: ${error.message}`
  }
  return error
}
