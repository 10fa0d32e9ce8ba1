import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeMemberships, type Inventory } from './index.ts';

const inv = (over: Partial<Inventory>): Inventory => ({ format: 'cyclonedx', encoding: 'json', specVersion: '1.6', components: [], edges: [], findings: [], ...over });
const c = (ref: string, nestedIn?: string) => ({ ref, name: ref, hashes: [], ...(nestedIn ? { nestedIn } : {}) });

describe('computeMemberships', () => {
  test('shortest path wins; ties broken by edge order', () => {
    const m = computeMemberships(inv({
      subject: { ref: 'S', digests: [] },
      components: [c('a'), c('b'), c('x'), c('y'), c('lonely')],
      edges: [['S', 'a'], ['S', 'b'], ['a', 'x'], ['b', 'x'], ['x', 'y'], ['b', 'y']],
    }));
    assert.deepEqual(m, [
      { ref: 'a', direct: true, depth: 1 },
      { ref: 'b', direct: true, depth: 1 },
      { ref: 'x', direct: false, depth: 2, parentRef: 'a' },
      { ref: 'y', direct: false, depth: 2, parentRef: 'b' },
      { ref: 'lonely', direct: false, depth: null },
    ]);
  });

  test('a dependency back to the subject (cycle through the root) is harmless', () => {
    const m = computeMemberships(inv({ subject: { ref: 'S', digests: [] }, components: [c('a')], edges: [['S', 'a'], ['a', 'S']] }));
    assert.deepEqual(m, [{ ref: 'a', direct: true, depth: 1 }]);
  });

  test('no edges from the subject: top-level components are direct, nesting gives depth', () => {
    const m = computeMemberships(inv({
      subject: { ref: 'S', digests: [] },
      components: [c('a'), c('a1', 'a'), c('a11', 'a1'), c('b'), c('s1', 'S')],
      edges: [['a', 'a1'], ['a1', 'a11'], ['S', 's1']],
    }));
    assert.deepEqual(m, [
      { ref: 'a', direct: true, depth: 1 },
      { ref: 'a1', direct: false, depth: 2, parentRef: 'a' },
      { ref: 'a11', direct: false, depth: 3, parentRef: 'a1' },
      { ref: 'b', direct: true, depth: 1 },
      { ref: 's1', direct: true, depth: 1 },
    ]);
  });

  test('no subject: nothing is reachable', () => {
    assert.deepEqual(computeMemberships(inv({ components: [c('a')], edges: [] })), [{ ref: 'a', direct: false, depth: null }]);
  });
});
