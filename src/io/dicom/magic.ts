/**
 * The DICOM magic test, apart from parse.ts: parse.ts's declarations import dicom-parser's types, which name Node's
 * `Buffer`, and `isDicom` is public, so the package's entry typings must not reach parse.ts (a consumer without
 * @types/node would fail there).
 */

/** True when the bytes have the 'DICM' magic after the 128-byte preamble. */
export function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d
}

/** True when the bytes look like a DICOM Part 10 file ('DICM' after the 128-byte preamble). */
export function isDicom(bytes: Uint8Array): boolean {
  return hasPreamble(bytes)
}
