// Readers for predicate fields shared by the predicate parsers: each takes the JSON pointer of the
// field so a bad value is reported where it is (AttestError 'PREDICATE_INVALID').
import { AttestError } from './errors.ts';
import { isRecord } from './statement.parser.ts';

export const PREDICATE = '/predicate';

export function fail(msg: string, at: string): never {
  throw new AttestError('PREDICATE_INVALID', msg, at);
}

export function optObject(v: unknown, at: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) fail('must be an object', at);
  return v;
}

export function optString(v: unknown, at: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail('must be a string', at);
  return v;
}

export function requiredString(v: unknown, at: string): string {
  const s = optString(v, at);
  if (s === undefined || s === '') fail('is required', at);
  return s;
}

/** RFC 3339 timestamps (in-toto field_types.md#Timestamp). */
export function optTime(v: unknown, at: string): Date | undefined {
  const s = optString(v, at);
  if (s === undefined) return undefined;
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(d.getTime())) fail('must be an RFC 3339 timestamp', at);
  return d;
}
