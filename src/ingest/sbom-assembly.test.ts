import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { componentRow, SbomAssembler } from './sbom-assembly.ts';
import { SbomError } from '../sbom/errors.ts';

const comp = (ref: string, purl?: string, nestedIn?: string) => ({ ref, name: ref, hashes: [], ...(purl ? { purl } : {}), ...(nestedIn ? { nestedIn } : {}) });

describe('SbomAssembler', () => {
  test('components with the same canonical purl collapse into one row and one membership (direct wins, shallowest path wins)', () => {
    const a = new SbomAssembler();
    a.subject({ ref: 'S', name: 'app', purl: 'pkg:npm/app@1', digests: [] });
    a.component(comp('x1', 'pkg:npm/X@1.0.0'));
    a.component(comp('y', 'pkg:npm/y@2'));
    a.component(comp('x2', 'pkg:npm/x@1.0.0'));
    a.component(comp('z', 'pkg:npm/z@3'));
    for (const [f, t] of [['S', 'y'], ['y', 'x1'], ['S', 'x2'], ['x1', 'z'], ['x2', 'z'], ['y', 'x1']] as const) a.edge(f, t);
    const rows = a.takeRows();
    assert.deepEqual(rows.map((r) => r.key), ['pkg:npm/app@1', 'pkg:npm/x@1.0.0', 'pkg:npm/y@2', 'pkg:npm/z@3']);
    const g = a.finish();
    assert.equal(g.rootRow, 0);
    const key = (r: number) => (r < 0 ? null : rows[r]!.key);
    const members = [...g.members.row].map((r, i) => [key(r), g.members.direct[i], g.members.depth[i], key(g.members.parent[i]!)]);
    assert.deepEqual(members, [
      ['pkg:npm/x@1.0.0', 1, 1, null],
      ['pkg:npm/y@2', 1, 1, null],
      ['pkg:npm/z@3', 0, 2, 'pkg:npm/x@1.0.0'],
    ]);
    // Row edges are distinct: y→x twice (as x1) collapses; S→x2 and y→x1 stay distinct.
    assert.deepEqual([...g.edges.from].map((f, i) => `${key(f)}>${key(g.edges.to[i]!)}`).sort(), [
      'pkg:npm/app@1>pkg:npm/x@1.0.0', 'pkg:npm/app@1>pkg:npm/y@2', 'pkg:npm/x@1.0.0>pkg:npm/z@3', 'pkg:npm/y@2>pkg:npm/x@1.0.0',
    ]);
  });

  test('takeRows hands out each row once, in row order, across batches', () => {
    const a = new SbomAssembler();
    a.component(comp('a', 'pkg:npm/a@1'));
    a.component(comp('b', 'pkg:npm/b@1'));
    assert.equal(a.pendingRows, 2);
    assert.deepEqual(a.takeRows().map((r) => r.key), ['pkg:npm/a@1', 'pkg:npm/b@1']);
    a.component(comp('a-again', 'pkg:npm/a@1'));
    a.component(comp('c', 'pkg:npm/c@1'));
    assert.deepEqual(a.takeRows().map((r) => r.key), ['pkg:npm/c@1']);
    assert.equal(a.rowCount, 3);
  });

  test('a component equal to the subject is not its own member; unreachable components are members with no depth', () => {
    const a = new SbomAssembler();
    a.subject({ ref: 'S', name: 'app', purl: 'pkg:npm/app@1', digests: [] });
    a.component(comp('dup', 'pkg:npm/app@1'));
    a.component(comp('lonely', 'pkg:npm/lonely@1'));
    a.component(comp('d', 'pkg:npm/d@1'));
    a.edge('S', 'd');
    const g = a.finish();
    assert.deepEqual([...g.members.row], [1, 2]);
    assert.deepEqual([...g.members.depth], [-1, 1]);
  });

  test('a component whose indexed values cannot be indexed is refused with its pointer, counted in UTF-8 bytes', () => {
    const row = (name: string) => componentRow({ ref: 'r', name, version: '1' }, [], '/components/7');
    assert.equal(row('a'.repeat(1900)).name.length, 1900);
    // 600 four-byte characters are 600 characters but 2,400 bytes.
    for (const name of ['a'.repeat(2100), '\u{1F680}'.repeat(600)]) {
      assert.throws(() => row(name), (e: SbomError) => e.code === 'SBOM_INVALID' && e.pointer === '/components/7' && /cannot be indexed/.test(e.message));
    }
    assert.throws(() => componentRow({ ref: 'r', name: 'x', purl: `pkg:npm/x@${'1'.repeat(2100)}` }, []), SbomError);
  });

  test('a bad purl becomes a name row with a PURL_INVALID finding', () => {
    const a = new SbomAssembler();
    a.component({ ...comp('bad', 'pkg:/nope'), pointer: '/components/0' });
    assert.deepEqual(a.takeRows().map((r) => [r.key, r.purl]), [['name:bad@', null]]);
    assert.deepEqual(a.findings.map((f) => [f.code, f.pointer]), [['PURL_INVALID', '/components/0']]);
  });
});
