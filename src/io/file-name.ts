/**
 * Names that become file names (a transform's, a sample's, a test's) are user text: `../../x` would climb out of
 * the folder, `a/b` names a folder that does not exist, and some names are invalid on Windows. One helper for every
 * writer (it lives in io, the lowest layer that knows about files; core knows nothing about them).
 */

/** Longest result in UTF-8 bytes, leaving room for a suffix within the usual 255-byte limit of a file name. */
const MAX_BYTES = 120
// Path separators, characters Windows forbids, and control characters (C0, DEL, C1).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f]/g
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i

/**
 * One path component made from `name`: separators, control characters and characters Windows forbids become `_`,
 * leading dots and spaces and trailing dots and spaces are dropped (no `.`, `..` or hidden files), Windows device
 * names get a `_` prefix, and the result is cut to 120 UTF-8 bytes. An empty result becomes `fallback`.
 *
 * @example
 * safeFileName('../../x') // '_.._x'
 * safeFileName('a/b')     // 'a_b'
 */
export function safeFileName(name: string, fallback = 'unnamed'): string {
  let out = String(name)
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  if (WINDOWS_DEVICE.test(out)) out = `_${out}`
  const encoder = new TextEncoder()
  if (encoder.encode(out).length > MAX_BYTES) {
    let cut = ''
    for (const ch of out) {
      // by code point: never splits a character
      if (encoder.encode(cut + ch).length > MAX_BYTES) break
      cut += ch
    }
    out = cut.replace(/[.\s]+$/, '')
  }
  return out || fallback
}
