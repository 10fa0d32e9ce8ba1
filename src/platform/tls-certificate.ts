// The serving certificate, re-read without a restart. Admission webhooks are served over TLS with
// certificates that rotate (cert-manager renews them well before expiry and updates the mounted
// Secret in place); a process that read them once at start would go on serving the old one until
// it expired, and with `failurePolicy: Fail` every pod in the cluster would then be refused.
import { readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { AppError } from './errors.ts';

export interface TlsFiles { certFile: string; keyFile: string }
export interface TlsMaterial { cert: Buffer; key: Buffer }
export interface CertificateSummary { subject: string; notAfter: string; fingerprint256: string }

export class TlsMaterialError extends AppError<'TLS_INVALID'> {}

function readSetting(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsMaterialError('TLS_INVALID', `${setting}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Reads the pair and checks that it is one: a certificate chain and the key of its first certificate. */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const material = { cert: readSetting('TLS_CERT_FILE', files.certFile), key: readSetting('TLS_KEY_FILE', files.keyFile) };
  try {
    // What the server itself will build from them; OpenSSL refuses a key that is not the certificate's.
    createSecureContext(material);
  } catch (err) {
    throw new TlsMaterialError('TLS_INVALID', `TLS_CERT_FILE ${files.certFile} and TLS_KEY_FILE ${files.keyFile} are not a usable pair: ${(err as Error).message}`);
  }
  return material;
}

function summarize(cert: Buffer): CertificateSummary {
  const x = new X509Certificate(cert);
  return { subject: x.subject, notAfter: new Date(x.validTo).toISOString(), fingerprint256: x.fingerprint256 };
}

export interface TlsCertificateEvents {
  /** A renewed pair is served from now on. */
  renewed(summary: CertificateSummary): void;
}

function digestOf(cert: Buffer, key: Buffer): string {
  return createHash('sha256').update(cert).update('\0').update(key).digest('hex');
}

/**
 * Holds the pair in use and swaps in a new one when the files change, whether a reload or the
 * periodic check (a ConfigWatch over it, see app.ts) finds it. `prepare` reads and checks without
 * applying, so a reload can refuse everything at once when one file is bad.
 */
export class TlsCertificate {
  #current: TlsMaterial;
  #currentDigest: string;

  constructor(
    private readonly files: TlsFiles,
    initial: TlsMaterial,
    private readonly apply: (m: TlsMaterial) => void,
    private readonly events: TlsCertificateEvents,
  ) {
    this.#current = initial;
    this.#currentDigest = digestOf(initial.cert, initial.key);
  }

  get summary(): CertificateSummary {
    return summarize(this.#current.cert);
  }

  /** The files' pair if it differs from the one in use (undefined if not); throws TlsMaterialError. */
  prepare(): TlsMaterial | undefined {
    const next = readTlsMaterial(this.files);
    return digestOf(next.cert, next.key) === this.#currentDigest ? undefined : next;
  }

  swap(next: TlsMaterial): void {
    this.apply(next);
    this.#current = next;
    this.#currentDigest = digestOf(next.cert, next.key);
    this.events.renewed(this.summary);
  }

  /** The files' digest now, and whether it differs from the pair in use (a file that cannot be read does). */
  onDisk(): { digest: string; changed: boolean } {
    let digest: string;
    try {
      digest = digestOf(readFileSync(this.files.certFile), readFileSync(this.files.keyFile));
    } catch (err) {
      digest = `unreadable: ${(err as Error).message}`;
    }
    return { digest, changed: digest !== this.#currentDigest };
  }
}
