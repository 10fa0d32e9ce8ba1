import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vexSummary } from './usage.command.ts';

test('the CLI summary counts matches by status, what is left to handle first, and says when it saw one page only', () => {
  const m = (status?: string) => ({ component: 'c', artifact: null, sbom: 's', direct: true, services: [], deployments: [], ...(status ? { vex: { status } } : {}) }) as never;
  assert.equal(vexSummary('CVE-1', [m('not_affected'), m(), m('affected'), m('not_affected'), m()], false), 'VEX CVE-1: 2 no VEX statement, 1 affected, 2 not_affected');
  assert.equal(vexSummary('CVE-1', [m('fixed')], true), 'VEX CVE-1 (the 1 match shown): 1 fixed');
  assert.equal(vexSummary('CVE-1', [], false), 'VEX CVE-1: no matches');
});
