// Small helpers shared by the parsers: lazy pointers, a capped finding sink, hash and purl helpers.
import type { Finding } from './inventory.ts';

/**
 * A pointer built lazily as a linked list: walking a 10,000-level nesting must not materialise
 * 10,000 ever-longer strings (quadratic memory). Only findings turn it into a string.
 */
export interface Ptr {
  readonly up: Ptr | undefined;
  readonly seg: string;
}
export const ROOT: Ptr | undefined = undefined;
export function at(up: Ptr | undefined, seg: string | number): Ptr {
  return { up, seg: String(seg) };
}

const MAX_POINTER_CHARS = 4096;
/** JSON pointer (RFC 6901 escaping) for JSON documents; element paths use the same slash form. */
export function toPointer(p: Ptr | string | undefined, escape = true): string {
  if (p === undefined) return '';
  if (typeof p === 'string') return p;
  const segs: string[] = [];
  let len = 0;
  for (let q: Ptr | undefined = p; q; q = q.up) {
    const s = escape ? q.seg.replace(/~/g, '~0').replace(/\//g, '~1') : q.seg;
    len += s.length + 1;
    if (len > MAX_POINTER_CHARS) {
      segs.push('…');
      break;
    }
    segs.push(s);
  }
  return '/' + segs.reverse().join('/');
}

export const MAX_FINDINGS = 1000;

/** Closed set of finding codes, parse-level and validation-level (Finding.code stays a string in inventory.ts). */
export type FindingCode =
  | 'INVALID_FIELD' // a field has the wrong JSON type / shape; ignored
  | 'MISSING_FIELD' // a required-for-us field is absent (name, SPDXID); a fallback was used
  | 'DUPLICATE_REF' // bom-ref / SPDXID used twice; the later element got a fresh ref
  | 'DANGLING_REF' // dependency / relationship names an element that does not exist; edge dropped
  | 'INVALID_HASH' // hash / checksum value is not hex; ignored
  | 'SUBJECT_IN_COMPONENTS' // metadata.component repeated in components[]
  | 'MULTIPLE_DESCRIBED' // SPDX document describes several packages; the first is the subject
  | 'UNKNOWN_RELATIONSHIP' // relationship type outside SPDX 2.3 clause 11
  | 'INVALID_LINE' // tag-value line without "Tag: value"
  | 'UNTERMINATED_TEXT' // tag-value <text> never closed
  | 'FINDINGS_TRUNCATED' // more than MAX_FINDINGS findings
  | 'SCHEMA' // official-schema violation (validateSbom)
  | 'SCHEMA_UNAVAILABLE' // no schema for this kind/version (validateSbom)
  | 'SCHEMA_ERROR'; // the validator itself failed (validateSbom)

/** Collects findings, capped so a hostile 50 MB document cannot produce millions of them. */
export class FindingSink {
  readonly findings: Finding[] = [];
  #dropped = 0;
  constructor(private readonly escapePointers = true) {}
  add(code: FindingCode, message: string, pointer?: Ptr | string): void {
    if (this.findings.length >= MAX_FINDINGS) {
      this.#dropped++;
      return;
    }
    const f: Finding = { code, message };
    if (pointer !== undefined) f.pointer = this.pointer(pointer);
    this.findings.push(f);
  }
  /** A pointer in this document's form (escaped for JSON, element paths for XML). */
  pointer(p: Ptr | string | undefined): string {
    return toPointer(p, this.escapePointers);
  }
  done(): Finding[] {
    if (this.#dropped > 0) {
      this.findings.push({ code: 'FINDINGS_TRUNCATED', message: `${this.#dropped} further findings were dropped` });
      this.#dropped = 0;
    }
    return this.findings;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lower-case algorithm names: CycloneDX "SHA-256" and SPDX "SHA256" both become "sha256";
 * other families keep their dash ("SHA3-256" → "sha3-256", "BLAKE2b-256" → "blake2b-256").
 */
export function normalizeHashAlg(alg: string): string {
  const a = alg.trim().toLowerCase();
  const m = /^sha-?(1|224|256|384|512)$/.exec(a);
  return m ? `sha${m[1]}` : a;
}

const HEX = /^[0-9a-f]+$/;
export function normalizeHex(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return HEX.test(v) ? v : undefined;
}

/** Name part of a purl (pkg:type/namespace/name@version?qualifiers#subpath), decoded; undefined if not a purl. */
export function purlName(purl: string): string | undefined {
  const m = /^pkg:[^/]+\/(?:.*\/)?([^/@?#]+)(?:@[^?#]*)?(?:\?[^#]*)?(?:#.*)?$/.exec(purl.trim());
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** Allocates refs unique within one document. */
export class RefAllocator {
  readonly #used = new Set<string>();
  has(ref: string): boolean {
    return this.#used.has(ref);
  }
  /** Returns `wanted` if free, otherwise `wanted#2`, `wanted#3`, ... */
  claim(wanted: string): string {
    let ref = wanted;
    for (let i = 2; this.#used.has(ref); i++) ref = `${wanted}#${i}`;
    this.#used.add(ref);
    return ref;
  }
}
