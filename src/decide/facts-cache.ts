// Per-process cache of verified facts (never of verdicts: policy is evaluated on every decision).
// Concurrent misses for one artifact share one load. Entries are dropped on change notices; when
// the change feed is down the cache is bypassed, so a stale entry can never decide.
import type { ArtifactFacts } from '../policy/index.ts';

export class FactsCache {
  private readonly entries = new Map<string, ArtifactFacts>();
  private readonly inflight = new Map<string, Promise<ArtifactFacts>>();
  /** Bumped on every invalidation so a load that started before it is not cached after it. */
  private generation = 0;
  private trusted = false;
  /** Loads started (the coalescing test reads it). */
  misses = 0;

  constructor(private readonly load: (digest: string) => Promise<ArtifactFacts>, private readonly maxEntries = 50_000) {}

  /** The cached facts, synchronously, when get() would answer from the cache (the hot path awaits nothing). */
  peek(digest: string): ArtifactFacts | undefined {
    return this.trusted ? this.entries.get(digest) : undefined;
  }

  async get(digest: string): Promise<ArtifactFacts> {
    const hit = this.peek(digest);
    if (hit) return hit;
    const pending = this.inflight.get(digest);
    if (pending) return pending;
    this.misses++;
    const gen = this.generation;
    const p: Promise<ArtifactFacts> = this.load(digest).then(
      (facts) => {
        if (this.inflight.get(digest) === p) this.inflight.delete(digest);
        if (this.trusted && gen === this.generation) {
          if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(digest, facts);
        }
        return facts;
      },
      (err: unknown) => {
        if (this.inflight.get(digest) === p) this.inflight.delete(digest);
        throw err;
      },
    );
    this.inflight.set(digest, p);
    return p;
  }

  invalidate(digests: string[]): void {
    this.generation++;
    for (const d of digests) {
      this.entries.delete(d);
      // A load that started before the change may have read old rows: don't let new callers join it.
      this.inflight.delete(d);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.inflight.clear();
  }

  /** Only trust cached entries while change notices are flowing. */
  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
