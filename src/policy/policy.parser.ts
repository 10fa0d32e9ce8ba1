import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { canonicalizePurl, parseVers } from '../purl/index.ts';
import schema from './policy.schema.json' with { type: 'json' };
import { parseDuration } from './duration.ts';
import { PolicyError } from './errors.ts';
import type { PolicyIssue } from './errors.ts';
import { Glob } from './glob.ts';
import { GITHUB_CLAIMS } from './types.ts';
import type { DenyComponentRule, Policy, PolicyMode, PolicyRules, SignerRule, TrustedBuilder, VsaRule } from './types.ts';
import { positionOf } from './yaml-position.ts';

/**
 * Pure: policy file text → validated Policy. The loader (policy-loader.ts) is
 * the only part that touches the disk.
 *
 * Checks, in order, each reported with file:line:column and a field pointer:
 * 1. YAML syntax (one document, unique keys);
 * 2. the published JSON Schema (policy.schema.json, additionalProperties:false);
 * 3. semantics the schema cannot express: globs, anchored identity regexes,
 *    purls, vers ranges, maxAge, minLevel without trustedBuilders.
 */

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validateSchema = ajv.compile(schema);

// The shape the schema guarantees (kept in sync with policy.schema.json by the tests).
interface RawPolicy {
  apiVersion: 'attestant.dev/v1';
  kind: 'Policy';
  metadata: { name: string; description?: string };
  spec: {
    environments: string[];
    mode: PolicyMode;
    require?: {
      provenance?: { builders: string[]; sourceRepos?: string[]; refs?: string[]; minLevel?: number };
      trustedBuilders?: Record<string, number>;
      signers?: Array<{ issuer: string; identity: string; github?: Partial<Record<string, string>> }>;
      sbom?: boolean;
      vsa?: { verifier: string; minLevel?: string; policyUri?: string };
      maxAge?: string;
    };
    deny?: { components?: Array<{ purl: string; range?: string; reason: string }> };
  };
}

export function policyDigest(bytes: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function parsePolicyFile(fileName: string, source: string | Uint8Array): Policy {
  const text = typeof source === 'string' ? source : new TextDecoder('utf-8').decode(source);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });

  if (doc.errors.length > 0) {
    throw new PolicyError(
      'POLICY_INVALID',
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        const message = e.code === 'MULTIPLE_DOCS' ? 'a policy file must hold exactly one YAML document' : firstLine(e.message);
        return { file: fileName, line: pos.line, column: pos.col, field: '', message: `YAML syntax: ${message}` };
      }),
    );
  }

  const issue = (field: string, message: string, at: 'key' | 'value' = 'value'): PolicyIssue => ({
    file: fileName,
    ...positionOf(doc, lc, field, at),
    field,
    message,
  });

  let data: unknown;
  try {
    // A small alias budget: policies have no reason to use billion-laughs-sized aliasing.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new PolicyError('POLICY_INVALID', [issue('', `YAML: ${(e as Error).message}`)]);
  }

  if (!validateSchema(data)) {
    // Unknown fields first: a typo'd key also causes "missing required field"
    // at the same spot, and the typo is the actionable one.
    const errors = [...(validateSchema.errors ?? [])].sort(
      (a, b) => Number(b.keyword === 'additionalProperties') - Number(a.keyword === 'additionalProperties'),
    );
    const issues = errors.map((e) => schemaIssue(e, issue));
    throw new PolicyError('POLICY_INVALID', sortIssues(dedupe(issues)));
  }
  const raw = data as unknown as RawPolicy;
  const issues: PolicyIssue[] = [];
  const rules = buildRules(raw, (field, message, at) => issues.push(issue(field, message, at)));
  if (issues.length > 0) throw new PolicyError('POLICY_INVALID', sortIssues(issues));

  return {
    name: raw.metadata.name,
    digest: policyDigest(source),
    file: fileName,
    environments: [...raw.spec.environments],
    mode: raw.spec.mode,
    rules,
    source: {
      name: positionOf(doc, lc, '/metadata/name'),
      environments: raw.spec.environments.map((_, i) => positionOf(doc, lc, `/spec/environments/${i}`)),
    },
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

function schemaIssue(e: ErrorObject, issue: (f: string, m: string, at?: 'key' | 'value') => PolicyIssue): PolicyIssue {
  const base = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      return issue(`${base}/${escapeToken(prop)}`, `unknown field "${prop}"`, 'key');
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      const i = issue(base, `missing required field "${prop}"`);
      return { ...i, field: `${base}/${escapeToken(prop)}` };
    }
    case 'enum':
      return issue(base, `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'const':
      return issue(base, `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`);
    default:
      return issue(base, e.message ?? `fails schema keyword ${e.keyword}`);
  }
}

function dedupe(issues: PolicyIssue[]): PolicyIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.field}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

type Report = (field: string, message: string, at?: 'key' | 'value') => void;

function glob(pattern: string, field: string, report: Report): Glob | undefined {
  try {
    return new Glob(pattern);
  } catch (e) {
    report(field, `invalid glob: ${(e as Error).message}`);
    return undefined;
  }
}

function globs(patterns: string[] | undefined, field: string, report: Report): Glob[] | undefined {
  if (patterns === undefined) return undefined;
  return patterns.flatMap((p, i) => glob(p, `${field}/${i}`, report) ?? []);
}

/**
 * Identity patterns must be written anchored (`^…$`), as DESIGN.md specifies,
 * so a reader sees exactly what is matched; an unanchored pattern is a load
 * error rather than silently anchored. They are then compiled as `^(?:…)$`
 * so that an alternation such as `^a$|b` cannot escape the anchors.
 */
export function compileIdentity(identity: string): RegExp {
  const unescapedDollar = /(^|[^\\])(\\\\)*\$$/.test(identity);
  if (!identity.startsWith('^') || !unescapedDollar) {
    throw new Error('identity must be an anchored regular expression: start with ^ and end with $');
  }
  return new RegExp(`^(?:${identity})$`);
}

function buildRules(raw: RawPolicy, report: Report): PolicyRules {
  const req = raw.spec.require ?? {};
  const R = '/spec/require';
  const rules: PolicyRules = { trustedBuilders: [], sbom: req.sbom === true, denyComponents: [] };

  if (req.provenance) {
    const P = `${R}/provenance`;
    const builders = globs(req.provenance.builders, `${P}/builders`, report) ?? [];
    rules.provenance = { builders };
    const sourceRepos = globs(req.provenance.sourceRepos, `${P}/sourceRepos`, report);
    const refs = globs(req.provenance.refs, `${P}/refs`, report);
    if (sourceRepos) rules.provenance.sourceRepos = sourceRepos;
    if (refs) rules.provenance.refs = refs;
    if (req.provenance.minLevel !== undefined) {
      rules.provenance.minLevel = req.provenance.minLevel;
      if (!req.trustedBuilders) {
        report(`${P}/minLevel`, 'minLevel needs spec.require.trustedBuilders to know which builder meets which SLSA build level', 'key');
      }
    }
  }

  if (req.trustedBuilders) {
    for (const [pattern, level] of Object.entries(req.trustedBuilders)) {
      const g = glob(pattern, `${R}/trustedBuilders/${escapeToken(pattern)}`, report);
      if (g) rules.trustedBuilders.push({ builder: g, level } satisfies TrustedBuilder);
    }
  }

  if (req.signers) {
    rules.signers = [];
    req.signers.forEach((s, i) => {
      const S = `${R}/signers/${i}`;
      let identityRegex: RegExp;
      try {
        identityRegex = compileIdentity(s.identity);
      } catch (e) {
        report(`${S}/identity`, (e as Error).message);
        return;
      }
      const rule: SignerRule = { issuer: s.issuer, identity: s.identity, identityRegex };
      if (s.github) {
        rule.github = {};
        for (const claim of GITHUB_CLAIMS) {
          const p = s.github[claim];
          if (p === undefined) continue;
          const g = glob(p, `${S}/github/${claim}`, report);
          if (g) rule.github[claim] = g;
        }
      }
      rules.signers?.push(rule);
    });
  }

  if (req.vsa) {
    const V = `${R}/vsa`;
    const verifier = glob(req.vsa.verifier, `${V}/verifier`, report);
    if (verifier) {
      const vsa: VsaRule = { verifier };
      if (req.vsa.minLevel !== undefined) {
        const m = /^SLSA_([A-Z]+)_LEVEL_(\d+)$/.exec(req.vsa.minLevel);
        if (m) vsa.minLevel = { text: req.vsa.minLevel, track: m[1] as string, level: Number(m[2]) };
      }
      if (req.vsa.policyUri !== undefined) {
        const g = glob(req.vsa.policyUri, `${V}/policyUri`, report);
        if (g) vsa.policyUri = g;
      }
      rules.vsa = vsa;
    }
  }

  if (req.maxAge !== undefined) {
    const ms = parseDuration(req.maxAge);
    if (ms === undefined) report(`${R}/maxAge`, 'maxAge must be a positive integer followed by s, m, h or d');
    else rules.maxAge = { text: req.maxAge, ms };
  }

  (raw.spec.deny?.components ?? []).forEach((c, i) => {
    const D = `/spec/deny/components/${i}`;
    let canonical: ReturnType<typeof canonicalizePurl>;
    try {
      canonical = canonicalizePurl(c.purl);
    } catch (e) {
      report(`${D}/purl`, `invalid purl: ${(e as Error).message}`);
      return;
    }
    const rule: DenyComponentRule = {
      purl: c.purl,
      packageKey: canonical.packageKey,
      qualifiers: qualifierRecord(canonical.qualifiers),
      reason: c.reason,
    };
    const version = canonical.version ?? undefined;
    if (version !== undefined && version !== '') rule.version = version;
    if (c.range !== undefined) {
      if (rule.version !== undefined) {
        report(`${D}/range`, 'give either a version in the purl or a range, not both');
        return;
      }
      try {
        rule.range = parseVers(c.range);
        rule.rangeText = c.range;
      } catch (e) {
        report(`${D}/range`, `invalid vers range: ${(e as Error).message}`);
        return;
      }
      const rangeType = /^vers:([^/]+)\//.exec(c.range)?.[1];
      if (rangeType !== undefined && rangeType.toLowerCase() !== canonical.type) {
        report(`${D}/range`, `vers scheme "${rangeType}" does not match purl type "${canonical.type}"`);
        return;
      }
    }
    rules.denyComponents.push(rule);
  });

  return rules;
}

/** purl qualifiers as a plain record, whatever container the purl module returns. */
export function qualifierRecord(q: unknown): Record<string, string> {
  if (q === null || q === undefined) return {};
  if (q instanceof Map) return Object.fromEntries([...q].map(([k, v]) => [String(k), String(v)]));
  if (typeof q === 'object') return Object.fromEntries(Object.entries(q as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return {};
}
