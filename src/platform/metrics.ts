// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SeriesHistogram, type HistogramSeries } from './series-histogram.ts';

const SLI_WINDOW = 1000;

/** What pg.Pool says of its connections. */
export interface PoolCounts { readonly totalCount: number; readonly idleCount: number; readonly waitingCount: number }

/** One label set of attestant_decisions_total: counted here, exported when collected. */
interface DecisionCount { labels: { environment: string; mode: string; outcome: string }; count: number; exported: number }

export class Metrics {
  readonly registry = new Registry();
  // Observed on every request: a SeriesHistogram, whose series are kept rather than looked up.
  readonly httpDuration = new SeriesHistogram({
    name: 'attestant_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'attestant_decisions_total',
    help: 'Decisions by environment, mode and outcome',
    labelNames: ['environment', 'mode', 'outcome'] as const,
    registers: [this.registry],
    collect: () => this.#exportDecisionCounts(),
  });
  readonly verifyFailures = new Counter({
    name: 'attestant_verification_failures_total',
    help: 'Rejected signatures and bundles by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly ingests = new Counter({
    name: 'attestant_ingests_total',
    help: 'Ingested documents by kind (sbom, attestation) and result (created, duplicate)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly embeddedRestarts = new Counter({
    name: 'attestant_embedded_postgres_restarts_total',
    help: 'Times the embedded PostgreSQL exited while in use and was started again (it should be 0: each one is a crash or a kill)',
    registers: [this.registry],
  });
  readonly tlsReloads = new Counter({
    name: 'attestant_tls_certificate_reloads_total',
    help: 'Changed TLS certificate files by result: served (a renewed pair) or refused (not a usable pair; the previous one stays)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly configReloads = new Counter({
    name: 'attestant_config_reloads_total',
    help: 'Reloads of the policy and trust files by trigger (api, signal, watch: the files changed, notice: another replica reloaded) and result (applied, refused: invalid, the previous configuration stays)',
    labelNames: ['trigger', 'result'] as const,
    registers: [this.registry],
  });
  // The policies in force, read when scraped: replicas that disagree (one whose files have not
  // been updated yet, or whose change was refused) show as different digests.
  #policies: () => ReadonlyArray<{ name: string; digest: string; mode: string }> = () => [];
  readonly policyInfo: Gauge<'name' | 'digest' | 'mode'> = new Gauge({
    name: 'attestant_policy_info',
    help: 'The policies in force (value 1), by name, content digest and mode',
    labelNames: ['name', 'digest', 'mode'] as const,
    registers: [this.registry],
    collect: () => {
      this.policyInfo.reset();
      for (const p of this.#policies()) this.policyInfo.set({ name: p.name, digest: p.digest, mode: p.mode }, 1);
    },
  });

  /** Where /metrics reads the policies in force from. */
  watchPolicies(policies: () => ReadonlyArray<{ name: string; digest: string; mode: string }>): void {
    this.#policies = policies;
  }

  readonly provenanceLatency = new Histogram({
    name: 'attestant_provenance_latency_seconds',
    help: "Time from a provenance's finishedOn to its ingestion here",
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400],
    registers: [this.registry],
  });
  readonly auditBatchSize = new Histogram({
    name: 'attestant_audit_commit_batch_size',
    help: 'Audit events (decisions, ingests, ...) written per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });
  readonly auditCommitSeconds = new Histogram({
    name: 'attestant_audit_commit_seconds',
    help: 'Time of one group commit (one statement, one WAL flush)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  // Connections of each PostgreSQL pool, read when scraped: a decision path that waits for
  // connections shows here before it shows in latency.
  #pools: Record<string, PoolCounts> = {};
  readonly dbPoolClients: Gauge<'pool' | 'state'> = new Gauge({
    name: 'attestant_db_pool_clients',
    help: 'PostgreSQL connections of each pool (main; decision: reads and records; audit: the group-commit log): total, idle, and requests waiting for one',
    labelNames: ['pool', 'state'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [pool, p] of Object.entries(this.#pools)) {
        this.dbPoolClients.set({ pool, state: 'total' }, p.totalCount);
        this.dbPoolClients.set({ pool, state: 'idle' }, p.idleCount);
        this.dbPoolClients.set({ pool, state: 'waiting' }, p.waitingCount);
      }
    },
  });

  /** The pools /metrics reports, by name. */
  watchPools(pools: Record<string, PoolCounts>): void {
    this.#pools = { ...this.#pools, ...pools };
  }

  /**
   * Decisions counted as plain numbers, by environment, mode and outcome; the prom-client counter
   * is brought up to date when it is collected. Its inc, even through a labelled child, builds,
   * validates and hashes a label object on every call, and a decision's label key would be a new
   * string to hash as well. The environments are those a policy governs, so the sets are few.
   */
  readonly #decisionCounts = new Map<string, Map<string, Map<string, DecisionCount>>>();

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpSeries(method, route, status).observe(seconds);
  }

  /** The latency series of one route, method and status, for a caller that keeps it. */
  httpSeries(method: string, route: string, status: number): HistogramSeries {
    return this.httpDuration.series(method, route, String(status));
  }

  countDecision(environment: string, mode: string, outcome: string): void {
    let byMode = this.#decisionCounts.get(environment);
    if (byMode === undefined) this.#decisionCounts.set(environment, (byMode = new Map()));
    let byOutcome = byMode.get(mode);
    if (byOutcome === undefined) byMode.set(mode, (byOutcome = new Map()));
    let c = byOutcome.get(outcome);
    if (c === undefined) byOutcome.set(outcome, (c = { labels: { environment, mode, outcome }, count: 0, exported: 0 }));
    c.count++;
  }

  #exportDecisionCounts(): void {
    for (const byMode of this.#decisionCounts.values()) {
      for (const byOutcome of byMode.values()) {
        for (const c of byOutcome.values()) {
          if (c.count === c.exported) continue;
          this.decisions.inc(c.labels, c.count - c.exported);
          c.exported = c.count;
        }
      }
    }
  }

  auditCommit(entries: number, seconds: number): void {
    this.auditBatchSize.observe(entries);
    this.auditCommitSeconds.observe(seconds);
  }

  // SLIs over a sliding window of recent decisions (see recordDecisionSli).
  // Computed when scraped, not on every decision.
  readonly verifiedProvenanceShare: Gauge = new Gauge({
    name: 'attestant_decided_artifacts_verified_provenance_ratio',
    help: 'Share of recently decided artifacts that carry verified SLSA provenance (last 1000 decisions)',
    registers: [this.registry],
    collect: () => { if (this.filled > 0) this.verifiedProvenanceShare.set(this.withProvenance / this.filled); },
  });
  readonly policyViolationRate: Gauge = new Gauge({
    name: 'attestant_policy_violation_ratio',
    help: 'Share of recent decisions (last 1000) with at least one failed rule',
    registers: [this.registry],
    collect: () => { if (this.filled > 0) this.policyViolationRate.set(this.withViolation / this.filled); },
  });

  // Ring buffer of the last SLI_WINDOW decisions with running counts: O(1) per decision.
  private readonly ring = new Uint8Array(SLI_WINDOW);
  private filled = 0;
  private cursor = 0;
  private withProvenance = 0;
  private withViolation = 0;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'attestant_' });
  }

  recordDecisionSli(hasProvenance: boolean, violation: boolean): void {
    const bits = (hasProvenance ? 1 : 0) | (violation ? 2 : 0);
    if (this.filled === SLI_WINDOW) {
      const old = this.ring[this.cursor]!;
      this.withProvenance -= old & 1;
      this.withViolation -= (old >> 1) & 1;
    } else {
      this.filled++;
    }
    this.ring[this.cursor] = bits;
    this.cursor = (this.cursor + 1) % SLI_WINDOW;
    this.withProvenance += bits & 1;
    this.withViolation += (bits >> 1) & 1;
  }

}
