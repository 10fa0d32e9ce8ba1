import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { VerifyError } from './error.ts';
import type { TrustSource } from './trust.ts';

/**
 * Reads the trust config (YAML) and the files it names. The only I/O of the
 * verify module; the caller decides the path (from ATTESTANT_TRUST_CONFIG).
 *
 * ```yaml
 * publicGood: true            # default true
 * trustedRoots:
 *   - name: private
 *     path: roots/private.json   # relative to this file
 * keys:
 *   - name: release
 *     path: keys/release.pub     # or `pem: |` inline
 * ```
 * Without a path: public-good only.
 */
export function readTrustSource(configPath?: string): TrustSource {
  if (configPath === undefined) return { publicGood: true, trustedRoots: [], keys: [] };
  const fail = (message: string, pointer: string, cause?: unknown): VerifyError =>
    new VerifyError('TRUST_CONFIG_INVALID', `${configPath}: ${message}`, { pointer: `${configPath}#${pointer}`, cause });
  let doc: unknown;
  try {
    doc = parse(readFileSync(configPath, 'utf8'));
  } catch (cause) {
    throw fail('cannot read or parse YAML', '', cause);
  }
  doc ??= {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw fail('not a mapping', '');
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!['publicGood', 'trustedRoots', 'keys'].includes(k)) throw fail(`unknown key ${k}`, `/${k}`);
  }
  if (d.publicGood !== undefined && typeof d.publicGood !== 'boolean') throw fail('publicGood must be a boolean', '/publicGood');
  const base = dirname(configPath);
  const readRef = (p: string, pointer: string): string => {
    try {
      return readFileSync(resolve(base, p), 'utf8');
    } catch (cause) {
      throw fail(`cannot read ${p}`, pointer, cause);
    }
  };
  const list = (key: 'trustedRoots' | 'keys'): Array<{ name: string; text: string }> => {
    const v = d[key] ?? [];
    if (!Array.isArray(v)) throw fail(`${key} must be a list`, `/${key}`);
    return v.map((item: unknown, i) => {
      const pointer = `/${key}/${i}`;
      if (typeof item !== 'object' || item === null) throw fail('entry must be a mapping', pointer);
      const { name, path, pem } = item as Record<string, unknown>;
      if (typeof name !== 'string' || name === '') throw fail('name required', `${pointer}/name`);
      if (typeof path === 'string') return { name, text: readRef(path, `${pointer}/path`) };
      if (key === 'keys' && typeof pem === 'string') return { name, text: pem };
      throw fail(key === 'keys' ? 'path or pem required' : 'path required', pointer);
    });
  };
  const trustedRoots = list('trustedRoots').map(({ name, text }, i) => {
    try {
      return { name, json: JSON.parse(text) as unknown };
    } catch (cause) {
      throw fail(`trusted root ${name} is not JSON`, `/trustedRoots/${i}`, cause);
    }
  });
  const keys = list('keys').map(({ name, text }) => ({ name, pem: text }));
  return { publicGood: d.publicGood ?? true, trustedRoots, keys } as TrustSource;
}
