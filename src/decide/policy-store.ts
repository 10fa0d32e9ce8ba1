// The loaded policy set, swapped atomically on reload. A reload that fails validation keeps the
// previous set and reports the error (file, line, field); start-up with a bad policy fails.
import { loadPolicies, type LoadedPolicySet } from '../policy/index.ts';

export class PolicyStore {
  private current: LoadedPolicySet;
  loadedAt = new Date();

  constructor(private readonly dir: string, private readonly onReload: () => void = () => {}) {
    this.current = loadPolicies(dir);
  }

  get set(): LoadedPolicySet {
    return this.current;
  }

  /** Reads and validates the directory without applying it; throws PolicyError (file, line, field). */
  prepare(): LoadedPolicySet {
    return loadPolicies(this.dir);
  }

  swap(next: LoadedPolicySet): void {
    this.current = next;
    this.loadedAt = new Date();
    this.onReload();
  }

  get loaded(): boolean {
    return this.current.policies.length > 0;
  }
}
