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
export function findNul(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = findNul(value[i], `${pointer}/${i}`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && typeof (value as { pipe?: unknown }).pipe !== 'function') {
    for (const key of Object.keys(value)) {
      const at = key.includes('\u0000') ? `${pointer}/${token(key)}` : findNul((value as Record<string, unknown>)[key], `${pointer}/${token(key)}`);
      if (at !== undefined) return at;
    }
  }
  return undefined;
}
