/**
 * Every redirect that carries a value from the request goes through here. A Location header with a
 * control or non-ASCII character makes Node throw while writing the response; one with a tab or
 * newline is also an open redirect, because browsers drop those characters (`/\t/evil.example`
 * becomes `//evil.example`, another site).
 */

const MAX_RETURN_LENGTH = 2048;
/** Controls, format and unassigned code points, separators, whitespace and backslashes (which browsers read as `/`). */
const REFUSED = /[\p{C}\p{Z}\s\\]/u;
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/gu;

/** Percent-encodes one character; a lone surrogate (which cannot be encoded) is dropped. */
function encodeChar(c: string): string {
  try {
    return encodeURIComponent(c);
  } catch {
    return '';
  }
}

/**
 * A path on this site to go back to, or `/`. Only same-origin paths are followed: one leading `/`,
 * no `//`, no backslash, no control or whitespace character. Other non-ASCII characters are
 * percent-encoded, so the result is always safe in a Location header.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || REFUSED.test(value)) return '/';
  return value.replace(NOT_PRINTABLE_ASCII, encodeChar);
}

/**
 * A Location value Node will accept: control characters removed, anything else outside printable
 * ASCII percent-encoded. The last guard before the header is written, whatever built the value.
 */
export function headerSafeLocation(location: string): string {
  // eslint-disable-next-line no-control-regex
  return location.replace(/[\x00-\x1f\x7f]/g, '').replace(NOT_PRINTABLE_ASCII, encodeChar);
}
