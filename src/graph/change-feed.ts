// Cross-replica cache invalidation over PostgreSQL LISTEN/NOTIFY. Writers call notifyArtifacts /
// notifyExceptions inside their transaction, so the notice is delivered only if the data committed.
// While the listening connection is down, subscribers are told to stop trusting their caches.
import pg from 'pg';

export const FACTS_CHANNEL = 'attestant_facts';
export const EXCEPTIONS_CHANNEL = 'attestant_exceptions';
export const TOKENS_CHANNEL = 'attestant_tokens';
export const RELOAD_CHANNEL = 'attestant_reload';

export async function notifyArtifacts(client: pg.ClientBase, digests: string[]): Promise<void> {
  // NOTIFY payloads are limited to 8000 bytes; a digest is 71, so send in chunks.
  for (let i = 0; i < digests.length; i += 100) {
    await client.query('SELECT pg_notify($1, $2)', [FACTS_CHANNEL, digests.slice(i, i + 100).join(',')]);
  }
}

export async function notifyExceptions(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [EXCEPTIONS_CHANNEL, '*']);
}

export async function notifyTokens(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [TOKENS_CHANNEL, '*']);
}

/** A replica reloaded its configuration: the others check their own files now (config-watch.ts). */
export async function notifyReload(client: pg.ClientBase | pg.Pool): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [RELOAD_CHANNEL, '*']);
}

export interface ChangeFeedHandlers {
  onArtifacts(digests: string[]): void;
  onExceptions(): void;
  /** A token was revoked: forget every token verified so far. */
  onTokens?(): void;
  /** Another replica reloaded its policies and trust. */
  onReload?(): void;
  /** The feed is (re)connected: caches may be used. false: caches must not be trusted. */
  onState(connected: boolean): void;
}

export class ChangeFeed {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly url: string, private readonly handlers: ChangeFeedHandlers, private readonly log: (msg: string) => void = () => {}) {}

  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel === FACTS_CHANNEL) this.handlers.onArtifacts((n.payload ?? '').split(',').filter(Boolean));
      else if (n.channel === EXCEPTIONS_CHANNEL) this.handlers.onExceptions();
      else if (n.channel === TOKENS_CHANNEL) this.handlers.onTokens?.();
      else if (n.channel === RELOAD_CHANNEL) this.handlers.onReload?.();
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.handlers.onState(false);
      if (err) this.log(`change feed lost: ${err.message}`);
      client.end().catch(() => {});
      this.schedule();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${FACTS_CHANNEL}`);
      await client.query(`LISTEN ${EXCEPTIONS_CHANNEL}`);
      await client.query(`LISTEN ${TOKENS_CHANNEL}`);
      await client.query(`LISTEN ${RELOAD_CHANNEL}`);
      this.client = client;
      // Anything may have changed while we were not listening.
      this.handlers.onState(true);
    } catch (err) {
      client.end().catch(() => {});
      this.handlers.onState(false);
      this.log(`change feed cannot connect: ${(err as Error).message}`);
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, 1000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}
