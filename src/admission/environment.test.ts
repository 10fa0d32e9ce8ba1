import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEnvironment } from './index.ts';

const MAP = { payments: 'prod', sandbox: 'dev' };

test('explicit value wins over the namespace map', () => {
  assert.equal(resolveEnvironment('staging', 'payments', MAP), 'staging');
});

test('namespace map is used when there is no explicit value', () => {
  assert.equal(resolveEnvironment(undefined, 'payments', MAP), 'prod');
  assert.equal(resolveEnvironment('', 'sandbox', MAP), 'dev');
});

test('otherwise undefined', () => {
  assert.equal(resolveEnvironment(undefined, 'unknown', MAP), undefined);
  assert.equal(resolveEnvironment(undefined, undefined, MAP), undefined);
  assert.equal(resolveEnvironment(undefined, 'payments', {}), undefined);
  assert.equal(resolveEnvironment(undefined, 'payments', { payments: '' }), undefined);
});

test('namespaces named like Object.prototype members do not resolve', () => {
  for (const ns of ['constructor', 'tostring', 'hasownproperty', '__proto__']) {
    assert.equal(resolveEnvironment(undefined, ns, MAP), undefined, ns);
  }
  assert.equal(resolveEnvironment(undefined, 'constructor', { constructor: 'prod' }), 'prod');
});
