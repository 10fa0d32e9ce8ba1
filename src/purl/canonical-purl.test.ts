import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalizePurl, tryCanonicalizePurl } from './canonical-purl.ts';
import { PurlError } from './errors.ts';

interface SuiteCase {
  description: string;
  purl: string;
  canonical_purl: string | null;
  type: string | null;
  namespace: string | null;
  name: string | null;
  version: string | null;
  qualifiers: Record<string, string> | null;
  subpath: string | null;
  is_invalid: boolean;
}

const suite = JSON.parse(
  readFileSync(new URL('../../test/fixtures/purl-spec/test-suite-data.json', import.meta.url), 'utf8'),
) as SuiteCase[];

function assertInvalid(input: string): PurlError {
  let caught: unknown;
  try {
    canonicalizePurl(input);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PurlError, `expected a PurlError for ${JSON.stringify(input)}, got ${String(caught)}`);
  assert.equal(caught.code, 'PURL_INVALID');
  return caught;
}

// The 2018 suite keeps "/" literal in qualifier values; the current spec's character
// encoding rules (and its newer tests) percent-encode it. We follow the current rules.
const currentEncoding = (purl: string | null): string | null => {
  if (purl === null || !purl.includes('?')) return purl;
  const [head, query = ''] = purl.split('?');
  return `${head}?${query.replace(/\//g, '%2F')}`;
};

describe('purl-spec test-suite-data.json', () => {
  for (const c of suite) {
    test(c.description, () => {
      if (c.is_invalid) {
        assertInvalid(c.purl);
        return;
      }
      const got = canonicalizePurl(c.purl);
      assert.equal(got.purl, currentEncoding(c.canonical_purl));
      assert.equal(got.type, c.type);
      assert.equal(got.namespace, c.namespace);
      assert.equal(got.name, c.name);
      assert.equal(got.version, c.version);
      assert.deepEqual(got.qualifiers, c.qualifiers ?? {});
      assert.equal(got.subpath, c.subpath);
      // The canonical form is a fixed point.
      assert.equal(canonicalizePurl(got.purl).purl, got.purl);
    });
  }
});

describe('canonicalizePurl', () => {
  test('case of type, npm names and qualifier keys, and qualifier order do not matter', () => {
    const forms = [
      'pkg:npm/%40angular/core@16.2.0?vcs_url=git%2Bhttps://x&download_url=https://y',
      'pkg:NPM/%40Angular/Core@16.2.0?Download_URL=https%3A%2F%2Fy&VCS_URL=git%2Bhttps://x',
      'pkg://npm/@ANGULAR/CORE@16.2.0?download_url=https://y&vcs_url=git%2bhttps:%2F%2Fx&empty=',
    ];
    const canonical = new Set(forms.map((f) => canonicalizePurl(f).purl));
    assert.deepEqual([...canonical], ['pkg:npm/%40angular/core@16.2.0?download_url=https:%2F%2Fy&vcs_url=git%2Bhttps:%2F%2Fx']);
  });

  test('packageKey drops version, qualifiers and subpath', () => {
    const p = canonicalizePurl('pkg:deb/Debian/Curl@7.50.3-1?distro=jessie&arch=i386#usr/bin');
    assert.equal(p.packageKey, 'pkg:deb/debian/curl');
    assert.equal(p.purl, 'pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie#usr/bin');
    assert.deepEqual(p.qualifiers, { arch: 'i386', distro: 'jessie' });
  });

  test('pypi names are lowercased and "_" becomes "-"', () => {
    assert.equal(canonicalizePurl('pkg:pypi/Django_Rest_Framework@3.14.0').purl, 'pkg:pypi/django-rest-framework@3.14.0');
  });

  test('maven namespace and name keep their case', () => {
    assert.equal(canonicalizePurl('pkg:maven/HTTPClient/HTTPClient@0.3-3').packageKey, 'pkg:maven/HTTPClient/HTTPClient');
  });

  test('rpm lowercases the namespace (vendor) only; apk, alpine, golang, hex, composer, github, bitbucket, oci lowercase names', () => {
    assert.equal(canonicalizePurl('pkg:rpm/Fedora/NetworkManager@1.0').packageKey, 'pkg:rpm/fedora/NetworkManager');
    assert.equal(canonicalizePurl('pkg:apk/Alpine/Curl@8.5.0-r0?arch=x86_64&distro=3.19').purl, 'pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64&distro=3.19');
    assert.equal(canonicalizePurl('pkg:alpine/Curl@8.5.0-r0').packageKey, 'pkg:alpine/curl');
    assert.equal(canonicalizePurl('pkg:golang/github.com/Sirupsen/Logrus@v1.9.3').purl, 'pkg:golang/github.com/sirupsen/logrus@v1.9.3');
    assert.equal(canonicalizePurl('pkg:hex/Phoenix@1.7.0').packageKey, 'pkg:hex/phoenix');
    assert.equal(canonicalizePurl('pkg:composer/Laravel/Framework@10.0.0').packageKey, 'pkg:composer/laravel/framework');
    assert.equal(canonicalizePurl('pkg:github/Package-URL/Purl-Spec').packageKey, 'pkg:github/package-url/purl-spec');
    assert.equal(canonicalizePurl('pkg:bitbucket/Foo/Bar').packageKey, 'pkg:bitbucket/foo/bar');
    assert.equal(canonicalizePurl('pkg:oci/Debian@sha256%3A244fd47e07d10?repository_url=docker.io/library/debian').purl, 'pkg:oci/debian@sha256:244fd47e07d10?repository_url=docker.io%2Flibrary%2Fdebian');
  });

  test('golang versions that packageurl-js 2.0.1 chokes on are accepted', () => {
    assert.equal(canonicalizePurl('pkg:golang/golang.org/x/net@v0.0.0-20191109021931-daa7c04131f5').version, 'v0.0.0-20191109021931-daa7c04131f5');
    assert.equal(canonicalizePurl('pkg:golang/github.com/foo/bar@v1').version, 'v1');
  });

  test('subpath: empty, "." and ".." segments are removed', () => {
    assert.equal(canonicalizePurl('pkg:golang/google.golang.org/genproto#/googleapis/./api/../annotations//').subpath, 'googleapis/api/annotations');
    assert.equal(canonicalizePurl('pkg:npm/foo#..').subpath, null);
    assert.equal(canonicalizePurl('pkg:npm/foo#a?1=2').purl, 'pkg:npm/foo#a%3F1%3D2');
  });

  test('version is kept as is (percent-decoded) and re-encoded', () => {
    const p = canonicalizePurl('pkg:maven/g/a@1.0.0%20Final');
    assert.equal(p.version, '1.0.0 Final');
    assert.equal(p.purl, 'pkg:maven/g/a@1.0.0%20Final');
    assert.equal(canonicalizePurl('pkg:deb/debian/bash@1:5.2-2').purl, 'pkg:deb/debian/bash@1:5.2-2');
    // '+' stays literal in versions, is encoded elsewhere; ':' is never encoded.
    assert.equal(canonicalizePurl('pkg:deb/debian/libstdc++6@12.2.0-14+deb12u1').purl, 'pkg:deb/debian/libstdc%2B%2B6@12.2.0-14+deb12u1');
    assert.equal(canonicalizePurl('pkg:npm/foobar@1.2.3-alpha.1%2Bbuild.456').purl, 'pkg:npm/foobar@1.2.3-alpha.1+build.456');
    assert.equal(canonicalizePurl('pkg:generic/bitwarderl?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d').purl, 'pkg:generic/bitwarderl?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d');
    assert.equal(canonicalizePurl('pkg:npm/foo@1.0.0#src/%F0%9F%98%83/file.js').purl, 'pkg:npm/foo@1.0.0#src/%F0%9F%98%83/file.js');
    assert.equal(canonicalizePurl("pkg:generic/a@1?x=(it's)*!").purl, 'pkg:generic/a@1?x=%28it%27s%29%2A%21');
  });

  test('malformed purls throw PurlError PURL_INVALID, never a TypeError', () => {
    for (const bad of ['', ' ', 'garbage', 'pkg:', 'pkg:/', 'pkg:npm', 'pkg:npm/', 'http://npm/foo', 'pkg:npm/foo?=x', 'pkg:npm/foo?1a=x', 'pkg:npm/foo?a%20b=x', 'pkg:maven/@1.3.4', 'pkg:swift/Alamofire@5.4.3', 'pkg:%zz/foo', 'pkg:npm/foo%zz',
      // from purl-spec tests/spec/specification-test.json
      'pkg:n&g?inx/nginx@0.8.9', 'pkg:3nginx/nginx@0.8.9', 'pkg:nginx:a/nginx@0.8.9', 'pkg%3Amaven/org.apache.commons/io']) {
      assertInvalid(bad);
    }
    assert.equal(assertInvalid('garbage').position, 0);
    assert.equal(assertInvalid(null as unknown as string).code, 'PURL_INVALID');
  });

  test('qualifier keys must be unique and well formed; the error points at the key', () => {
    assert.equal(assertInvalid('pkg:npm/foo@1?a=1&A=2').position, 18);
    assert.equal(assertInvalid('pkg:npm/foo@1?b=1&1a=2').position, 18);
    assert.equal(assertInvalid('pkg:npm/myartifact@1.0.0?in%20production=true').position, 25);
    assert.equal(canonicalizePurl('pkg:npm/foo@1?&a=1&&b=2&').purl, 'pkg:npm/foo@1?a=1&b=2');
  });

  test('fuzz: any input gives a CanonicalPurl or a PurlError, and canonical forms are fixed points', () => {
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = ['pkg:', 'pkg://', 'npm', 'NPM', 'maven', 'golang', 'pypi', 'deb', 'conan', 'swift', 'cran', '/', '//', '@', '%40', '%', '%2', '%zz', '?', '&', '=', '#', '.', '..', 'a', 'B', '1', 'é', ' ', ':', '+', '_', '-', '%20', 'arch=x86', 'distro=', 'v1.2.3'];
    let valid = 0;
    for (let i = 0; i < 3000; i++) {
      const input = Array.from({ length: 1 + Math.floor(next() * 10) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      try {
        const p = canonicalizePurl(input);
        assert.equal(canonicalizePurl(p.purl).purl, p.purl, `${input} -> ${p.purl} is not a fixed point`);
        valid++;
      } catch (e) {
        assert.ok(e instanceof PurlError, `${JSON.stringify(input)} threw ${String(e)}`);
      }
    }
    assert.ok(valid > 0);
  });

  test('tryCanonicalizePurl returns undefined instead of throwing', () => {
    assert.equal(tryCanonicalizePurl('garbage'), undefined);
    assert.equal(tryCanonicalizePurl('pkg:npm/foo@1.0.0')?.purl, 'pkg:npm/foo@1.0.0');
  });
});
