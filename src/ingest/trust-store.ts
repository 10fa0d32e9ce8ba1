// The trust material in force, built once at start and swapped atomically on reload.
import { createHash } from 'node:crypto';
import { buildTrust, readTrustSource, type Trust, type TrustSource } from '../verify/index.ts';

export class TrustStore {
  private current: Trust;
  /** The digest of the configuration each prepared trust was built from. */
  readonly #builtFrom = new WeakMap<Trust, string>();
  #loadedFrom: string;

  constructor(private readonly configPath: string | undefined) {
    this.current = this.prepare();
    this.#loadedFrom = this.#builtFrom.get(this.current)!;
  }

  get trust(): Trust {
    return this.current;
  }

  /** Reads and validates the configuration without applying it; throws when it is invalid. */
  prepare(): Trust {
    const source = readTrustSource(this.configPath);
    const trust = buildTrust(source);
    this.#builtFrom.set(trust, sourceDigest(source));
    return trust;
  }

  swap(next: Trust): void {
    this.current = next;
    this.#loadedFrom = this.#builtFrom.get(next) ?? 'unknown';
  }

  /**
   * The digest of the configuration (the file and every file it names) now, and whether the trust
   * in force was built from another. A configuration that cannot be read is a change too.
   */
  onDisk(): { digest: string; changed: boolean } {
    let digest: string;
    try {
      digest = sourceDigest(readTrustSource(this.configPath));
    } catch (e) {
      digest = `unreadable: ${(e as Error).message}`;
    }
    return { digest, changed: digest !== this.#loadedFrom };
  }
}

function sourceDigest(source: TrustSource): string {
  return createHash('sha256').update(JSON.stringify(source)).digest('hex');
}
