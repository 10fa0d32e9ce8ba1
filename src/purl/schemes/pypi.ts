/**
 * PEP 440 version order (https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering),
 * following the reference implementation `packaging.version` (its `_cmpkey`).
 * Parsing accepts the normalisations of PEP 440 §Normalization: case, `alpha`/`beta`/`c`/`pre`/`preview`
 * spellings, `-`/`_`/`.` separators, implicit numbers, `v` prefix and `-N` post releases.
 */
import { compareDigits, compareStrings, encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

// https://packaging.python.org/en/latest/specifications/version-specifiers/#appendix-parsing-version-strings-with-regular-expressions
const PEP440 = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

type PreKind = 'a' | 'b' | 'rc';

export interface Pep440Version {
  epoch: string;
  /** Release numbers with trailing zeros removed (1.0 == 1). */
  release: string[];
  pre?: { kind: PreKind; n: string };
  post?: string;
  dev?: string;
  local?: string[];
}

const PRE_KIND: Record<string, PreKind> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };
const PRE_RANK: Record<PreKind, string> = { a: 'a', b: 'b', rc: 'c' };

export function parsePep440(version: string): Pep440Version | undefined {
  const g = PEP440.exec(version)?.groups;
  if (g === undefined) return undefined;
  const release = (g['release'] ?? '0').split('.').map((n) => n.replace(/^0+(?=.)/, ''));
  while (release.length > 1 && /^0+$/.test(release[release.length - 1] ?? '')) release.pop();
  const parsed: Pep440Version = { epoch: g['epoch'] ?? '0', release };
  if (g['pre_l'] !== undefined) parsed.pre = { kind: PRE_KIND[g['pre_l'].toLowerCase()] ?? 'rc', n: g['pre_n'] ?? '0' };
  if (g['post'] !== undefined) parsed.post = g['post_n1'] ?? g['post_n2'] ?? '0';
  if (g['dev'] !== undefined) parsed.dev = g['dev_n'] ?? '0';
  if (g['local'] !== undefined) parsed.local = g['local'].toLowerCase().split(/[-_.]/);
  return parsed;
}

// A release with only a dev segment sorts before its prereleases (1.0.dev0 < 1.0a1);
// no prerelease sorts after all prereleases.
function preRank(v: Pep440Version): [number, string, string] {
  if (v.pre !== undefined) return [1, PRE_RANK[v.pre.kind], v.pre.n];
  if (v.post === undefined && v.dev !== undefined) return [0, '', '0'];
  return [2, '', '0'];
}

function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    // Alphanumeric local segments sort before numeric ones (PEP 440 "Local version identifiers").
    const c = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  let c = compareDigits(a.epoch, b.epoch);
  if (c !== 0) return c;
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    c = compareDigits(a.release[i] ?? '0', b.release[i] ?? '0');
    if (c !== 0) return c;
  }
  const [ar, al, an] = preRank(a);
  const [br, bl, bn] = preRank(b);
  c = ar - br || compareStrings(al, bl) || compareDigits(an, bn);
  if (c !== 0) return c;
  // No post release sorts before any post release.
  if (a.post !== b.post) {
    if (a.post === undefined) return -1;
    if (b.post === undefined) return 1;
    c = compareDigits(a.post, b.post);
    if (c !== 0) return c;
  }
  // No dev release sorts after any dev release.
  if (a.dev !== b.dev) {
    if (a.dev === undefined) return 1;
    if (b.dev === undefined) return -1;
    c = compareDigits(a.dev, b.dev);
    if (c !== 0) return c;
  }
  return compareLocal(a.local, b.local);
}

function pep440Key(v: Pep440Version): string | undefined {
  const parts: Array<string | undefined> = [encodeNumber(v.epoch)];
  // 'n' per release number, '#' ends the release: trailing zeros are already dropped so
  // a shorter release is a smaller one.
  const release = v.release.length === 1 && /^0+$/.test(v.release[0] ?? '') ? [] : v.release;
  for (const r of release) parts.push('n', encodeNumber(r));
  parts.push('#');
  const [rank, letter, n] = preRank(v);
  parts.push(String(rank), letter, encodeNumber(n));
  parts.push(v.post === undefined ? 'a' : 'b', v.post === undefined ? '' : encodeNumber(v.post));
  parts.push(v.dev === undefined ? 'z' : 'b', v.dev === undefined ? '' : encodeNumber(v.dev));
  if (v.local === undefined) parts.push('a');
  else {
    parts.push('b');
    for (const seg of v.local) {
      if (/^[0-9]+$/.test(seg)) parts.push('d', encodeNumber(seg));
      else parts.push('c', encodeString(seg));
    }
    parts.push('#');
  }
  return parts.some((p) => p === undefined) ? undefined : parts.join('');
}

export const pypiScheme: VersionScheme = {
  compare(a, b) {
    const x = parsePep440(a);
    const y = parsePep440(b);
    return x === undefined || y === undefined ? undefined : comparePep440(x, y);
  },
  sortKey(version) {
    const parsed = parsePep440(version);
    return parsed === undefined ? undefined : pep440Key(parsed);
  },
};
