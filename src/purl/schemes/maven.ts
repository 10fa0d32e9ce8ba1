/**
 * Maven version order: a port of org.apache.maven.artifact.versioning.ComparableVersion
 * (maven-artifact 3.6–3.8, https://maven.apache.org/pom.html#version-order-specification).
 *
 * A version parses into nested lists: `.` separates items of a list, `-` and a change
 * between digits and letters start a sub-list; trailing "null" items (0, "", empty
 * list) are removed. Qualifiers order alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp < any other word (then alphabetically); `a1`, `b1`, `m1`
 * mean alpha-1, beta-1, milestone-1. A missing item is compared as "null".
 *
 * ComparableVersion is not a total order on every input (e.g. `1.0.RC1` < `1.0` <
 * `1.0-1` < `1.0.RC1`), so the sort key can only agree with it where it is consistent;
 * see `mavenListKey` and src/purl/README.md.
 */
import { compareDigits, compareStrings, encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

type Item = { kind: 'int'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(raw: string, followedByDigit: boolean): Item {
  let value = raw;
  if (followedByDigit && value.length === 1) value = { a: 'alpha', b: 'beta', m: 'milestone' }[value] ?? value;
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? { kind: 'int', value: buf.replace(/^0+/, '') || '0' } : stringItem(buf, false);
}

/** ComparableVersion.parseVersion */
export function parseMavenVersion(version: string): Item {
  const v = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  let isDigit = false;
  let start = 0;
  const push = (): void => {
    const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.items.push(sub);
    list = sub;
    stack.push(sub);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? '';
    if (c === '.' || c === '-') {
      list.items.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') push();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.items.push(stringItem(v.slice(start, i), true));
        start = i;
        push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        push();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
    if (!isDigit && list.items.length > 0) push();
    list.items.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop() as Item & { kind: 'list' });
  return root;
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === '0';
  if (item.kind === 'string') return item.value === '';
  return item.items.length === 0;
}

/** ListItem.normalize: drop trailing null items, looking through trailing sub-lists. */
function normalize(list: Item & { kind: 'list' }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const item = list.items[i] as Item;
    if (isNull(item)) list.items.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

/** Item.compareTo(other), other undefined standing for Java's null. */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.value === '0' ? 0 : 1;
      return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
    case 'string':
      if (b === undefined) return compareStrings(comparableQualifier(a.value), RELEASE_INDEX);
      if (b.kind === 'int' || b.kind === 'list') return -1;
      return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    case 'list': {
      if (b === undefined) return a.items[0] === undefined ? 0 : compareItem(a.items[0], undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const l = a.items[i];
        const r = b.items[i];
        const c = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** Sign of an item against null (a missing item). */
function signVsNull(item: Item): number {
  if (item.kind === 'list') {
    // Java looks only at the first item; for the key we take the first non-null one so
    // that a list like [0, 1] ("1-0.1") is not keyed equal to the end of the version.
    const first = item.items.find((x) => !isNull(x));
    return first === undefined ? 0 : signVsNull(first);
  }
  return Math.sign(compareItem(item, undefined));
}

// Key classes of an item, in byte order. Java orders items by kind (string < list < int)
// and each kind against null by value; no linear order satisfies both, so where they
// conflict (a list or string below null against one above it) we keep the null relation,
// which is what decides `1-alpha` < `1` < `1-1`, `1.0.RC1` < `1.0`, `1-sp` > `1`.
const CLASS = {
  stringBelow: '1', // alpha .. snapshot
  nullStringBelow: '2', // "" followed by something below null
  listBelow: '3',
  zeroBelow: '4', // 0 followed by something below null
  end: '5',
  nullStringAbove: '6',
  stringAbove: '7', // sp and unknown words
  listAbove: '8',
  zeroAbove: '9',
  int: ':',
} as const;

function mavenListKey(items: Item[]): string | undefined {
  let key = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Item;
    if (isNull(item) && item.kind !== 'list') {
      // A null-like item in the middle equals a missing item, so against the end of a
      // shorter version the next non-null item decides.
      const next = items.slice(i + 1).find((x) => signVsNull(x) !== 0);
      const below = next !== undefined && signVsNull(next) < 0;
      if (item.kind === 'int') key += below ? CLASS.zeroBelow : CLASS.zeroAbove;
      else key += below ? CLASS.nullStringBelow : CLASS.nullStringAbove;
      continue;
    }
    switch (item.kind) {
      case 'int': {
        const n = encodeNumber(item.value);
        if (n === undefined) return undefined;
        key += CLASS.int + n;
        break;
      }
      case 'string': {
        const q = QUALIFIERS.indexOf(item.value);
        if (q >= 0 && q < QUALIFIERS.indexOf('')) key += CLASS.stringBelow + String(q);
        else key += CLASS.stringAbove + (item.value === 'sp' ? '0' : '1' + encodeString(item.value));
        break;
      }
      case 'list': {
        const inner = mavenListKey(item.items);
        if (inner === undefined) return undefined;
        key += (signVsNull(item) < 0 ? CLASS.listBelow : CLASS.listAbove) + inner;
        break;
      }
    }
  }
  return key + CLASS.end;
}

// Maven accepts any string as a version; we only refuse empty ones and control
// characters, which could not be stored in a text sort key.
const valid = (v: string): boolean => v.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(v);

export const mavenScheme: VersionScheme = {
  compare(a, b) {
    if (!valid(a) || !valid(b)) return undefined;
    return compareItem(parseMavenVersion(a.trim()), parseMavenVersion(b.trim()));
  },
  sortKey(version) {
    if (!valid(version)) return undefined;
    const root = parseMavenVersion(version.trim());
    return root.kind === 'list' ? mavenListKey(root.items) : undefined;
  },
};
