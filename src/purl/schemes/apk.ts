/**
 * Alpine apk version order, ported from apk-tools src/version.c (`get_token`,
 * `next_token`, `apk_version_compare_blob`), which the vers spec names for `alpine`.
 *
 * A version is a token stream: numbers separated by `.`, an optional letter,
 * suffixes `_alpha` `_beta` `_pre` `_rc` (before the release) and `_cvs` `_svn`
 * `_git` `_hg` `_p` (after it), each with an optional number, and `-rN`.
 * Streams compare token by token: equal kinds compare by value; different kinds
 * follow apk's rule "a pre-release suffix is smaller than anything, otherwise
 * END < -r < suffix number < suffix < letter < digit".
 */
import { encodeNumber, type VersionScheme } from '../sort-key-encoding.ts';

type TokenType = 'digit_or_zero' | 'digit' | 'letter' | 'suffix' | 'suffix_no' | 'revision_no' | 'end';

// apk's enum order; a larger index sorts LOWER when kinds differ.
const TYPE_INDEX: Record<TokenType, number> = { digit_or_zero: 0, digit: 1, letter: 2, suffix: 3, suffix_no: 4, revision_no: 5, end: 6 };

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

/** One token: its kind and its value (a signed integer written in decimal, digits may be long). */
interface ApkToken {
  type: TokenType;
  negative: boolean;
  digits: string;
}

// The grammar apk_version_validate accepts (without the rarely used `~hash` suffix).
const APK_VERSION = /^[0-9]+(?:\.[0-9]+)*[a-z]?(?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(?:-r[0-9]+)?$/;

export function tokenizeApk(version: string): ApkToken[] | undefined {
  if (!APK_VERSION.test(version)) return undefined;
  const tokens: ApkToken[] = [];
  let s = version;
  let type: TokenType = 'digit';
  for (;;) {
    if (s.length === 0) {
      tokens.push({ type: 'end', negative: false, digits: '0' });
      return tokens;
    }
    let next: TokenType | undefined;
    let token: ApkToken;
    let used = 0;
    if (type === 'digit_or_zero' && s[0] === '0') {
      // Leading zeros after a dot compare like a decimal fraction ("1.01" < "1.1",
      // "1.001" < "1.01"): all zeros but the last count as a negative value and the
      // rest is read as a number, as apk-tools >= 2.12 does. (Older apk-tools consumed
      // every zero, which made "1.0_alpha" sort after "1.0".)
      while (s[used + 1] === '0') used++;
      token = used === 0 ? { type, negative: false, digits: '0' } : { type, negative: true, digits: String(used) };
      next = 'digit';
    } else if (type === 'digit' || type === 'digit_or_zero' || type === 'suffix_no' || type === 'revision_no') {
      const m = /^[0-9]*/.exec(s)?.[0] ?? '';
      used = m.length;
      token = { type, negative: false, digits: m === '' ? '0' : m };
    } else if (type === 'letter') {
      used = 1;
      token = { type, negative: false, digits: String(s.charCodeAt(0)) };
    } else if (type === 'suffix') {
      const pre = PRE_SUFFIXES.findIndex((x) => s.startsWith(x));
      const post = POST_SUFFIXES.findIndex((x) => s.startsWith(x));
      if (pre >= 0) {
        used = PRE_SUFFIXES[pre]?.length ?? 0;
        token = { type, negative: true, digits: String(PRE_SUFFIXES.length - pre) };
      } else if (post >= 0) {
        used = POST_SUFFIXES[post]?.length ?? 0;
        token = { type, negative: false, digits: String(post) };
      } else return undefined;
    } else return undefined;
    tokens.push(token);
    s = s.slice(used);
    if (s.length === 0) type = 'end';
    else if (next !== undefined) type = next;
    else {
      // next_token()
      const c = s[0] ?? '';
      if ((type === 'digit' || type === 'digit_or_zero') && /[a-z]/.test(c)) type = 'letter';
      else if (type === 'letter' && /[0-9]/.test(c)) type = 'digit';
      else if (type === 'suffix' && /[0-9]/.test(c)) type = 'suffix_no';
      else {
        if (c === '.') type = 'digit_or_zero';
        else if (c === '_') type = 'suffix';
        else if (c === '-' && s[1] === 'r') {
          type = 'revision_no';
          s = s.slice(1);
        } else return undefined;
        s = s.slice(1);
      }
    }
  }
}

function compareValue(a: ApkToken, b: ApkToken): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const x = a.digits.replace(/^0+(?=.)/, '');
  const y = b.digits.replace(/^0+(?=.)/, '');
  const c = x.length !== y.length ? Math.sign(x.length - y.length) : x < y ? -1 : x > y ? 1 : 0;
  return a.negative ? -c : c;
}

const isPreSuffix = (t: ApkToken): boolean => t.type === 'suffix' && t.negative;

function compareTokens(x: ApkToken[], y: ApkToken[]): number {
  for (let i = 0; ; i++) {
    const a = x[i];
    const b = y[i];
    if (a === undefined || b === undefined) return 0;
    if (a.type !== b.type) {
      if (isPreSuffix(a)) return -1;
      if (isPreSuffix(b)) return 1;
      return TYPE_INDEX[a.type] > TYPE_INDEX[b.type] ? -1 : 1;
    }
    const c = compareValue(a, b);
    if (c !== 0) return c;
    if (a.type === 'end') return 0;
  }
}

// Key: per token a kind character, then the value. Kind characters follow the order
// used when kinds differ: pre-suffix < end < -r < suffix number < post-suffix < letter < digit < digit-after-dot.
const KIND: Record<TokenType, string> = { end: 'B', revision_no: 'C', suffix_no: 'D', suffix: 'E', letter: 'F', digit: 'G', digit_or_zero: 'H' };
const PRE_SUFFIX_KIND = 'A';

function valueKey(t: ApkToken): string | undefined {
  // Negative values (zero counts, pre-suffixes) are small: '0' + (126 - |v|); positives: '1' + number.
  if (t.negative) {
    const n = Number(t.digits);
    return n > 90 ? undefined : '0' + String.fromCharCode(0x7e - n);
  }
  const n = encodeNumber(t.digits);
  return n === undefined ? undefined : '1' + n;
}

export const apkScheme: VersionScheme = {
  compare(a, b) {
    const x = tokenizeApk(a);
    const y = tokenizeApk(b);
    return x === undefined || y === undefined ? undefined : compareTokens(x, y);
  },
  sortKey(version) {
    const tokens = tokenizeApk(version);
    if (tokens === undefined) return undefined;
    let key = '';
    for (const t of tokens) {
      const v = valueKey(t);
      if (v === undefined) return undefined;
      key += (isPreSuffix(t) ? PRE_SUFFIX_KIND : KIND[t.type]) + v;
    }
    return key;
  },
};
