// PostgreSQL text and jsonb cannot hold U+0000, so a NUL anywhere in a request that is stored (or
// used in a query) would fail deep inside a statement. This finds it at the door, with a pointer.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the body is not checked for U+0000 (query and params still are). */
    nulGuardBody?: boolean;
  }
}

/** RFC 6901: `~` and `/` inside a reference token are escaped. */
function token(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer of the first string (value or member name) in `value` that contains U+0000,
 * or undefined. Walks arrays and objects (the querystring parser's have a null-prototype
 * prototype), not binary data or streams: raw uploads are read by their own parsers.
 */
export function findNul(value: unknown): string | undefined {
  // The path is built only when a NUL is found: this runs on every request, decisions included.
  const path: string[] = [];
  return holdsNul(value, path) ? path.map((k) => `/${token(k)}`).join('') : undefined;
}

function holdsNul(value: unknown, path: string[]): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (holdsNul(value[i], path)) { path.unshift(String(i)); return true; }
    }
    return false;
  }
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (key.includes('\u0000') || holdsNul((value as Record<string, unknown>)[key], path)) { path.unshift(key); return true; }
  }
  return false;
}
