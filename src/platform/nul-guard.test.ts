import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNul } from './nul-guard.ts';

test('findNul: the pointer of the first string or member name holding U+0000', () => {
  assert.equal(findNul({ a: 'x', b: ['y', 'z\u0000'] }), '/b/1');
  assert.equal(findNul({ 'a/b~c': { 'k\u0000': 1 } }), '/a~1b~0c/k\u0000');
  assert.equal(findNul('\u0000'), '');
  assert.equal(findNul({ a: 'x', n: 1, t: true, z: null, arr: [[], {}] }), undefined);
  // The six characters of the escape are not a NUL.
  assert.equal(findNul({ a: '\\u0000' }), undefined);
  // Only plain data is walked: a Buffer body (SBOMs, attestations) is read by its own parser.
  assert.equal(findNul(Buffer.from([0])), undefined);
  // Fastify's querystring objects have a prototype of their own, with a null prototype.
  const query = Object.create(Object.create(null)) as Record<string, string>;
  query.service = 'a\u0000b';
  assert.equal(findNul(query), '/service');
});
