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

export interface VexStatementFacts {
  vulnerability: string;
  aliases: string[];
  /** Product identifiers: `@id` and `identifiers.purl` (usually purls). */
  products: string[];
  subcomponents: string[];
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

/** `"pkg:…"` (v0.0.x) or `{ "@id", identifiers: { purl } }` (v0.2.0) → identifiers. */
function componentIds(v: unknown, at: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('must be an array', at);
  const out = new Set<string>();
  v.forEach((c, i) => {
    if (typeof c === 'string') {
      out.add(c);
      return;
    }
    if (!isRecord(c)) fail('must be a string or an object', `${at}/${i}`);
    const id = optString(c['@id'], `${at}/${i}/@id`);
    if (id) out.add(id);
    const ids = c['identifiers'];
    if (isRecord(ids)) {
      const purl = optString(ids['purl'], `${at}/${i}/identifiers/purl`);
      if (purl) out.add(purl);
    }
  });
  return [...out];
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
    const products = componentIds(s['products'], `${S}/products`);
    // v0.2.0 nests subcomponents under each product; v0.0.x had them on the statement.
    const subcomponents = new Set(componentIds(s['subcomponents'], `${S}/subcomponents`));
    const prods = s['products'];
    if (Array.isArray(prods)) {
      prods.forEach((p, j) => {
        if (isRecord(p)) for (const c of componentIds(p['subcomponents'], `${S}/products/${j}/subcomponents`)) subcomponents.add(c);
      });
    }
    const out: VexStatementFacts = { vulnerability, aliases, products, subcomponents: [...subcomponents], status: status as VexStatus };
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
