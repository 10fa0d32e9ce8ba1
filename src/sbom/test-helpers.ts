// Test-only helpers: fixture loading.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function fixture(name: string): Buffer {
  const buf = readFileSync(new URL(`../../test/fixtures/sbom/${name}`, import.meta.url));
  return name.endsWith('.gz') ? gunzipSync(buf) : buf;
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
