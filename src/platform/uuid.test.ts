import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV4 } from './uuid.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV4', () => {
  it('writes version 4, variant 10 UUIDs in lower case, across several refills of its random bytes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const id = uuidV4();
      assert.match(id, V4);
      seen.add(id);
    }
    assert.equal(seen.size, 2_000);
  });

  it('uses every hex digit in every random position (the bytes reach the text, none is stuck)', () => {
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) [...uuidV4()].forEach((c, j) => digits[j]!.add(c));
    digits.forEach((d, j) => {
      if ([8, 13, 18, 23].includes(j)) assert.deepEqual([...d], ['-']);
      else if (j === 14) assert.deepEqual([...d], ['4']);
      else if (j === 19) assert.deepEqual([...d].sort(), ['8', '9', 'a', 'b']);
      else assert.equal(d.size, 16, `position ${j}`);
    });
  });
});
