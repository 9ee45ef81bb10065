// Checking parsed JSON against one of segsense's schemas plus the consistency rules a schema cannot express:
// shared by the sweep result and grid result validators.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { SegsenseError } from '../../core/errors.js'
import { describeError } from './schema-errors.js'

/** Outcome of a validation: the typed value, or readable errors (`<JSON pointer> <what is wrong>`). */
export type Validation<T> =
  { readonly valid: true; readonly result: T } | { readonly valid: false; readonly errors: string[] }

/** Most errors listed in an `E_SCHEMA` message (the rest are counted). */
const MAX_LISTED_ERRORS = 20

/**
 * A validator for `schema`: parses a JSON string first, runs the schema (compiled on first use: it never changes and
 * compiling costs a few milliseconds), then `consistency` on a value that passed it.
 */
export function jsonValidator<T>(
  schema: object,
  consistency: (value: T) => string[],
): (json: unknown) => Validation<T> {
  let compiled: ValidateFunction | undefined
  return (json) => {
    let data = json
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json)
      } catch (e) {
        return { valid: false, errors: [`/ is not valid JSON: ${(e as Error).message}`] }
      }
    }
    compiled ??= new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true }).compile(schema)
    if (!compiled(data)) {
      // propertyNames failures come as a pair (the enum and a generic "property name must be valid"): keep the first.
      const errors = (compiled.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map(describeError)
      return { valid: false, errors: [...new Set(errors)] }
    }
    const errors = consistency(data as T)
    return errors.length > 0 ? { valid: false, errors } : { valid: true, result: data as T }
  }
}

/**
 * The value of a successful validation.
 * @throws SegsenseError `E_SCHEMA`: `<what> does not match the <schemaName> schema (version <version>)`, listing the
 *   problems (`details.errors` holds all of them).
 */
export function validOrThrow<T>(v: Validation<T>, what: string, schemaName: string, version: number): T {
  if (v.valid) return v.result
  const listed = v.errors.slice(0, MAX_LISTED_ERRORS)
  const more = v.errors.length > listed.length ? `\n  ... and ${v.errors.length - listed.length} more` : ''
  throw new SegsenseError(
    'E_SCHEMA',
    `${what} does not match the ${schemaName} schema (version ${version}):\n  ${listed.join('\n  ')}${more}`,
    { details: { errors: v.errors } },
  )
}
