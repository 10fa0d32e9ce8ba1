import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { LazyRequestLogger, lazyChildLoggerFactory } from './lazy-request-logger.ts';

/** A pino logger writing JSON lines into an array (pino writes to a plain stream synchronously). */
function capture(level: string): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  const logger = pino({ level, timestamp: false, base: undefined }, stream);
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('a request that logs nothing at an enabled level gets no child logger', () => {
  const { logger, lines } = capture('info');
  const log = new LazyRequestLogger(logger, { reqId: 'r1' }, { level: 'warn' });
  log.info({ req: 'x' }, 'incoming request');
  log.debug('detail');
  assert.equal(log.materialized, false);
  assert.deepEqual(lines(), []);
  assert.equal(log.level, 'warn');
});

test('the first enabled call makes the child, with the request bindings and the route level', () => {
  const { logger, lines } = capture('info');
  const log = new LazyRequestLogger(logger, { reqId: 'r2' }, { level: 'warn' });
  log.warn({ code: 'X' }, 'something odd');
  log.info('still below the route level');
  log.error('failed');
  assert.equal(log.materialized, true);
  assert.deepEqual(lines(), [
    { level: 40, reqId: 'r2', code: 'X', msg: 'something odd' },
    { level: 50, reqId: 'r2', msg: 'failed' },
  ]);
});

test('it writes exactly what pino\'s own child writes for the same calls', () => {
  const calls = (l: { info: pino.LogFn; warn: pino.LogFn; error: pino.LogFn; debug: pino.LogFn }) => {
    l.debug('hidden');
    l.info({ a: 1 }, 'with %s', 'args');
    l.warn(new Error('boom'));
    l.error({ err: new Error('inner') }, 'request failed: %s', 'CODE');
  };
  for (const level of [undefined, 'info', 'warn', 'debug', 'silent']) {
    const lazy = capture('info');
    const real = capture('info');
    const options = level === undefined ? {} : { level };
    calls(new LazyRequestLogger(lazy.logger, { reqId: 'r3' }, options));
    calls(real.logger.child({ reqId: 'r3' }, options));
    const strip = (ls: Array<Record<string, unknown>>) => ls.map((l) => JSON.stringify(l, (k, v) => (k === 'stack' ? undefined : v)));
    assert.deepEqual(strip(lazy.lines()), strip(real.lines()), `route level ${level ?? '(inherited)'}`);
    if (level !== 'silent') assert.ok(real.lines().length > 0);
  }
});

test('under a silent parent, an inherited level writes nothing and makes nothing', () => {
  const { logger, lines } = capture('silent');
  const log = new LazyRequestLogger(logger, { reqId: 'r4' }, {});
  log.fatal('nothing');
  assert.equal(log.materialized, false);
  assert.deepEqual(lines(), []);
});

test('setting the level makes the child and the child decides from then on', () => {
  const { logger, lines } = capture('info');
  const log = new LazyRequestLogger(logger, { reqId: 'r5' }, { level: 'warn' });
  log.level = 'debug';
  log.debug('now visible');
  assert.equal(log.level, 'debug');
  assert.deepEqual(lines(), [{ level: 20, reqId: 'r5', msg: 'now visible' }]);
});

test('child() carries the request bindings and its own', () => {
  const { logger, lines } = capture('info');
  const log = new LazyRequestLogger(logger, { reqId: 'r6' }, {});
  log.child({ component: 'audit' }).info('nested');
  assert.deepEqual(lines(), [{ level: 30, reqId: 'r6', component: 'audit', msg: 'nested' }]);
});

test('with logger: false (a no-op logger, no levels), the factory hands back the no-op logger\'s child', () => {
  const calls: string[] = [];
  const noop = { info: (..._args: unknown[]) => calls.push('info'), error: () => {}, debug: () => {}, fatal: () => {}, warn: () => {}, trace: () => {}, silent: () => {}, level: 'silent', child: () => noop };
  const child = lazyChildLoggerFactory(noop as never, { reqId: 'r7' }, { level: 'warn' });
  assert.equal(child, noop);
  child.info('x');
  assert.deepEqual(calls, ['info']);
});
