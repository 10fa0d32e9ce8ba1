// The loaded policy set, swapped atomically on reload. A reload that fails validation keeps the
// previous set and reports the error (file, line, field); start-up with a bad policy fails.
import { loadPolicies, policyFilesDigest, type LoadedPolicySet } from '../policy/index.ts';

export class PolicyStore {
  private current: LoadedPolicySet;
  loadedAt = new Date();
  /** The digest of the files each prepared set was read from (taken before reading them). */
  readonly #readFrom = new WeakMap<LoadedPolicySet, string>();
  #loadedFrom: string;

  constructor(private readonly dir: string, private readonly onReload: () => void = () => {}) {
    this.current = this.prepare();
    this.#loadedFrom = this.#readFrom.get(this.current)!;
  }

  get set(): LoadedPolicySet {
    return this.current;
  }

  /** Reads and validates the directory without applying it; throws PolicyError (file, line, field). */
  prepare(): LoadedPolicySet {
    // Taken first: a file that changes while it is read makes the digest differ from the files
    // afterwards, so the change is seen again rather than lost.
    const digest = policyFilesDigest(this.dir);
    const set = loadPolicies(this.dir);
    this.#readFrom.set(set, digest);
    return set;
  }

  swap(next: LoadedPolicySet): void {
    this.current = next;
    this.#loadedFrom = this.#readFrom.get(next) ?? 'unknown';
    this.loadedAt = new Date();
    this.onReload();
  }

  /** The digest of the policy files now, and whether the set in force was read from other files. */
  onDisk(): { digest: string; changed: boolean } {
    const digest = policyFilesDigest(this.dir);
    return { digest, changed: digest !== this.#loadedFrom };
  }

  get loaded(): boolean {
    return this.current.policies.length > 0;
  }
}
