// Records keyed by class names. A class may be called `__proto__`, `constructor` or `toString`: on a plain `{}`,
// `r['__proto__'] = x` sets the prototype instead of a key, and a lookup of an absent `toString` finds a function.

/** An empty record with no prototype, so that any string (a class name) is an ordinary key. */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/** `record[key]` when it is the record's own key (never an `Object.prototype` member); undefined otherwise. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined
}
