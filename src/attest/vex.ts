import { isRecord } from './statement.parser.ts';
import { fail, optString, optTime, PREDICATE } from './predicate-fields.ts';

/**
 * OpenVEX predicate → facts.
 * Spec: https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md (v0.2.0), which
 * made `vulnerability` an object and `products` / `subcomponents` objects with
 * `@id` and `identifiers`; v0.0.x used plain strings. Both forms are read.
 */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
const STATUSES: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

/** A product or subcomponent: its identifiers (`@id` and every `identifiers` value, usually purls) and hashes. */
export interface VexComponent {
  ids: string[];
  /** Algorithm (IANA name, e.g. `sha-256`) → lower-case hex. */
  hashes: Record<string, string>;
}

export interface VexProduct extends VexComponent {
  /** The components of the product the statement is about; empty: the product as a whole. */
  subcomponents: VexComponent[];
}

export interface VexStatementFacts {
  vulnerability: string;
  aliases: string[];
  /**
   * Empty: the statement names no product and is about the subjects of the attestation that
   * carries it (spec §Inheritance, "Encapsulating Format").
   */
  products: VexProduct[];
  /** v0.0.x put subcomponents on the statement: they apply to every product (or to the subjects). */
  subcomponents: VexComponent[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  /** Statement timestamp, inherited from the document when absent (spec §Inheritance). */
  timestamp?: Date;
}

export interface VexFacts {
  documentId?: string;
  author?: string;
  timestamp?: Date;
  statements: VexStatementFacts[];
}

const P = PREDICATE;

/**
 * Vulnerability ids compare without regard to case or surrounding space (cve-2021-44228 =
 * CVE-2021-44228). The vex_statement index (attestant_index_vex) stores ids normalized the same
 * way in SQL; for the ASCII ids the API accepts the two agree.
 */
export function normalizeVulnerabilityId(id: string): string {
  return id.trim().toUpperCase();
}

/** `"pkg:…"` (v0.0.x) or `{ "@id", identifiers, hashes }` (v0.2.0). */
function component(c: unknown, at: string): VexComponent {
  if (typeof c === 'string') return { ids: [c], hashes: {} };
  if (!isRecord(c)) fail('must be a string or an object', at);
  const ids = new Set<string>();
  const id = optString(c['@id'], `${at}/@id`);
  if (id) ids.add(id);
  // Identifier and hash values that are not strings identify nothing; they are skipped, not refused.
  const identifiers = c['identifiers'];
  if (isRecord(identifiers)) {
    for (const v of Object.values(identifiers)) if (typeof v === 'string' && v) ids.add(v);
  }
  const hashes: Record<string, string> = {};
  const h = c['hashes'];
  if (isRecord(h)) {
    for (const [k, v] of Object.entries(h)) if (typeof v === 'string' && v) hashes[k.toLowerCase()] = v.toLowerCase();
  }
  return { ids: [...ids], hashes };
}

function components(v: unknown, at: string): VexComponent[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('must be an array', at);
  return v.map((c, i) => component(c, `${at}/${i}`));
}

export function toVexFacts(predicate: unknown): VexFacts {
  if (!isRecord(predicate)) fail('must be an object', P);
  const docTime = optTime(predicate['timestamp'], `${P}/timestamp`);
  const raw = predicate['statements'];
  if (!Array.isArray(raw)) fail('statements must be an array', `${P}/statements`);
  const statements = raw.map((s, i): VexStatementFacts => {
    const S = `${P}/statements/${i}`;
    if (!isRecord(s)) fail('must be an object', S);
    const v = s['vulnerability'];
    let vulnerability: string | undefined;
    let aliases: string[] = [];
    if (typeof v === 'string') vulnerability = v;
    else if (isRecord(v)) {
      vulnerability = optString(v['name'], `${S}/vulnerability/name`) ?? optString(v['@id'], `${S}/vulnerability/@id`);
      const a = v['aliases'];
      if (Array.isArray(a)) aliases = a.filter((x): x is string => typeof x === 'string');
    }
    if (!vulnerability) fail('vulnerability name is required', `${S}/vulnerability`);
    const status = s['status'];
    if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
      fail(`status must be one of ${STATUSES.join(', ')}`, `${S}/status`);
    }
    const rawProducts = s['products'];
    if (rawProducts !== undefined && rawProducts !== null && !Array.isArray(rawProducts)) fail('must be an array', `${S}/products`);
    // v0.2.0 nests subcomponents under each product; v0.0.x had them on the statement.
    const products = (rawProducts ?? []).map((p: unknown, j: number): VexProduct => ({
      ...component(p, `${S}/products/${j}`),
      subcomponents: isRecord(p) ? components(p['subcomponents'], `${S}/products/${j}/subcomponents`) : [],
    }));
    const subcomponents = components(s['subcomponents'], `${S}/subcomponents`);
    const out: VexStatementFacts = { vulnerability, aliases, products, subcomponents, status: status as VexStatus };
    const justification = optString(s['justification'], `${S}/justification`);
    const impact = optString(s['impact_statement'], `${S}/impact_statement`);
    const action = optString(s['action_statement'], `${S}/action_statement`);
    const ts = optTime(s['timestamp'], `${S}/timestamp`) ?? docTime;
    if (justification !== undefined) out.justification = justification;
    if (impact !== undefined) out.impactStatement = impact;
    if (action !== undefined) out.actionStatement = action;
    if (ts !== undefined) out.timestamp = ts;
    return out;
  });
  const out: VexFacts = { statements };
  const id = optString(predicate['@id'], `${P}/@id`);
  const author = optString(predicate['author'], `${P}/author`);
  if (id !== undefined) out.documentId = id;
  if (author !== undefined) out.author = author;
  if (docTime !== undefined) out.timestamp = docTime;
  return out;
}
