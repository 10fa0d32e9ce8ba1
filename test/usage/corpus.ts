// The where-used exactness corpus: real upstream SBOMs (see ../fixtures/usage-corpus/NOTICE.md)
// plus three hand-written decoys, each bound to its own artifact and service through the real
// ingest route. Expected answers in the tests are written by hand from the fixture files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestApp } from '../helpers/app.ts';
import type { UsageMatch, UsageResult } from '../../src/search/usage.service.ts';

export const dig = (pair: string) => `sha256:${pair.repeat(32)}`;

/** Artifacts of the corpus, by a short name used in the tests. */
export const ART = {
  laravel: dig('a1'), // composer, CycloneDX 1.4 JSON, with a dependency graph
  juice: dig('a2'), // npm, CycloneDX 1.4 JSON (no dependency graph in the excerpt)
  dropwizard: dig('a3'), // maven, CycloneDX 1.2 XML, every purl with ?type=jar
  examplemaven: dig('a4'), // SPDX 2.3 JSON, packages without purls
  cargo: dig('a5'), // SPDX 2.3 JSON, cargo purls (root package has a deb purl with a qualifier)
  gomods: dig('a6'), // SPDX 2.2 JSON, go modules without purls or versions
  decoyA: dig('b1'), // hand-written CycloneDX 1.5 decoys
  decoyB: dig('b2'),
  decoyC: dig('b3'),
  decoyD: dig('b4'), // hand-written: openssl as apk and as deb
} as const;

export const CORPUS: Array<{ file: string; artifact: string; service: string; name: string; contentType: string; componentCount: number }> = [
  { file: 'cdx-laravel-7.12.0-excerpt.bom.1.4.json', artifact: ART.laravel, service: 'php-portal', name: 'laravel-demo', contentType: 'application/vnd.cyclonedx+json', componentCount: 40 },
  { file: 'cdx-juice-shop-14.1.1-excerpt.bom.1.4.json', artifact: ART.juice, service: 'juice-shop', name: 'juice-shop', contentType: 'application/vnd.cyclonedx+json', componentCount: 8 },
  { file: 'cdx-dropwizard-1.3.15-excerpt.bom.xml', artifact: ART.dropwizard, service: 'dw-api', name: 'dropwizard', contentType: 'application/vnd.cyclonedx+xml', componentCount: 13 },
  { file: 'spdx-examples-example08-examplemaven.spdx.json', artifact: ART.examplemaven, service: 'examplemaven', name: 'examplemaven', contentType: 'application/spdx+json', componentCount: 5 },
  { file: 'spdx-examples-example11-cargo.spdx.json', artifact: ART.cargo, service: 'hello-server', name: 'hello-server', contentType: 'application/spdx+json', componentCount: 3 },
  // example07 describes three modules: the document is the root and all three are components.
  { file: 'spdx-examples-example07-go-modules.spdx.json', artifact: ART.gomods, service: 'hello-go', name: 'hello-go', contentType: 'application/spdx+json', componentCount: 3 },
  { file: 'decoy-a.cdx.json', artifact: ART.decoyA, service: 'decoy-a', name: 'decoy-a', contentType: 'application/vnd.cyclonedx+json', componentCount: 6 },
  { file: 'decoy-b.cdx.json', artifact: ART.decoyB, service: 'decoy-b', name: 'decoy-b', contentType: 'application/vnd.cyclonedx+json', componentCount: 5 },
  { file: 'decoy-c.cdx.json', artifact: ART.decoyC, service: 'decoy-c', name: 'decoy-c', contentType: 'application/vnd.cyclonedx+json', componentCount: 3 },
  { file: 'decoy-d.cdx.json', artifact: ART.decoyD, service: 'decoy-d', name: 'decoy-d', contentType: 'application/vnd.cyclonedx+json', componentCount: 2 },
];

export function fixture(file: string): Buffer {
  return readFileSync(new URL(`../fixtures/usage-corpus/${file}`, import.meta.url));
}

/** Ingest the whole corpus through POST /v1/sboms; returns the SBOM id per artifact. */
export async function ingestCorpus(t: TestApp): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const f of CORPUS) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/sboms?artifact=${f.artifact}&service=${encodeURIComponent(f.service)}&name=${encodeURIComponent(f.name)}`,
      headers: { ...t.auth(), 'content-type': f.contentType },
      payload: fixture(f.file),
    });
    assert.equal(res.statusCode, 201, `${f.file}: ${res.body}`);
    const body = res.json() as { id: string; componentCount: number; subject: { digest?: string } };
    assert.equal(body.subject.digest, f.artifact, f.file);
    assert.equal(body.componentCount, f.componentCount, f.file);
    ids.set(f.artifact, body.id);
  }
  return ids;
}

// The service's own types: the tests assert on the contract the route returns.
export type Match = UsageMatch;
export type Result = UsageResult;

export function usageClient(t: TestApp) {
  const get = (params: Record<string, string | number | undefined>, headers: Record<string, string> = {}) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, String(v));
    return t.app.inject({ method: 'GET', url: `/v1/components/usage?${qs.toString()}`, headers: { ...t.auth(), ...headers } });
  };
  const ok = async (params: Record<string, string | number | undefined>): Promise<Result> => {
    const res = await get(params);
    assert.equal(res.statusCode, 200, `${JSON.stringify(params)} → ${res.body}`);
    return res.json() as Result;
  };
  return { get, ok };
}

/** The (component, artifact digest) pairs of a result, sorted, as "component  digest". */
export function pairs(r: Result): string[] {
  return r.matches.map((m) => `${m.component}  ${m.artifact?.digest ?? '-'}`).sort();
}

export const pair = (component: string, artifact: string) => `${component}  ${artifact}`;
export const set = (...p: string[]) => [...p].sort();
