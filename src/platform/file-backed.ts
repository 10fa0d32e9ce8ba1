// Configuration read from files and swapped atomically on reload (policies, trust). Each value
// remembers the digest of the files it was read from, so a watch can tell whether the files on
// disk still hold what is in force (config-watch.ts).

/** A value read from files, with the digest of those files as they were read. */
export interface FileRead<T> { value: T; digest: string }

export class FileBacked<T extends object> {
  #current: T;
  readonly #readFrom = new WeakMap<T, string>();
  #loadedFrom: string;

  constructor(
    /** Reads and validates; throws when the files are not usable. Its digest must not postdate its read. */
    private readonly read: () => FileRead<T>,
    /** The files' digest now; never throws (files it cannot read give a digest of their own). */
    private readonly digestNow: () => string,
  ) {
    this.#current = this.prepare();
    this.#loadedFrom = this.#readFrom.get(this.#current)!;
  }

  /** The value in force. */
  protected get value(): T {
    return this.#current;
  }

  /** Reads and validates the files without applying them; throws when they are not usable. */
  prepare(): T {
    const r = this.read();
    this.#readFrom.set(r.value, r.digest);
    return r.value;
  }

  swap(next: T): void {
    this.#current = next;
    this.#loadedFrom = this.#readFrom.get(next) ?? 'unknown';
  }

  /** The files' digest now, and whether the value in force was read from other files. */
  onDisk(): { digest: string; changed: boolean } {
    const digest = this.digestNow();
    return { digest, changed: digest !== this.#loadedFrom };
  }
}
