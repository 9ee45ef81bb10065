/**
 * The record line of a sweep snapshot: what produced the curve (the model's fingerprint and the transform's
 * options), so that a snapshot taken with other settings fails and names the setting, instead of passing while the
 * curve happens to stay within tolerance. One human-readable header line:
 *
 * ```
 * recorded: model file:3f2a9c1b0e7d4a55,options:8c1d2e3f4a5b6c7d · rotate {"interpolation":"bilinear","padding":"zeros"}
 * ```
 *
 * Snapshots written before the record existed have no such line: they compare as before.
 */
import { stableJson } from '../models/fingerprint.js'

/** What produced a sweep, as recorded in its snapshot. */
export interface SweepSettings {
  /** The model's fingerprint (`SegmentationModel.fingerprint`); undefined for function models. */
  readonly model: string | undefined
  /** The transform's name. */
  readonly transform: string
  /** The transform's options (`transform.options`: seed, padding, noise kind, ...). */
  readonly options: Readonly<Record<string, unknown>>
}

/** A record line as read back from a snapshot. */
export interface StoredRecord {
  readonly model: string
  /** Option name -> its value as stable JSON text. */
  readonly options: ReadonlyMap<string, string>
}

const PREFIX = 'recorded: '
const RECORD = /^recorded: model (\S+) · (.*?) ?(\{.*\})$/
// No whitespace in the fingerprint: the line stays parseable whatever a custom model sets.
const modelText = (fingerprint: string | undefined): string => (fingerprint ? fingerprint.replace(/\s+/g, '_') : 'none')

/** The record line of `settings`. */
export function recordLine(settings: SweepSettings): string {
  return `${PREFIX}model ${modelText(settings.model)} · ${settings.transform} ${stableJson(settings.options)}`
}

/** Reads a record line; `undefined` for any other line (or a record line it cannot read). */
export function parseRecordLine(line: string): StoredRecord | undefined {
  const m = RECORD.exec(line)
  if (!m) return undefined
  try {
    const options = JSON.parse(m[3] as string) as unknown
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return undefined
    return { model: m[1] as string, options: new Map(Object.entries(options).map(([k, v]) => [k, stableJson(v)])) }
  } catch {
    return undefined
  }
}

/** Is this a record line (read or not)? Such lines are never kept from a stored snapshot that is rewritten. */
export const isRecordLine = (line: string): boolean => line.startsWith(PREFIX)

/**
 * The settings that differ between a stored record and the current sweep, one text each, e.g.
 * `rotate option padding: "zeros" -> "border"` or `model options: 8c1d... -> 0f9e...` (a fingerprint's
 * `part:value` pieces are compared one by one, so the message names the part that changed).
 */
export function settingsChanges(stored: StoredRecord, now: SweepSettings): string[] {
  const changes: string[] = []
  const model = modelText(now.model)
  if (stored.model !== model) {
    const parts = (fp: string) =>
      new Map(
        fp.split(',').map((p) => {
          const i = p.indexOf(':')
          return i > 0 ? ([p.slice(0, i), p.slice(i + 1)] as const) : ([p, p] as const)
        }),
      )
    const before = parts(stored.model)
    const after = parts(model)
    const keys = [...new Set([...before.keys(), ...after.keys()])]
    if (stored.model === 'none' || model === 'none' || keys.length !== before.size || keys.length !== after.size) {
      changes.push(`model fingerprint: ${stored.model} -> ${model}`)
    } else {
      for (const k of keys)
        if (before.get(k) !== after.get(k)) changes.push(`model ${k}: ${before.get(k)} -> ${after.get(k)}`)
    }
  }
  const current = new Map(
    Object.entries(now.options)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, stableJson(v)]),
  )
  for (const k of [...new Set([...stored.options.keys(), ...current.keys()])].sort()) {
    const a = stored.options.get(k)
    const b = current.get(k)
    if (a !== b) changes.push(`${now.transform} option ${k}: ${a ?? 'unset'} -> ${b ?? 'unset'}`)
  }
  return changes
}
