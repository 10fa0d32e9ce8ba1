/**
 * RPM version order: `[epoch:]version[-release]`, each part compared with `rpmvercmp`
 * (rpm/rpmio/rpmvercmp.c, https://rpm-software-management.github.io/rpm/manual/dependencies.html).
 * Alphanumeric segments are compared; other characters only separate them; `~` sorts
 * before everything (even the end), `^` after the end but before anything else;
 * a numeric segment is newer than an alphabetic one.
 */
import { compareDigits, compareStrings, encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

type RpmToken = { kind: 'tilde' } | { kind: 'caret' } | { kind: 'num'; value: string } | { kind: 'alpha'; value: string };

const isAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);

function tokenize(s: string): RpmToken[] {
  const tokens: RpmToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '~') {
      tokens.push({ kind: 'tilde' });
      i++;
    } else if (c === '^') {
      tokens.push({ kind: 'caret' });
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(s.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'num', value: m });
      i += m.length;
    } else if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z]+/.exec(s.slice(i))?.[0] ?? '';
      tokens.push({ kind: 'alpha', value: m });
      i += m.length;
    } else {
      i++; // separator
    }
  }
  return tokens;
}

// Rank of a token (or the end, undefined) when the two sides differ in kind.
function rank(t: RpmToken | undefined): number {
  if (t === undefined) return 1;
  return { tilde: 0, caret: 2, alpha: 3, num: 4 }[t.kind];
}

/** rpmvercmp as a lexicographic comparison of token lists (equivalent to the C loop). */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const x = tokenize(a);
  const y = tokenize(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const s = x[i];
    const t = y[i];
    const r = rank(s) - rank(t);
    if (r !== 0) return Math.sign(r);
    if (s?.kind === 'num' && t?.kind === 'num') {
      const c = compareDigits(s.value, t.value);
      if (c !== 0) return c;
    } else if (s?.kind === 'alpha' && t?.kind === 'alpha') {
      const c = compareStrings(s.value, t.value);
      if (c !== 0) return c;
    }
  }
  return 0;
}

export interface RpmEvr {
  epoch: string;
  version: string;
  release: string;
}

export function parseRpmEvr(evr: string): RpmEvr | undefined {
  const v = evr.trim();
  if (v === '' || /\s/.test(v)) return undefined;
  const m = /^([0-9]+):/.exec(v);
  const epoch = m?.[1] ?? '0';
  const rest = m === null ? v : v.slice(m[0].length);
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : '';
  if (version === '' || tokenize(version).length === 0) return undefined;
  return { epoch, version, release };
}

// Key tags in rpmvercmp order: '~' < end < '^' < alpha < number.
const TAG = { tilde: '\u0002', end: '\u0003', caret: '\u0004', alpha: 'A', num: 'N' } as const;

function rpmStringKey(s: string): string | undefined {
  let key = '';
  for (const t of tokenize(s)) {
    if (t.kind === 'num') {
      const n = encodeNumber(t.value);
      if (n === undefined) return undefined;
      key += TAG.num + n;
    } else if (t.kind === 'alpha') key += TAG.alpha + encodeString(t.value);
    else key += TAG[t.kind];
  }
  return key + TAG.end;
}

export const rpmScheme: VersionScheme = {
  compare(a, b) {
    const x = parseRpmEvr(a);
    const y = parseRpmEvr(b);
    if (x === undefined || y === undefined) return undefined;
    return compareDigits(x.epoch, y.epoch) || rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release);
  },
  sortKey(version) {
    const v = parseRpmEvr(version);
    if (v === undefined) return undefined;
    const parts = [encodeNumber(v.epoch), rpmStringKey(v.version), rpmStringKey(v.release)];
    return parts.some((p) => p === undefined) ? undefined : parts.join('');
  },
};
