// The audit chain: each event's hash covers the previous hash and the event's JSON body,
// so editing, deleting or reordering any row breaks every later link.
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of one link: it covers the previous hash and the event's body (attestant_audit_append computes the same). */
export function linkHash(prevHash: string, body: string): string {
  return hash('sha256', `${prevHash}\n${body}`, 'hex');
}

/** The digest a decision event references its reasons text by (decision_reasons.digest). */
export function blobDigest(body: string): string {
  return `sha256:${hash('sha256', body, 'hex')}`;
}

/**
 * A payload already serialized, by a caller that writes the same event shape many times a second
 * (decisions); it must be what JSON.stringify would make of the payload.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The columns an event's body repeats (audit_event.at, kind, actor, subject); `at` as toISOString writes it. */
export interface EventColumns { at: string; kind: string; actor: string | null; subject: string | null }

/**
 * The text an event's hash covers (after the previous hash and a newline): the JSON.stringify of
 * { at, kind, actor, subject, payload }. It is stored verbatim, so verification hashes the stored
 * text itself and needs no canonical form. The writer sends the same columns beside it.
 */
export function eventBody(c: EventColumns, payloadValue: unknown): string {
  const payload = payloadValue instanceof JsonText ? payloadValue.text : JSON.stringify(payloadValue);
  return `{"at":"${c.at}","kind":${JSON.stringify(c.kind)},"actor":${jsonOrNull(c.actor)},"subject":${jsonOrNull(c.subject)}${payload === undefined ? '' : `,"payload":${payload}`}}`;
}

function jsonOrNull(s: string | null): string {
  return s === null ? 'null' : JSON.stringify(s);
}


export interface StoredChainEvent { seq: string; at: Date; kind: string; actor: string | null; subject: string | null; body: string; prevHash: string; hash: string }

/** `headSeq`: the seq of the last event verified ('0' when there is none), for a later checkpoint. */
export type ChainCheck =
  | { ok: true; count: number; head: string; headSeq: string }
  | { ok: false; count: number; brokenAt: string; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'columns_mismatch' | 'reasons_missing' | 'reasons_mismatch' | 'checkpoint_missing' | 'checkpoint_mismatch'; expected: string; found: string };

/** The digest a decision event's body references its reasons by (decision_reasons), if any. */
export function reasonsDigestOf(body: string): string | undefined {
  try {
    const d = (JSON.parse(body) as { payload?: { reasonsDigest?: unknown } }).payload?.reasonsDigest;
    return typeof d === 'string' ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a stored reasons text against the digest that references it. */
export function checkReasons(digest: string, body: string | undefined): 'reasons_missing' | 'reasons_mismatch' | undefined {
  if (body === undefined) return 'reasons_missing';
  return blobDigest(body) === digest ? undefined : 'reasons_mismatch';
}

/** Streaming verifier: feed events in seq order. */
export class ChainVerifier {
  private n = 0;
  private failure: ChainCheck | undefined;

  /** From the start of the log, or from a checkpoint: an event already verified and its hash. */
  constructor(private prev = GENESIS_HASH, private lastSeq = '0') {}

  push(e: StoredChainEvent): boolean {
    if (this.failure) return false;
    const fail = (reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'columns_mismatch', expected: string, found: string) => {
      this.failure = { ok: false, count: this.n, brokenAt: e.seq, reason, expected, found };
      return false;
    };
    if (e.prevHash !== this.prev) return fail('prev_hash_mismatch', this.prev, e.prevHash);
    const h = linkHash(e.prevHash, e.body);
    if (h !== e.hash) return fail('hash_mismatch', h, e.hash);
    // The indexed columns must say what the hashed body says.
    let b: { at?: unknown; kind?: unknown; actor?: unknown; subject?: unknown };
    try { b = JSON.parse(e.body) as typeof b; } catch { return fail('columns_mismatch', 'a JSON body', e.body.slice(0, 80)); }
    const columns = JSON.stringify([e.at.toISOString(), e.kind, e.actor, e.subject]);
    const inBody = JSON.stringify([b.at, b.kind, b.actor ?? null, b.subject ?? null]);
    if (columns !== inBody) return fail('columns_mismatch', inBody, columns);
    this.prev = e.hash;
    this.lastSeq = e.seq;
    this.n++;
    return true;
  }

  /** Events verified so far. */
  get count(): number {
    return this.n;
  }

  result(): ChainCheck {
    return this.failure ?? { ok: true, count: this.n, head: this.prev, headSeq: this.lastSeq };
  }
}
