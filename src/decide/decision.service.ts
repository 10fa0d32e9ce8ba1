// The deploy-time path: cached verified facts + active exceptions → pure policy evaluation →
// durable, group-committed decision + audit row → answer. No network call, no signature check.
// Anything that prevents a sound answer (no policy, database down) is "unavailable", never allow.
import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { UnavailableError, AppError } from '../platform/errors.ts';
import { isDatabaseUnavailable } from '../platform/database-unavailable.ts';
import type { Metrics } from '../platform/metrics.ts';
import { AuditLog, appendAuditEvents, toBlob, type AuditBlob, type AuditEntry } from '../audit/audit-log.ts';
import { evaluate, type Decision, type PolicyException } from '../policy/index.ts';
import { ExceptionRepository } from '../graph/exception.repository.ts';
import { recordDeployment } from '../graph/deployment.repository.ts';
import type { FactsCache } from './facts-cache.ts';
import type { PolicyStore } from './policy-store.ts';
import { attachTemplate, DecisionTemplate, sameDecision, type DecisionResponse } from './decision-json.ts';

export type { DecisionResponse } from './decision-json.ts';

export interface DecisionRequest { artifact: string; environment: string; service?: string; record?: boolean; actor?: string }

export class DecisionRequestError extends AppError<'BAD_REQUEST'> {}

/** Active exceptions, cached per process and refreshed on change notices (and every minute as a backstop). */
export class ExceptionsCache {
  private value: PolicyException[] | undefined;
  private loadedAt = 0;
  private inflight: Promise<PolicyException[]> | undefined;
  private trusted = false;

  constructor(private readonly repo: ExceptionRepository, private readonly ttlMs = 60_000) {}

  /** The cached exceptions, synchronously, when get() would answer from the cache. */
  peek(): PolicyException[] | undefined {
    return this.trusted && this.value && Date.now() - this.loadedAt < this.ttlMs ? this.value : undefined;
  }

  async get(now: Date): Promise<PolicyException[]> {
    const hit = this.peek();
    if (hit) return hit;
    this.inflight ??= this.repo.active(now).then(
      (v) => { this.value = v; this.loadedAt = Date.now(); this.inflight = undefined; return v; },
      (e: unknown) => { this.inflight = undefined; throw e; },
    );
    return this.inflight;
  }

  invalidate(): void { this.value = undefined; this.inflight = undefined; }
  setTrusted(t: boolean): void { this.trusted = t; this.invalidate(); }
}

/** The environment label of decisions about environments no policy governs. */
const UNGOVERNED = '(ungoverned)';

/** The last decision's template and the audit blob holding its reasons text. */
interface Memo { template: DecisionTemplate; blob: AuditBlob }

export class DecisionService {
  /**
   * The last decision's template per artifact and environment. Policy is evaluated every time;
   * when the verdict equals the previous one (the common case: the same artifact asked about
   * again), its answer and event are written from the template rather than serialized again, which
   * costs more than the evaluation itself.
   */
  readonly #last = new Map<string, Memo>();

  constructor(
    /** Where `record: true` writes the deployment: the decision path's own connections (app.ts). */
    private readonly db: Pick<Database, 'pool'>,
    /** The process's group-committed audit log (shared with every other appender). */
    readonly audit: AuditLog,
    private readonly policies: PolicyStore,
    private readonly facts: FactsCache,
    private readonly exceptions: ExceptionsCache,
    private readonly metrics?: Metrics,
    private readonly clock: () => Date = () => new Date(),
  ) {
  }

  #memo(req: DecisionRequest, decision: Decision): Memo {
    const key = `${req.artifact} ${req.environment}`;
    const last = this.#last.get(key);
    if (last && sameDecision(last.template.decision, decision)) return last;
    const reasonsJson = JSON.stringify(decision.reasons);
    const blob = toBlob(reasonsJson);
    const memo = { template: new DecisionTemplate({ environment: req.environment, artifact: req.artifact, decision, reasonsJson, reasonsDigest: blob.digest }), blob };
    if (this.#last.size >= 10_000) this.#last.clear();
    this.#last.set(key, memo);
    return memo;
  }

  async decide(req: DecisionRequest): Promise<DecisionResponse> {
    if (req.record && !req.service) throw new DecisionRequestError('BAD_REQUEST', 'record: true needs the service being deployed.', { pointer: '/service' });
    const set = this.policies.set;
    if (set.policies.length === 0) throw new UnavailableError('POLICY_UNAVAILABLE', 'No policy is loaded, so no decision can be made (fail closed). Add policies to ATTESTANT_POLICY_DIR.');
    const now = this.clock();
    let decision: Decision;
    let hasProvenance = false;
    try {
      // Warm caches answer synchronously: no promise, no microtask turn on the hot path.
      // The facts hold the components this policy set denies, so they are read for `set` itself.
      let facts = this.facts.peek(req.artifact, set.deniedPackageKeys);
      let exceptions = this.exceptions.peek();
      if (!facts || !exceptions) [facts, exceptions] = await Promise.all([facts ?? this.facts.get(req.artifact, set.deniedPackageKeys), exceptions ?? this.exceptions.get(now)]);
      hasProvenance = facts.provenance.length > 0;
      decision = evaluate(set, { artifact: req.artifact, environment: req.environment, service: req.service }, facts, exceptions, now);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw new UnavailableError('DATABASE_UNAVAILABLE', 'The facts cannot be read (database unavailable); no decision was made.', { cause: String((err as Error).message) });
      throw err;
    }
    const id = randomUUID();
    // The reasons are stored once per distinct text and referenced by digest (the chain still
    // covers them): most decisions repeat the reasons of the previous one for that artifact.
    const memo = this.#memo(req, decision);
    // The event is the decision record (the `decision` view reads it back).
    const event: AuditEntry = {
      kind: 'decision', actor: req.actor, subject: req.artifact, at: now,
      payload: memo.template.eventPayload(id, req.service),
      blobs: [memo.blob],
    };
    const record = req.record && decision.allowed && req.service ? req.service : undefined;
    let deployment: { id: string; since: Date } | undefined;
    try {
      if (record) {
        // The decision, the deployment it allows and that deployment's event are one record: one
        // transaction, so a failure leaves none of them (rare enough to skip the group commit).
        deployment = await withTransaction(this.db.pool, async (c) => {
          const d = await recordDeployment(c, { artifact: req.artifact, service: record, environment: req.environment, decisionId: id, at: now });
          await appendAuditEvents(c, [event, { kind: 'deployment.recorded', actor: req.actor, subject: req.artifact, payload: { deploymentId: d.id, service: record, environment: req.environment, decisionId: id } }]);
          return d;
        });
      } else {
        // Durable before it is answered: resolves only after the batch's commit.
        await this.audit.append(event);
      }
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw new UnavailableError('DATABASE_UNAVAILABLE', 'The decision could not be stored durably (database unavailable); refusing to answer.');
      throw err;
    }
    // The environment comes from the request: only governed ones (those a policy decided) become
    // label values, so a client cannot grow the metric without bound by inventing names.
    this.metrics?.countDecision(decision.policy ? req.environment : UNGOVERNED, decision.mode, decision.outcome);
    this.metrics?.recordDecisionSli(hasProvenance, decision.reasons.some((r) => r.outcome === 'fail' || r.outcome === 'warn' || r.outcome === 'exception'));

    // Written out rather than spread: an object literal that spreads costs microseconds here.
    const res: DecisionResponse = {
      decisionId: id, allowed: decision.allowed, outcome: decision.outcome, mode: decision.mode,
      environment: req.environment, artifact: req.artifact, reasons: decision.reasons,
    };
    if (req.service) res.service = req.service;
    if (decision.policy) res.policy = decision.policy;
    attachTemplate(res, memo.template);
    if (deployment) res.deployment = { id: deployment.id, since: deployment.since.toISOString() };
    return res;
  }
}
