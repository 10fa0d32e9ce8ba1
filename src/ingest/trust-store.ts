// The trust material in force, built once at start and swapped atomically on reload.
import { buildTrust, readTrustSource, type Trust } from '../verify/index.ts';

export class TrustStore {
  private current: Trust;

  constructor(private readonly configPath: string | undefined) {
    this.current = buildTrust(readTrustSource(configPath));
  }

  get trust(): Trust {
    return this.current;
  }

  /** Reads and validates the configuration without applying it; throws when it is invalid. */
  prepare(): Trust {
    return buildTrust(readTrustSource(this.configPath));
  }

  swap(next: Trust): void {
    this.current = next;
  }
}
