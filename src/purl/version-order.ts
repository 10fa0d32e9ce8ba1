/**
 * Per-ecosystem version order: which scheme a purl type (or a vers versioning scheme)
 * uses, and the comparison and sort key of that scheme.
 */
import { apkScheme } from './schemes/apk.ts';
import { debScheme } from './schemes/deb.ts';
import { gemScheme } from './schemes/gem.ts';
import { genericScheme } from './schemes/generic.ts';
import { mavenScheme } from './schemes/maven.ts';
import { nugetScheme } from './schemes/nuget.ts';
import { pypiScheme } from './schemes/pypi.ts';
import { rpmScheme } from './schemes/rpm.ts';
import { golangScheme, npmScheme, strictSemverScheme } from './schemes/semver.ts';
import type { VersionScheme } from './sort-key-encoding.ts';

export type VersionOrder = (a: string, b: string) => number | undefined;

/**
 * Versioning scheme names, as used in `vers:<scheme>/...`
 * (VERSION-RANGE-SPEC "Some of the known versioning schemes"); `alpine` is the vers
 * name of apk versions.
 */
const SCHEMES: Record<string, VersionScheme> = {
  npm: npmScheme,
  cargo: strictSemverScheme,
  hex: strictSemverScheme,
  semver: strictSemverScheme,
  golang: golangScheme,
  nuget: nugetScheme,
  maven: mavenScheme,
  pypi: pypiScheme,
  deb: debScheme,
  rpm: rpmScheme,
  alpine: apkScheme,
  gem: gemScheme,
  generic: genericScheme,
};

// purl types whose name differs from their versioning scheme's.
const TYPE_TO_SCHEME: Record<string, string> = {
  apk: 'alpine',
  alpine: 'alpine',
  // Debian-style versions in Ubuntu and in vers' older `debian` spelling.
  debian: 'deb',
  ubuntu: 'deb',
  // Go purls sometimes use the `go` spelling.
  go: 'golang',
  rubygems: 'gem',
  crates: 'cargo',
};

/**
 * The versioning scheme of a purl type or vers scheme (lowercased): `npm`, `cargo`,
 * `hex`, `golang`, `nuget`, `maven`, `pypi`, `deb`, `rpm`, `alpine`, `gem`, or the
 * name itself for types without a specific order (composer, conan, github, ...), which
 * are compared with the generic scheme.
 */
export function ecosystemOf(purlType: string): string {
  const t = purlType.toLowerCase();
  return TYPE_TO_SCHEME[t] ?? t;
}

function schemeOf(purlType: string): VersionScheme {
  return SCHEMES[ecosystemOf(purlType)] ?? genericScheme;
}

/** The version order of a purl type or vers scheme. */
export function versionOrderOf(purlType: string): VersionOrder {
  const scheme = schemeOf(purlType);
  return (a, b) => {
    const c = scheme.compare(a, b);
    return c === undefined ? undefined : Math.sign(c) || 0;
  };
}

/** Negative, zero or positive; undefined when a or b is not a valid version of the ecosystem. */
export function compareVersions(purlType: string, a: string, b: string): number | undefined {
  return versionOrderOf(purlType)(a, b);
}

export function isOrderable(purlType: string, version: string): boolean {
  return schemeOf(purlType).compare(version, version) !== undefined;
}

/**
 * A text key whose byte order (PostgreSQL COLLATE "C") agrees with the ecosystem's
 * order; undefined when the version cannot be ordered. Only comparable between
 * versions of the same scheme.
 */
export function versionSortKey(purlType: string, version: string): string | undefined {
  return schemeOf(purlType).sortKey(version);
}
