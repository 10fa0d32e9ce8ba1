import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from './database-unavailable.ts';

/** An error shaped as pg's DatabaseError: a SQLSTATE in `code` and the server's severity. */
const pgError = (code: string, severity = 'ERROR') => Object.assign(new Error(`sqlstate ${code}`), { code, severity });

test('a server that is up but will not do the work now is unavailable (503), not a bug (500)', () => {
  for (const code of ['25006', '57014', '55P03', '40001', '40P01', '53100', '53200', '53300', '58030', '08006', '08001', '57P01', '57P02', '57P03']) {
    assert.equal(isDatabaseUnavailable(pgError(code)), true, code);
  }
});

test('a FATAL or PANIC ends the session, whatever its code', () => {
  assert.equal(isDatabaseUnavailable(pgError('55000', 'FATAL')), true);
  assert.equal(isDatabaseUnavailable(pgError('28000', 'FATAL')), true);
  assert.equal(isDatabaseUnavailable(pgError('XX000', 'PANIC')), true);
  assert.equal(isDatabaseUnavailable(pgError('55000', 'ERROR')), false, 'the same code in a plain ERROR is a statement\'s own problem');
});

test('lost sockets and pg\'s own connection messages are unavailable, also when wrapped as a cause', () => {
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')), true);
  assert.equal(isDatabaseUnavailable(new Error('outer', { cause: pgError('25006') })), true);
});

test('bugs and bad data stay errors: constraint, syntax and type failures are not "unavailable"', () => {
  for (const code of ['23505', '23503', '22P02', '22001', '42P01', '42883', '42601', 'XX000', '57P04']) {
    assert.equal(isDatabaseUnavailable(pgError(code)), false, code);
  }
  assert.equal(isDatabaseUnavailable(new Error('boom')), false);
  assert.equal(isDatabaseUnavailable(undefined), false);
  const selfCaused: Error & { cause?: unknown } = new Error('loop');
  selfCaused.cause = selfCaused;
  assert.equal(isDatabaseUnavailable(selfCaused), false);
});
