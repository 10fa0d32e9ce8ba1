// The JSON a decision is written as: its audit event and its HTTP answer, written out by hand
// because every decision is logged and answered, and the decision route is the hottest there is.
// Each writer here must produce exactly what JSON.stringify would; the tests hold them to it.
import { JsonText } from '../audit/chain.ts';
import type { Decision, Reason } from '../policy/index.ts';

export interface DecisionResponse {
  decisionId: string;
  allowed: boolean;
  outcome: Decision['outcome'];
  mode: Decision['mode'];
  environment: string;
  artifact: string;
  service?: string;
  policy?: { name: string; digest: string };
  reasons: Decision['reasons'];
  deployment?: { id: string; since: string };
}

/** Deep equality of JSON values (what JSON.stringify would make equal, for plain data). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  // Same keys in the same order: JSON.stringify output depends on key order.
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Reasons lists equal in every field a Reason has. The evaluator builds each reason with these
 * fields in this order, so equal lists serialize to the same text; only the small evidence objects
 * need the generic comparison.
 */
export function sameReasons(a: readonly Reason[], b: readonly Reason[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.rule !== y.rule || x.outcome !== y.outcome || x.message !== y.message || !jsonEqual(x.evidence, y.evidence)) return false;
  }
  return true;
}

/** What a decision event records (the `decision` view reads these fields back). */
export interface DecisionEventPayload {
  decisionId: string;
  environment: string;
  service: string | null;
  allowed: boolean;
  outcome: Decision['outcome'];
  mode: Decision['mode'];
  policy: { name: string; digest: string } | null;
  reasonsDigest: string;
}

/** JSON.stringify(p), written out: every decision is logged, and this is most of its event body. */
export function decisionEventPayload(p: DecisionEventPayload): JsonText {
  const policy = p.policy ? `{"name":${JSON.stringify(p.policy.name)},"digest":${JSON.stringify(p.policy.digest)}}` : 'null';
  return new JsonText(`{"decisionId":${JSON.stringify(p.decisionId)},"environment":${JSON.stringify(p.environment)},"service":${p.service === null ? 'null' : JSON.stringify(p.service)}`
    + `,"allowed":${p.allowed},"outcome":${JSON.stringify(p.outcome)},"mode":${JSON.stringify(p.mode)},"policy":${policy},"reasonsDigest":${JSON.stringify(p.reasonsDigest)}}`);
}

/**
 * A reasons JSON text (exactly JSON.stringify of the reasons) and its UTF-8 bytes, made once per
 * distinct text: DecisionService keeps the last one per artifact and environment, and most
 * decisions repeat it. The answer is then written from these bytes, not re-encoded each time.
 */
export class ReasonsJson {
  #bytes: Buffer | undefined;
  constructor(readonly text: string) {}
  get bytes(): Buffer {
    return (this.#bytes ??= Buffer.from(this.text, 'utf8'));
  }
}

/**
 * The reasons of a response as the audit log stored them, so HTTP need not serialize them again.
 * A symbol-keyed field rather than a WeakMap entry: an ephemeron per decision costs the collector.
 */
const REASONS_JSON = Symbol('reasonsJson');
type WithReasonsJson = DecisionResponse & { [REASONS_JSON]?: ReasonsJson };

export function attachReasonsJson(res: DecisionResponse, json: ReasonsJson): void {
  (res as WithReasonsJson)[REASONS_JSON] = json;
}

function reasonsOf(res: DecisionResponse): ReasonsJson {
  return (res as WithReasonsJson)[REASONS_JSON] ?? new ReasonsJson(JSON.stringify(res.reasons));
}

/** The answer's JSON around its reasons, in DecisionResult's property order. */
function around(res: DecisionResponse): [head: string, tail: string] {
  let head = `{"decisionId":${JSON.stringify(res.decisionId)},"allowed":${res.allowed},"outcome":${JSON.stringify(res.outcome)},"mode":${JSON.stringify(res.mode)}`
    + `,"environment":${JSON.stringify(res.environment)},"artifact":${JSON.stringify(res.artifact)}`;
  if (res.service !== undefined) head += `,"service":${JSON.stringify(res.service)}`;
  if (res.policy !== undefined) head += `,"policy":${JSON.stringify({ name: res.policy.name, digest: res.policy.digest })}`;
  const tail = res.deployment === undefined ? '}' : `,"deployment":${JSON.stringify({ id: res.deployment.id, since: res.deployment.since })}}`;
  return [`${head},"reasons":`, tail];
}

/** A DecisionResponse as JSON (UTF-8), the reasons copied from their stored bytes. */
export function decisionResponseBytes(res: DecisionResponse): Buffer {
  const [head, tail] = around(res);
  return Buffer.concat([Buffer.from(head, 'utf8'), reasonsOf(res).bytes, Buffer.from(tail, 'utf8')]);
}
