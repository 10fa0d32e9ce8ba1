/**
 * Globs for builder ids, repositories, refs, verifier ids and GitHub claims.
 *
 * Semantics (documented in RULES.md):
 * - `*`  matches any run of characters except `/` (possibly empty);
 * - `**` matches any run of characters including `/`;
 * - `?`  matches exactly one character except `/`;
 * - everything else is literal, and the whole string must match.
 *
 * Why `*` stops at `/`: builder ids and refs are paths, and a `*` that crossed
 * `/` would let `.../workflows/*@refs/tags/v*` match a builder id built from a
 * branch literally named `x@refs/tags/v1`, or `refs/tags/v*` match
 * `refs/tags/v1/../evil`. The documented example
 * `https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*`
 * still matches `generator_generic_slsa3.yml@refs/tags/v2.1.0`.
 */
export class Glob {
  readonly #re: RegExp;
  constructor(readonly pattern: string) {
    this.#re = compileGlob(pattern);
  }
  test(value: string): boolean {
    return this.#re.test(value);
  }
  toString(): string {
    return this.pattern;
  }
}

export class GlobSyntaxError extends Error {}

function compileGlob(pattern: string): RegExp {
  if (pattern === '') throw new GlobSyntaxError('glob must not be empty');
  if (pattern.trim() !== pattern) throw new GlobSyntaxError('glob must not start or end with whitespace');
  if (pattern.includes('***')) throw new GlobSyntaxError("'***' is ambiguous; use '**' or '*'");
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(re + '$', 's');
}

export function matchesAny(globs: readonly Glob[], value: string | undefined): Glob | undefined {
  if (value === undefined) return undefined;
  return globs.find((g) => g.test(value));
}
