/**
 * `vers:` version range specifiers, per the purl VERSION-RANGE-SPEC
 * (https://github.com/package-url/purl-spec/blob/master/VERSION-RANGE-SPEC.rst).
 */
import { VersError } from './errors.ts';
import { versionOrderOf, type VersionOrder } from './version-order.ts';

export type VersComparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '*';

export interface VersConstraint {
  comparator: VersComparator;
  version: string;
}

export interface VersRange {
  scheme: string;
  /** Sorted by version (when the scheme can order them), each version once. */
  constraints: VersConstraint[];
  /** The input as given. */
  raw: string;
}

export type VersMatch = 'in' | 'out' | 'unorderable';

export interface VersBound {
  version: string;
  inclusive: boolean;
}

interface Located extends VersConstraint {
  /** Offset of the constraint in the raw input, for error reporting. */
  position: number;
}

// Characters that cannot appear unencoded in a version: they are vers syntax.
const RESERVED_IN_VERSION = /[<>=!*]/;

/**
 * Parses `vers:<scheme>/<constraints>` as in the spec section "Parsing and validating
 * version range specifiers", then sorts and validates the constraints.
 *
 * Leniency (decided here, the spec allows tools to normalise):
 * - constraints given out of version order are accepted and sorted: the order carries
 *   no meaning and the containment algorithm needs sorted input;
 * - consecutive, leading and trailing pipes are ignored, as the spec says;
 * - an unknown scheme is accepted and ordered with the generic scheme.
 * Errors (VersError 'VERS_INVALID' with the offset into `input`): missing or
 * non-lowercase `vers:` prefix, missing or non-lowercase scheme, empty constraints,
 * `*` with anything else, a comparator without a version, a reserved character or a
 * bad percent-escape in a version, a bound (`<`, `<=`, `>`, `>=`) that the scheme cannot
 * order (`<=2.17.x` would otherwise make every version 'unorderable'; an `=` or `!=` may
 * name anything, such as npm's `latest`), a duplicated version (spec "Versions are unique"),
 * and comparators that do not alternate (spec "Version constraints normalization and
 * validation": e.g. `>=1|>=2`), checked only when the scheme can order all versions.
 */
export function parseVers(input: string): VersRange {
  if (typeof input !== 'string') throw new VersError('VERS_INVALID', 'a version range must be a string', 0);
  // "Remove all spaces and tabs", keeping where each remaining character came from.
  let s = '';
  const at: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i] ?? '';
    if (c === ' ' || c === '\t') continue;
    s += c;
    at.push(i);
  }
  at.push(input.length);
  const pos = (i: number): number => at[Math.min(i, at.length - 1)] ?? input.length;
  const fail = (message: string, i: number): never => {
    throw new VersError('VERS_INVALID', message, pos(i));
  };

  if (!s.startsWith('vers:')) fail('a version range must start with "vers:"', 0);
  const slash = s.indexOf('/', 5);
  if (slash < 0) fail('missing "/" after the versioning scheme', s.length);
  const scheme = s.slice(5, slash);
  if (scheme === '') fail('empty versioning scheme', 5);
  const badSchemeChar = /[^a-z0-9.+-]/.exec(scheme);
  if (badSchemeChar !== null) fail('the versioning scheme must be lowercase letters, digits, ".", "+" or "-"', 5 + badSchemeChar.index);

  const body = slash + 1;
  const constraintsText = s.slice(body);
  if (constraintsText === '' || /^\|*$/.test(constraintsText)) fail('empty version constraints', body);
  if (constraintsText.startsWith('*')) {
    if (constraintsText !== '*') fail('"*" must be the only constraint', body + 1);
    return { scheme, constraints: [{ comparator: '*', version: '*' }], raw: input };
  }

  const located: Located[] = [];
  let start = body;
  for (const piece of constraintsText.split('|')) {
    const here = start;
    start += piece.length + 1;
    if (piece === '') continue; // "Consecutive pipes must be treated as one"
    const comparator = (['>=', '<=', '!=', '<', '>', '='] as const).find((c) => piece.startsWith(c));
    const versionAt = here + (comparator?.length ?? 0);
    const encoded = s.slice(versionAt, here + piece.length);
    if (encoded === '') fail('a constraint needs a version', versionAt);
    const reserved = RESERVED_IN_VERSION.exec(encoded);
    if (reserved !== null) fail(`"${reserved[0]}" must be percent-encoded in a version`, versionAt + reserved.index);
    located.push({ comparator: comparator ?? '=', version: percentDecode(encoded, (offset) => fail('invalid percent-encoding', versionAt + offset)), position: pos(here) });
  }

  const constraints = sortAndValidate(scheme, located);
  return { scheme, constraints, raw: input };
}

/**
 * Strict counterpart of parseVers: accepts only the canonical text form that the vers-spec test
 * suite's "required" canonical-parse vectors define (vers_canonical_parse_test.json), and rejects,
 * with the offset of the problem: whitespace; leading, trailing or consecutive pipes; constraints
 * not sorted by version; lowercase hex in percent-escapes; and the datetime scheme's non-canonical
 * forms. The same suite's containment vectors use non-canonical ranges, so parseVers (tolerant, as
 * VERSION-RANGE-SPEC "Parsing" describes) stays the parser for queries and policies; this one
 * tells whether a range is already canonical.
 */
export function parseCanonicalVers(input: string): VersRange {
  if (typeof input !== 'string') throw new VersError('VERS_INVALID', 'a version range must be a string', 0);
  const fail = (message: string, i: number): never => {
    throw new VersError('VERS_INVALID', message, Math.min(Math.max(i, 0), input.length));
  };
  const ws = /\s/.exec(input);
  if (ws !== null) fail('non-canonical VERS: whitespace is not permitted', ws.index);
  const slash = input.startsWith('vers:') ? input.indexOf('/', 5) : -1;
  const body = slash + 1;
  if (slash > 0) {
    const text = input.slice(body);
    if (text.startsWith('|')) fail('non-canonical VERS: leading pipe is not permitted', body);
    if (text.length > 1 && text.endsWith('|')) fail('non-canonical VERS: trailing pipe is not permitted', input.length - 1);
    const doublePipe = text.indexOf('||');
    if (doublePipe >= 0) fail('non-canonical VERS: consecutive pipes are not permitted', body + doublePipe + 1);
    const badEscape = /%(?![0-9A-Fa-f]{2})/.exec(text);
    if (badEscape !== null) fail('non-canonical VERS: invalid percent-encoding in version', body + badEscape.index);
    const scheme = input.slice(5, slash);
    if (scheme === 'datetime') {
      const colon = /%3A/i.exec(text);
      if (colon !== null) fail('non-canonical VERS: datetime time colons must be unencoded', body + colon.index);
      const lower = /[tz]/.exec(text);
      if (lower !== null) fail('non-canonical VERS: datetime must use uppercase T and Z', body + lower.index);
    }
    const lowerHex = /%(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])/.exec(text);
    if (lowerHex !== null) fail('non-canonical VERS: percent-encoding in version is not canonical', body + lowerHex.index);
  }
  const range = parseVers(input);
  // parseVers sorts; canonical text is already in that order.
  const written = input.slice(body).split('|');
  let at = body;
  for (const [i, piece] of written.entries()) {
    const c = range.constraints[i];
    const comparator = (['>=', '<=', '!=', '<', '>', '='] as const).find((x) => piece.startsWith(x)) ?? (piece === '*' ? '*' : '=');
    const version = piece.slice(comparator === '=' && !piece.startsWith('=') ? 0 : comparator.length);
    if (!c || c.comparator !== comparator || encodeURIComponent(c.version) !== encodeURIComponent(decodeURIComponentSafe(version))) {
      fail('non-canonical VERS: constraints are not sorted by version', at);
    }
    at += piece.length + 1;
  }
  return range;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function percentDecode(text: string, fail: (offset: number) => never): string {
  if (!text.includes('%')) return text;
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(text);
  if (bad !== null) fail(bad.index);
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(text.indexOf('%'));
  }
}

function sortAndValidate(scheme: string, located: Located[]): VersConstraint[] {
  const order = versionOrderOf(scheme);
  const orderable = located.every((c) => order(c.version, c.version) !== undefined);
  const fail = (message: string, c: Located): never => {
    throw new VersError('VERS_INVALID', message, c.position);
  };
  // A bound the scheme cannot order bounds nothing: every version would compare as
  // 'unorderable' (a typo such as `<=2.17.x` would quietly turn a range into "unknown"). An
  // equality may name anything (npm's `latest`), as equality is decided by the text.
  for (const c of located) {
    if (c.comparator !== '=' && c.comparator !== '!=' && c.comparator !== '*' && order(c.version, c.version) === undefined) {
      fail(`"${c.version}" is not a version the ${scheme} scheme can order, so it cannot be a bound`, c);
    }
  }
  // "Versions are unique": also across comparators, and by the scheme's equality.
  for (let i = 0; i < located.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = located[j] as Located;
      const b = located[i] as Located;
      if (a.version === b.version || (orderable && order(a.version, b.version) === 0)) fail(`duplicated version "${b.version}"`, b);
    }
  }
  if (!orderable) return located.map(({ comparator, version }) => ({ comparator, version }));

  const sorted = [...located].sort((a, b) => order(a.version, b.version) ?? 0);
  // Spec: ignoring "!=", "=" may only be followed by "=", ">" or ">="; ignoring "=" and
  // "!=", "<"/"<=" and ">"/">=" must alternate.
  const withoutUnequal = sorted.filter((c) => c.comparator !== '!=');
  for (let i = 1; i < withoutUnequal.length; i++) {
    const prev = withoutUnequal[i - 1] as Located;
    const cur = withoutUnequal[i] as Located;
    if (prev.comparator === '=' && (cur.comparator === '<' || cur.comparator === '<=')) fail('"=" cannot be followed by "<" or "<="', cur);
  }
  const bounds = withoutUnequal.filter((c) => c.comparator !== '=');
  for (let i = 1; i < bounds.length; i++) {
    const prev = bounds[i - 1] as Located;
    const cur = bounds[i] as Located;
    if (isLess(prev.comparator) === isLess(cur.comparator)) fail(`"${prev.comparator}" cannot be followed by "${cur.comparator}"`, cur);
  }
  return sorted.map(({ comparator, version }) => ({ comparator, version }));
}

const isLess = (c: VersComparator): boolean => c === '<' || c === '<=';
const isGreater = (c: VersComparator): boolean => c === '>' || c === '>=';

function sortedCopy(constraints: readonly VersConstraint[], order: VersionOrder): VersConstraint[] | undefined {
  if (constraints.some((c) => order(c.version, c.version) === undefined)) return undefined;
  return [...constraints].sort((a, b) => order(a.version, b.version) ?? 0);
}

/**
 * Whether `version` is in the range, by the spec's algorithm "Checking if a version is
 * contained within a range". Equality with an `=`, `<=`, `>=` or `!=` constraint decides
 * even for versions the scheme cannot order (then by exact string equality); otherwise an
 * unorderable version (or constraint) gives 'unorderable'.
 *
 * Two cases the spec's pairwise walk leaves open are decided as its intent reads:
 * a single `<`/`>` constraint is checked directly, and a range made only of `!=`
 * constraints contains every other version.
 */
export function versContains(range: VersRange, version: string): VersMatch {
  const cs = range.constraints;
  if (cs.length === 1 && cs[0]?.comparator === '*') return 'in';
  const order = versionOrderOf(range.scheme);
  const equal = (a: string, b: string): boolean => a === b || order(a, b) === 0;

  if (cs.some((c) => (c.comparator === '=' || c.comparator === '<=' || c.comparator === '>=') && equal(version, c.version))) return 'in';
  if (cs.some((c) => c.comparator === '!=' && equal(version, c.version))) return 'out';

  const ranges = cs.filter((c) => c.comparator !== '=' && c.comparator !== '!=');
  if (ranges.length === 0) {
    const onlyUnequal = cs.length > 0 && cs.every((c) => c.comparator === '!=');
    return onlyUnequal ? 'in' : 'out';
  }
  const sorted = sortedCopy(ranges, order);
  if (sorted === undefined || order(version, version) === undefined) return 'unorderable';
  const lt = (a: string, b: string): boolean => (order(a, b) ?? 0) < 0;

  if (sorted.length === 1) {
    const only = sorted[0] as VersConstraint;
    return (isLess(only.comparator) && lt(version, only.version)) || (isGreater(only.comparator) && lt(only.version, version)) ? 'in' : 'out';
  }
  for (let i = 0; i + 1 < sorted.length; i++) {
    const current = sorted[i] as VersConstraint;
    const next = sorted[i + 1] as VersConstraint;
    if (i === 0 && isLess(current.comparator) && lt(version, current.version)) return 'in';
    if (i + 2 === sorted.length && isGreater(next.comparator) && lt(next.version, version)) return 'in';
    if (isGreater(current.comparator) && isLess(next.comparator) && lt(current.version, version) && lt(version, next.version)) return 'in';
  }
  return 'out';
}

/**
 * The tightest bounds containing every version the range can match, for an index range
 * scan on versionSortKey followed by an exact versContains recheck. A missing bound is
 * unbounded; when the versions cannot be ordered the result is unbounded on both sides.
 */
export function versBounds(range: VersRange): { lower?: VersBound; upper?: VersBound } {
  const order = versionOrderOf(range.scheme);
  const cs = range.constraints.filter((c) => c.comparator !== '!=' && c.comparator !== '*');
  if (cs.length === 0) return {}; // "*" or only "!=": everything
  const sorted = sortedCopy(cs, order);
  if (sorted === undefined) return {};
  const first = sorted[0] as VersConstraint;
  const last = sorted[sorted.length - 1] as VersConstraint;
  const bounds: { lower?: VersBound; upper?: VersBound } = {};
  if (!isLess(first.comparator)) bounds.lower = { version: first.version, inclusive: first.comparator !== '>' };
  if (!isGreater(last.comparator)) bounds.upper = { version: last.version, inclusive: last.comparator !== '<' };
  return bounds;
}
