// Shutting down without refusing work. Behind a Kubernetes Service, a terminating pod keeps
// receiving requests until every node has removed it from the endpoints, which takes seconds; the
// API server keeps its connections to a webhook open and reuses them. A server that stops
// listening at SIGTERM refuses those requests, and under `failurePolicy: Fail` each refused
// admission review is a refused pod. So the process first drains: it says it is not ready (the
// endpoints controller takes it out), keeps serving, and closes each connection after its next
// answer (the client reconnects, through the Service, to another replica). Only then does it close.

export class Drain {
  #draining = false;
  #end: (() => void) | undefined;

  /** True from the start of the drain until the process exits. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Starts draining; resolves after `ms`, or sooner when `end()` is called. */
  run(ms: number): Promise<void> {
    this.#draining = true;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.end(), ms);
      this.#end = () => {
        clearTimeout(timer);
        this.#end = undefined;
        resolve();
      };
    });
  }

  /** Ends a running drain now (a second signal: the operator does not want to wait). */
  end(): void {
    this.#end?.();
  }
}
