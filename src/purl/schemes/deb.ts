/**
 * Debian version order: `[epoch:]upstream_version[-debian_revision]` compared as in
 * dpkg's `verrevcmp` (https://www.debian.org/doc/debian-policy/ch-controlfields.html#version,
 * lib/dpkg/version.c). Non-digit runs compare character by character with `~` before
 * the end of the run, letters before every other character; digit runs compare numerically.
 */
import { compareDigits, encodeNumber, type VersionScheme } from '../sort-key-encoding.ts';

export interface DebVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

export function parseDebVersion(version: string): DebVersion | undefined {
  const v = version.trim();
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? v.slice(0, colon) : '0';
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (!/^[0-9]+$/.test(epoch)) return undefined;
  // Policy: upstream should start with a digit; dpkg only warns, so we accept any
  // non-empty string of the allowed characters.
  if (!/^[A-Za-z0-9.+~:-]+$/.test(upstream)) return undefined;
  if (dash >= 0 && !/^[A-Za-z0-9.+~]+$/.test(revision)) return undefined;
  return { epoch, upstream, revision };
}

/** dpkg's `order()`: digits (and end) 0, `~` -1, letters their code, others code + 256. */
function order(c: string | undefined): number {
  if (c === undefined || (c >= '0' && c <= '9')) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return Math.sign(ac - bc);
      i++;
      j++;
    }
    let da = '';
    let db = '';
    while (isDigit(a[i])) da += a[i++];
    while (isDigit(b[j])) db += b[j++];
    const c = compareDigits(da, db);
    if (c !== 0) return c;
  }
  return 0;
}

// Key bytes for one dpkg string: a sequence of (non-digit run, number) pairs.
// '~' < end of string < end of run < letters < other characters, as in order().
const TILDE = '\u0002';
const END = '\u0003';
const RUN_END = '\u0004';
const OTHER: Record<string, string> = { '+': '{', '-': '|', '.': '}', ':': '~' };

function dpkgStringKey(s: string): string | undefined {
  // verrevcmp reads (non-digit run, digit run) pairs. Only the first run can be empty
  // (digit runs are maximal), so after the first pair every pair starts with a run
  // character, which compares with END exactly as that character compares with the end
  // of the string. The first pair is always written ("" and "0" both give ("", 0)).
  let key = '';
  let i = 0;
  do {
    let run = '';
    while (i < s.length && !isDigit(s[i])) {
      const c = s[i] ?? '';
      run += c === '~' ? TILDE : /[A-Za-z]/.test(c) ? c : OTHER[c] ?? '';
      i++;
    }
    let digits = '';
    while (isDigit(s[i])) digits += s[i++];
    const n = encodeNumber(digits);
    if (n === undefined) return undefined;
    key += run + RUN_END + n;
  } while (i < s.length);
  return key + END;
}

export const debScheme: VersionScheme = {
  compare(a, b) {
    const x = parseDebVersion(a);
    const y = parseDebVersion(b);
    if (x === undefined || y === undefined) return undefined;
    return compareDigits(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
  },
  sortKey(version) {
    const v = parseDebVersion(version);
    if (v === undefined) return undefined;
    const parts = [encodeNumber(v.epoch), dpkgStringKey(v.upstream), dpkgStringKey(v.revision)];
    return parts.some((p) => p === undefined) ? undefined : parts.join('');
  },
};
