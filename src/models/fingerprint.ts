import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level: the same options give the same text whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v ?? null)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const sha = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex').slice(0, 16)

/**
 * The fingerprint of an ONNX model: `file:<hash of the model bytes>,options:<hash of the adapter options>` (16 hex
 * digits of SHA-256 each). The options are what changes predictions: `classes`, `input`, `output`; the name, the
 * batch size and the thread count do not.
 */
export function onnxFingerprint(
  bytes: Uint8Array,
  options: { readonly classes: unknown; readonly input?: unknown; readonly output?: unknown },
): string {
  return `file:${sha(bytes)},options:${sha(stableJson({ classes: options.classes, input: options.input, output: options.output }))}`
}
