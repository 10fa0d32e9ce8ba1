// Where-used: purl (+ optional vers range) → matching components (index range scan on the
// sortable version key, then an exact recheck with the ecosystem's ordering) → SBOMs → artifacts
// → services and current deployments, with one dependency path per hit.
import { createHash } from 'node:crypto';
import { canonicalizePurl, compareVersions, ecosystemOf, parseVers, versBounds, versContains, versionSortKey, PurlError, VersError, type VersRange } from '../purl/index.ts';
import { AppError } from '../platform/errors.ts';
import type { CandidateComponent, UsageCursor, UsageRepository } from '../graph/usage.repository.ts';
import { normalizeVulnerabilityId } from '../attest/index.ts';
import { vexStatus, type VexDocument, type VexVerdict } from './vex-status.ts';

/**
 * `environment`: only artifacts deployed there now (a deployment recorded and not replaced).
 * `vulnerability`: annotate each match with what verified OpenVEX statements say about it.
 */
export interface UsageQuery { purl?: string; name?: string; range?: string; environment?: string; vulnerability?: string; limit: number; cursor?: string }

export interface UsageMatch {
  component: string;
  artifact: { digest: string; name?: string } | null;
  sbom: string;
  direct: boolean;
  path?: string[];
  services: string[];
  deployments: Array<{ service: string; environment: string; since: string }>;
  /** The component's version cannot be ordered in its ecosystem; it matched by equality or is reported so as not to be missed. */
  unorderable?: boolean;
  /** Matched by name across ecosystems (?name=), not by an exact package identity. */
  fuzzy?: boolean;
  /** With ?vulnerability=: the latest verified OpenVEX statement about this component in this artifact, if any. */
  vex?: VexVerdict;
}

export interface UsageResult {
  matches: UsageMatch[];
  totals: { components: number; artifacts: number; services: number; matches: number };
  /** Components whose version could not be compared against the range (listed, flagged unorderable). */
  unorderable: string[];
  nextCursor?: string;
}

export class UsageQueryError extends AppError<'BAD_REQUEST' | 'INVALID_CURSOR' | 'VERS_INVALID' | 'PURL_INVALID'> {}

/** A cursor is only valid for the query that issued it: it carries a fingerprint of that query. */
function queryFingerprint(q: UsageQuery): string {
  return createHash('sha256').update(JSON.stringify([q.purl ?? null, q.name ?? null, q.range ?? null, q.environment ?? null])).digest('base64url').slice(0, 12);
}

function encodeCursor(c: UsageCursor, q: UsageQuery): string {
  return Buffer.from(JSON.stringify([c.key, c.digest, c.sbom, queryFingerprint(q)])).toString('base64url');
}

function decodeCursor(s: string, q: UsageQuery): UsageCursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'string') && v[3] === queryFingerprint(q)) {
      const [key, digest, sbom] = v as [string, string, string];
      return { key, digest, sbom };
    }
  } catch { /* fall through */ }
  throw new UsageQueryError('INVALID_CURSOR', 'The cursor is not one this service issued for this query.', { pointer: '/cursor' });
}

function parseQualifiers(q: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!q) return out;
  for (const pair of q.split('&')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

type Verdict = 'in' | 'out' | 'unorderable';

/** Pure: decide one candidate against the query. */
export function matchCandidate(c: CandidateComponent, wanted: { version: string | null; qualifiers: Record<string, string> }, range: VersRange | undefined): Verdict {
  const q = parseQualifiers(c.qualifiers);
  for (const [k, v] of Object.entries(wanted.qualifiers)) if (q[k] !== v) return 'out';
  // An exact version matches equal versions in the ecosystem's own order (maven 5.2.0 = 5.2.0.RELEASE).
  if (wanted.version !== null) return c.version !== null && (c.version === wanted.version || compareVersions(c.type ?? 'generic', c.version, wanted.version) === 0) ? 'in' : 'out';
  if (!range) return 'in';
  if (c.version === null) return 'unorderable';
  return versContains(range, c.version);
}

export class UsageService {
  constructor(private readonly repo: UsageRepository) {}

  async search(q: UsageQuery): Promise<UsageResult> {
    if (!q.purl && !q.name) throw new UsageQueryError('BAD_REQUEST', 'Give purl= (a package URL) or name= (a component name).', { pointer: '/purl' });
    let range: VersRange | undefined;
    if (q.range) {
      try {
        range = parseVers(q.range);
      } catch (err) {
        if (err instanceof VersError) throw new UsageQueryError('VERS_INVALID', err.message, { pointer: '/range', position: err.position });
        throw err;
      }
    }
    const after = q.cursor ? decodeCursor(q.cursor, q) : undefined;

    let candidates: CandidateComponent[];
    let wanted = { version: null as string | null, qualifiers: {} as Record<string, string> };
    const fuzzy = !q.purl;
    if (q.purl) {
      let p;
      try {
        p = canonicalizePurl(q.purl);
      } catch (err) {
        if (err instanceof PurlError) throw new UsageQueryError('PURL_INVALID', err.message, { pointer: '/purl', position: err.position });
        throw err;
      }
      if (range && ecosystemOf(range.scheme) !== ecosystemOf(p.type)) {
        throw new UsageQueryError('VERS_INVALID', `The range's scheme '${range.scheme}' does not match the purl type '${p.type}'.`, { pointer: '/range', position: 5 });
      }
      if (range && p.version !== null) throw new UsageQueryError('BAD_REQUEST', 'Give either a version in the purl or a range, not both.', { pointer: '/range' });
      wanted = { version: p.version, qualifiers: p.qualifiers };
      let low: string | null = null;
      let high: string | null = null;
      // Maven's ComparableVersion is not a total order (it has cycles among mixed qualifiers), so
      // no sort key can agree with it everywhere: scan all versions of the package and recheck.
      const keysAreExact = p.type !== 'maven';
      if (range && keysAreExact) {
        const b = versBounds(range);
        low = b.lower ? versionSortKey(p.type, b.lower.version) ?? null : null;
        high = b.upper ? versionSortKey(p.type, b.upper.version) ?? null : null;
      } else if (p.version !== null && keysAreExact) {
        low = high = versionSortKey(p.type, p.version) ?? null;
      }
      candidates = await this.repo.candidatesByPackage(p.packageKey, low, high);
    } else {
      candidates = await this.repo.candidatesByName(q.name!);
    }

    const matched: string[] = [];
    const unorderable = new Set<string>();
    for (const c of candidates) {
      // A range only orders versions of its own ecosystem: name search skips the others.
      if (range && fuzzy && c.type && ecosystemOf(range.scheme) !== ecosystemOf(c.type)) continue;
      const v = matchCandidate(c, wanted, range);
      if (v === 'out') continue;
      matched.push(c.id);
      if (v === 'unorderable') unorderable.add(c.id);
    }
    if (matched.length === 0) return { matches: [], totals: { components: 0, artifacts: 0, services: 0, matches: 0 }, unorderable: [] };

    const environment = q.environment ?? null;
    const [totals, hits] = await Promise.all([this.repo.totals(matched, environment), this.repo.page(matched, after, q.limit + 1, environment)]);
    const more = hits.length > q.limit;
    const page = more ? hits.slice(0, q.limit) : hits;
    const artifactIds = [...new Set(page.map((h) => h.artifactId).filter((x): x is string => x !== null))];
    const [services, deployments, paths, vex] = await Promise.all([
      this.repo.servicesOf(artifactIds),
      this.repo.currentDeploymentsOf(artifactIds),
      this.repo.paths(page.map((h) => ({ sbomId: h.sbomId, componentId: h.componentId }))),
      q.vulnerability ? this.repo.vexOf(artifactIds, normalizeVulnerabilityId(q.vulnerability)) : new Map<string, VexDocument[]>(),
    ]);
    const matches: UsageMatch[] = page.map((h) => {
      const m: UsageMatch = {
        component: h.purl ?? `${h.name}${h.version ? `@${h.version}` : ''}`,
        artifact: h.artifactDigest ? { digest: h.artifactDigest, ...(h.artifactName ? { name: h.artifactName } : {}) } : null,
        sbom: h.sbomId,
        direct: h.direct,
        services: h.artifactId ? services.get(h.artifactId) ?? [] : [],
        deployments: (h.artifactId ? deployments.get(h.artifactId) ?? [] : []).map((d) => ({ ...d, since: d.since.toISOString() })),
      };
      const path = paths.get(`${h.sbomId}/${h.componentId}`);
      if (path) m.path = path;
      if (unorderable.has(h.componentId)) m.unorderable = true;
      if (fuzzy) m.fuzzy = true;
      const docs = h.artifactId ? vex.get(h.artifactId) : undefined;
      const verdict = docs && q.vulnerability ? vexStatus(docs, q.vulnerability, h.purl) : undefined;
      if (verdict) m.vex = verdict;
      return m;
    });
    const last = page[page.length - 1];
    const result: UsageResult = {
      matches,
      totals: { components: totals.components, artifacts: totals.artifacts, services: totals.services, matches: totals.hits },
      unorderable: candidates.filter((c) => unorderable.has(c.id)).map((c) => c.purl ?? c.key),
    };
    if (more && last) result.nextCursor = encodeCursor({ key: last.componentKey, digest: last.artifactDigest ?? '', sbom: last.sbomId }, q);
    return result;
  }
}

export function toCsv(r: UsageResult): string {
  // Values come from uploaded SBOMs: neutralise spreadsheet formulas (OWASP CSV injection).
  const esc = (raw: string) => {
    const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = ['component,artifact,artifact_name,sbom,direct,path,services,deployments,unorderable,vex_status,vex_justification,vex_attestation'];
  for (const m of r.matches) {
    lines.push([
      m.component, m.artifact?.digest ?? '', m.artifact?.name ?? '', m.sbom, String(m.direct), (m.path ?? []).join(' > '),
      m.services.join(';'), m.deployments.map((d) => `${d.service}@${d.environment}`).join(';'), m.unorderable ? 'true' : '',
      m.vex?.status ?? '', m.vex?.justification ?? '', m.vex?.attestation ?? '',
    ].map(esc).join(','));
  }
  return `${lines.join('\n')}\n`;
}
