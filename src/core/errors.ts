/**
 * Machine-readable error codes. Every error segsense throws on bad input carries one, so callers
 * (and the vitest matchers) can branch on `err.code` instead of parsing messages.
 *
 * `E_MODEL_CLOSED`: `predict` was called on a model after its `close()`; load the model again.
 */
export type SegsenseErrorCode =
  | 'E_IMAGE_DECODE'
  | 'E_IMAGE_TOO_LARGE'
  | 'E_FILE_NOT_FOUND'
  /** A file exists but cannot be read (a folder, no permission). */
  | 'E_FILE_READ'
  | 'E_FILE_WRITE'
  | 'E_SIZE_MISMATCH'
  /**
   * Bad input in general. Thrown as such only where none of the four precise kinds below fits; each of them also
   * matches `isSegsenseError(e, 'E_BAD_PARAMETER')`. See core/validate.ts.
   */
  | 'E_BAD_PARAMETER'
  /** An options object has a key nobody reads (a misspelling): names it and the nearest known key. */
  | 'E_UNKNOWN_OPTION'
  /** A value of the wrong kind (a string where a number goes). */
  | 'E_WRONG_TYPE'
  /** A value of the right kind outside what is allowed (a negative sigma, not one of the choices). */
  | 'E_OUT_OF_RANGE'
  /** Options each valid alone that cannot be combined (refine with repeats). */
  | 'E_INCOMPATIBLE_OPTIONS'
  | 'E_BAD_MASK'
  | 'E_PALETTE'
  | 'E_MISSING_TRUTH'
  | 'E_MODEL_LOAD'
  | 'E_MODEL_INPUT'
  | 'E_MODEL_OUTPUT'
  | 'E_MODEL_CLOSED'
  | 'E_SCHEMA'
  | 'E_ABORTED'
  /** A model did not answer one `predict` batch within the sweep's `batchTimeout`; names the model and the batch. */
  | 'E_TIMEOUT'
  /**
   * Under `reference: 'prediction'`, a clean prediction no transform can change: it fills the image, or the model
   * predicts the same labels whatever its input (`details.reason`: `fills-image`, `input-independent`).
   */
  | 'E_DEGENERATE_REFERENCE'
  /** A DICOM file's pixel data is in a transfer syntax segsense does not decode (JPEG family); names the UID. */
  | 'E_UNSUPPORTED_TRANSFER_SYNTAX'
  /** A DICOM object that is not an image segsense reads (DICOM SEG, RT STRUCT, no pixel data); names the SOP class. */
  | 'E_UNSUPPORTED_SOP_CLASS'

/**
 * The one error type segsense throws for bad input or a failed precondition.
 * The message names the offending file or value and what was expected, on one line: a message with line breaks
 * (a decoder's multi-line report) is collapsed, its repeated lines kept once, and the original text is kept in
 * `details.fullMessage`.
 *
 * @example
 * try { await loadImage('scan.png') } catch (e) { if (e instanceof SegsenseError && e.code === 'E_IMAGE_DECODE') … }
 */
export class SegsenseError extends Error {
  /** Stable machine-readable code, e.g. `E_SIZE_MISMATCH`. */
  readonly code: SegsenseErrorCode
  /** Optional structured details (file, value, expected) for tooling. */
  readonly details?: Readonly<Record<string, unknown>>

  constructor(
    code: SegsenseErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    const line = oneLine(message)
    super(line, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SegsenseError'
    this.code = code
    // The full text of a collapsed message stays available to tooling; the message itself is one line.
    if (line !== message) this.details = { ...options?.details, fullMessage: message }
    else if (options?.details) this.details = options.details
  }
}

/**
 * Collapses a message to one line: line breaks become "; ", blank lines go, and a line repeated (libvips repeats
 * its warnings, "VipsJpeg: premature end of JPEG image" three times) is kept once, at its first place.
 */
function oneLine(message: string): string {
  if (!/[\r\n]/.test(message)) return message
  const seen = new Set<string>()
  const parts: string[] = []
  for (const raw of message.split(/\r\n|\r|\n/)) {
    const part = raw.trim()
    // libvips prefixes its first line ("Input buffer has corrupt header: VipsJpeg: ..."): a line that ends it is a repeat.
    if (part === '' || seen.has(part) || parts.some((p) => p.endsWith(`: ${part}`))) continue
    seen.add(part)
    parts.push(part)
  }
  return parts.join('; ')
}

/** The precise kinds of bad input that `E_BAD_PARAMETER` stands for as well (see core/validate.ts). */
const BAD_PARAMETER_KINDS: ReadonlySet<SegsenseErrorCode> = new Set([
  'E_BAD_PARAMETER',
  'E_UNKNOWN_OPTION',
  'E_WRONG_TYPE',
  'E_OUT_OF_RANGE',
  'E_INCOMPATIBLE_OPTIONS',
])

/**
 * Type guard for {@link SegsenseError}, optionally of one code. `E_BAD_PARAMETER` matches its four precise kinds
 * too (`E_UNKNOWN_OPTION`, `E_WRONG_TYPE`, `E_OUT_OF_RANGE`, `E_INCOMPATIBLE_OPTIONS`), so that code written
 * before they existed keeps working.
 */
export function isSegsenseError(value: unknown, code?: SegsenseErrorCode): value is SegsenseError {
  if (!(value instanceof SegsenseError)) return false
  if (code === undefined || value.code === code) return true
  return code === 'E_BAD_PARAMETER' && BAD_PARAMETER_KINDS.has(value.code)
}

/** Formats a value for an error message: numbers, strings and short arrays as written. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value)
  if (Array.isArray(value))
    return value.length > 8
      ? `[${value.slice(0, 8).map(describeValue).join(', ')}, … (${value.length})]`
      : `[${value.map(describeValue).join(', ')}]`
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`
  try {
    const s = JSON.stringify(value)
    return s.length > 120 ? `${s.slice(0, 117)}...` : s
  } catch {
    // A cycle or a BigInt inside an object; functions, symbols and bigints print as themselves.
    if (typeof value === 'function') return Function.prototype.toString.call(value)
    if (typeof value === 'bigint' || typeof value === 'symbol') return value.toString()
    return '[object Object]'
  }
}
