// Text that reaches XML (the SVG sharp/librsvg rasterises, vega's SVG, the HTML report) must be valid XML, not only
// escaped: a control character or a lone surrogate in a class, sample, model or transform name makes librsvg's
// parser fail, and the crash would replace a failing matcher's own message.

/**
 * Every code point XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls but tab/LF/CR, lone
 * surrogates, U+FFFE/U+FFFF.
 */
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** U+FFFD REPLACEMENT CHARACTER: shows that something was there (stripping could make two names look equal). */
export const REPLACEMENT = '\uFFFD'

/** `text` with every code point that XML 1.0 forbids replaced by U+FFFD (tab, LF and CR stay). */
export function xmlValid(text: string): string {
  return text.replace(INVALID, REPLACEMENT)
}

/** Makes text valid XML ({@link xmlValid}) and escapes it for XML/SVG/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return xmlValid(text).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  )
}
