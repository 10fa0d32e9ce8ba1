/**
 * Building blocks for version sort keys: strings whose plain byte order
 * (PostgreSQL `COLLATE "C"`, i.e. UTF-8 byte order) matches a version order.
 *
 * Every key is made of ASCII "tag" characters chosen per scheme, numbers and
 * terminated strings. No key contains NUL (PostgreSQL text cannot store it).
 */

/** Terminates a variable-length string so that a shorter string sorts before its extensions. */
export const STRING_END = '\u0001';

/** Longest digit string (after stripping leading zeros) a number token may have. */
const MAX_DIGITS = 0x7e - 0x21;

/**
 * Encodes a non-negative integer written in decimal: one length character then the
 * digits without leading zeros. Byte order then equals numeric order for any size,
 * which plain digits would not give ("10" < "9").
 * Returns undefined for more than 93 significant digits (not seen in real versions).
 */
export function encodeNumber(digits: string): string | undefined {
  const stripped = digits.replace(/^0+/, '');
  if (stripped.length > MAX_DIGITS) return undefined;
  return String.fromCharCode(0x21 + stripped.length) + stripped;
}

/** Encodes a string (whose characters are all above U+0001) so that prefixes sort first. */
export function encodeString(s: string): string {
  return s + STRING_END;
}

/** Byte-wise comparison of two keys as PostgreSQL `COLLATE "C"` would do it (UTF-8 bytes). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Numeric comparison of two decimal digit strings of any length. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ordinal (code unit) comparison of strings, normalised to -1/0/1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A versioning scheme: an order on version strings and a sort key agreeing with it. */
export interface VersionScheme {
  /** Negative, zero or positive; undefined when either version is not valid in the scheme. */
  compare(a: string, b: string): number | undefined;
  /** A key whose byte order agrees with `compare`; undefined when the version cannot be ordered. */
  sortKey(version: string): string | undefined;
}
