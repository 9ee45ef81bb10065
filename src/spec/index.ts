/** Robustness requirements and specs: planning a requirement into a sweep, loading and running spec files. */
export { type Threshold, type RequirementOptions, type RequirementDefaults, type RequirementPlan, planRequirement, resolveThreshold, gridOf, requiredRange } from './plan.js'
export type { SpecRequirement, RobustnessSpec, LoadedSpec } from './types.js'
export { validateSpec, loadSpec } from './load.js'
export { specSchema } from './schema.js'
export { type RequirementOutcome, type RunSpecOptions, openSpec, runSpec, checkSpec, planSpecRequirement, requirementName } from './run.js'
