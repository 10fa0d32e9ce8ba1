import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import schema from './policy.schema.json' with { type: 'json' };
import { PolicyError, compileIdentity, loadPolicies, parsePolicyFile } from './index.ts';
import { scratchDir } from '../../test/helpers/scratch-dir.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/policies/', import.meta.url));
const read = (rel: string): string => readFileSync(join(FIX, rel), 'utf8');

function assertPolicyError(fn: () => unknown, want: { file?: string; line: number; column?: number; field: string; code?: string }): PolicyError {
  let caught: PolicyError | undefined;
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PolicyError, `expected PolicyError, got ${String(e)}`);
    caught = e;
    return true;
  });
  const e = caught as PolicyError;
  assert.equal(e.code, want.code ?? 'POLICY_INVALID');
  assert.equal(e.field, want.field, e.message);
  assert.equal(e.line, want.line, e.message);
  if (want.column !== undefined) assert.equal(e.column, want.column, e.message);
  if (want.file !== undefined) assert.equal(e.file, want.file);
  return e;
}

describe('loadPolicies', () => {
  test('valid directory: *.yaml and *.yml, other files ignored', () => {
    const set = loadPolicies(join(FIX, 'valid'));
    assert.deepEqual(set.policies.map((p) => p.name), ['production', 'staging']);
    assert.deepEqual([...set.byEnvironment.keys()].sort(), ['prod', 'qa', 'staging']);
    const prod = set.byEnvironment.get('prod');
    assert.ok(prod);
    assert.equal(prod.mode, 'enforce');
    assert.equal(prod.file, join(FIX, 'valid', 'production.yaml'));
    const bytes = readFileSync(join(FIX, 'valid', 'production.yaml'));
    assert.equal(prod.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    assert.equal(prod.rules.sbom, true);
    assert.equal(prod.rules.maxAge?.ms, 30 * 86_400_000);
    assert.equal(prod.rules.provenance?.minLevel, 3);
    assert.equal(prod.rules.trustedBuilders[0]?.level, 3);
    assert.equal(prod.rules.denyComponents[0]?.packageKey, 'pkg:npm/event-stream');
    assert.equal(set.byEnvironment.get('qa')?.mode, 'warn');
  });

  test('missing directory → empty set', () => {
    const set = loadPolicies(join(FIX, 'does-not-exist'));
    assert.equal(set.policies.length, 0);
    assert.equal(set.byEnvironment.size, 0);
  });

  test('empty directory → empty set', () => {
    const dir = scratchDir('attestant-policies-');
    assert.equal(loadPolicies(dir).policies.length, 0);
  });

  test('ConfigMap-style symlinked files are loaded; dotfiles are skipped', () => {
    const dir = scratchDir('attestant-policies-');
    mkdirSync(join(dir, '..data'));
    copyFileSync(join(FIX, 'valid', 'production.yaml'), join(dir, '..data', 'production.yaml'));
    symlinkSync(join('..data', 'production.yaml'), join(dir, 'production.yaml'));
    writeFileSync(join(dir, '.production.yaml.swp'), 'not yaml: [');
    const set = loadPolicies(dir);
    assert.deepEqual(set.policies.map((p) => p.name), ['production']);
  });

  test('two policies governing the same environment → error at the second one', () => {
    assertPolicyError(() => loadPolicies(join(FIX, 'conflict')), {
      file: join(FIX, 'conflict', 'b-hotfix.yaml'),
      line: 7,
      column: 7,
      field: '/spec/environments/1',
    });
  });

  test('a broken directory reports every broken file', () => {
    const e = assertPolicyError(() => loadPolicies(join(FIX, 'broken')), {
      file: join(FIX, 'broken', 'bad-mode.yaml'),
      line: 6,
      field: '/spec/mode',
    });
    assert.equal(new Set(e.issues.map((i) => i.file)).size, 7);
  });
});

describe('DESIGN.md contract', () => {
  test('the minimum policy from DESIGN.md parses, every field read', () => {
    const p = parsePolicyFile('design-example.yaml', read('design-example.yaml'));
    assert.equal(p.name, 'production');
    assert.deepEqual(p.environments, ['prod']);
    assert.equal(p.mode, 'enforce');
    assert.deepEqual(p.rules.provenance?.builders.map(String), ['https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v*']);
    assert.deepEqual(p.rules.provenance?.sourceRepos?.map(String), ['github.com/acme/*']);
    assert.deepEqual(p.rules.provenance?.refs?.map(String), ['refs/heads/main', 'refs/tags/v*']);
    assert.equal(p.rules.signers?.[0]?.issuer, 'https://token.actions.githubusercontent.com');
    assert.equal(p.rules.signers?.[0]?.identity, '^https://github\\.com/acme/.+$');
    assert.equal(p.rules.sbom, true);
    assert.equal(p.rules.denyComponents[0]?.purl, 'pkg:npm/event-stream');
    assert.equal(p.rules.denyComponents[0]?.rangeText, 'vers:npm/>=3.3.6|<4.0.0');
    assert.equal(p.rules.denyComponents[0]?.reason, 'compromised release');
  });
});

describe('parsePolicyFile errors name file, line, column and field', () => {
  const cases: Array<{ file: string; line: number; column: number; field: string }> = [
    { file: 'broken/unknown-field.yaml', line: 9, column: 7, field: '/spec/require/provenance/buiders' },
    { file: 'broken/bad-range.yaml', line: 11, column: 16, field: '/spec/deny/components/1/range' },
    { file: 'broken/unanchored-identity.yaml', line: 10, column: 19, field: '/spec/require/signers/0/identity' },
    { file: 'broken/bad-mode.yaml', line: 6, column: 9, field: '/spec/mode' },
    { file: 'broken/bad-purl.yaml', line: 9, column: 17, field: '/spec/deny/components/0/purl' },
    { file: 'broken/minlevel-without-trust.yaml', line: 10, column: 7, field: '/spec/require/provenance/minLevel' },
  ];
  for (const c of cases) {
    test(c.file, () => {
      const e = assertPolicyError(() => parsePolicyFile(c.file, read(c.file)), { ...c, file: c.file });
      assert.match(e.message, new RegExp(`^${c.file.replace(/[.]/g, '\\.')}:${c.line}:${c.column}: `));
    });
  }

  test('YAML syntax error has the line of the syntax error', () => {
    const e = assertPolicyError(() => parsePolicyFile('syntax-error.yaml', read('broken/syntax-error.yaml')), {
      file: 'syntax-error.yaml',
      // The flow sequence opened on line 5 is never closed; yaml detects it at
      // the first token that cannot belong to it, `mode` on line 6.
      line: 6,
      column: 3,
      field: '',
    });
    assert.match(e.message, /YAML syntax: Flow sequence/);
  });

  test('YAML syntax error: nested mapping on one line', () => {
    const text = 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: x }\nspec:\n  environments: [prod]\n  mode: enforce: now\n';
    assertPolicyError(() => parsePolicyFile('n.yaml', text), { line: 6, column: 9, field: '' });
  });

  test('missing required field points at the parent', () => {
    const text = 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: x }\nspec:\n  environments: [prod]\n';
    assertPolicyError(() => parsePolicyFile('m.yaml', text), { line: 5, column: 3, field: '/spec/mode' });
  });

  test('duplicate keys are an error', () => {
    const text = 'apiVersion: attestant.dev/v1\nkind: Policy\nmetadata: { name: x }\nspec:\n  environments: [prod]\n  mode: enforce\n  mode: warn\n';
    const e = assertPolicyError(() => parsePolicyFile('d.yaml', text), { line: 7, field: '' });
    assert.match(e.message, /YAML syntax/);
  });

  test('range with a versioned purl is rejected', () => {
    const text = [
      'apiVersion: attestant.dev/v1', 'kind: Policy', 'metadata: { name: x }', 'spec:', '  environments: [prod]', '  mode: enforce',
      '  deny:', '    components:', '      - { purl: "pkg:npm/a@1.0.0", range: "vers:npm/>=1.0.0", reason: r }',
    ].join('\n');
    assertPolicyError(() => parsePolicyFile('v.yaml', text), { line: 9, field: '/spec/deny/components/0/range' });
  });

  test('a deny range whose bound the scheme cannot order is a load error, not a rule that matches nothing for sure', () => {
    const text = [
      'apiVersion: attestant.dev/v1', 'kind: Policy', 'metadata: { name: x }', 'spec:', '  environments: [prod]', '  mode: enforce',
      '  deny:', '    components:', '      - { purl: "pkg:npm/event-stream", range: "vers:npm/>=3.3.6|<4.x", reason: r }',
    ].join('\n');
    const e = assertPolicyError(() => parsePolicyFile('v.yaml', text), { line: 9, field: '/spec/deny/components/0/range' });
    assert.match(e.message, /"4\.x" is not a version the npm scheme can order/);
  });

  test('vers scheme must match the purl type', () => {
    const text = [
      'apiVersion: attestant.dev/v1', 'kind: Policy', 'metadata: { name: x }', 'spec:', '  environments: [prod]', '  mode: enforce',
      '  deny:', '    components:', '      - { purl: "pkg:npm/a", range: "vers:pypi/>=1.0.0", reason: r }',
    ].join('\n');
    assertPolicyError(() => parsePolicyFile('v.yaml', text), { line: 9, field: '/spec/deny/components/0/range' });
  });
});

describe('identity anchoring', () => {
  test('anchored patterns compile and are whole-string matches', () => {
    const re = compileIdentity('^https://github\\.com/acme/.+$');
    assert.ok(re.test('https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'));
    assert.ok(!re.test('https://github.com/evil/app'));
  });
  test('an alternation cannot escape the anchors', () => {
    const re = compileIdentity('^https://github\\.com/acme/a$|x$');
    assert.ok(re.test('x'));
    assert.ok(!re.test('evil-x'), 'written as ^a$|x$, compiled as ^(?:…)$ — must not match a suffix');
  });
  for (const bad of ['https://github\\.com/acme/.+', '^https://github\\.com/acme/.+', 'foo$', '^foo\\$']) {
    test(`unanchored ${bad} is rejected`, () => assert.throws(() => compileIdentity(bad)));
  }
  test('invalid regex is rejected', () => assert.throws(() => compileIdentity('^(unclosed$')));
});

describe('schema', () => {
  test('published schema is valid draft 2020-12 and forbids unknown fields everywhere', () => {
    const ajv = new Ajv2020({ strict: true });
    ajv.compile(schema);
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      if (o['type'] === 'object' && o['properties'] !== undefined) {
        assert.equal(o['additionalProperties'], false, `${at} must set additionalProperties: false`);
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(schema, '');
  });
});
