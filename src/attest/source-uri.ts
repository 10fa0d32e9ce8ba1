/**
 * Normalises the source URIs found in SLSA provenance into a comparable
 * `repo` (host/path, no scheme, no `.git`), `ref` and `commit`.
 *
 * Forms seen in the wild:
 * - `git+https://github.com/o/r@refs/heads/main` (slsa-github-generator,
 *   SPDX-style VCS locator: https://spdx.github.io/spdx-spec/v2.3/package-information/#771-description)
 * - `git+https://github.com/o/r.git@<sha>` and `...#<ref>`
 * - `https://github.com/o/r` (GitHub Actions buildType `workflow.repository`)
 * - `github.com/o/r`
 */
export interface NormalisedSource {
  repo: string;
  ref?: string;
  commit?: string;
}

const HEX_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function normaliseSourceUri(uri: string): NormalisedSource {
  let rest = uri.trim();
  let ref: string | undefined;
  let commit: string | undefined;

  // `git+https://` → `https://`; then strip any scheme.
  rest = rest.replace(/^git\+/, '');
  const hadScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(rest);
  rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  // Strip user-info (e.g. `git@` from ssh URLs written as ssh://git@host/...).
  const slash = rest.indexOf('/');
  const at0 = rest.indexOf('@');
  if (at0 >= 0 && (slash < 0 || at0 < slash)) {
    rest = rest.slice(at0 + 1);
    // scp-like syntax `git@github.com:o/r.git`: the first `:` separates host and path.
    if (!hadScheme) rest = rest.replace(/^([^/:]+):(?!\d+\/)/, '$1/');
  }

  // The revision is after the first `@` or `#` that follows the host.
  const revAt = rest.search(/[@#]/);
  if (revAt >= 0) {
    const rev = rest.slice(revAt + 1);
    rest = rest.slice(0, revAt);
    if (HEX_COMMIT.test(rev)) commit = rev;
    else if (rev !== '') ref = rev;
  }
  rest = rest.replace(/\/+$/, '').replace(/\.git$/, '');
  const [host = '', ...path] = rest.split('/');
  const repo = [host.toLowerCase(), ...path].join('/');
  const out: NormalisedSource = { repo };
  if (ref !== undefined) out.ref = ref;
  if (commit !== undefined) out.commit = commit;
  return out;
}
