import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { eventBody, GENESIS_HASH, JsonText, linkHash } from './chain.ts';
import { auditColumns, chainHashes } from './batch-writer.ts';

const at = new Date('2026-11-22T05:31:05.123Z');
const columns = (kind: string, actor?: string | null, subject?: string | null) => ({ at: at.toISOString(), kind, actor: actor ?? null, subject: subject ?? null });

test('an event body is JSON.stringify of { at, kind, actor, subject, payload }, payload given as data or as text', () => {
  const strings = [null, undefined, 'ATTESTANT_ADMIN_TOKEN', 'a"b\\c\n\u0000\u2028', 'lone\udc00'];
  const payloads: unknown[] = [{ decisionId: 'x', reasons: [{ rule: 'r', outcome: 'pass' }] }, null, 'text', 3, [1, 'two']];
  for (const actor of strings) {
    for (const subject of strings) {
      for (const payload of payloads) {
        const expected = JSON.stringify({ at: at.toISOString(), kind: 'decision', actor: actor ?? null, subject: subject ?? null, payload });
        assert.equal(eventBody(columns('decision', actor, subject), payload), expected);
        assert.equal(eventBody(columns('decision', actor, subject), new JsonText(JSON.stringify(payload))), expected);
      }
    }
  }
  // A missing payload is left out, as JSON.stringify leaves out undefined properties.
  assert.equal(eventBody(columns('k\u0001'), undefined), JSON.stringify({ at: at.toISOString(), kind: 'k\u0001', actor: null, subject: null }));
});

test('the writer chains a batch exactly as the link hash defines it: sha256(prev + "\\n" + body)', () => {
  const bodies = ['{"a":1}', '{"b":"ü"}', '{}'];
  const hashes = chainHashes(GENESIS_HASH, bodies);
  let prev = GENESIS_HASH;
  bodies.forEach((b, i) => {
    const h = createHash('sha256').update(`${prev}\n${b}`, 'utf8').digest('hex');
    assert.equal(hashes[i], h);
    assert.equal(linkHash(prev, b), h);
    prev = h;
  });
  assert.deepEqual(chainHashes(GENESIS_HASH, []), []);
});

test('the columns go joined when every value can be, and not at all when one cannot', () => {
  const at = '2026-12-04T10:11:12.345Z';
  assert.deepEqual(auditColumns([
    { at, kind: 'decision', actor: 'ci', subject: 'sha256:aa' },
    { at, kind: 'token.minted', actor: null, subject: null },
  ]), { at: `${at}\n${at}`, kinds: 'decision\ntoken.minted', actors: 'ci\n', subjects: 'sha256:aa\n' });
  assert.equal(auditColumns([{ at, kind: 'decision', actor: 'a\nb', subject: null }]), undefined);
  assert.equal(auditColumns([{ at, kind: 'decision', actor: null, subject: '' }]), undefined);
});
