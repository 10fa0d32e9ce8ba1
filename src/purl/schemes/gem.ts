/**
 * RubyGems version order (Gem::Version#<=>, rubygems/lib/rubygems/version.rb):
 * segments are runs of digits or letters; a version with a letter is a prerelease;
 * trailing zeros are dropped separately from the release part and the prerelease part;
 * missing segments count as 0; a string segment is less than a number.
 * `-` is read as `.pre.` (Gem::Version.new).
 */
import { compareDigits, compareStrings, encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

// Gem::Version::ANCHORED_VERSION_PATTERN
const GEM_VERSION = /^\s*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;

type Segment = string; // a digit string or a letter string

const isNumeric = (s: Segment): boolean => /^[0-9]/.test(s);
const isZero = (s: Segment): boolean => /^0+$/.test(s);

export function canonicalGemSegments(version: string): Segment[] | undefined {
  if (!GEM_VERSION.test(version)) return undefined;
  const segments = version.trim().replace(/-/g, '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstString = segments.findIndex((s) => !isNumeric(s));
  const release = firstString < 0 ? segments : segments.slice(0, firstString);
  const prerelease = firstString < 0 ? [] : segments.slice(firstString);
  const dropZeros = (xs: Segment[]): Segment[] => {
    const out = [...xs];
    while (out.length > 0 && isZero(out[out.length - 1] ?? '')) out.pop();
    return out;
  };
  return [...dropZeros(release), ...dropZeros(prerelease)];
}

function compareSegments(x: Segment[], y: Segment[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const a = x[i] ?? '0';
    const b = y[i] ?? '0';
    const an = isNumeric(a);
    const bn = isNumeric(b);
    if (an && bn) {
      const c = compareDigits(a, b);
      if (c !== 0) return c;
    } else if (an !== bn) return an ? 1 : -1;
    else {
      const c = compareStrings(a, b);
      if (c !== 0) return c;
    }
  }
  return 0;
}

// Key tags: string < zero followed by a string < end (= zeros forever) < zero followed by a number < number.
// A zero in the middle is encoded by the sign of the next non-zero segment because,
// against the end of a shorter version (padded with zeros), that segment decides.
const TAG = { string: 'a', zeroThenLess: 'b', end: 'c', zeroThenMore: 'd', number: 'e' } as const;

function gemKey(segments: Segment[]): string | undefined {
  let key = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] ?? '';
    if (!isNumeric(s)) key += TAG.string + encodeString(s);
    else if (!isZero(s)) {
      const n = encodeNumber(s);
      if (n === undefined) return undefined;
      key += TAG.number + n;
    } else {
      const next = segments.slice(i + 1).find((x) => !isNumeric(x) || !isZero(x));
      key += next !== undefined && !isNumeric(next) ? TAG.zeroThenLess : TAG.zeroThenMore;
    }
  }
  return key + TAG.end;
}

export const gemScheme: VersionScheme = {
  compare(a, b) {
    const x = canonicalGemSegments(a);
    const y = canonicalGemSegments(b);
    return x === undefined || y === undefined ? undefined : compareSegments(x, y);
  },
  sortKey(version) {
    const segments = canonicalGemSegments(version);
    return segments === undefined ? undefined : gemKey(segments);
  },
};
