// The deploy-time path: cached verified facts + active exceptions → pure policy evaluation →
// durable, group-committed decision + audit row → answer. No network call, no signature check.
// Anything that prevents a sound answer (no policy, database down) is "unavailable", never allow.
import type { Database } from '../platform/database.ts';
import { withTransaction } from '../platform/database.ts';
import { UnavailableError, AppError, callbackThrew } from '../platform/errors.ts';
import { isDatabaseUnavailable } from '../platform/database-unavailable.ts';
import type { Metrics } from '../platform/metrics.ts';
import { uuidV4 } from '../platform/uuid.ts';
import { AuditLog, appendAuditEvents, toBlob, type AuditBlob, type AuditEntry } from '../audit/audit-log.ts';
import { evaluate, type ArtifactFacts, type Decision, type LoadedPolicySet, type PolicyException } from '../policy/index.ts';
import { ExceptionRepository } from '../graph/exception.repository.ts';
import { recordDeployment } from '../graph/deployment.repository.ts';
import type { FactsCache } from './facts-cache.ts';
import type { PolicyStore } from './policy-store.ts';
import { attachTemplate, DecisionTemplate, sameDecision, type DecisionId, type DecisionResponse } from './decision-json.ts';

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

  decide(req: DecisionRequest): Promise<DecisionResponse> {
    return new Promise((resolve, reject) => this.decideThen(req, (err, res) => (err === undefined ? resolve(res!) : reject(err))));
  }

  /**
   * decide(), answering through a callback, called once: (undefined, response) or (error). The
   * decision route's form: with warm caches a decision spends no promise and no microtask turn
   * between the request and its commit, nor between the commit and the answer.
   */
  decideThen(req: DecisionRequest, done: DecisionCallback): void {
    let set: LoadedPolicySet;
    let now: Date;
    try {
      if (req.record && !req.service) throw new DecisionRequestError('BAD_REQUEST', 'record: true needs the service being deployed.', { pointer: '/service' });
      set = this.policies.set;
      if (set.policies.length === 0) throw new UnavailableError('POLICY_UNAVAILABLE', 'No policy is loaded, so no decision can be made (fail closed). Add policies to ATTESTANT_POLICY_DIR.');
      now = this.clock();
      // Warm caches answer synchronously. The facts hold the components this policy set denies,
      // so they are read for `set` itself.
      const facts = this.facts.peek(req.artifact, set.deniedPackageKeys);
      const exceptions = this.exceptions.peek();
      if (facts && exceptions) {
        this.#decideWith(req, set, now, facts, exceptions, done);
        return;
      }
      Promise.all([facts ?? this.facts.get(req.artifact, set.deniedPackageKeys), exceptions ?? this.exceptions.get(now)]).then(
        ([f, e]) => this.#decideWith(req, set, now, f, e, done),
        (err: unknown) => done(factsUnavailable(err)),
      ).catch(callbackThrew);
    } catch (err) {
      done(factsUnavailable(err));
    }
  }

  #decideWith(req: DecisionRequest, set: LoadedPolicySet, now: Date, facts: ArtifactFacts, exceptions: PolicyException[], done: DecisionCallback): void {
    let decision: Decision;
    let memo: Memo;
    let event: AuditEntry;
    const id = uuidV4();
    try {
      decision = evaluate(set, { artifact: req.artifact, environment: req.environment, service: req.service }, facts, exceptions, now);
      // The reasons are stored once per distinct text and referenced by digest (the chain still
      // covers them): most decisions repeat the reasons of the previous one for that artifact.
      memo = this.#memo(req, decision);
      // The event is the decision record (the `decision` view reads it back).
      event = {
        kind: 'decision', actor: req.actor, subject: req.artifact, at: now,
        payload: memo.template.eventPayload(id, req.service),
        blobs: [memo.blob],
      };
    } catch (err) {
      done(factsUnavailable(err));
      return;
    }
    const answer = (deployment?: { id: string; since: Date }) => {
      let res: DecisionResponse;
      try {
        res = this.#answer(req, id, decision, memo, facts.provenance.length > 0, deployment);
      } catch (err) {
        done(err);
        return;
      }
      done(undefined, res);
    };
    const record = req.record && decision.allowed && req.service ? req.service : undefined;
    if (!record) {
      // Durable before it is answered: called back only after the batch's commit.
      this.audit.enqueue(event, (err) => (err === undefined ? answer() : done(storeUnavailable(err))));
      return;
    }
    // The decision, the deployment it allows and that deployment's event are one record: one
    // transaction, so a failure leaves none of them (rare enough to skip the group commit).
    withTransaction(this.db.pool, async (c) => {
      const d = await recordDeployment(c, { artifact: req.artifact, service: record, environment: req.environment, decisionId: id, at: now });
      await appendAuditEvents(c, [event, { kind: 'deployment.recorded', actor: req.actor, subject: req.artifact, payload: { deploymentId: d.id, service: record, environment: req.environment, decisionId: id } }]);
      return d;
    }).then(answer, (err: unknown) => done(storeUnavailable(err))).catch(callbackThrew);
  }

  #answer(req: DecisionRequest, id: DecisionId, decision: Decision, memo: Memo, hasProvenance: boolean, deployment: { id: string; since: Date } | undefined): DecisionResponse {
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

export type DecisionCallback = (err: unknown, res?: DecisionResponse) => void;

function factsUnavailable(err: unknown): unknown {
  return isDatabaseUnavailable(err) ? new UnavailableError('DATABASE_UNAVAILABLE', 'The facts cannot be read (database unavailable); no decision was made.', { cause: String((err as Error).message) }) : err;
}

function storeUnavailable(err: unknown): unknown {
  return isDatabaseUnavailable(err) ? new UnavailableError('DATABASE_UNAVAILABLE', 'The decision could not be stored durably (database unavailable); refusing to answer.') : err;
}
