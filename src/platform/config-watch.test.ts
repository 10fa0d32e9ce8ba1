import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigWatch, type ReloadTrigger } from './config-watch.ts';

/** A source whose files hold `onDiskDigest`; applying loads it, unless its content is invalid. */
function source(initial: string) {
  const s = { loaded: initial, onDiskDigest: initial, invalid: new Set<string>() };
  return {
    s,
    config: { onDisk: () => ({ digest: s.onDiskDigest, changed: s.onDiskDigest !== s.loaded }) },
    apply: () => {
      if (s.invalid.has(s.onDiskDigest)) throw new Error(`invalid ${s.onDiskDigest}`);
      s.loaded = s.onDiskDigest;
    },
  };
}

function recorder() {
  const events: string[] = [];
  return { events, handlers: { applied: (t: ReloadTrigger) => events.push(`applied ${t}`), refused: (t: ReloadTrigger, e: unknown) => events.push(`refused ${t} ${(e as Error).message}`) } };
}

test('unchanged files apply nothing; changed files are applied once', () => {
  const p = source('a');
  const r = recorder();
  const watch = new ConfigWatch([p.config], p.apply, r.handlers);
  assert.equal(watch.check('watch'), 'unchanged');
  p.s.onDiskDigest = 'b';
  assert.equal(watch.check('notice'), 'applied');
  assert.equal(p.s.loaded, 'b');
  assert.equal(watch.check('watch'), 'unchanged');
  assert.deepEqual(r.events, ['applied notice']);
});

test('an invalid change is refused once, not at every check, and tried again when the files change', () => {
  const p = source('a');
  const r = recorder();
  const watch = new ConfigWatch([p.config], p.apply, r.handlers);
  p.s.invalid.add('broken');
  p.s.onDiskDigest = 'broken';
  assert.equal(watch.check('watch'), 'refused');
  assert.equal(watch.check('watch'), 'unchanged');
  assert.equal(watch.check('notice'), 'unchanged');
  assert.equal(p.s.loaded, 'a', 'the previous configuration stays');
  p.s.onDiskDigest = 'fixed';
  assert.equal(watch.check('watch'), 'applied');
  assert.equal(p.s.loaded, 'fixed');
  assert.deepEqual(r.events, ['refused watch invalid broken', 'applied watch']);
});

test('a refused change that is undone and made again is reported again', () => {
  const p = source('a');
  const r = recorder();
  const watch = new ConfigWatch([p.config], p.apply, r.handlers);
  p.s.invalid.add('broken');
  p.s.onDiskDigest = 'broken';
  watch.check('watch');
  p.s.onDiskDigest = 'a'; // reverted: nothing to load
  assert.equal(watch.check('watch'), 'unchanged');
  p.s.onDiskDigest = 'broken';
  assert.equal(watch.check('watch'), 'refused');
  assert.equal(r.events.length, 2);
});

test('several sources: a change to any of them reloads, and the refusal covers the combination', () => {
  const p = source('p1');
  const t = source('t1');
  const r = recorder();
  let applies = 0;
  const watch = new ConfigWatch([p.config, t.config], () => { applies++; p.apply(); t.apply(); }, r.handlers);
  t.s.onDiskDigest = 't2';
  assert.equal(watch.check('watch'), 'applied');
  assert.equal(t.s.loaded, 't2');
  t.s.invalid.add('t3');
  t.s.onDiskDigest = 't3';
  assert.equal(watch.check('watch'), 'refused');
  // The policy changes too: a different combination, so it is tried (and still refused).
  p.s.onDiskDigest = 'p2';
  assert.equal(watch.check('watch'), 'refused');
  assert.equal(applies, 3);
});
