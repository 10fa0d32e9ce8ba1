/**
 * Generic version order, the fallback for schemes without a specific one (composer,
 * conan, conda, github, unknown schemes...). The vers spec leaves it to be specified:
 * "likely based on a split on any wholly alpha or wholly numeric segments ... like is
 * done in libversion" (VERSION-RANGE-SPEC "Some of the known versioning schemes").
 * Our choice, a simplified libversion (https://github.com/repology/libversion):
 *
 * - a leading `v`/`V` before a digit is ignored (`v1.2` = `1.2`);
 * - the version is split into runs of digits and runs of letters (lowercased); other
 *   characters only separate runs;
 * - each run is one of, in increasing order: a pre-release word (any word not listed
 *   below; known ones rank dev < alpha = a < beta = b < milestone = m < pre = preview <
 *   rc = c = cr < snapshot < any other word), zero (also `final`, `ga`,
 *   `release`, `stable`), a post-release word (`patch`, `post`, `pl`, `p`, `errata`, `sp`,
 *   `rev`, `r`, `u`, and a single letter glued after a number and not followed by one,
 *   as in `1.0.2a`), a positive number;
 * - runs compare pairwise, words of the same kind alphabetically, numbers numerically; a
 *   missing run counts as zero, so `1.0` = `1`, `1.0-beta` < `1.0` < `1.0-patch1` < `1.0.1`.
 *
 * A version without any digit or letter cannot be ordered.
 */
import { compareDigits, compareStrings, encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

type Run = { kind: 'pre' | 'post'; word: string } | { kind: 'zero' } | { kind: 'number'; digits: string };

const RANK: Record<Run['kind'], number> = { pre: 0, zero: 1, post: 2, number: 3 };
const POST_WORDS = new Set(['patch', 'post', 'pl', 'p', 'errata', 'sp', 'rev', 'r', 'u']);
const RELEASE_WORDS = new Set(['final', 'ga', 'release', 'stable']);
const PRE_ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', preview: 'pre', c: 'rc', cr: 'rc' };
const PRE_ORDER = ['dev', 'alpha', 'beta', 'milestone', 'pre', 'rc', 'snapshot'];

/** Known pre-release words get their rank (as one character), others sort after them alphabetically. */
function preRank(word: string): string {
  const i = PRE_ORDER.indexOf(word);
  return String(i < 0 ? PRE_ORDER.length : i);
}

export function genericRuns(version: string): Run[] | undefined {
  const v = version.replace(/^\s*[vV](?=[0-9])/, '').toLowerCase();
  const matches = [...v.matchAll(/[0-9]+|[a-z]+/g)];
  if (matches.length === 0) return undefined;
  const runs: Run[] = matches.map((m, i) => {
    const text = m[0];
    if (/^[0-9]/.test(text)) return /^0+$/.test(text) ? { kind: 'zero' } : { kind: 'number', digits: text.replace(/^0+/, '') };
    if (RELEASE_WORDS.has(text)) return { kind: 'zero' };
    const start = m.index ?? 0;
    const gluedLetter = text.length === 1 && start > 0 && /[0-9]/.test(v[start - 1] ?? '') && !/[0-9]/.test(v[start + 1] ?? '') && matches[i + 1]?.index !== start + 1;
    if (gluedLetter || POST_WORDS.has(text)) return { kind: 'post', word: text };
    const word = PRE_ALIASES[text] ?? text;
    return { kind: 'pre', word: preRank(word) + word };
  });
  while (runs.length > 0 && runs[runs.length - 1]?.kind === 'zero') runs.pop();
  return runs;
}

const ZERO: Run = { kind: 'zero' };

function compareRuns(x: Run[], y: Run[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const a = x[i] ?? ZERO;
    const b = y[i] ?? ZERO;
    if (a.kind !== b.kind) return Math.sign(RANK[a.kind] - RANK[b.kind]);
    let c = 0;
    if (a.kind === 'number' && b.kind === 'number') c = compareDigits(a.digits, b.digits);
    else if ((a.kind === 'pre' || a.kind === 'post') && (b.kind === 'pre' || b.kind === 'post')) c = compareStrings(a.word, b.word);
    if (c !== 0) return c;
  }
  return 0;
}

// Key tags: pre word < zero followed by something smaller < end (= zeros forever) <
// zero followed by something larger < post word < number. A zero in the middle takes the
// side of the next non-zero run, which is what decides against a shorter version.
const TAG = { pre: 'a', zeroThenLess: 'b', end: 'c', zeroThenMore: 'd', post: 'e', number: 'f' } as const;

function genericKey(runs: Run[]): string | undefined {
  let key = '';
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i] as Run;
    if (run.kind === 'number') {
      const n = encodeNumber(run.digits);
      if (n === undefined) return undefined;
      key += TAG.number + n;
    } else if (run.kind === 'zero') {
      const next = runs.slice(i + 1).find((r) => r.kind !== 'zero');
      key += next?.kind === 'pre' ? TAG.zeroThenLess : TAG.zeroThenMore;
    } else key += TAG[run.kind] + encodeString(run.word);
  }
  return key + TAG.end;
}

export const genericScheme: VersionScheme = {
  compare(a, b) {
    const x = genericRuns(a);
    const y = genericRuns(b);
    return x === undefined || y === undefined ? undefined : compareRuns(x, y);
  },
  sortKey(version) {
    const runs = genericRuns(version);
    return runs === undefined ? undefined : genericKey(runs);
  },
};
