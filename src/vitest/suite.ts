import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SegsenseError, describeValue } from '../core/errors.js'
import { type TestContext, afterAll, describe, expect, test } from 'vitest'
import type { SegmentationModel } from '../models/model.js'
import { checkKnownKeys, optionKeys } from '../core/options.js'
import type { Sample } from '../core/types.js'
import { loadSpec } from '../requirements/load.js'
import type { LoadedSpec, SpecRequirement } from '../requirements/types.js'
import { loadOnnxModel } from '../models/onnx.js'
import {
  baselineModelOf,
  openSpec,
  planSpecRequirement,
  specComparisonSettings,
  specRequirementOptions,
} from '../requirements/run.js'
import { type AtLeastAsRobustOptions, toBeAtLeastAsRobustAs } from './compare.js'
import type { AttachPolicy } from './config.js'
import { type RobustOptions, toBeRobustTo } from './robust.js'
import { toMatchSweepSnapshot } from './snapshot.js'

/** Options of {@link robustnessSuite}. */
export interface RobustnessSuiteOptions {
  /** Chart attachment policy of every requirement; default `on-failure`. */
  readonly attach?: AttachPolicy
  /** Timeout per requirement in ms; default 10 minutes (a sweep runs the model many times). */
  readonly timeout?: number
}

/**
 * Declares one vitest test per requirement of a robustness spec file, given as a path or a `file:` URL (paths in
 * the spec resolve relative to it),
 * inside a `describe` named after the spec. The model and samples load once, on the first test, and the model is
 * closed after the last. An invalid spec throws `E_SCHEMA` while vitest collects the file, listing each problem
 * with its JSON path.
 *
 * @example
 * // robustness.test.ts
 * import { robustnessSuite } from 'segsense/vitest'
 * robustnessSuite(new URL('./robustness.json', import.meta.url))
 */
export function robustnessSuite(specPath: string | URL, options: RobustnessSuiteOptions = {}): void {
  checkKnownKeys(
    options,
    optionKeys<RobustnessSuiteOptions>({ attach: true, timeout: true }),
    'robustnessSuite options',
  )
  const spec = loadSpec(specFilePath(specPath))
  expect.extend({ toBeRobustTo, toMatchSweepSnapshot, toBeAtLeastAsRobustAs })
  describe(spec.name ?? `robustness spec ${basename(spec.file)}`, () => {
    let opened: Promise<Opened> | undefined
    // Baselines of comparison requirements, loaded by their first test, closed with the model.
    const baselines: Promise<SegmentationModel>[] = []
    afterAll(async () => {
      if (opened) await (await opened).model.close?.()
      for (const b of baselines) await (await b.catch(() => undefined))?.close?.()
    })
    const open = (): Promise<Opened> => (opened ??= openSpec(spec))
    for (const requirement of spec.requirements) requirementTest(spec, requirement, { open, baselines }, options)
  })
}

type Opened = { model: SegmentationModel; samples: Sample[] }

/** Declares the test of one requirement: `toBeRobustTo`, or `toBeAtLeastAsRobustAs` for one with a `baseline`. */
function requirementTest(
  spec: LoadedSpec,
  requirement: SpecRequirement,
  shared: { readonly open: () => Promise<Opened>; readonly baselines: Promise<SegmentationModel>[] },
  options: RobustnessSuiteOptions,
): void {
  // Planned here, while vitest collects: a bad requirement fails the file at once, naming the requirement.
  const plan = planSpecRequirement(requirement, spec.defaults)
  // The spec's defaults sit between the requirement and those of configureSegsense (which the matcher applies).
  const requirementOptions = specRequirementOptions(requirement, spec.defaults)
  const baselineModel = baselineModelOf(spec, requirement)
  const attach = options.attach ? { attach: options.attach } : {}
  const check = async ({ expect: localExpect }: Pick<TestContext, 'expect'>): Promise<void> => {
    const { model, samples } = await shared.open()
    if (!baselineModel) {
      const assertion = localExpect(model) as unknown as {
        toBeRobustTo: (t: unknown, o: RobustOptions) => Promise<void>
      }
      await assertion.toBeRobustTo(plan.transform, { ...requirementOptions, samples, ...attach })
      return
    }
    const loading = loadOnnxModel(baselineModel.file, baselineModel.options)
    shared.baselines.push(loading)
    const compare = localExpect(model) as unknown as {
      toBeAtLeastAsRobustAs: (b: SegmentationModel, t: unknown, o: AtLeastAsRobustOptions) => Promise<void>
    }
    const { aggregate: _aggregate, ...compared } = requirementOptions // a comparison compares mean curves
    const settings = specComparisonSettings(requirement)
    await compare.toBeAtLeastAsRobustAs(await loading, plan.transform, { ...compared, ...settings, samples, ...attach })
  }
  test(plan.name, check, options.timeout ?? 600_000)
}

/**
 * The file path of a spec given as a path or a `file:` URL. A URL is decoded (`fileURLToPath`): its `.pathname`
 * keeps `%20` for a space and breaks on such folders.
 */
export function specFilePath(spec: string | URL): string {
  if (typeof spec === 'string') return spec
  if (spec instanceof URL) {
    if (spec.protocol !== 'file:')
      throw new SegsenseError('E_OUT_OF_RANGE', `robustnessSuite: a spec URL must be a file: URL, got ${spec.href}`)
    return fileURLToPath(spec)
  }
  throw new SegsenseError(
    'E_WRONG_TYPE',
    `robustnessSuite: the spec must be a file path or a file: URL, got ${describeValue(spec)}`,
  )
}
