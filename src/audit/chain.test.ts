import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './chain.ts';

test('canonicalJson sorts keys at every level and agrees with JSON.parse round trips', () => {
  const v = { b: 1, a: [3, { d: null, c: 'x"y' }, undefined], e: undefined, f: new Date('2026-01-02T03:04:05.678Z'), g: 0.1, h: true };
  const s = canonicalJson(v);
  assert.equal(s, '{"a":[3,{"c":"x\\"y","d":null},null],"b":1,"f":"2026-01-02T03:04:05.678Z","g":0.1,"h":true}');
  // What the database stores and returns parses back to the same canonical text.
  assert.equal(canonicalJson(JSON.parse(s)), s);
  assert.equal(canonicalJson('é\u2028'), JSON.stringify('é\u2028'));
  assert.equal(canonicalJson(Number.NaN), 'null');
});
