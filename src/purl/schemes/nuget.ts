/**
 * NuGet version order (https://learn.microsoft.com/en-us/nuget/concepts/package-versioning):
 * up to four numeric parts (missing ones are 0, so `1.0` = `1.0.0.0`), then SemVer 2.0.0
 * prerelease labels compared case-insensitively; build metadata is ignored.
 */
import { compareDigits, compareStrings, type VersionScheme } from '../sort-key-encoding.ts';
import { semverKey } from './semver.ts';

interface NugetVersion {
  numbers: string[];
  prerelease: string[];
}

const NUGET_VERSION = /^v?([0-9]+(?:\.[0-9]+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseNugetVersion(version: string): NugetVersion | undefined {
  const m = NUGET_VERSION.exec(version.trim());
  if (m === null) return undefined;
  const numbers = (m[1] ?? '').split('.');
  while (numbers.length < 4) numbers.push('0');
  // NuGet compares labels with OrdinalIgnoreCase; for [0-9A-Za-z-] lowercasing gives the same order.
  const prerelease = m[2] === undefined ? [] : m[2].toLowerCase().split('.');
  return { numbers, prerelease };
}

function compareLabel(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  return compareStrings(a, b);
}

export const nugetScheme: VersionScheme = {
  compare(a, b) {
    const x = parseNugetVersion(a);
    const y = parseNugetVersion(b);
    if (x === undefined || y === undefined) return undefined;
    for (let i = 0; i < 4; i++) {
      const c = compareDigits(x.numbers[i] ?? '0', y.numbers[i] ?? '0');
      if (c !== 0) return c;
    }
    if (x.prerelease.length === 0 || y.prerelease.length === 0) {
      return y.prerelease.length - x.prerelease.length === 0 ? 0 : x.prerelease.length === 0 ? 1 : -1;
    }
    const n = Math.min(x.prerelease.length, y.prerelease.length);
    for (let i = 0; i < n; i++) {
      const c = compareLabel(x.prerelease[i] ?? '', y.prerelease[i] ?? '');
      if (c !== 0) return c;
    }
    return Math.sign(x.prerelease.length - y.prerelease.length);
  },
  sortKey(version) {
    const parsed = parseNugetVersion(version);
    return parsed === undefined ? undefined : semverKey(parsed.numbers, parsed.prerelease);
  },
};
