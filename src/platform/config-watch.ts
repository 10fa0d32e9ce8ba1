// Policies and trust (and, with a watch of its own, the TLS certificate) follow their files. In
// Kubernetes they are ConfigMap volumes (and Secrets) that the kubelet rewrites in place on every
// replica, and `POST /v1/admin/reload` reaches only the one replica the Service picked, so each
// process checks its files itself: on a timer, and when another replica announces a reload. A
// change is applied only if the whole new configuration is valid; one that is not is refused (the
// previous configuration stays) and reported once, not at every check, until the files change.

export type ReloadTrigger = 'api' | 'signal' | 'watch' | 'notice';

/** A configuration read from files: the digest of those files now, and whether it differs from what is in force. */
export interface FileBackedConfig { onDisk(): { digest: string; changed: boolean } }

export interface ConfigWatchEvents {
  applied(trigger: ReloadTrigger): void;
  refused(trigger: ReloadTrigger, err: unknown): void;
}

export class ConfigWatch {
  /** The files' digests when their change was last refused. */
  #refused: string | undefined;

  constructor(
    private readonly sources: readonly FileBackedConfig[],
    /** Validates every source and swaps them all in, or throws and changes nothing. */
    private readonly apply: () => void,
    private readonly events: ConfigWatchEvents,
  ) {}

  check(trigger: ReloadTrigger): 'unchanged' | 'applied' | 'refused' {
    const states = this.sources.map((s) => s.onDisk());
    if (!states.some((s) => s.changed)) {
      this.#refused = undefined;
      return 'unchanged';
    }
    const key = states.map((s) => s.digest).join('\n');
    if (key === this.#refused) return 'unchanged';
    try {
      this.force(trigger, this.apply);
    } catch {
      return 'refused';
    }
    return 'applied';
  }

  /**
   * Applies the files as they are now, changed or not (a reload an operator asked for), reporting
   * it as a check would and throwing what `apply` throws. A refusal is remembered like a check's,
   * so the timer does not report the same files a second time.
   */
  force<T>(trigger: ReloadTrigger, apply: () => T): T {
    let result: T;
    try {
      result = apply();
    } catch (err) {
      this.#refused = this.sources.map((s) => s.onDisk().digest).join('\n');
      this.events.refused(trigger, err);
      throw err;
    }
    this.#refused = undefined;
    this.events.applied(trigger);
    return result;
  }

  /** Checks every `intervalMs` until the returned function is called. */
  watch(intervalMs: number): () => void {
    const timer = setInterval(() => this.check('watch'), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
