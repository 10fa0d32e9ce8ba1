// The JSON a decision is written as: its audit event and its HTTP answer, written out by hand
// because every decision is logged and answered, and the decision route is the hottest there is.
// Each writer here must produce exactly what JSON.stringify would; the tests hold them to it.
import { JsonText } from '../audit/chain.ts';
import type { Uuid } from '../platform/uuid.ts';
import type { Decision, Reason } from '../policy/index.ts';

/** Decision ids are made by uuidV4 (written into JSON unescaped, see jsonUuid). */
export type DecisionId = Uuid;

export interface DecisionResponse {
  decisionId: DecisionId;
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

/**
 * Deep equality of JSON values: equal for plain data that JSON.stringify would write with the same
 * members and the same values. Member order is not compared: two orders of the same members are the
 * same JSON object, and a template made from either describes the other as faithfully. (Walking
 * members with for-in allocates nothing; Object.keys made two arrays per object, on every decision.)
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k)) continue;
    if (!Object.hasOwn(y, k) || !jsonEqual(x[k], y[k])) return false;
    members++;
  }
  for (const k in y) if (Object.hasOwn(y, k)) members--;
  return members === 0;
}

/**
 * Reasons lists equal in every field a Reason has (the evaluator builds each with these fields in
 * this order); only the small evidence objects need the generic comparison.
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

/** What a decision's answer and event share with the next decision about the same artifact. */
export interface DecisionTemplateInput {
  environment: string;
  artifact: string;
  decision: Decision;
  /** JSON.stringify(decision.reasons). */
  reasonsJson: string;
  /** The digest the event references the reasons text by. */
  reasonsDigest: string;
}

/**
 * The JSON of a decision's answer and of its audit event, less the few fields that differ from one
 * request to the next (decision id, service, deployment). Most decisions repeat the previous one
 * about the same artifact in every other field, so DecisionService keeps one template per artifact
 * and environment, and a decision costs two short concatenations and one copy instead of
 * serializing its answer and event again. Every output is exactly what JSON.stringify writes; the
 * tests hold them to it.
 */
export class DecisionTemplate {
  readonly decision: Decision;
  /** `","allowed":…,"artifact":"…"`: the answer from after the decision id up to the service. */
  readonly #afterId: string;
  /** `,"policy":{…},"reasons":[…]`: the answer from after the service up to the deployment, as UTF-8. */
  readonly #reasonsPart: Buffer;
  /** `"environment":…`, then `,"allowed":…,"reasonsDigest":…}`: the event payload around the service. */
  readonly #eventEnvironment: string;
  readonly #eventAfterService: string;

  constructor(t: DecisionTemplateInput) {
    const d = t.decision;
    this.decision = d;
    const verdict = `"allowed":${d.allowed},"outcome":${JSON.stringify(d.outcome)},"mode":${JSON.stringify(d.mode)}`;
    const policy = d.policy ? `{"name":${JSON.stringify(d.policy.name)},"digest":${JSON.stringify(d.policy.digest)}}` : undefined;
    this.#afterId = `",${verdict},"environment":${JSON.stringify(t.environment)},"artifact":${JSON.stringify(t.artifact)}`;
    this.#reasonsPart = Buffer.from(`${policy ? `,"policy":${policy}` : ''},"reasons":${t.reasonsJson}`, 'utf8');
    this.#eventEnvironment = `","environment":${JSON.stringify(t.environment)},"service":`;
    this.#eventAfterService = `,${verdict},"policy":${policy ?? 'null'},"reasonsDigest":${JSON.stringify(t.reasonsDigest)}}`;
  }

  /** The event payload (DecisionEventPayload, in its property order) for one decision. */
  eventPayload(decisionId: DecisionId, service: string | undefined): JsonText {
    return new JsonText(`{"decisionId":${jsonUuid(decisionId)}${this.#eventEnvironment}${service === undefined ? 'null' : JSON.stringify(service)}${this.#eventAfterService}`);
  }

  /** The answer (DecisionResult, in its property order) as UTF-8. */
  answer(decisionId: DecisionId, service: string | undefined, deployment?: { id: string; since: string }): Buffer {
    let head = `{"decisionId":${jsonUuid(decisionId)}${this.#afterId}`;
    if (service !== undefined) head += `,"service":${JSON.stringify(service)}`;
    const tail = deployment === undefined ? '}' : `,"deployment":{"id":${JSON.stringify(deployment.id)},"since":${JSON.stringify(deployment.since)}}}`;
    const headBytes = Buffer.byteLength(head, 'utf8');
    const out = Buffer.allocUnsafe(headBytes + this.#reasonsPart.length + Buffer.byteLength(tail, 'utf8'));
    out.write(head, 0);
    this.#reasonsPart.copy(out, headBytes);
    out.write(tail, headBytes + this.#reasonsPart.length);
    return out;
  }
}

/**
 * A decision id as a JSON string, its closing quote left to the template. The type is what
 * uuidV4 returns: lower-case hex and dashes, which JSON writes as they are.
 */
function jsonUuid(id: DecisionId): string {
  return `"${id}`;
}

/** The same verdict: every field of a Decision, the reasons compared field by field. */
export function sameDecision(a: Decision, b: Decision): boolean {
  return a.allowed === b.allowed && a.outcome === b.outcome && a.mode === b.mode
    && a.policy?.name === b.policy?.name && a.policy?.digest === b.policy?.digest
    && sameReasons(a.reasons, b.reasons);
}

/**
 * The template a response was written from, so HTTP writes the answer from it. A symbol-keyed
 * field rather than a WeakMap entry: an ephemeron per decision costs the collector.
 */
const TEMPLATE = Symbol('decisionTemplate');
type WithTemplate = DecisionResponse & { [TEMPLATE]?: DecisionTemplate };

export function attachTemplate(res: DecisionResponse, template: DecisionTemplate): void {
  (res as WithTemplate)[TEMPLATE] = template;
}

/** A DecisionResponse as JSON (UTF-8): from its template when it has one. */
export function decisionResponseBytes(res: DecisionResponse): Buffer {
  const template = (res as WithTemplate)[TEMPLATE] ?? new DecisionTemplate({
    environment: res.environment, artifact: res.artifact, reasonsJson: JSON.stringify(res.reasons), reasonsDigest: '',
    decision: { allowed: res.allowed, outcome: res.outcome, mode: res.mode, policy: res.policy, reasons: res.reasons },
  });
  return template.answer(res.decisionId, res.service, res.deployment);
}
