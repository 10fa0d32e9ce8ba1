// Deterministic generator of realistic CycloneDX 1.6 JSON SBOMs for the benchmarks: npm-like
// names (some scoped), semver versions, canonical purls, SHA-256/SHA-512 hashes, licenses, a
// metadata.component root and a full dependency graph (every component has a `dependencies`
// entry; edges only go to later components so the graph is a DAG reachable from the root).
import { createHash } from 'node:crypto';
import { rng } from '../test/helpers/seeded-random.ts';

export const WORDS = [
  'core', 'util', 'utils', 'parse', 'parser', 'json', 'yaml', 'http', 'fetch', 'stream', 'async', 'path', 'glob', 'fs',
  'colors', 'chalk', 'debug', 'log', 'logger', 'config', 'env', 'cli', 'args', 'opts', 'server', 'client', 'router',
  'express', 'react', 'vue', 'dom', 'css', 'style', 'loader', 'plugin', 'babel', 'eslint', 'types', 'test', 'mock',
  'cache', 'store', 'state', 'event', 'emitter', 'queue', 'worker', 'pool', 'buffer', 'crypto', 'hash', 'uuid', 'date',
  'time', 'format', 'string', 'array', 'object', 'deep', 'merge', 'clone', 'equal', 'compare', 'semver', 'resolve',
  'module', 'import', 'require', 'bundle', 'webpack', 'rollup', 'vite', 'esbuild', 'minify', 'terser', 'source',
  'map', 'watch', 'signal', 'exit', 'retry', 'limit', 'throttle', 'debounce', 'color', 'convert', 'escape', 'regex',
  'url', 'query', 'qs', 'cookie', 'session', 'auth', 'jwt', 'token', 'schema', 'validate', 'ajv', 'zod', 'graph',
];
const SCOPES = ['babel', 'types', 'aws-sdk', 'smithy', 'jest', 'octokit', 'angular', 'nestjs', 'vue', 'rollup', 'esbuild', 'sentry'];
const LICENSES = ['MIT', 'Apache-2.0', 'ISC', 'BSD-3-Clause', 'BSD-2-Clause', 'MPL-2.0', '0BSD'];
const LOREM = 'A small, fast, well tested library that does one thing well and composes with the rest of the ecosystem; '
  + 'it supports streaming input, typed options, tree shaking, and has zero runtime dependencies in most configurations. ';

export interface GeneratedSbom {
  bytes: Buffer;
  components: number;
  edges: number;
}

export interface GenerateOptions {
  components: number;
  seed?: number;
  serial?: string;
  /** Long descriptions, several hashes and licenses per component (the ~50 MB memory document). */
  fat?: boolean;
  /** Prefix of every package name, to get documents with disjoint component sets. */
  namePrefix?: string;
  /** Description length in characters (default 400 with fat; no description without fat unless set). */
  descriptionChars?: number;
  /** Max dependsOn per component. */
  fanout?: number;
}

function hex(s: string, alg: 'sha256' | 'sha512' | 'sha1' = 'sha256'): string {
  return createHash(alg).update(s).digest('hex');
}

export function npmName(i: number, r: () => number, prefix = ''): { group?: string; name: string } {
  const w1 = WORDS[i % WORDS.length]!;
  const w2 = WORDS[Math.floor(i / WORDS.length) % WORDS.length]!;
  const n = Math.floor(i / (WORDS.length * WORDS.length));
  const base = `${prefix}${w1}-${w2}${n ? `-${n}` : ''}`;
  if (r() < 0.15) return { group: `@${SCOPES[i % SCOPES.length]}`, name: base };
  return { name: base };
}

export function npmVersion(r: () => number): string {
  const major = Math.floor(r() * r() * 12);
  return `${major}.${Math.floor(r() * 20)}.${Math.floor(r() * 30)}${r() < 0.03 ? `-beta.${Math.floor(r() * 5)}` : ''}`;
}

/** A CycloneDX 1.6 JSON document with `components` components and a full dependency graph. */
export function generateCycloneDx(o: GenerateOptions): GeneratedSbom {
  const r = rng(o.seed ?? 42);
  const n = o.components;
  const fanout = o.fanout ?? 4;
  const refs: string[] = new Array(n);
  const comps: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const { group, name } = npmName(i, r, o.namePrefix);
    const version = npmVersion(r);
    const purl = `pkg:npm/${group ? `${encodeURIComponent(group)}/` : ''}${name}@${version}`;
    refs[i] = purl;
    const c: Record<string, unknown> = {
      type: 'library',
      'bom-ref': purl,
      ...(group ? { group } : {}),
      name,
      version,
      scope: 'required',
      hashes: [{ alg: 'SHA-256', content: hex(purl) }],
      licenses: [{ license: { id: LICENSES[i % LICENSES.length] } }],
      purl,
    };
    if (o.fat || o.descriptionChars !== undefined) {
      const len = (o.descriptionChars ?? 400) + (o.fat ? i % 120 : 0);
      c.description = `${name}: ${LOREM.repeat(Math.ceil(len / LOREM.length)).slice(0, len)}`;
    }
    if (o.fat) {
      c.hashes = [
        { alg: 'SHA-1', content: hex(purl, 'sha1') },
        { alg: 'SHA-256', content: hex(purl) },
        { alg: 'SHA-512', content: hex(purl, 'sha512') },
      ];
      c.licenses = [{ license: { id: LICENSES[i % LICENSES.length] } }, { license: { id: LICENSES[(i + 3) % LICENSES.length] } }];
      c.author = `Maintainer ${i % 997} <maintainer${i % 997}@example.org>`;
      c.externalReferences = [
        { type: 'vcs', url: `git+https://github.com/example-org/${name}.git` },
        { type: 'website', url: `https://www.npmjs.com/package/${group ? `${group}/` : ''}${name}` },
      ];
      c.properties = [{ name: 'cdx:npm:package:path', value: `node_modules/${group ? `${group}/` : ''}${name}` }];
    }
    comps[i] = c;
  }
  // Root depends on the first ~1% (at least 20) components; every component depends on up to
  // `fanout` later ones, so everything is reachable and the graph has no cycles.
  const direct = Math.max(20, Math.floor(n / 100));
  const deps: Array<{ ref: string; dependsOn: string[] }> = [];
  const rootRef = 'pkg:npm/acme-storefront@4.2.0';
  deps.push({ ref: rootRef, dependsOn: refs.slice(0, direct) });
  let edges = direct;
  for (let i = 0; i < n; i++) {
    const out = new Set<string>();
    // Guarantee reachability: component i+direct hangs under component i.
    if (i + direct < n) out.add(refs[i + direct]!);
    const k = Math.floor(r() * fanout);
    for (let j = 0; j < k; j++) {
      const t = i + 1 + Math.floor(r() * Math.min(2000, n - i - 1));
      if (t < n) out.add(refs[t]!);
    }
    edges += out.size;
    deps.push({ ref: refs[i]!, dependsOn: [...out] });
  }
  const doc = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: o.serial ?? 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: {
      timestamp: '2026-11-01T12:00:00Z',
      tools: { components: [{ type: 'application', name: 'cyclonedx-npm', version: '6.0.1' }] },
      component: {
        type: 'application', 'bom-ref': rootRef, name: 'acme-storefront', version: '4.2.0', purl: rootRef,
        hashes: [{ alg: 'SHA-256', content: hex(`artifact-${o.serial ?? ''}`) }],
      },
    },
    components: comps,
    dependencies: deps,
  };
  return { bytes: Buffer.from(JSON.stringify(doc)), components: n, edges };
}

export function serialFor(i: number): string {
  const h = hex(`serial-${i}-${process.pid}`);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
