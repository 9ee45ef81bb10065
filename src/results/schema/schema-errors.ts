import type { ErrorObject } from 'ajv'
import { nearest } from '../../core/options.js'

/** Turns an ajv error into `'/samples/0/scores/dice/LV/3 must be number or null'`. */
export function describeError(e: ErrorObject): string {
  const path = e.instancePath === '' ? '/' : e.instancePath
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'type':
      return `${path} must be ${String(p.type).split(',').join(' or ')}`
    case 'required':
      return `${path} must have property ${JSON.stringify(p.missingProperty)}`
    case 'additionalProperties': {
      // With ajv's `verbose`, the schema names the known properties: suggest the nearest one.
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      const guess = nearest(String(p.additionalProperty), known)
      return (
        `${path} has unknown property ` +
        `${JSON.stringify(p.additionalProperty)}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`
      )
    }
    case 'enum':
      return (
        `${path}${p.propertyName !== undefined ? ` key ${JSON.stringify(p.propertyName)}` : ''} must be one ` +
        `of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
      )
    case 'const':
      return `${path} must be ${JSON.stringify(p.allowedValue)}`
    default:
      return `${path} ${e.message ?? 'is invalid'}`
  }
}
