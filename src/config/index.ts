// The only module that reads process.env. Everything else receives a typed, frozen Config.
import { resolve } from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: start an embedded PostgreSQL with its data in dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly adminToken?: string;
  readonly policyDir: string;
  readonly trustConfig?: string;
  readonly strictSbom: boolean;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Kubernetes namespace → environment, from ATTESTANT_NAMESPACE_ENVIRONMENTS="ns1=prod,ns2=staging". */
  readonly namespaceEnvironments: Readonly<Record<string, string>>;
  /** Size of the PostgreSQL connection pool. */
  readonly dbPoolSize: number;
  /**
   * How long each of a decision's statements (a facts or exceptions read on a cache miss, the
   * group-commit write of its audit event) may take in PostgreSQL, connecting included, before it
   * is cancelled and the decision answered 503. Under the admission webhook's 5-second timeout, so
   * Kubernetes hears why.
   */
  readonly decisionDbTimeoutMs: number;
  /**
   * On SIGTERM, how long to keep serving while reporting not ready, before closing (drain.ts):
   * long enough for a load balancer or Kubernetes to stop sending new work.
   */
  readonly shutdownDrainMs: number;
  /** How often policy and trust files are checked for changes (config-watch.ts); 0: only on reload. */
  readonly configWatchMs: number;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

type Env = Record<string, string | undefined>;

function bool(env: Env, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return n;
}

/** "50mb", "512kb", "1048576" → bytes. */
export function parseByteSize(name: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(v);
  if (!m) throw new ConfigError(`${name} must be a size such as 50mb, got ${JSON.stringify(v)}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('g') ? 1024 ** 3 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('k') ? 1024 : 1;
  return Math.floor(Number(m[1]) * mult);
}

function namespaceMap(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  for (const pair of v.split(',')) {
    const [ns, env] = pair.split('=').map((s) => s.trim());
    if (!ns || !env) throw new ConfigError(`ATTESTANT_NAMESPACE_ENVIRONMENTS entries must be namespace=environment, got ${JSON.stringify(pair)}`);
    out[ns] = env;
  }
  return out;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const cfg: Config = {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.ATTESTANT_DATA_DIR || './.attestant/pgdata'),
    adminToken: env.ATTESTANT_ADMIN_TOKEN || undefined,
    policyDir: resolve(env.ATTESTANT_POLICY_DIR || './policies'),
    trustConfig: env.ATTESTANT_TRUST_CONFIG ? resolve(env.ATTESTANT_TRUST_CONFIG) : undefined,
    strictSbom: bool(env, 'ATTESTANT_STRICT_SBOM', false),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: env.ATTESTANT_BODY_LIMIT ? parseByteSize('ATTESTANT_BODY_LIMIT', env.ATTESTANT_BODY_LIMIT) : 50 * 1024 * 1024,
    tlsCertFile: env.TLS_CERT_FILE || undefined,
    tlsKeyFile: env.TLS_KEY_FILE || undefined,
    namespaceEnvironments: namespaceMap(env.ATTESTANT_NAMESPACE_ENVIRONMENTS),
    dbPoolSize: int(env, 'ATTESTANT_DB_POOL_SIZE', 16, 1, 200),
    decisionDbTimeoutMs: int(env, 'ATTESTANT_DECISION_DB_TIMEOUT_MS', 2000, 100, 60_000),
    shutdownDrainMs: int(env, 'ATTESTANT_SHUTDOWN_DRAIN_SECONDS', 0, 0, 300) * 1000,
    configWatchMs: int(env, 'ATTESTANT_CONFIG_WATCH_SECONDS', 10, 0, 3600) * 1000,
    ...overrides,
  };
  if ((cfg.tlsCertFile === undefined) !== (cfg.tlsKeyFile === undefined)) throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return Object.freeze(cfg);
}

export interface ClientConfig { readonly url: string; readonly token?: string }

/** For the CLI's client commands: ATTESTANT_URL (default http://127.0.0.1:8080) and ATTESTANT_TOKEN. */
export function loadClientConfig(env: Env = process.env): ClientConfig {
  return Object.freeze({ url: (env.ATTESTANT_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''), token: env.ATTESTANT_TOKEN || undefined });
}
