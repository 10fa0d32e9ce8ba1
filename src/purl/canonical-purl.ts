/**
 * Canonical package URLs (https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst).
 *
 * `packageurl-js` parses the string and applies most type rules of PURL-TYPES; on top of
 * it we (1) serialise ourselves, because its encoder percent-encodes `:` in qualifier
 * values and leaves `!'()*` unencoded, against the spec's "Character encoding"
 * (docs/standard/characters-and-encoding.md: only letters, digits, `.-_~` and `:` stay
 * unencoded); (2) apply the rules it leaves out: golang and alpine lowercasing, subpath
 * `.`/`..` removal, qualifier key syntax and uniqueness; (3) turn every failure into a
 * PurlError, since the library also throws plain Errors (and a ReferenceError for some
 * golang versions).
 *
 * Encoding choices where spec versions disagree: `/` in qualifier values is encoded
 * (`repository_url=repo.spring.io%2Frelease`, as packageurl-js/-java and the purl-spec oci,
 * hex and huggingface vectors do; the maven, generic, npm, mlflow and luarocks vectors and the
 * 2018 test-suite-data.json keep it literal), and `+` is kept literal in versions
 * (`1.2.3-alpha.1+build.456`, purl-spec tests/types/npm-test.json; `1.0+dfsg-1` is common in
 * deb; deb-test.json wants `%2B`) but encoded in names (`libstdc%2B%2B6`). Both are listed as
 * known deviations in purl-spec-vectors.test.ts.
 *
 * Type rules added for the purl-spec type vectors (tests/types/*-test.json): pypi names are
 * PEP 503-normalised (runs of `-_.` become one `-`); npm names/scopes must be URL-safe and a
 * name must not start with `.` or `_`; cpan module names (no namespace) have no `-` and
 * distribution names (with namespace) no `::`; huggingface versions are lowercased only when
 * they are 40-hex commit ids; `name@` with an empty version is rejected.
 */
import { PackageURL } from 'packageurl-js';
import { PurlError } from './errors.ts';

export interface CanonicalPurl {
  /** Canonical string: normalised type/namespace/name, version kept, qualifiers sorted by lowercase key, no empty qualifiers, normalised subpath. */
  purl: string;
  /** `pkg:type/namespace/name`, without version, qualifiers or subpath. */
  packageKey: string;
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
  subpath: string | null;
}

// PURL-SPECIFICATION "Rules for each purl component", qualifiers: "The key must be
// composed only of ASCII letters and numbers, '.', '-' and '_'", must not start with a number.
const QUALIFIER_KEY = /^[a-z.\-_][a-z0-9.\-_]*$/;

// Types whose namespace and name are case-insensitive per PURL-TYPES but which
// packageurl-js 2 leaves alone. golang: the type definition says "must be lowercased"
// (packageurl-js skips it pending purl-spec#196); alpine: an apk alias seen in SBOMs.
const LOWERCASE_TYPES = new Set(['golang', 'alpine']);

function fail(message: string, position?: number): never {
  throw new PurlError('PURL_INVALID', message, position);
}

const UTF8 = new TextEncoder();

/** Percent-encodes all but unreserved characters (RFC 3986) and `safe`, as UTF-8. */
function encode(s: string, safe: string): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9.\-_~]/.test(ch) || safe.includes(ch)) out += ch;
    else for (const byte of UTF8.encode(ch)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
}

type Parts = ReturnType<typeof PackageURL.parseString>;

function parse(input: string): Parts {
  if (typeof input !== 'string') fail('a purl must be a string');
  if (input.trim() === '') fail('empty purl', 0);
  if (!/^pkg:/i.test(input)) fail('a purl must start with "pkg:"', 0);
  checkQualifierKeys(input);
  checkEmptyVersion(input);
  try {
    return PackageURL.parseString(input);
  } catch (e) {
    return fail(`invalid purl: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Qualifier keys must be unique and made of ASCII letters, digits, '.', '-' and '_', not
 * starting with a digit (PURL-SPECIFICATION, qualifiers). Checked on the raw string so the
 * error has a position, and because packageurl-js silently keeps the last of duplicated keys,
 * which would make two different inputs canonicalise alike.
 */
function checkQualifierKeys(input: string): void {
  const hash = input.indexOf('#');
  const q = input.indexOf('?');
  if (q < 0 || (hash >= 0 && q > hash)) return; // a '?' after '#' belongs to the subpath
  const seen = new Set<string>();
  let at = q + 1;
  for (const pair of input.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
    const here = at;
    at += pair.length + 1;
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key = eq < 0 ? pair : pair.slice(0, eq);
    try {
      key = decodeURIComponent(key).toLowerCase();
    } catch {
      fail('invalid percent-encoding in a qualifier key', here);
    }
    if (!QUALIFIER_KEY.test(key)) fail(`invalid qualifier key "${key}"`, here);
    if (seen.has(key)) fail(`duplicate qualifier key "${key}"`, here);
    seen.add(key);
  }
}

/**
 * `pkg:npm/foobar@` — an '@' with nothing after it — is rejected (purl-spec
 * tests/types/npm-test.json, "empty version string"); packageurl-js reads it as no version.
 */
function checkEmptyVersion(input: string): void {
  const end = input.search(/[?#]/);
  const path = (end < 0 ? input : input.slice(0, end)).replace(/\/+$/, '');
  if (path.endsWith('@')) fail('empty version after "@"', path.length - 1);
}

// npm package names (validate-npm-package-name, "new packages"): URL-safe characters only,
// not starting with '.' or '_'. Scopes are '@' plus the same characters. Checked after
// lowercasing, so legacy mixed-case names (normalised to lowercase below) still pass.
const NPM_NAME = /^[a-z0-9\-~!*'()][a-z0-9.\-_~!*'()]*$/;
const NPM_SCOPE = /^@[a-z0-9.\-_~!*'()]+$/;

/** PEP 503 normalisation, as the pypi type definition and purl-spec pypi vectors require. */
function pypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function canonicalizePurl(input: string): CanonicalPurl {
  const [rawType, rawNamespace, rawName, rawVersion, rawQualifiers, rawSubpath] = parse(input);
  if (typeof rawType !== 'string' || rawType === '') fail('missing type', 4);
  if (typeof rawName !== 'string' || rawName === '') fail('missing name');

  let built: PackageURL;
  try {
    // For golang the version is left out of construction: packageurl-js 2.0.1's golang
    // validator throws a ReferenceError for versions like "v1", and it is its only
    // version rule. Other types may require a version (cran, swift), so they get it.
    const isGolang = rawType.toLowerCase() === 'golang';
    built = new PackageURL(rawType, rawNamespace, rawName, isGolang ? undefined : rawVersion, rawQualifiers, rawSubpath);
  } catch (e) {
    return fail(`invalid purl: ${e instanceof Error ? e.message : String(e)}`);
  }
  const type = built.type.toLowerCase();
  let namespace = built.namespace ?? null;
  let name = built.name;
  if (LOWERCASE_TYPES.has(type)) {
    namespace = namespace?.toLowerCase() ?? null;
    name = name.toLowerCase();
  }
  if (namespace !== null) namespace = segments(namespace).join('/') || null;
  if (type === 'pypi') name = pypiName(name);
  if (type === 'cpan') {
    // PURL-TYPES cpan: without a namespace the name is a module (`URI::PackageURL`, no '-');
    // with a namespace (author id) it is a distribution (`URI-PackageURL`, no '::').
    if (namespace === null && name.includes('-')) fail(`cpan module name "${name}" must not contain "-"`);
    if (namespace !== null && name.includes('::')) fail(`cpan distribution name "${name}" must not contain "::"`);
  }
  if (type === 'npm') {
    if (!NPM_NAME.test(name)) fail(`invalid npm package name "${name}"`);
    if (namespace !== null && !NPM_SCOPE.test(namespace)) fail(`invalid npm scope "${namespace}"`);
  }
  let version = type === 'golang' ? (typeof rawVersion === 'string' && rawVersion !== '' ? rawVersion : null) : (built.version || null);
  // huggingface: packageurl-js lowercases every version, but only a commit hash is case
  // insensitive; tags keep their case (purl-spec tests/types/huggingface-test.json,
  // pkg:huggingface/LumiOpen/Poro-34B@100B).
  if (type === 'huggingface' && typeof rawVersion === 'string' && rawVersion !== '') {
    version = /^[0-9a-f]{40}$/i.test(rawVersion) ? rawVersion.toLowerCase() : rawVersion;
  }

  const qualifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(built.qualifiers ?? {})) {
    const k = key.toLowerCase();
    if (!QUALIFIER_KEY.test(k)) fail(`invalid qualifier key "${key}"`);
    if (typeof value === 'string' && value !== '') qualifiers[k] = value;
  }
  const subpathSegments = typeof built.subpath === 'string' ? segments(built.subpath) : [];
  const subpath = subpathSegments.length > 0 ? subpathSegments.join('/') : null;

  const packageKey = `pkg:${type}/${namespace === null ? '' : segments(namespace).map((s) => encode(s, ':')).join('/') + '/'}${encode(name, ':')}`;
  let purl = packageKey;
  if (version !== null) purl += '@' + encode(version, ':+');
  const keys = Object.keys(qualifiers).sort();
  if (keys.length > 0) purl += '?' + keys.map((k) => `${k}=${encode(qualifiers[k] ?? '', ':')}`).join('&');
  if (subpath !== null) purl += '#' + subpathSegments.map((s) => encode(s, ':')).join('/');

  const sortedQualifiers: Record<string, string> = {};
  for (const k of keys) sortedQualifiers[k] = qualifiers[k] ?? '';
  return { purl, packageKey, type, namespace, name, version, qualifiers: sortedQualifiers, subpath };
}

export function tryCanonicalizePurl(input: string): CanonicalPurl | undefined {
  try {
    return canonicalizePurl(input);
  } catch (e) {
    if (e instanceof PurlError) return undefined;
    throw e;
  }
}

/** Components of a purl, as the purl-spec "build" test vectors give them (all decoded). */
export interface PurlComponents {
  type: string | null | undefined;
  namespace?: string | null;
  name: string | null | undefined;
  version?: string | null;
  qualifiers?: Record<string, string> | null;
  subpath?: string | null;
}

// PURL-SPECIFICATION, type: ASCII letters, digits, '.', '+' and '-'; must not start with a digit.
const TYPE = /^[A-Za-z.+\-][A-Za-z0-9.+\-]*$/;

/**
 * Builds the canonical purl from decoded components (the purl-spec "build" operation): each
 * component is percent-encoded, the string assembled and then canonicalised like any input,
 * so `buildPurl(c).purl === canonicalizePurl(buildPurl(c).purl).purl`.
 */
export function buildPurl(c: PurlComponents): CanonicalPurl {
  if (typeof c.type !== 'string' || c.type === '') fail('missing type');
  if (!TYPE.test(c.type)) fail(`invalid type "${c.type}"`);
  if (typeof c.name !== 'string' || c.name === '') fail('missing name');
  let s = `pkg:${c.type}/`;
  if (typeof c.namespace === 'string' && c.namespace !== '') s += segments(c.namespace).map((x) => encode(x, ':')).join('/') + '/';
  s += encode(c.name, ':');
  if (typeof c.version === 'string' && c.version !== '') s += '@' + encode(c.version, ':');
  const entries = Object.entries(c.qualifiers ?? {});
  for (const [key] of entries) if (!QUALIFIER_KEY.test(key.toLowerCase())) fail(`invalid qualifier key "${key}"`);
  if (entries.length > 0) s += '?' + entries.map(([k, v]) => `${k}=${encode(v, ':')}`).join('&');
  if (typeof c.subpath === 'string' && c.subpath !== '') s += '#' + segments(c.subpath).map((x) => encode(x, ':')).join('/');
  return canonicalizePurl(s);
}
