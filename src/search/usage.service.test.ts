import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCandidate, toCsv } from './usage.service.ts';
import { parseVers } from '../purl/index.ts';

const c = (version: string | null, type = 'npm', qualifiers: string | null = null) =>
  ({ id: '1', key: 'k', purl: null, type, name: 'x', version, qualifiers, versionKey: null });

test('matchCandidate: range, exact version by ecosystem equality, qualifiers, unorderable', () => {
  const r = parseVers('vers:npm/>=1.0.0|<2.0.0');
  assert.equal(matchCandidate(c('1.5.0'), { version: null, qualifiers: {} }, r), 'in');
  assert.equal(matchCandidate(c('2.0.0'), { version: null, qualifiers: {} }, r), 'out');
  assert.equal(matchCandidate(c(null), { version: null, qualifiers: {} }, r), 'unorderable');
  assert.equal(matchCandidate(c('5.2.0.RELEASE', 'maven'), { version: '5.2.0', qualifiers: {} }, undefined), 'in');
  assert.equal(matchCandidate(c('1.0.0', 'npm', 'arch=x86'), { version: null, qualifiers: { arch: 'arm64' } }, undefined), 'out');
  assert.equal(matchCandidate(c('1.0.0', 'npm', 'arch=arm64&os=linux'), { version: null, qualifiers: { arch: 'arm64' } }, undefined), 'in');
});

test('toCsv quotes separators and neutralises spreadsheet formulas from uploaded names', () => {
  const csv = toCsv({
    matches: [{ component: '=HYPERLINK("http://x")@1', artifact: { digest: 'sha256:ab', name: 'a,b' }, sbom: 's', direct: true, services: ['+svc'], deployments: [] }],
    totals: { components: 1, artifacts: 1, services: 1, matches: 1 },
    unorderable: [],
  });
  const row = csv.trim().split('\n')[1]!;
  assert.ok(row.startsWith(`"'=HYPERLINK(""http://x"")@1"`), row);
  assert.match(row, /,"a,b",/);
  assert.match(row, /,'\+svc,/);
});
