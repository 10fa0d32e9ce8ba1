// The loaded policy set, swapped atomically on reload. A reload that fails validation keeps the
// previous set and reports the error (file, line, field); start-up with a bad policy fails.
import { loadPolicies, policyFilesDigest, type LoadedPolicySet } from '../policy/index.ts';
import { FileBacked } from '../platform/file-backed.ts';

export class PolicyStore extends FileBacked<LoadedPolicySet> {
  constructor(dir: string) {
    // The digest is taken first: a file that changes while it is read makes the digest differ
    // from the files afterwards, so the change is seen again rather than lost.
    super(() => ({ digest: policyFilesDigest(dir), value: loadPolicies(dir) }), () => policyFilesDigest(dir));
  }

  get set(): LoadedPolicySet {
    return this.value;
  }

  get loaded(): boolean {
    return this.value.policies.length > 0;
  }
}
