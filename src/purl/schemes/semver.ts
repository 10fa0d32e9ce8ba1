/**
 * Semantic Versioning 2.0.0 order (https://semver.org/#spec-item-11) for npm, cargo
 * and hex, and Go module versions (https://go.dev/ref/mod#versions).
 *
 * Comparison is delegated to the `semver` package (what npm itself uses); the sort
 * key is built from the same parse so that both agree.
 */
import semver from 'semver';
import type { SemVer } from 'semver';
import { encodeNumber, encodeString, type VersionScheme } from '../sort-key-encoding.ts';

// Key tags. A release sorts after all of its prereleases (semver §11.3), and a
// shorter prerelease list sorts before a longer one that extends it (§11.4.4).
const PRERELEASE = '-';
const RELEASE = '~';
const PRE_END = '0';
const PRE_NUMERIC = '1'; // numeric identifiers sort before alphanumeric ones (§11.4.3)
const PRE_ALPHANUMERIC = '2';

export function semverKey(numbers: readonly string[], prerelease: readonly string[]): string | undefined {
  let key = '';
  for (const n of numbers) {
    const encoded = encodeNumber(n);
    if (encoded === undefined) return undefined;
    key += encoded;
  }
  if (prerelease.length === 0) return key + RELEASE;
  key += PRERELEASE;
  for (const id of prerelease) {
    if (/^[0-9]+$/.test(id)) {
      const encoded = encodeNumber(id);
      if (encoded === undefined) return undefined;
      key += PRE_NUMERIC + encoded;
    } else {
      key += PRE_ALPHANUMERIC + encodeString(id);
    }
  }
  return key + PRE_END;
}

function keyOf(parsed: SemVer): string | undefined {
  return semverKey(
    [String(parsed.major), String(parsed.minor), String(parsed.patch)],
    parsed.prerelease.map(String),
  );
}

function semverScheme(parse: (v: string) => SemVer | null): VersionScheme {
  return {
    compare(a, b) {
      const x = parse(a);
      const y = parse(b);
      if (x === null || y === null) return undefined;
      return x.compare(y);
    },
    sortKey(version) {
      const parsed = parse(version);
      return parsed === null ? undefined : keyOf(parsed);
    },
  };
}

/** npm accepts what `semver` accepts in loose mode (`v1.2.3`, `=1.2.3`). */
export const npmScheme = semverScheme((v) => semver.parse(v, { loose: true }));

/** Cargo and Hex require strict SemVer 2.0.0. */
export const strictSemverScheme = semverScheme((v) => semver.parse(v));

/**
 * Go: canonical versions carry a `v` prefix; `v1` and `v1.2` are shorthands for
 * `v1.0.0` and `v1.2.0` (golang.org/x/mod/semver). We also accept the version
 * without `v` as it sometimes appears in purls. `+incompatible` is build metadata
 * and so ignored by the order. Pseudo-versions
 * (https://go.dev/ref/mod#pseudo-versions) are ordinary prereleases whose
 * fixed-width timestamp makes them order by time.
 */
export function parseGoVersion(version: string): SemVer | null {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(version);
  if (m === null) return null;
  const [, major, minor, patch, rest = ''] = m;
  // The shorthands are only valid without prerelease or build (x/mod/semver).
  if ((minor === undefined || patch === undefined) && rest !== '') return null;
  return semver.parse(`${major}.${minor ?? '0'}.${patch ?? '0'}${rest}`);
}

export const golangScheme = semverScheme(parseGoVersion);
