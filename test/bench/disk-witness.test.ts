import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskWitness } from '../../bench/disk-witness.ts';

test('the disk witness flushes its own file, reports each window once and cleans up after itself', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'attestant-witness-test-'));
  try {
    const witness = DiskWitness.start(parent);
    assert.equal(readdirSync(parent).length, 1, 'one directory of its own');
    let window = witness.take();
    // A bound so a broken worker fails the test rather than hanging it; not a timing assertion.
    for (const deadline = Date.now() + 30_000; window.flushes < 3 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
      const next = witness.take();
      window = { flushes: window.flushes + next.flushes, longestMs: Math.max(window.longestMs, next.longestMs), over10ms: window.over10ms + next.over10ms };
    }
    assert.ok(window.flushes >= 3, `flushes seen: ${window.flushes}`);
    assert.ok(window.longestMs > 0, 'a flush takes some time');
    assert.ok(window.over10ms <= window.flushes);
    await witness.stop();
    witness.take(); // what it saw between the last window and the stop
    assert.deepEqual(witness.take(), { flushes: 0, longestMs: 0, over10ms: 0 }, 'nothing counts once stopped');
    assert.equal(existsSync(witness.dir), false, 'its directory is removed');
    await witness.stop();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
