import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { SpooledBody } from './body-spool.ts';
import { BodyError } from './body.ts';
import { scratchDir } from '../../test/helpers/scratch-dir.ts';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
/** A request-like stream delivering `bytes` in pieces of `piece` bytes. */
const streamOf = (bytes: Buffer, piece = 1000) => Readable.from((function* () { for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece); })());
async function collect(body: SpooledBody, chunk?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body.chunks(chunk)) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { assert.ok(e instanceof BodyError, String(e)); return e.code; }
  return 'ok';
}

describe('SpooledBody', () => {
  const data = randomBytes(50_000);

  test('small bodies stay in memory; digest, size and chunks are the bytes', async () => {
    const body = await SpooledBody.fromStream(streamOf(data), { limit: 1 << 20 });
    assert.equal(body.inMemory, true);
    assert.equal(body.size, data.length);
    assert.equal(body.digest, sha(data));
    assert.deepEqual(await collect(body, 4096), data);
    assert.deepEqual(await body.head(10), data.subarray(0, 10));
  });

  test('beyond the spill size the body goes to a private file, read back byte-exact, removed on dispose', async () => {
    const dir = scratchDir('spool-test-');
    const body = await SpooledBody.fromStream(streamOf(data, 777), { limit: 1 << 20, spillBytes: 10_000, tmpDir: dir });
    assert.equal(body.inMemory, false);
    assert.equal(readdirSync(dir).length, 1);
    assert.equal(body.digest, sha(data));
    assert.deepEqual(await collect(body, 4096), data);
    assert.deepEqual(await body.buffer(), data);
    assert.deepEqual(await body.head(100), data.subarray(0, 100));
    await body.dispose();
    assert.equal(readdirSync(dir).length, 0);
  });

  test('gzip is decoded while streaming, by header or by magic bytes; the digest is of the decoded bytes', async () => {
    const gz = gzipSync(data);
    for (const contentEncoding of ['gzip', undefined]) {
      const body = await SpooledBody.fromStream(streamOf(gz, 333), { limit: 1 << 20, contentEncoding, spillBytes: 20_000, tmpDir: tmpdir() });
      assert.equal(body.digest, sha(data));
      assert.deepEqual(await body.buffer(), data);
      await body.dispose();
    }
  });

  test('limits: raw body, decompressed body (a gzip bomb), bad gzip, unknown encoding', async () => {
    assert.equal(await code(SpooledBody.fromStream(streamOf(data), { limit: 49_999 })), 'PAYLOAD_TOO_LARGE');
    const bomb = gzipSync(Buffer.alloc(5_000_000));
    assert.ok(bomb.length < 10_000);
    assert.equal(await code(SpooledBody.fromStream(streamOf(bomb), { limit: 1_000_000 })), 'PAYLOAD_TOO_LARGE');
    assert.equal(await code(SpooledBody.fromStream(streamOf(Buffer.concat([Buffer.from([0x1f, 0x8b]), data])), { limit: 1 << 20 })), 'BAD_ENCODING');
    assert.equal(await code(SpooledBody.fromStream(streamOf(data), { limit: 1 << 20, contentEncoding: 'br' })), 'BAD_ENCODING');
  });

  test('a failed spill leaves no file behind', async () => {
    const dir = scratchDir('spool-test-');
    assert.equal(await code(SpooledBody.fromStream(streamOf(data), { limit: 30_000, spillBytes: 10_000, tmpDir: dir })), 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(existsSync(dir));
  });

  test('an empty body', async () => {
    const body = await SpooledBody.fromStream(Readable.from([]), { limit: 10 });
    assert.equal(body.size, 0);
    assert.deepEqual(await collect(body), Buffer.alloc(0));
  });
});

describe('SpooledBody: a stream that fails', () => {
  test('a client abort is a 400-class BodyError, and a spilled file is removed', async () => {
    const dir = scratchDir('spool-test-');
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(20_000));
    setImmediate(() => failing.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    assert.equal(await code(SpooledBody.fromStream(failing, { limit: 1 << 20, spillBytes: 10_000, tmpDir: dir })), 'BAD_REQUEST');
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('sweepStaleSpools', () => {
  test('removes spool directories older than the cut-off and nothing else', async () => {
    const { sweepStaleSpools } = await import('./body-spool.ts');
    const { mkdirSync, writeFileSync, utimesSync } = await import('node:fs');
    const dir = scratchDir('sweep-test-');
    for (const name of ['attestant-upload-old', 'attestant-upload-new', 'other-old']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'body'), 'x');
    }
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(join(dir, 'attestant-upload-old'), twoHoursAgo, twoHoursAgo);
    utimesSync(join(dir, 'other-old'), twoHoursAgo, twoHoursAgo);
    assert.equal(await sweepStaleSpools(dir), 1);
    assert.deepEqual(readdirSync(dir).sort(), ['attestant-upload-new', 'other-old']);
  });
});
