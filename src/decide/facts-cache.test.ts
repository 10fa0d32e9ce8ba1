import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FactsCache } from './facts-cache.ts';
import type { ArtifactFacts } from '../policy/index.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** A loader whose loads finish when the test says, recording the scope each was asked for. */
function controlledLoader() {
  const calls: Array<{ scope: ReadonlySet<string>; finish: () => void }> = [];
  const load = (digest: string, scope: ReadonlySet<string>) => new Promise<ArtifactFacts>((resolve) => {
    calls.push({ scope, finish: () => resolve({ digest, attestations: [], provenance: [], vsas: [], sboms: [], componentsByPackage: new Map(), componentScope: scope }) });
  });
  return { calls, load };
}

test('facts are an answer only for the scope they were read for', async () => {
  const { calls, load } = controlledLoader();
  const cache = new FactsCache(load);
  cache.setTrusted(true);
  const before = new Set(['pkg:npm/a']);
  const after = new Set(['pkg:npm/a', 'pkg:npm/b']);
  const first = cache.get(DIGEST, before);
  calls[0]!.finish();
  assert.equal((await first).componentScope, before);
  assert.ok(cache.peek(DIGEST, before));
  assert.equal(cache.peek(DIGEST, after), undefined, 'read without pkg:npm/b, so not an answer for a set that denies it');
  const second = cache.get(DIGEST, after);
  assert.equal(calls.length, 2);
  assert.equal(calls[1]!.scope, after);
  calls[1]!.finish();
  assert.equal((await second).componentScope, after);
});

test('concurrent misses share a load only when they want the same scope', async () => {
  const { calls, load } = controlledLoader();
  const cache = new FactsCache(load);
  cache.setTrusted(true);
  const s1 = new Set<string>();
  const s2 = new Set(['pkg:npm/x']);
  const a = cache.get(DIGEST, s1);
  const b = cache.get(DIGEST, s1);
  const c = cache.get(DIGEST, s2);
  assert.equal(calls.length, 2, 'one load per scope');
  for (const call of calls) call.finish();
  const [fa, fb, fc] = await Promise.all([a, b, c]);
  assert.equal(fa, fb);
  assert.equal(fa.componentScope, s1);
  assert.equal(fc.componentScope, s2);
  assert.equal(cache.misses, 2);
});

test('a load that started before clear() (a policy reload) is not cached after it', async () => {
  const { calls, load } = controlledLoader();
  const cache = new FactsCache(load);
  cache.setTrusted(true);
  const scope = new Set<string>();
  const pending = cache.get(DIGEST, scope);
  cache.clear();
  calls[0]!.finish();
  await pending;
  assert.equal(cache.peek(DIGEST, scope), undefined);
  assert.equal(cache.size, 0);
});
