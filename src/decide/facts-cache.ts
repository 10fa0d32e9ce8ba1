// Per-process cache of verified facts (never of verdicts: policy is evaluated on every decision).
// Concurrent misses for one artifact share one load. Entries are dropped on change notices; when
// the change feed is down the cache is bypassed, so a stale entry can never decide.
//
// Facts hold only the components of the packages the loaded policies deny (their scope): an
// artifact's every component took about 270 bytes each (250 KB for two 466-component SBOMs), so
// a full cache of 50,000 such artifacts would have needed some 12 GB; the scoped ones need a few KB.
import type { ArtifactFacts } from '../policy/index.ts';

type Scope = ReadonlySet<string>;

export class FactsCache {
  private readonly entries = new Map<string, ArtifactFacts>();
  private readonly inflight = new Map<string, { scope: Scope; facts: Promise<ArtifactFacts> }>();
  /** Bumped on every invalidation so a load that started before it is not cached after it. */
  private generation = 0;
  private trusted = false;
  /** Loads started (the coalescing test reads it). */
  misses = 0;

  constructor(private readonly load: (digest: string, scope: Scope) => Promise<ArtifactFacts>, private readonly maxEntries = 50_000) {}

  /**
   * The cached facts, synchronously, when get() would answer from the cache (the hot path awaits
   * nothing). Facts read for another scope (another policy set) are not an answer.
   */
  peek(digest: string, scope: Scope): ArtifactFacts | undefined {
    if (!this.trusted) return undefined;
    const hit = this.entries.get(digest);
    return hit?.componentScope === scope ? hit : undefined;
  }

  async get(digest: string, scope: Scope): Promise<ArtifactFacts> {
    const hit = this.peek(digest, scope);
    if (hit) return hit;
    const pending = this.inflight.get(digest);
    if (pending?.scope === scope) return pending.facts;
    this.misses++;
    const gen = this.generation;
    const entry = {
      scope,
      facts: this.load(digest, scope).then(
        (facts) => {
          if (this.inflight.get(digest) === entry) this.inflight.delete(digest);
          if (this.trusted && gen === this.generation) {
            if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
            this.entries.set(digest, facts);
          }
          return facts;
        },
        (err: unknown) => {
          if (this.inflight.get(digest) === entry) this.inflight.delete(digest);
          throw err;
        },
      ),
    };
    this.inflight.set(digest, entry);
    return entry.facts;
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
