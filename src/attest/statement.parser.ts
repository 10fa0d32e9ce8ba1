import { AttestError, pointerToken } from './errors.ts';

/**
 * in-toto Statement parsing.
 *
 * Spec: https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 * and the earlier https://github.com/in-toto/attestation/tree/main/spec/v0.1.0.
 * Both versions share the same shape for what we read (`_type`, `subject[]`,
 * `predicateType`, `predicate`), so one parser serves both.
 */
export interface Subject {
  name: string;
  digest: Record<string, string>;
  /** `sha256:<hex>` when the subject has a sha256 digest; the key we join artifacts on. */
  sha256?: string;
}

export interface Statement {
  /** The statement's `_type`. */
  statementType: string;
  subjects: Subject[];
  predicateType: string;
  predicate: unknown;
}

export const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'] as const;
export type StatementType = (typeof STATEMENT_TYPES)[number];

function isStatementType(t: unknown): t is StatementType {
  return typeof t === 'string' && (STATEMENT_TYPES as readonly string[]).includes(t);
}

// DigestSet values are lower-case hex for every algorithm we accept
// (spec/v1/digest_set.md: "the value MUST be lowercase hex" for hash algorithms).
const LOWER_HEX = /^[0-9a-f]+$/;
// Expected hex lengths for the common algorithms: a wrong length means a
// truncated or mis-encoded digest, which we must not bind an artifact to.
const HEX_LENGTH: Readonly<Record<string, number>> = {
  sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128, 'sha512_224': 56, 'sha512_256': 64,
  sha3_224: 56, sha3_256: 64, sha3_384: 96, sha3_512: 128, gitCommit: 40, md5: 32,
};

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses the exact payload bytes of a DSSE envelope (never a re-serialised
 * form: see STYLE.md, "never re-serialize a signed payload").
 */
export function parseStatement(payload: Buffer): Statement {
  let text: string;
  try {
    // `fatal` so invalid UTF-8 is rejected instead of silently replaced (RFC 8259 §8.1).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(payload);
  } catch {
    throw new AttestError('STATEMENT_INVALID', 'statement payload is not valid UTF-8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AttestError('STATEMENT_INVALID', `statement payload is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(doc)) throw new AttestError('STATEMENT_INVALID', 'statement must be a JSON object');

  const type = doc['_type'];
  if (!isStatementType(type)) {
    throw new AttestError(
      'STATEMENT_INVALID',
      `unsupported statement _type ${JSON.stringify(type)}; expected one of ${STATEMENT_TYPES.join(', ')}`,
      '/_type',
    );
  }

  const predicateType = doc['predicateType'];
  if (typeof predicateType !== 'string' || predicateType === '') {
    throw new AttestError('STATEMENT_INVALID', 'predicateType must be a non-empty string', '/predicateType');
  }

  const rawSubjects = doc['subject'];
  if (!Array.isArray(rawSubjects) || rawSubjects.length === 0) {
    // v1 statement.md: "subject ... REQUIRED ... MUST be non-empty".
    throw new AttestError('STATEMENT_INVALID', 'subject must be a non-empty array', '/subject');
  }
  const subjects = rawSubjects.map((s, i) => parseSubject(s, `/subject/${i}`));

  // The predicate is optional in v1 (statement.md: "predicate ... OPTIONAL"),
  // but when present it must be an object.
  const predicate = doc['predicate'];
  if (predicate !== undefined && !isRecord(predicate)) {
    throw new AttestError('STATEMENT_INVALID', 'predicate must be an object', '/predicate');
  }
  return { statementType: type, subjects, predicateType, predicate: predicate ?? {} };
}

function parseSubject(s: unknown, at: string): Subject {
  if (!isRecord(s)) throw new AttestError('STATEMENT_INVALID', 'subject entry must be an object', at);
  const name = s['name'];
  // v0.1 requires a name; v1 only recommends one. Absent → '' rather than a guess.
  if (name !== undefined && typeof name !== 'string') {
    throw new AttestError('STATEMENT_INVALID', 'subject name must be a string', `${at}/name`);
  }
  const rawDigest = s['digest'];
  if (!isRecord(rawDigest) || Object.keys(rawDigest).length === 0) {
    // Our whole model binds evidence to artifacts by digest; a subject without
    // one would be an attestation about nothing we can identify.
    throw new AttestError('STATEMENT_INVALID', 'subject must have a non-empty digest set', `${at}/digest`);
  }
  const digest: Record<string, string> = {};
  for (const [alg, value] of Object.entries(rawDigest)) {
    const vAt = `${at}/digest/${pointerToken(alg)}`;
    if (typeof value !== 'string' || !LOWER_HEX.test(value)) {
      throw new AttestError('STATEMENT_INVALID', `digest ${alg} must be lower-case hex`, vAt);
    }
    const len = HEX_LENGTH[alg];
    if (len !== undefined && value.length !== len) {
      throw new AttestError('STATEMENT_INVALID', `digest ${alg} must be ${len} hex characters`, vAt);
    }
    digest[alg] = value;
  }
  const out: Subject = { name: name ?? '', digest };
  if (digest['sha256'] !== undefined) out.sha256 = `sha256:${digest['sha256']}`;
  return out;
}
